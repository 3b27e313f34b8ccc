"""Printable forms to take to a visit, blank or filled in from a doctor's answers.

`forms_html(kind, case, clinician_id)` draws each form item by item from its Questionnaire
JSON (`FormItem`), with ruled space for answers and for the patient's own questions, and
says each condition (enableWhen) in words. `form_items(q, answers)` is the one walk over a
form with its answers: the printed forms use all of it, the report for the primary doctor
(`sonb.report`) only what was answered (`answered_only=True`). `referral_script_html()` is
the page of words to ask a doctor for a referral. `sonb.pdf` saves them as .html or .pdf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import binding as B
from . import questionnaire as qn
from ._datafiles import texts
from .model import Case, Clinician, DecisionKind, Opinion
from .questionnaire import is_blank
from .questionnaire.items import one_of
from .render import _date, _error, _render, _words, _yes_no

BLANK_LINES = {"string": 1, "text": 4, "date": 1, "integer": 1}  # ruled lines per blank answer
OWN_QUESTIONS_MIN = 5  # numbered lines for the patient's own questions, at least ...
OWN_QUESTIONS_EXTRA = 3  # ... and this many free ones after those already written
SCRIPT_NOTE_LINES = 4  # ruled lines for notes under the referral script


@dataclass
class FormItem:
    """One item of a printed form (generic: built from the Questionnaire JSON)."""

    kind: str  # "group", "display" or "question"
    text: str
    level: int = 0
    link: str = ""  # the item's linkId
    type: str = ""
    number: int | None = None
    condition: str = ""
    hint: str = ""
    answer: str | None = None  # a single answer, as written
    answers: list[str] = field(default_factory=list)  # a repeating item's answers
    repeats: bool = False
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (label, chosen)
    lines: int = 0  # ruled lines to write on
    items: list[FormItem] = field(default_factory=list)

    @property
    def said(self) -> list[str]:
        """A question's answer in words: the choices picked (yes or no too), each answer of a
        repeating item, or the one answer; [] when it has none."""
        if self.choices:
            return [label for label, chosen in self.choices if chosen]
        if self.repeats:
            return list(self.answers)
        return [] if self.answer is None else [self.answer]


def forms_html(kind: DecisionKind | str | None = None, case: Case | None = None,
               clinician_id: str | None = None) -> str:
    """Printable forms with ruled space for answers and for the patient's own questions.

    With `case` and `clinician_id`, the form is the one the app shows for that doctor
    (`sonb.binding.OPINION`: what they said about each choice, then the kind's questions),
    filled in with their answers. The form printed: `kind` if given, else the opinion's form, else the
    case's kind; all four forms when none of these is known.
    """
    clinician, opinion = _who(case, clinician_id)
    kinds = _kinds(kind, case, opinion)
    forms = [_form(k, case, clinician, opinion) for k in kinds]
    words = _words()["forms"]
    return _render("forms.html.j2", t=words, forms=forms, made=_date(dt.date.today()))


def _who(case: Case | None, clinician_id: str | None) -> tuple[Clinician | None, Opinion | None]:
    if clinician_id is None:
        return None, None
    if case is None:
        raise _error("clinician_needs_case")
    try:
        clinician = case.clinician(clinician_id)
    except KeyError:
        raise _error("no_clinician", id=clinician_id) from None
    return clinician, case.opinion_of(clinician_id)


def _kinds(kind: DecisionKind | str | None, case: Case | None, opinion: Opinion | None) -> list[DecisionKind]:
    if kind is not None:
        try:
            return [DecisionKind(kind)]
        except ValueError:
            raise _error("no_kind", kind=kind, kinds=", ".join(k.value for k in DecisionKind)) from None
    if opinion is not None and opinion.form_kind is not None:
        return [opinion.form_kind]
    if case is not None and case.kind is not None:
        return [case.kind]
    return list(DecisionKind)


def _form(kind: DecisionKind, case: Case | None, clinician: Clinician | None,
          opinion: Opinion | None) -> dict:
    blank = qn.load(qn.FORM_FOR_KIND[kind])
    q, answers = blank, {}
    if clinician is not None:  # the form as the app shows it for this doctor
        q = qn.opinion_questionnaire(case, kind)
        if opinion is not None and B.opinion_kind(case, clinician.id) is kind:
            answers = B.OPINION.read(case, clinician.id)
    return {
        "title": blank["title"],
        "description": blank.get("description", ""),
        "doctor": clinician.name if clinician else None,
        "visit": _date(opinion.date) if opinion and opinion.date else None,
        "decision": case.decision if case and case.decision.strip() else None,
        "filled": clinician.name if answers else None,
        "content": form_items(q, answers),
    }


def form_items(q: Mapping, answers: Mapping, answered_only: bool = False) -> list[FormItem]:
    """The form's items, questions numbered 1, 2, ... in order, answers filled in.

    With `answered_only`, only what has an answer: the answered questions, inside the groups
    that hold them (no texts to read, no empty groups, no conditions: an answer says enough)."""
    index = qn.index(q)
    numbers: dict[str, int] = {}

    def build(items: Iterable[Mapping], level: int) -> list[FormItem]:
        out = []
        for item in items:
            link = item["linkId"]
            condition = "" if answered_only else _condition(item, index, numbers)
            if item["type"] == "group":
                inner = build(item["item"], level + 1)
                if inner or not answered_only:
                    out.append(FormItem("group", item["text"], level, link, condition=condition,
                                        items=inner))
            elif item["type"] == "display":
                if not answered_only:
                    out.append(FormItem("display", item["text"], level, link, condition=condition))
            else:
                numbers[link] = len(numbers) + 1
                found = _question(item, answers.get(link), numbers[link], level, condition)
                if found.said or not answered_only:
                    out.append(found)
        return out

    return build(q.get("item") or [], 0)


def _question(item: Mapping, value: Any, number: int, level: int, condition: str) -> FormItem:
    words = _words()["forms"]
    kind = item["type"]
    found = FormItem("question", item["text"], level, item["linkId"], kind, number, condition)
    if kind == "boolean":
        found.choices = [(_yes_no(True), value is True), (_yes_no(False), value is False)]
    elif kind == "choice":
        picked = qn.values_of(value)
        codes = qn.choice_codes(item)
        found.choices = [(c["display"], code in picked) for code, c in codes.items()]
        found.choices += [(str(v), True) for v in picked if not one_of(v, codes)]  # no longer offered
        found.hint = words["pick_any" if item.get("repeats") else "pick_one"]
    elif item.get("repeats"):
        found.repeats = True
        found.answers = [str(v) for v in qn.values_of(value)]
        found.lines = max(OWN_QUESTIONS_MIN, len(found.answers) + OWN_QUESTIONS_EXTRA) - len(found.answers)
        found.hint = words["more_questions"]
    else:
        found.answer = None if is_blank(value) else _date(value) if kind == "date" else str(value)
        found.lines = 0 if found.answer is not None else BLANK_LINES[kind]
        found.hint = _hint(item)
    return found


def _hint(item: Mapping) -> str:
    words = _words()["forms"]
    if item["type"] == "date":
        return words["date_hint"]
    lo, hi = qn.int_range(item)
    return words["range"].format(lo=lo, hi=hi) if lo is not None and hi is not None else ""


def _condition(item: Mapping, index: Mapping[str, Mapping], numbers: Mapping[str, int]) -> str:
    """An item's enableWhen in words: 'If yes:', 'If the answer to question 3 is "Other":'."""
    conditions = item.get("enableWhen") or []
    if not conditions:
        return ""
    words = _words()["forms"]["conditions"]
    latest = len(numbers)  # the number of the question just before this item
    parts = [_condition_part(c, index[c["question"]], numbers[c["question"]], latest) for c in conditions]
    joiner = words["any"] if item.get("enableBehavior") == "any" else words["all"]
    return words["if"].format(conditions=joiner.join(parts))


def _condition_part(condition: Mapping, target: Mapping, number: int, latest: int) -> str:
    words = _words()["forms"]["conditions"]
    to = "" if number == latest else "_to"  # name the question unless it is the one just asked
    operator = condition["operator"]
    if operator == "exists":
        return words[("answered" if condition["answerBoolean"] else "blank") + to].format(n=number)
    value = next(v for k, v in condition.items() if k.startswith("answer"))
    if target["type"] == "boolean" and operator == "=":
        return words[("yes" if value else "no") + to].format(n=number)
    if isinstance(value, Mapping):
        shown = qn.choice_codes(target).get(value.get("code"), {}).get("display", value.get("code"))
    elif isinstance(value, bool):
        shown = _yes_no(value)
    else:
        shown = _date(value) if target["type"] == "date" else str(value)
    return words[("is" if operator == "=" else "is_not") + to].format(n=number, value=shown)


# -- the words to ask for a referral ----------------------------------------------------------

def referral_script_html() -> str:
    """One printable page: what a patient could say to ask their doctor for the name of a
    second doctor (`sonb/data/ui.json`, step 2), with lines to write down who they asked,
    when, and the name they were given."""
    step = texts("ui")["steps"]["doctors"]
    words = _words()["script"]
    return _render("script.html.j2", t=words, title=step["script_title"], script=step["script"],
                   reassure=step["reassure"], lines=SCRIPT_NOTE_LINES,
                   made=_date(dt.date.today()))
