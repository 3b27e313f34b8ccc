"""The one binding between each form the app shows and the case.

`BINDINGS` declares, once per form: its Questionnaire, how its answers are read from a case,
how they are written back (a new, validated case), and which answer each model error belongs
to. The widget layer has one bound form that uses these declarations, and the FHIR Bundle export
and import loop over the same table; no view writes its own answer mapping.

A form may have several instances in a case, named by a `target`: a clinician's id for the
clinician and opinion forms, an option's id for the option form (None: a new record). Answers
of hidden (disabled) items are dropped before validation, as FHIR does.
"""


from __future__ import annotations

from collections.abc import Mapping

from .. import questionnaire as Q
from ..errors import SonbError
from ..model import Case, Clinician, Option, Preferences
from .base import Binding, Loc, Target, drop_blank, field_link, validated
from .judgement import JUDGEMENT
from .opinion import (OPINION, OPINION_FIELDS, Switched, opinion_kind, set_aside_answers,
                      switch_opinion_form)

__all__ = [
    "Binding", "Target", "validated", "BINDINGS", "ASSESSMENT", "OPTION", "CLINICIAN", "PLAN",
    "OPINION", "PREFERENCES", "READINESS_BEFORE", "READINESS_AFTER", "CHOICE", "JUDGEMENT",
    "OPINION_FIELDS",
    "Switched", "opinion_kind", "set_aside_answers", "switch_opinion_form", "shown_preferences",
    "with_shown_preferences", "without_record",
]


# -- a flat record: one field per linkId --------------------------------------------------

def _record_answers(data: Mapping) -> dict:
    return drop_blank({k: v for k, v in data.items() if k != "id"})


def _fixed_record(name: str, form: str) -> Binding:
    """A record held in one field of the case (plan, readiness before/after)."""
    def put(data: dict, target: Target, answers: dict, q: dict) -> None:
        data[name] = {**answers}

    return Binding(
        key=name, what=Q.message(f"what_{name}"), form=lambda case, t: Q.load(form),
        read=lambda case, t: _record_answers(getattr(case, name).model_dump(mode="json")),
        put=put, link_of=field_link((name,)))


def _listed_record(name: str, model: type, form: str) -> Binding:
    """A record in a list of the case (clinicians, options), by id; target None adds one."""
    def position(case: Case, target: Target) -> int:
        ids = [r.id for r in getattr(case, name)]
        return ids.index(target) if target in ids else len(ids)

    def read(case: Case, target: Target) -> dict:
        if target is None:
            return {}
        return _record_answers(_find(getattr(case, name), target).model_dump(mode="json"))

    def put(data: dict, target: Target, answers: dict, q: dict) -> None:
        records = data[name]
        ids = [r["id"] for r in records]
        if target is None:
            records.append({**answers, "id": model.model_fields["id"].default_factory()})
        elif target in ids:
            records[ids.index(target)] = {**answers, "id": target}
        else:
            raise SonbError(f"There is no {model.__name__.lower()} {target!r} in this case.")

    def link_of(case: Case, target: Target, loc: Loc) -> str | None:
        i = position(case, target)
        return str(loc[2]) if loc[:2] == (name, i) and len(loc) > 2 else None

    return Binding(key=model.__name__.lower(), what=Q.message(f"what_{name}"),
                   form=lambda case, t: Q.load(form), read=read, put=put, link_of=link_of,
                   targets=lambda case: [r.id for r in getattr(case, name)], field=name)


def without_record(case: Case, binding: Binding, record_id: str) -> Case:
    """A new, validated case without this record; InvalidInput when the case still uses it
    (an opinion of this clinician, a choice of this option)."""
    data = case.model_dump(mode="json")
    data[binding.field] = [r for r in data[binding.field] if r["id"] != record_id]
    return validated(data, lambda loc: None, binding.what)


def _find(records, record_id: str):
    for record in records:
        if record.id == record_id:
            return record
    raise SonbError(f"There is no record {record_id!r} in this case.")


# -- the assessment: the decision, its kind and the reasons -------------------------------

CASE_FIELDS = ("decision", "kind")


def _assessment_answers(case: Case, target: Target) -> dict:
    answers = dict(case.assessment)
    answers.update(drop_blank({"decision": case.decision,
                                "kind": case.kind.value if case.kind else None}))
    return answers


def _put_assessment(data: dict, target: Target, answers: dict, q: dict) -> None:
    data["decision"] = answers.get("decision", "")
    data["kind"] = answers.get("kind")
    data["assessment"] = {k: v for k, v in answers.items() if k not in CASE_FIELDS}


def _assessment_link(case: Case, target: Target, loc: Loc) -> str | None:
    if loc[:1] == ("assessment",) and len(loc) > 1:
        return str(loc[1])
    return str(loc[0]) if loc[:1] and loc[0] in CASE_FIELDS else None


# -- what matters most, and the choice ----------------------------------------------------

def shown_preferences(case: Case) -> Preferences:
    """The preferences as the form shows them: the case's, or the default list of what may
    matter for this kind of decision, unrated, while the patient has set none (looking never
    saves)."""
    if case.preferences.factors:
        return case.preferences
    return Preferences(factors=Q.default_factors(case.kind))


def with_shown_preferences(case: Case) -> Case:
    """The case as step 6 shows it: with `shown_preferences` (nothing is stored)."""
    return case.model_copy(update={"preferences": shown_preferences(case)})


def _shown_factors(data: dict) -> list[dict]:
    factors = data["preferences"]["factors"]
    return factors or [f.model_dump(mode="json") for f in Q.default_factors(data["kind"])]


def _preferences_form(case: Case, target: Target) -> dict:
    return Q.preferences_questionnaire(with_shown_preferences(case))


def _preferences_answers(case: Case, target: Target) -> dict:
    prefs = case.preferences
    answers = {f"weight.{f.id}": f.weight for f in prefs.factors if f.weight is not None}
    for option_id, scores in prefs.fit.items():
        answers.update({f"fit.{option_id}.{fid}": score for fid, score in scores.items()})
    return answers


def _put_preferences(data: dict, target: Target, answers: dict, q: dict) -> None:
    factors = [dict(f) for f in _shown_factors(data)]
    fit: dict[str, dict[str, int]] = {}
    for factor in factors:
        factor["weight"] = answers.get(f"weight.{factor['id']}")
    for link, value in answers.items():
        parts = link.split(".")
        if parts[0] == "fit" and len(parts) == 3:
            fit.setdefault(parts[1], {})[parts[2]] = value
    data["preferences"] = {"factors": factors, "fit": fit}


def _preferences_link(case: Case, target: Target, loc: Loc) -> str | None:
    factors = shown_preferences(case).factors
    if loc[:2] == ("preferences", "factors") and len(loc) > 2 and isinstance(loc[2], int) \
            and loc[2] < len(factors):
        return f"weight.{factors[loc[2]].id}"
    if loc[:2] == ("preferences", "fit") and len(loc) >= 4:
        return f"fit.{loc[2]}.{loc[3]}"
    return None


def _choice_answers(case: Case, target: Target) -> dict:
    data = case.choice.model_dump(mode="json")
    if data["option"] is None and data["other"]:
        data["option"] = Q.OTHER
    return drop_blank(data)


def _put_choice(data: dict, target: Target, answers: dict, q: dict) -> None:
    choice = dict(answers)
    if choice.get("option") == Q.OTHER:
        choice.pop("option")
    data["choice"] = choice


# -- the table ----------------------------------------------------------------------------

ASSESSMENT = Binding("assessment", Q.message("what_assessment"),
                     form=lambda case, t: Q.load("assessment"), read=_assessment_answers,
                     put=_put_assessment, link_of=_assessment_link)
OPTION = _listed_record("options", Option, "option")
CLINICIAN = _listed_record("clinicians", Clinician, "clinician")
PLAN = _fixed_record("plan", "plan")
PREFERENCES = Binding("preferences", Q.message("what_preferences"), form=_preferences_form,
                      read=_preferences_answers, put=_put_preferences, link_of=_preferences_link)
READINESS_BEFORE = _fixed_record("readiness_before", "readiness")
READINESS_AFTER = _fixed_record("readiness_after", "readiness")
CHOICE = Binding("choice", Q.message("what_choice"),
                 form=lambda case, t: Q.decision_questionnaire(case), read=_choice_answers,
                 put=_put_choice, link_of=field_link(("choice",)))

BINDINGS: dict[str, Binding] = {b.key: b for b in (
    ASSESSMENT, OPTION, CLINICIAN, PLAN, OPINION, JUDGEMENT, PREFERENCES, READINESS_BEFORE,
    READINESS_AFTER, CHOICE)}
"""Every form the app shows, in the order of the journey."""
