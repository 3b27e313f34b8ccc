"""Printable forms to take to a visit, blank or filled in from a doctor's answers.

`forms_html(kind, case, clinician_id)` draws each form item by item from its Questionnaire
JSON (`FormItem`), with ruled space for answers and for the patient's own questions, and
says each condition (enableWhen) in words. `sonb.pdf.write_forms` saves them as .html or .pdf.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import binding as B
from . import questionnaire as qn
from .model import Case, Clinician, DecisionKind, Opinion
from .questionnaire import is_blank
from .render import _date, _error, _render, _words, _yes_no

BLANK_LINES = {"string": 1, "text": 4, "date": 1, "integer": 1}  # ruled lines per blank answer
OWN_QUESTIONS_MIN = 5  # numbered lines for the patient's own questions, at least ...
OWN_QUESTIONS_EXTRA = 3  # ... and this many free ones after those already written


@dataclass
class FormItem:
    """One item of a printed form (generic: built from the Questionnaire JSON)."""

    kind: str  # "group", "display" or "question"
    text: str
    level: int = 0
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
        "content": _form_items(q, answers),
    }


def _form_items(q: Mapping, answers: Mapping) -> list[FormItem]:
    """The form's items, questions numbered 1, 2, ... in order, answers filled in."""
    index = {item["linkId"]: item for item in qn.iter_items(q)}
    numbers: dict[str, int] = {}

    def build(items: Iterable[Mapping], level: int) -> list[FormItem]:
        out = []
        for item in items:
            condition = _condition(item, index, numbers)
            if item["type"] == "group":
                out.append(FormItem("group", item["text"], level, condition=condition,
                                    items=build(item["item"], level + 1)))
            elif item["type"] == "display":
                out.append(FormItem("display", item["text"], level, condition=condition))
            else:
                numbers[item["linkId"]] = len(numbers) + 1
                out.append(_question(item, answers.get(item["linkId"]), numbers[item["linkId"]],
                                     level, condition))
        return out

    return build(q.get("item") or [], 0)


def _question(item: Mapping, value: Any, number: int, level: int, condition: str) -> FormItem:
    words = _words()["forms"]
    kind = item["type"]
    found = FormItem("question", item["text"], level, kind, number, condition)
    if kind == "boolean":
        found.choices = [(_yes_no(True), value is True), (_yes_no(False), value is False)]
    elif kind == "choice":
        picked = value if isinstance(value, list) else [value]
        found.choices = [(c["display"], code in picked) for code, c in qn.choice_codes(item).items()]
        found.hint = words["pick_any" if item.get("repeats") else "pick_one"]
    elif item.get("repeats"):
        found.repeats = True
        found.answers = [v for v in value or [] if isinstance(v, str) and v.strip()]
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
