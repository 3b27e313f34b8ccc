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

from collections.abc import Callable, Mapping

from .. import questionnaire as Q
from ..errors import InvalidInput, SonbError
from ..model import Case, Clinician, Factor, Option, Person, Preferences, new_id
from .base import Binding, Loc, Target, drop_blank, field_link, validated
from .judgement import JUDGEMENT
from .opinion import (OPINION, OPINION_FIELDS, Switched, opinion_kind, set_aside_answers,
                      switch_opinion_form)

__all__ = [
    "Binding", "Target", "validated", "BINDINGS", "ASSESSMENT", "OPTION", "CLINICIAN", "PLAN",
    "OPINION", "PREFERENCES", "READINESS_BEFORE", "READINESS_AFTER", "CHOICE", "JUDGEMENT",
    "OPINION_FIELDS",
    "Switched", "opinion_kind", "set_aside_answers", "switch_opinion_form", "shown_preferences",
    "with_shown_preferences", "without_record", "moved_record", "FACTOR", "PERSON", "DECIDING",
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


def _listed_record(key: str, model: type, form, records: Callable[[Case], list],
                   records_at: Callable[[dict], list], path: tuple, keep: tuple = (),
                   dropped: Callable[[dict, str], None] | None = None,
                   checked: Callable[[dict, Target, dict], dict] | None = None) -> Binding:
    """A record in a list of the case (choices, people, what matters), by id; target None
    adds one. `records(case)` is the list as shown, `records_at(data)` the same list in case
    data (to change), `path` its place in the model (for errors); `keep` names fields the form
    does not ask, kept from the record as it was; `checked(data, target, answers)` returns the
    answers to store or raises InvalidInput; `dropped(data, id)` tidies up after a removal."""
    def position(case: Case, target: Target) -> int:
        ids = [r.id for r in records(case)]
        return ids.index(target) if target in ids else len(ids)

    def read(case: Case, target: Target) -> dict:
        if target is None:
            return {}
        record = _find(records(case), target).model_dump(mode="json")
        return _record_answers({k: v for k, v in record.items() if k not in keep})

    def put(data: dict, target: Target, answers: dict, q: dict) -> None:
        if checked is not None:
            answers = checked(data, target, answers)
        rows = records_at(data)
        ids = [r["id"] for r in rows]
        if target is None:
            rows.append({**answers, "id": new_id()})
        elif target in ids:
            old = rows[ids.index(target)]
            rows[ids.index(target)] = {**{k: old[k] for k in keep if k in old}, **answers,
                                       "id": target}
        else:
            raise SonbError(f"There is no {model.__name__.lower()} {target!r} in this case.")

    def link_of(case: Case, target: Target, loc: Loc) -> str | None:
        n = len(path)
        return str(loc[n + 1]) if loc[:n + 1] == (*path, position(case, target)) \
            and len(loc) > n + 1 else None

    def stored(case: Case) -> list[str]:  # a suggested factor not chosen yet is not stored
        value = case
        for part in path:
            value = getattr(value, part)
        return [r.id for r in value]

    return Binding(key=key, what=Q.message(f"what_{path[-1]}"), form=form, read=read, put=put,
                   link_of=link_of, targets=stored, records=records, records_at=records_at,
                   dropped=dropped or (lambda data, record_id: None))


def _top_list(name: str) -> tuple[Callable[[Case], list], Callable[[dict], list]]:
    return (lambda case: getattr(case, name)), (lambda data: data[name])


def without_record(case: Case, binding: Binding, record_id: str) -> Case:
    """A new, validated case without this record; InvalidInput when the case still uses it
    (an opinion of this clinician, a choice of this option)."""
    data = case.model_dump(mode="json")
    rows = binding.records_at(data)
    rows[:] = [r for r in rows if r["id"] != record_id]
    binding.dropped(data, record_id)
    return validated(data, lambda loc: None, binding.what)


def moved_record(case: Case, binding: Binding, record_id: str, step: int) -> Case:
    """A new, validated case with this record `step` places later in its list (earlier when
    negative), stopping at either end."""
    data = case.model_dump(mode="json")
    rows = binding.records_at(data)
    ids = [r["id"] for r in rows]
    if record_id not in ids:
        raise SonbError(f"There is no record {record_id!r} in this case.")
    row = rows.pop(ids.index(record_id))
    rows.insert(max(0, min(len(rows), ids.index(record_id) + step)), row)
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
    if case.preferences.factors or case.preferences.emptied:
        return case.preferences
    return Preferences(factors=Q.default_factors(case.kind))


def with_shown_preferences(case: Case) -> Case:
    """The case as step 6 shows it: with `shown_preferences` (nothing is stored)."""
    return case.model_copy(update={"preferences": shown_preferences(case)})


def _shown_factors(data: dict) -> list[dict]:
    """The factors of case data, the suggested ones put in first while it has none (so a
    change to the list starts from what the patient saw)."""
    prefs = data["preferences"]
    if not prefs["factors"] and not prefs["emptied"]:
        prefs["factors"] = [f.model_dump(mode="json") for f in Q.default_factors(data["kind"])]
    return prefs["factors"]


def _checked_factor(data: dict, target: Target, answers: dict) -> dict:
    """A factor's label with its spaces tidied; refused when another factor has the same
    words (whatever their case)."""
    label = " ".join(str(answers.get("label", "")).split())
    if any(f["id"] != target and " ".join(f["label"].split()).casefold() == label.casefold()
           for f in _shown_factors(data)):
        raise InvalidInput({"label": Q.message("factor_twice")}, Q.message("what_factors"))
    return {**answers, "label": label}


def _dropped_factor(data: dict, factor_id: str) -> None:
    """After a factor is removed: its ratings go too, and an emptied list stays empty."""
    prefs = data["preferences"]
    for scores in prefs["fit"].values():
        scores.pop(factor_id, None)
    prefs["emptied"] = not prefs["factors"]


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
    data["preferences"] = {**data["preferences"], "factors": factors, "fit": fit}


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
OPTION = _listed_record("option", Option, lambda case, t: Q.load("option"), *_top_list("options"),
                        path=("options",))
CLINICIAN = _listed_record("clinician", Clinician, lambda case, t: Q.load("clinician"),
                           *_top_list("clinicians"), path=("clinicians",))
FACTOR = _listed_record("factor", Factor, lambda case, t: Q.load("factor"),
                        lambda case: shown_preferences(case).factors, _shown_factors,
                        path=("preferences", "factors"), keep=("weight",), dropped=_dropped_factor,
                        checked=_checked_factor)
PERSON = _listed_record("person", Person, lambda case, t: Q.person_questionnaire(case),
                        *_top_list("people"), path=("people",))
DECIDING = _fixed_record("deciding", "deciding")
PLAN = _fixed_record("plan", "plan")
PREFERENCES = Binding("preferences", Q.message("what_preferences"), form=_preferences_form,
                      read=_preferences_answers, put=_put_preferences, link_of=_preferences_link)
READINESS_BEFORE = _fixed_record("readiness_before", "readiness")
READINESS_AFTER = _fixed_record("readiness_after", "readiness")
CHOICE = Binding("choice", Q.message("what_choice"),
                 form=lambda case, t: Q.decision_questionnaire(case), read=_choice_answers,
                 put=_put_choice, link_of=field_link(("choice",)))

BINDINGS: dict[str, Binding] = {b.key: b for b in (
    ASSESSMENT, OPTION, CLINICIAN, PLAN, OPINION, JUDGEMENT, FACTOR, PREFERENCES,
    READINESS_BEFORE, READINESS_AFTER, DECIDING, PERSON, CHOICE)}
"""Every form the app shows, in the order of the journey."""
