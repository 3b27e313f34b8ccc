"""What one doctor said: one form per doctor, in the words of the form for the decision.

The form is `opinion.<kind>` (sonb.questionnaire.builders); switching a doctor's form keeps
what fits and sets the rest aside, never dropping an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import questionnaire as Q
from ..errors import SonbError
from ..model import Case, DecisionKind, Opinion
from .base import Binding, Loc, Target, drop_blank, validated

OPINION_FIELDS = ("date", "diagnosis", "recommended_option", "confidence", "what_if_wait")


def opinion_kind(case: Case, clinician_id: str) -> DecisionKind:
    """The kind of form shown for a doctor: the one used before, the first chosen for the
    visit, the case's kind, else surgery."""
    opinion = case.opinion_of(clinician_id)
    if opinion is not None and opinion.form_kind is not None:
        return opinion.form_kind
    chosen = case.plan.forms_chosen
    return chosen[0] if chosen else (case.kind or DecisionKind.surgery)


def _opinion_form(case: Case, clinician_id: Target) -> dict:
    return Q.opinion_questionnaire(case, opinion_kind(case, clinician_id))


def _opinion_answers(case: Case, clinician_id: Target) -> dict:
    opinion = case.opinion_of(clinician_id)
    if opinion is None:
        return {}
    answers = drop_blank(opinion.model_dump(mode="json", include=set(OPINION_FIELDS)))
    for option_id, view in opinion.views.items():
        answers.update({f"{option_id}.{f}": t for f, t in view.model_dump().items() if t})
    kind_part = {item["linkId"] for item in Q.questions(_opinion_form(case, clinician_id))}
    answers.update({k: v for k, v in opinion.answers.items() if k in kind_part})
    return answers


def _opinion_slot(data: dict, clinician_id: str) -> dict:
    """The latest opinion of this clinician in the case data, added when there is none."""
    found = [o for o in data["opinions"] if o["clinician_id"] == clinician_id]
    if found:
        return found[-1]
    if clinician_id not in {c["id"] for c in data["clinicians"]}:
        raise SonbError(f"There is no clinician {clinician_id!r} in this case.")
    opinion = Opinion(clinician_id=clinician_id).model_dump(mode="json")
    data["opinions"].append(opinion)
    return opinion


def _put_opinion(data: dict, clinician_id: Target, answers: dict, q: dict) -> None:
    opinion = _opinion_slot(data, clinician_id)
    kind = Q.builders.kind_of_opinion_form(q["url"])
    top = {k: answers.get(k) for k in OPINION_FIELDS}
    top["diagnosis"] = top["diagnosis"] or ""
    top["what_if_wait"] = top["what_if_wait"] or ""
    if top["recommended_option"] == Q.NONE:
        top["recommended_option"] = None
    views: dict[str, dict] = {}
    rest: dict[str, Any] = {}
    for link, value in answers.items():
        option_id, _, field = link.partition(".")
        if field in Q.builders.VIEW_FIELDS:
            views.setdefault(option_id, {})[field] = value
        elif link not in OPINION_FIELDS:
            rest[link] = value
    form_links = {item["linkId"] for item in Q.questions(q)}
    left = {k: v for k, v in opinion["answers"].items() if k not in form_links}
    if left and kind is not None:  # answers another form gave: kept aside, not dropped
        old_kind = opinion["form_kind"] or kind.value
        aside = opinion["set_aside"].setdefault(old_kind, {})
        aside.update(left)
    opinion.update(top, views=views, answers=rest,
                   form_kind=kind.value if kind else opinion["form_kind"])


def _opinion_link(case: Case, clinician_id: Target, loc: Loc) -> str | None:
    ids = [i for i, o in enumerate(case.opinions) if o.clinician_id == clinician_id]
    i = ids[-1] if ids else len(case.opinions)
    if loc[:2] != ("opinions", i) or len(loc) < 3:
        return None
    if loc[2] == "views" and len(loc) >= 5:
        return f"{loc[3]}.{loc[4]}"
    if loc[2] == "answers" and len(loc) >= 4:
        return str(loc[3])
    return str(loc[2]) if loc[2] in OPINION_FIELDS else None


@dataclass(frozen=True)
class Switched:
    """What changing a doctor's form did: the new case, and the questions whose answers
    were set aside (they did not fit the new form) or brought back (they fit it again)."""

    case: Case
    set_aside: list[str]
    brought_back: list[str]


def switch_opinion_form(case: Case, clinician_id: str, kind: DecisionKind | str) -> Switched:
    """Show another kind of form for a doctor. Answers that still fit (the same question,
    worded the same, in the new form) are kept; the others are set aside on the opinion
    (`Opinion.set_aside`, by the form they came from) and come back when that form is chosen
    again. Nothing is dropped."""
    kind = DecisionKind(kind)
    opinion = case.opinion_of(clinician_id)
    old_kind = opinion_kind(case, clinician_id)
    if opinion is None or not opinion.answers and not opinion.set_aside:
        return Switched(_with_kind(case, clinician_id, kind), [], [])
    if kind == old_kind:
        return Switched(case, [], [])
    old_items = Q.index(Q.load(Q.FORM_FOR_KIND[old_kind]))
    new_form = Q.opinion_questionnaire(case, kind)
    new_items = Q.index(new_form)

    def valid(link: str, value: Any) -> bool:
        return link in new_items and not Q.validate_answers(new_form, {link: value})

    def fits(link: str, value: Any) -> bool:  # the same question, worded the same
        new, old = new_items.get(link), old_items.get(link)
        same = new is not None and old is not None and \
            (old["type"], old["text"]) == (new["type"], new["text"])
        return same and valid(link, value)

    aside = {k: dict(v) for k, v in opinion.set_aside.items()}
    kept, moved = {}, {}
    for link, value in opinion.answers.items():
        (kept if fits(link, value) else moved)[link] = value
    if moved:
        aside.setdefault(old_kind.value, {}).update(moved)
    back = {k: v for k, v in aside.get(kind.value, {}).items()
            if k not in kept and valid(k, v)}  # they came from this very form
    leftover = {k: v for k, v in aside.pop(kind.value, {}).items() if k not in back}
    if leftover:
        aside[kind.value] = leftover
    kept.update(back)
    data = case.model_dump(mode="json")
    slot = _opinion_slot(data, clinician_id)
    slot.update(answers=kept, form_kind=kind.value, set_aside=aside)
    new_case = validated(data, lambda loc: None, Q.message("what_opinions"))
    text = lambda items, links: [items[k]["text"] for k in links if k in items]  # noqa: E731
    return Switched(new_case, text(old_items, moved), text(new_items, back))


def _with_kind(case: Case, clinician_id: str, kind: DecisionKind) -> Case:
    data = case.model_dump(mode="json")
    _opinion_slot(data, clinician_id)["form_kind"] = kind.value
    return validated(data, lambda loc: None, Q.message("what_opinions"))


def set_aside_answers(case: Case, clinician_id: str) -> list[tuple[str, str, Any]]:
    """(form title, question, answer) for every answer set aside on a doctor's opinion."""
    opinion = case.opinion_of(clinician_id)
    found = []
    for kind, answers in (opinion.set_aside if opinion else {}).items():
        form = Q.load(Q.FORM_FOR_KIND[DecisionKind(kind)])
        items = Q.index(form)
        for link, value in answers.items():
            question = items[link]["text"] if link in items else link
            found.append((form["title"], question, value))
    return found



OPINION = Binding("opinion", Q.message("what_opinions"), form=_opinion_form,
                  read=_opinion_answers, put=_put_opinion, link_of=_opinion_link,
                  targets=lambda case: [c.id for c in case.clinicians
                                        if case.opinion_of(c.id) is not None])
