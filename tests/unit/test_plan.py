"""sonb.plan: the getting-ready checklist and the warnings its dates raise."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sonb._datafiles import texts
from sonb.model import DecisionKind, Plan
from sonb.plan import checklist, checklist_table, warnings, when

TODAY = dt.date(2025, 3, 10)
TEXT = texts("plan")
KEYS = ["insurer_asked", "preapproval", "visit_booked", "records_requested", "records_sent",
        "records_received", "forms_chosen", "report_requested"]


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def complete_plan(**changes) -> Plan:
    """Every step done, visit in 3 days; `changes` undo or alter some of it."""
    fields = dict(
        insurer_asked=days(-20), insurer_covers=True, insurer_requires=False,
        preapproval_needed=True, insurer_reference="REF-123", visit_date=days(3),
        records_requested=days(-15), records_sent=days(-10), records_received=days(-5),
        forms_chosen=[DecisionKind.surgery], report_requested=days(-1),
    )
    return Plan(**{**fields, **changes})


def statuses(plan: Plan) -> dict[str, str]:
    return {s.key: s.status for s in checklist(plan, TODAY)}


def warning_keys(plan: Plan) -> dict[str, str]:
    return {w.key: w.level for w in warnings(plan, TODAY)}


def test_empty_plan_is_all_to_do_and_warns_of_nothing():
    steps = checklist(Plan(), TODAY)
    assert [s.key for s in steps] == KEYS
    assert {s.status for s in steps} == {"to_do"}
    assert all(s.date is None and s.title and s.detail for s in steps)
    assert warnings(Plan(), TODAY) == []


def test_complete_plan_is_all_done_and_warns_of_nothing():
    plan = complete_plan()
    assert set(statuses(plan).values()) == {"done"}
    assert warnings(plan, TODAY) == []
    dates = {s.key: s.date for s in checklist(plan, TODAY)}
    assert dates["visit_booked"] == days(3) and dates["records_received"] == days(-5)


def test_step_details():
    steps = {s.key: s for s in checklist(complete_plan(insurer_requires=None), TODAY)}
    assert steps["insurer_asked"].detail == TEXT["insurer"]["covers"]["true"]
    assert steps["preapproval"].detail == "Your reference number is REF-123."
    assert steps["visit_booked"].detail == "Your visit is in 3 days."
    assert steps["forms_chosen"].detail == "You picked: Surgery."
    past = {s.key: s for s in checklist(complete_plan(visit_date=days(-2)), TODAY)}
    assert past["visit_booked"].detail == "Your visit was 2 days ago."


@pytest.mark.parametrize(
    ("needed", "reference", "status", "detail_key"),
    [(None, "", "to_do", "to_do"), (True, "", "to_do", "needed"), (False, "", "not_needed", "not_needed"),
     (True, "A-1", "done", None), (None, "A-1", "done", None)],
)
def test_preapproval_step(needed, reference, status, detail_key):
    step = checklist(Plan(preapproval_needed=needed, insurer_reference=reference), TODAY)[1]
    assert step.status == status
    if detail_key:
        assert step.detail == TEXT["steps"]["preapproval"][detail_key]
    else:
        assert reference in step.detail


def test_an_insurer_answer_without_a_date_means_the_insurer_was_asked():
    assert statuses(Plan(insurer_covers=False))["insurer_asked"] == "done"
    assert statuses(Plan(preapproval_needed=True))["insurer_asked"] == "done"
    assert "insurer_not_asked" not in warning_keys(Plan(insurer_requires=True, visit_date=days(3)))


def test_a_later_records_step_implies_the_earlier_ones():
    assert statuses(Plan(records_received=days(-1)))["records_requested"] == "done"
    assert statuses(Plan(records_received=days(-1)))["records_sent"] == "done"
    assert statuses(Plan(records_sent=days(-1)))["records_received"] == "to_do"


@pytest.mark.parametrize(
    ("changes", "key", "level"),
    [
        (dict(records_received=None), "records_not_confirmed", "urgent"),
        (dict(records_received=None, visit_date=TODAY), "records_not_confirmed", "urgent"),
        (dict(records_received=None, visit_date=days(7)), "records_not_confirmed", "urgent"),
        (dict(records_sent=None, records_received=None, visit_date=days(-1)), "records_not_sent_before_visit", "caution"),
        (dict(insurer_reference=""), "no_reference_number", "urgent"),
        (dict(insurer_reference="", visit_date=days(30)), "no_reference_number", "caution"),
        (dict(insurer_reference="   ", visit_date=None), "no_reference_number", "caution"),
        (dict(records_received=days(-12)), "received_before_sent", "caution"),
        (dict(records_sent=days(-20)), "sent_before_requested", "caution"),
        (dict(records_sent=None, records_received=days(-16)), "received_before_requested", "caution"),
        (dict(insurer_asked=None, insurer_covers=None, insurer_requires=None, preapproval_needed=None,
              insurer_reference=""), "insurer_not_asked", "caution"),
        (dict(insurer_covers=False), "not_covered", "caution"),
        (dict(report_requested=None), "report_not_requested", "caution"),
        (dict(report_requested=None, visit_date=days(-3)), "report_not_requested", "caution"),
    ],
)
def test_each_warning(changes, key, level):
    assert warning_keys(complete_plan(**changes)) == {key: level}


@pytest.mark.parametrize(
    "changes",
    [
        dict(records_received=None, visit_date=days(8)),           # not close yet
        dict(report_requested=None, visit_date=days(8)),           # not close yet
        dict(insurer_asked=None, visit_date=days(-1)),             # visit already over
        dict(records_received=None, visit_date=days(-1)),          # sent, visit over
        dict(preapproval_needed=False, insurer_reference=""),      # no approval needed
        dict(records_sent=days(-5), records_received=days(-5)),    # same day is fine
    ],
)
def test_no_warning_when_nothing_is_wrong(changes):
    assert warnings(complete_plan(**changes), TODAY) == []


def test_warning_messages_name_the_days_and_urgent_come_first():
    plan = complete_plan(insurer_covers=False, records_received=None, visit_date=days(2))
    found = warnings(plan, TODAY)
    assert [w.level for w in found] == ["urgent", "caution"]
    assert "in 2 days" in found[0].message
    assert found[1].message == TEXT["warnings"]["not_covered"]


@pytest.mark.parametrize(
    ("offset", "words"),
    [(0, "today"), (1, "tomorrow"), (5, "in 5 days"), (-1, "yesterday"), (-4, "4 days ago")],
)
def test_when(offset, words):
    assert when(days(offset), TODAY) == words


def test_checklist_table():
    table = checklist_table(complete_plan(report_requested=None), TODAY)
    cols = TEXT["columns"]
    assert list(table.index) == KEYS
    assert list(table.columns) == [cols["title"], cols["status"], cols["date"], cols["detail"]]
    assert table.loc["visit_booked", cols["date"]] == days(3)
    assert table.loc["report_requested", cols["date"]] is pd.NA
    assert table.loc["report_requested", cols["status"]] == TEXT["status"]["to_do"]
    assert table.loc["insurer_asked", cols["status"]] == TEXT["status"]["done"]


def test_pure_and_defaults_to_today():
    plan = complete_plan(visit_date=dt.date.today() + dt.timedelta(days=1), records_received=None)
    before = plan.model_dump()
    assert "records_not_confirmed" in {w.key for w in warnings(plan)}
    assert checklist(plan)[2].detail == "Your visit is tomorrow."
    assert plan.model_dump() == before
