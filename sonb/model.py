"""The case model: everything one person records about one health decision.

How each form's answers map onto these models is declared once, in `sonb.binding`. Every check runs here, in Python, whatever a browser sends.
"""

from __future__ import annotations

import re
import secrets
import datetime as dt
from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from ._datafiles import texts
from .errors import explain

SCHEMA_VERSION = 1

SHORT_TEXT = 200
LONG_TEXT = 5_000
MAX_ITEMS = 50

Name = Annotated[str, StringConstraints(max_length=SHORT_TEXT)]
Text = Annotated[str, StringConstraints(max_length=LONG_TEXT)]
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Weight = Annotated[int, Field(ge=0, le=5)]
# One answer to one questionnaire item: yes/no, a whole number, text/choice code/ISO date,
# or a list of texts for a repeating item.
Answer = bool | int | Text | Annotated[list[Text], Field(max_length=MAX_ITEMS)]
Answers = Annotated[dict[Id, Answer], Field(max_length=500)]


CASE_ID = r"^[A-Za-z0-9_-]{8,64}$"
"""The form of a case id, which doubles as the patient's resume code."""
_CASE_ID = re.compile(CASE_ID)


def resume_code_problem(code: str) -> str | None:
    """What is wrong with a typed resume code, as a key of ui.json's `start` texts (None: it
    has the form of a case id): `no_code`, `code_length` or `bad_code`."""
    code = code.strip()
    if not code:
        return "no_code"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", code):
        return "bad_code"
    return None if _CASE_ID.match(code) else "code_length"


def new_id(nbytes: int = 4) -> str:
    """A short random id for clinicians, options and opinions."""
    return secrets.token_hex(nbytes)


def new_case_id() -> str:
    """A long random case id (144 bits): it doubles as the patient's resume code."""
    return secrets.token_urlsafe(18)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class DecisionKind(str, Enum):
    new_medicine = "new_medicine"
    surgery = "surgery"
    medical_test = "medical_test"
    special_treatment = "special_treatment"


class _Labels(Mapping):
    """Codes -> their short names in the current language (a group of sonb/data/forms.json)."""

    def __init__(self, group: str, codes: type[Enum]):
        self._group, self._codes = group, codes

    def __getitem__(self, code):
        return texts("forms")[self._group][self._codes(code).value]

    def __iter__(self):
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)


DECISION_KIND_LABELS = _Labels("kind_labels", DecisionKind)
"""Short names of the kinds of decision, as tables and lists show them (sonb/data/forms.json)."""


class Role(str, Enum):
    primary = "primary"
    first_opinion = "first_opinion"
    second_opinion = "second_opinion"
    other_professional = "other_professional"


ROLE_LABELS = _Labels("role_labels", Role)
"""Short names of each person's part in your care (sonb/data/forms.json)."""


class HowFound(str, Enum):
    own_doctor = "own_doctor"
    insurer = "insurer"
    medical_society = "medical_society"
    university_hospital = "university_hospital"
    other = "other"


Confidence = Literal["very_sure", "fairly_sure", "not_sure"]


class Record(BaseModel):
    """Base for every model: unknown fields are refused, assignments are checked."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @classmethod
    def parse(cls, data: dict, what: str | None = None):
        """Validate `data`; raise InvalidInput with plain messages instead of pydantic's."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise explain(exc, what or f"The {cls.__name__.lower()}") from None


class Clinician(Record):
    id: Id = Field(default_factory=new_id)
    name: Annotated[Name, StringConstraints(min_length=1)]
    specialty: Name = ""
    role: Role = Role.second_opinion
    institution: Name = ""
    how_found: HowFound | None = None
    connected_to_first: bool | None = None


class Option(Record):
    id: Id = Field(default_factory=new_id)
    name: Annotated[Name, StringConstraints(min_length=1)]
    description: Text = ""


class OptionView(Record):
    """What one clinician said about one option."""

    benefits: Text = ""
    risks: Text = ""
    how_well: Text = ""
    daily_now: Text = ""
    daily_later: Text = ""
    recovery: Text = ""
    cost: Text = ""


class Opinion(Record):
    id: Id = Field(default_factory=new_id)
    clinician_id: Id
    date: dt.date | None = None
    diagnosis: Text = ""
    recommended_option: Id | None = None
    confidence: Confidence | None = None
    what_if_wait: Text = ""
    views: Annotated[dict[Id, OptionView], Field(max_length=MAX_ITEMS)] = {}
    form_kind: DecisionKind | None = None
    answers: Answers = {}
    set_aside: Annotated[dict[DecisionKind, Answers], Field(max_length=4)] = {}
    """Answers another form gave, kept when the patient switched this doctor's form (by the
    form they came from); they come back when that form is chosen again."""


RecordItem = Literal["test_results", "imaging", "pathology", "medicines", "release_form",
                     "visit_notes"]
"""What can be sent ahead to the second doctor (the codes of plan.json's `records_items`)."""


class Plan(Record):
    """The guide's getting-ready steps. Dates are when a step happened (or is booked)."""

    insurer_asked: dt.date | None = None
    insurer_covers: bool | None = None
    insurer_requires: bool | None = None
    preapproval_needed: bool | None = None
    insurer_reference: Name = ""
    visit_date: dt.date | None = None
    records_items: Annotated[list[RecordItem], Field(max_length=6)] = []  # what to send ahead
    records_requested: dt.date | None = None
    records_sent: dt.date | None = None
    records_received: dt.date | None = None
    forms_chosen: Annotated[list[DecisionKind], Field(max_length=4)] = []
    report_requested: dt.date | None = None


class Factor(Record):
    id: Id
    label: Annotated[Name, StringConstraints(min_length=1)]
    weight: Weight | None = None  # None: the patient has not said yet


class Preferences(Record):
    """What matters to the patient (0-5 each) and how well each option serves each factor."""

    factors: Annotated[list[Factor], Field(max_length=MAX_ITEMS)] = []
    fit: Annotated[dict[Id, dict[Id, Weight]], Field(max_length=MAX_ITEMS)] = {}
    emptied: bool = False
    """The patient removed every factor: an empty list is then theirs (no suggestions shown)."""


class Readiness(Record):
    """The four yes/no questions, asked before and after the second opinion."""

    sure: bool | None = None
    understand: bool | None = None
    values_clear: bool | None = None
    support: bool | None = None


DecidingRole = Literal["myself", "shared", "others"]
DecidingStage = Literal["not_started", "thinking", "close", "decided"]


class Deciding(Record):
    """How the patient wants to decide, by when, and how far along they are (the Ottawa
    Personal Decision Guide's parts)."""

    role: DecidingRole | None = None
    with_whom: Name = ""  # who shares the choice, or who makes it
    deadline: dt.date | None = None
    stage: DecidingStage | None = None


class Person(Record):
    """Someone who is part of the patient's choice: what they prefer, and whether they press."""

    id: Id = Field(default_factory=new_id)
    name: Annotated[Name, StringConstraints(min_length=1)]
    relation: Name = ""
    prefers: Id | None = None  # the id of the option they would pick (None: not known)
    presses: bool | None = None


class Decision(Record):
    option: Id | None = None
    other: Name = ""
    reasons: Text = ""
    date: dt.date | None = None


Verdict = Literal["same", "differ", "unsure"]


class Judgement(Record):
    """The patient's answer to "Did they say the same thing?" about two doctors' answers.

    `about` is what was compared ("diagnosis", or "<option id>.<aspect>" such as
    "surgery.risks"); `first` and `second` are the two answers as typed. The judgement holds
    while both answers stay as they were; it always wins over sonb's own verdict
    ("unsure": the patient does not know, sonb's verdict stands)."""

    about: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}(\.[a-z_]{1,32})?$")]
    first: Text
    second: Text
    verdict: Verdict


class Case(Record):
    id: Annotated[str, StringConstraints(pattern=CASE_ID)] = Field(
        default_factory=new_case_id
    )
    schema_version: Literal[1] = SCHEMA_VERSION
    revision: Annotated[int, Field(ge=0)] = 0
    created: dt.datetime = Field(default_factory=now)
    updated: dt.datetime = Field(default_factory=now)
    language: Literal["en", "es"] = "en"  # the language the patient reads (sonb.i18n)
    decision: Text = ""
    kind: DecisionKind | None = None
    assessment: Answers = {}
    clinicians: Annotated[list[Clinician], Field(max_length=MAX_ITEMS)] = []
    options: Annotated[list[Option], Field(max_length=MAX_ITEMS)] = []
    opinions: Annotated[list[Opinion], Field(max_length=MAX_ITEMS)] = []
    plan: Plan = Field(default_factory=Plan)
    preferences: Preferences = Field(default_factory=Preferences)
    readiness_before: Readiness = Field(default_factory=Readiness)
    readiness_after: Readiness = Field(default_factory=Readiness)
    deciding: Deciding = Field(default_factory=Deciding)
    people: Annotated[list[Person], Field(max_length=MAX_ITEMS)] = []
    choice: Decision = Field(default_factory=Decision)
    judgements: Annotated[list[Judgement], Field(max_length=500)] = []

    @model_validator(mode="after")
    def _references_exist(self):
        clinicians = {c.id for c in self.clinicians}
        options = {o.id for o in self.options}
        factors = {f.id for f in self.preferences.factors}
        _unique("clinicians", [c.id for c in self.clinicians])
        _unique("options", [o.id for o in self.options])
        _unique("opinions", [o.id for o in self.opinions])
        _unique("preferences.factors", [f.id for f in self.preferences.factors])
        _unique("people", [p.id for p in self.people])
        for i, op in enumerate(self.opinions):
            if op.clinician_id not in clinicians:
                raise ValueError(f"opinions[{i}] names a clinician who is not in the case")
            if op.recommended_option is not None and op.recommended_option not in options:
                raise ValueError(f"opinions[{i}] recommends an option that is not in the case")
            if set(op.views) - options:
                raise ValueError(f"opinions[{i}] describes an option that is not in the case")
        if set(self.preferences.fit) - options:
            raise ValueError("preferences.fit rates an option that is not in the case")
        for scores in self.preferences.fit.values():
            if set(scores) - factors:
                raise ValueError("preferences.fit rates a factor that is not in the list")
        for i, person in enumerate(self.people):
            if person.prefers is not None and person.prefers not in options:
                raise ValueError(f"people[{i}] prefers an option that is not in the case")
        if self.choice.option is not None and self.choice.option not in options:
            raise ValueError("the choice names an option that is not in the case")
        return self

    # -- lookups -------------------------------------------------------------------------
    def clinician(self, clinician_id: str) -> Clinician:
        return _find(self.clinicians, clinician_id, "clinician")

    def option(self, option_id: str) -> Option:
        return _find(self.options, option_id, "option")

    def opinion_of(self, clinician_id: str) -> Opinion | None:
        """The latest opinion recorded for a clinician, or None."""
        found = [o for o in self.opinions if o.clinician_id == clinician_id]
        return found[-1] if found else None

    def touch(self) -> None:
        self.updated = now()

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)


def _unique(what: str, ids: list[str]) -> None:
    if len(ids) != len(set(ids)):
        raise ValueError(f"{what} has two entries with the same id")


def _find(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"No {what} with id {item_id!r} in this case.")
