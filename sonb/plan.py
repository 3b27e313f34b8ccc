"""Step 3: get ready. The guide's steps as a checklist with dates, and warnings from the dates.

Every function is pure: it reads a `Plan` and a `today`, and returns new objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from . import questionnaire as qn
from ._datafiles import texts
from .model import DECISION_KIND_LABELS, Plan

Status = Literal["done", "to_do", "not_needed"]
WarningLevel = Literal["urgent", "caution"]

SOON_DAYS = 7  # a visit this close (or closer) needs its records confirmed
RECORDS_CHAIN = ("records_requested", "records_sent", "records_received")


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    status: Status
    date: dt.date | None
    detail: str


@dataclass(frozen=True)
class PlanWarning:
    key: str
    level: WarningLevel
    message: str


Warning = PlanWarning  # the name used in the design; `PlanWarning` avoids the builtin


# -- checklist ---------------------------------------------------------------------------

def checklist(plan: Plan, today: dt.date | None = None) -> list[Step]:
    """The getting-ready steps in the guide's order, each with its status and date."""
    today = today or dt.date.today()
    return [
        _insurer_step(plan),
        _preapproval_step(plan),
        _visit_step(plan, today),
        *(_records_step(plan, key) for key in RECORDS_CHAIN),
        _forms_step(plan),
        _dated_step("report_requested", plan.report_requested),
    ]


def checklist_rows(plan: Plan, today: dt.date | None = None) -> tuple[list[str], list[str], list[list]]:
    """The checklist without pandas: column names, step keys, and rows of
    (title, status, date or None, detail)."""
    data = texts("plan")
    columns, status = data["columns"], data["status"]
    steps = checklist(plan, today)
    rows = [[s.title, status[s.status], s.date, s.detail] for s in steps]
    names = [columns[k] for k in ("title", "status", "date", "detail")]
    return names, [s.key for s in steps], rows


def checklist_table(plan: Plan, today: dt.date | None = None):
    """The checklist as a DataFrame indexed by step key, with plain column names."""
    import pandas as pd

    names, keys, rows = checklist_rows(plan, today)
    rows = [[pd.NA if value is None else value for value in row] for row in rows]
    return pd.DataFrame(rows, index=pd.Index(keys, name="step"), columns=names)


def _step(key: str, status: Status, date: dt.date | None = None, detail: str | None = None) -> Step:
    """A step with its title; the detail defaults to the step's text for that status, if any."""
    text = texts("plan")["steps"][key]
    return Step(key, text["title"], status, date, text.get(status, "") if detail is None else detail)


def _dated_step(key: str, date: dt.date | None, done_detail: str = "") -> Step:
    if date is None:
        return _step(key, "to_do")
    return _step(key, "done", date, done_detail)


def _insurer_asked(plan: Plan) -> bool:
    """Asked when dated, or when any of the insurer's answers is written down."""
    answers = (plan.insurer_covers, plan.insurer_requires, plan.preapproval_needed)
    return plan.insurer_asked is not None or any(a is not None for a in answers)


def _insurer_step(plan: Plan) -> Step:
    if not _insurer_asked(plan):
        return _step("insurer_asked", "to_do")
    insurer = texts("plan")["insurer"]
    facts = [
        insurer["covers"][_json_key(plan.insurer_covers)],
        insurer["requires"][_json_key(plan.insurer_requires)],
    ]
    return _step("insurer_asked", "done", plan.insurer_asked, " ".join(f for f in facts if f))


def _preapproval_step(plan: Plan) -> Step:
    text = texts("plan")["steps"]["preapproval"]
    if plan.insurer_reference.strip():
        return _step("preapproval", "done", detail=text["reference"].format(reference=plan.insurer_reference))
    if plan.preapproval_needed is False:
        return _step("preapproval", "not_needed")
    if plan.preapproval_needed:
        return _step("preapproval", "to_do", detail=text["needed"])
    return _step("preapproval", "to_do")


def _visit_step(plan: Plan, today: dt.date) -> Step:
    if plan.visit_date is None:
        return _step("visit_booked", "to_do")
    text = texts("plan")["steps"]["visit_booked"]
    template = text["passed"] if plan.visit_date < today else text["upcoming"]
    return _step("visit_booked", "done", plan.visit_date, template.format(when=when(plan.visit_date, today)))


def _records_step(plan: Plan, key: str) -> Step:
    """A records step is done when it has a date, or when a later step in the chain has one.
    The first one names the records picked to send ahead (`records_items`), if any."""
    date = getattr(plan, key)
    later = RECORDS_CHAIN[RECORDS_CHAIN.index(key) + 1:]
    done = date is not None or any(getattr(plan, k) is not None for k in later)
    detail = _records_list(plan, done) if key == RECORDS_CHAIN[0] else None
    return _step(key, "done" if done else "to_do", date, detail)


def record_item_labels() -> dict[str, str]:
    """The records one can send ahead, code -> words (plan.json's `records_items` choices)."""
    item = qn.index(qn.load("plan"))["records_items"]
    return {code: coding["display"] for code, coding in qn.choice_codes(item).items()}


def _records_list(plan: Plan, done: bool) -> str | None:
    """'Ask them to send these ...: Test results ...; Notes from your visits.' (None: no list)."""
    if not plan.records_items:
        return None
    labels = record_item_labels()
    text = texts("plan")["steps"]["records_requested"]["listed" if done else "ask_for"]
    return text.format(items="; ".join(labels[code] for code in plan.records_items))


def _forms_step(plan: Plan) -> Step:
    if not plan.forms_chosen:
        return _step("forms_chosen", "to_do")
    forms = ", ".join(DECISION_KIND_LABELS[k] for k in plan.forms_chosen)
    return _step("forms_chosen", "done", detail=texts("plan")["steps"]["forms_chosen"]["picked"].format(forms=forms))


def _json_key(value: bool | None) -> str:
    return {True: "true", False: "false", None: "null"}[value]


def when(date: dt.date, today: dt.date) -> str:
    """'today', 'tomorrow', 'in 5 days', 'yesterday', '3 days ago'."""
    days = (date - today).days
    words = texts("plan")["when"]
    key = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(days, "future" if days > 0 else "past")
    return words[key].format(days=abs(days))


# -- warnings ----------------------------------------------------------------------------

def warnings(plan: Plan, today: dt.date | None = None) -> list[PlanWarning]:
    """Problems the dates reveal, the urgent ones first."""
    today = today or dt.date.today()
    found = [
        *_visit_warnings(plan, today),
        *_insurer_warnings(plan, today),
        *_order_warnings(plan),
    ]
    return sorted(found, key=lambda w: w.level != "urgent")


def _warning(key: str, level: WarningLevel, **fields) -> PlanWarning:
    return PlanWarning(key, level, texts("plan")["warnings"][key].format(**fields))


def _visit_soon(plan: Plan, today: dt.date) -> bool:
    return plan.visit_date is not None and 0 <= (plan.visit_date - today).days <= SOON_DAYS


def _visit_passed(plan: Plan, today: dt.date) -> bool:
    return plan.visit_date is not None and plan.visit_date < today


def _visit_warnings(plan: Plan, today: dt.date):
    if plan.visit_date is None:
        return
    said = {"when": when(plan.visit_date, today)}
    if _visit_soon(plan, today) and plan.records_received is None:
        yield _warning("records_not_confirmed", "urgent", **said)
    if _visit_passed(plan, today) and plan.records_sent is None and plan.records_received is None:
        yield _warning("records_not_sent_before_visit", "caution", **said)
    if (_visit_soon(plan, today) or _visit_passed(plan, today)) and plan.report_requested is None:
        yield _warning("report_not_requested", "caution")


def _insurer_warnings(plan: Plan, today: dt.date):
    if plan.visit_date is not None and not _visit_passed(plan, today) and not _insurer_asked(plan):
        yield _warning("insurer_not_asked", "caution")
    if plan.preapproval_needed and not plan.insurer_reference.strip():
        yield _warning("no_reference_number", "urgent" if _visit_soon(plan, today) else "caution")
    if plan.insurer_covers is False:
        yield _warning("not_covered", "caution")


def _order_warnings(plan: Plan):
    """Records cannot arrive before they are sent, nor be sent before they are asked for."""
    dated = [(key, getattr(plan, key)) for key in RECORDS_CHAIN if getattr(plan, key) is not None]
    for (earlier_key, earlier), (later_key, later) in zip(dated, dated[1:]):
        if later < earlier:
            first, second = later_key.removeprefix("records_"), earlier_key.removeprefix("records_")
            yield _warning(f"{first}_before_{second}", "caution")
