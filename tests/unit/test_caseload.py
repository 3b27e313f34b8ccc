"""The navigator's caseload: where each patient is, what needs attention first, the week's
visits, and the list as CSV. A case is named by its log reference, never by its id."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pandas as pd
import pytest

from sonb import caseload as CL
from sonb import compare, plan
from sonb._datafiles import texts
from sonb.caseload import Entry, caseload, filter_caseload, label, step_of
from sonb.examples import load_example
from sonb.model import Case, Decision, Opinion, Role, new_case_id
from sonb.store import log_ref

TODAY = dt.date(2025, 3, 20)  # a Thursday: the week is 17-23 March
XSS = "<img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def variant(case: Case, plan_fields: dict | None = None, **fields) -> Case:
    """A copy of `case` with a new id (so it is another case), its plan and fields changed."""
    if plan_fields:
        fields["plan"] = case.plan.model_copy(update=plan_fields)
    return case.model_copy(update={"id": new_case_id(), **fields})


def at(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def stamp(day: int) -> dt.datetime:
    return dt.datetime(2025, 3, day, 9, tzinfo=dt.UTC)


def texts_week(key: str) -> str:
    """The label of a column of the week's table."""
    return texts("caseload")["week"]["columns"][key]


def column(table, key: str) -> list:
    return table[label(key)].tolist()


def only_choices(case: Case) -> Case:
    """The case with each opinion reduced to the doctor's recommendation: nothing to check."""
    opinions = [Opinion(clinician_id=o.clinician_id, recommended_option=o.recommended_option)
                for o in case.opinions]
    return variant(case, opinions=opinions)


@pytest.fixture
def example() -> Case:
    return load_example("back_pain")


# -- the table --------------------------------------------------------------------------------

def test_no_entries_give_an_empty_table_with_every_column():
    table = caseload([], TODAY)
    assert table.empty and list(table.columns) == [label(k) for k in CL.COLUMNS]
    assert filter_caseload(table, "x", needs_attention=True, step=2).empty
    assert CL.visits_this_week(table, TODAY)[texts_week("visits")].tolist() == [0] * 7
    assert CL.csv_bytes(table).decode("utf-8").splitlines() == [
        ",".join([table.index.name, *table.columns])]


def test_a_blank_case_is_at_step_one_and_needs_nothing():
    case = Case()
    table = caseload([Entry("Ana", case)], TODAY)
    row = table.iloc[0]
    assert table.index.tolist() == [f"Ana/{log_ref(case.id)}"]
    assert row[label("step")] == 1 and row[label("step_name")] == "Assess"
    assert not row[label("done")] and not row[label("doctors_differ")]
    assert (row[label("warning_count")], row[label("open_questions")], row[label("attention")]) == (0, 0, 0)
    assert row[label("warnings")] == "" and pd.isna(row[label("next_visit")])
    assert row[label("changed_by")] == "Patient" and row[label("case")] == log_ref(case.id)


def test_the_example_is_at_compare_with_doctors_who_differ_and_open_questions(example):
    row = caseload([Entry("Ana", example, "Nina")], TODAY).iloc[0]
    assert row[label("step")] == 5 and row[label("step_name")] == "Compare"
    assert row[label("doctors_differ")]
    assert row[label("open_questions")] == len(compare.unanswered_table(example)) > 0
    assert row[label("attention")] == CL.DIFFERS + CL.OPEN
    assert row[label("next_visit")] == pd.Timestamp(example.plan.visit_date)
    assert row[label("changed_by")] == "Nina" and row[label("updated")] == pd.Timestamp(example.updated)


def test_warnings_are_the_plans_own_joined_and_counted(example):
    case = variant(example, {"visit_date": at(3), "records_received": None, "report_requested": None})
    row = caseload([Entry("Ana", case)], TODAY).iloc[0]
    found = plan.warnings(case.plan, TODAY)
    assert len(found) == 2 and row[label("warning_count")] == 2
    assert row[label("warnings")] == "; ".join(w.message for w in found)
    assert row[label("attention")] == CL.URGENT + CL.CAUTION + CL.DIFFERS + CL.OPEN


def test_the_latest_revision_of_a_case_is_its_one_row(example):
    older = example.model_copy(update={"revision": 1, "decision": "old words"})
    newer = example.model_copy(update={"revision": 2})
    table = caseload([Entry("Ana", newer, "Nina"), Entry("Ana", older)], TODAY)
    assert len(table) == 1 and column(table, "changed_by") == ["Nina"]
    assert column(table, "decision") == [example.decision]


# -- where the patient is ---------------------------------------------------------------------

def test_each_step_is_the_first_one_not_done(example):
    okafor = next(c for c in example.clinicians if c.role is Role.second_opinion)
    no_second = [c.model_copy(update={"role": Role.first_opinion}) if c is okafor else c
                 for c in example.clinicians]
    assert step_of(variant(example, assessment={})) == 1
    assert step_of(variant(example, assessment={"urgent": ""})) == 1  # only blank answers
    assert step_of(variant(example, clinicians=no_second)) == 2
    assert step_of(variant(example, {"visit_date": None})) == 3
    assert step_of(variant(example, opinions=[])) == 4
    assert step_of(variant(example, opinions=example.opinions[:1])) == 4  # one doctor: nothing to compare
    others = [o for o in example.opinions if o.clinician_id != okafor.id]
    assert len(others) == 2 and step_of(variant(example, opinions=others)) == 4  # no second opinion
    assert step_of(example) == 5  # sonb cannot tell whether some answers say the same
    assert step_of(only_choices(example)) == 6


def test_a_choice_made_is_step_six_and_done_whatever_else_is_missing(example):
    case = example
    made = variant(case, assessment={}, choice=Decision(other="Wait and see"))
    row = caseload([Entry("Ana", made)], TODAY).iloc[0]
    assert step_of(made) == 6 and row[label("done")]
    assert not caseload([Entry("Ana", case)], TODAY).iloc[0][label("done")]
    assert CL.is_done(variant(case, choice=Decision(option=case.options[0].id)))
    assert not CL.is_done(variant(case, choice=Decision(other="  ")))


# -- what needs attention first ---------------------------------------------------------------

def test_a_visit_in_three_days_without_records_confirmed_comes_first(example):
    urgent = variant(example, {"visit_date": at(3), "records_received": None}, updated=stamp(1))
    caution = variant(example, {"visit_date": at(-5), "records_sent": None, "records_received": None})
    entries = [Entry("Blank", Case()), Entry("Knee", load_example("knee_mri")),
               Entry("Differ", example), Entry("Caution", caution), Entry("Urgent", urgent)]
    table = caseload(entries, TODAY)
    assert column(table, "patient") == ["Urgent", "Caution", "Differ", "Knee", "Blank"]
    assert "no one has told you that your records arrived" in column(table, "warnings")[0]


def test_doctors_who_differ_rank_above_open_questions_whatever_the_dates(example):
    differ = variant(example, {"visit_date": None}, updated=stamp(1))
    knee = variant(load_example("knee_mri"), {"visit_date": at(30)})
    table = caseload([Entry("Open", knee), Entry("Differ", differ)], TODAY)
    assert column(table, "patient") == ["Differ", "Open"]
    assert column(table, "doctors_differ") == [True, False]
    assert column(table, "attention") == [3, 1]
    assert all(n > 0 for n in column(table, "open_questions"))


def test_a_difference_alone_outranks_any_number_of_open_questions(example, monkeypatch):
    differ = only_choices(example)  # the doctors suggest different choices
    real = compare.unanswered_table
    monkeypatch.setattr(compare, "unanswered_table",
                        lambda case: real(case).iloc[:0] if case.id == differ.id else real(case))
    table = caseload([Entry("Open", load_example("knee_mri")), Entry("Differ", differ)], TODAY)
    assert column(table, "patient") == ["Differ", "Open"]
    assert column(table, "open_questions")[0] == 0 and column(table, "open_questions")[1] > 0
    assert column(table, "attention") == [2, 1]


def test_ties_go_to_the_soonest_upcoming_visit_then_the_latest_update():
    def booked(days: int, day: int) -> Case:
        return Case(plan={"visit_date": at(days)}, updated=stamp(day))

    entries = [Entry("Later", booked(20, 19)), Entry("Passed", booked(-2, 19)),
               Entry("Sooner", booked(10, 1)), Entry("Old", Case(updated=stamp(2))),
               Entry("New", Case(updated=stamp(3)))]
    table = caseload(entries, TODAY)
    assert column(table, "attention")[:3] == [CL.CAUTION] * 3  # all with cautions
    assert column(table, "patient") == ["Sooner", "Later", "Passed", "New", "Old"]


# -- filters ----------------------------------------------------------------------------------

@pytest.fixture
def table(example):
    knee = load_example("knee_mri")
    return caseload([Entry("Ana María", example), Entry("Dr. (Smith)", knee), Entry("axb", Case()),
                     Entry("Bob", variant(knee, decision="Which [brace] *now*?"))], TODAY)


def test_text_matches_patient_or_decision_in_any_case(table):
    assert column(filter_caseload(table, "ANA MAR"), "patient") == ["Ana María"]
    assert set(column(filter_caseload(table, "knee"), "patient")) == {"Dr. (Smith)"}
    assert set(column(filter_caseload(table, "  herniated "), "patient")) == {"Ana María"}
    assert len(filter_caseload(table, "")) == len(table) == 4


@pytest.mark.parametrize("text, found", [("(", {"Dr. (Smith)"}), (".", {"Dr. (Smith)"}),
                                         ("a.b", set()), ("[brace]", {"Bob"}), ("*now*", {"Bob"}),
                                         (".*", set())])
def test_text_is_taken_literally_not_as_a_pattern(table, text, found):
    assert set(column(filter_caseload(table, text), "patient")) == found


def test_step_and_needs_attention_filter(table):
    assert column(filter_caseload(table, step=1), "patient") == ["axb"]
    assert filter_caseload(table, step=2).empty
    needing = filter_caseload(table, needs_attention=True)
    assert "axb" not in column(needing, "patient") and len(needing) == 3
    assert column(filter_caseload(table, "maría", needs_attention=True, step=5), "patient") == ["Ana María"]


# -- the week's visits ------------------------------------------------------------------------

def week_table(example):
    entries = [Entry("Ana", variant(example, {"visit_date": at(1)})),
               Entry("Bob", variant(example, {"visit_date": at(1)})),
               Entry("Cy", variant(example, {"visit_date": at(-3)})),  # Monday
               Entry("Next week", variant(example, {"visit_date": at(4)})),
               Entry("None", Case())]
    return caseload(entries, TODAY)


def test_the_week_runs_monday_to_sunday_with_each_days_visits(example):
    week = CL.visits_this_week(week_table(example), TODAY)
    assert week.index.tolist() == [dt.date(2025, 3, d) for d in range(17, 24)]
    assert week[texts_week("day")].tolist()[0] == "Monday"
    assert week[texts_week("visits")].tolist() == [1, 0, 0, 0, 2, 0, 0]
    assert week[texts_week("patients")].tolist()[4] == "Ana; Bob"
    sunday = CL.visits_this_week(week_table(example), dt.date(2025, 3, 23))
    assert sunday.index[0] == dt.date(2025, 3, 17)


def test_the_chart_says_each_count_in_words_and_marks_today(example):
    html = CL.visits_chart_html(week_table(example), TODAY)
    assert html.count("<li") == 7 and "Visits this week: 2025-03-17 to 2025-03-23" in html
    assert "Friday 2025-03-21</span>" in html and "2 visits" in html and "1 visit<" in html
    assert html.count("No visits") == 5 and "Ana, Bob" in html
    assert 'aria-current="date"' in html and "Thursday 2025-03-20 (today)" in html
    assert 'aria-hidden="true"' in html and "width: 100%" in html and "width: 50%" in html
    assert "<script" not in html and "http" not in html and "Next week" not in html


def test_hostile_names_and_decisions_are_escaped_in_the_chart(example):
    case = variant(example, {"visit_date": TODAY}, decision=XSS)
    table = caseload([Entry(XSS, case)], TODAY)
    html = CL.visits_chart_html(table, TODAY)
    assert XSS not in html and XSS_ESCAPED in html
    assert XSS in column(table, "patient") and XSS in column(table, "decision")  # kept as typed


# -- CSV --------------------------------------------------------------------------------------

def test_csv_round_trips_and_defuses_formulas(example, tmp_path):
    tricky = 'Knee, "left"\nor right?'
    entries = [Entry("=HYPERLINK(\"http://x\")", variant(example, decision=tricky)),
               Entry("+1 José", variant(example, decision="-2")), Entry("@SUM", Case()),
               Entry("Plain", Case(decision="a = b"))]
    table = caseload(entries, TODAY)
    path = CL.to_csv(table, tmp_path / "caseload.csv")
    assert path == tmp_path / "caseload.csv" and path.read_bytes() == CL.csv_bytes(table)
    back = pd.read_csv(path, index_col=0, keep_default_na=False, encoding="utf-8")
    assert list(back.columns) == list(table.columns) and len(back) == 4
    by_name = dict(zip(back[label("patient")], back[label("decision")]))
    assert by_name == {"'=HYPERLINK(\"http://x\")": tricky, "'+1 José": "'-2", "'@SUM": "",
                       "Plain": "a = b"}
    assert sorted(k.rsplit("/", 1)[0] for k in back.index) == sorted(by_name)
    assert back[label("step")].tolist() == column(table, "step")
    assert back[label("open_questions")].tolist() == column(table, "open_questions")
    assert sorted(back[label("next_visit")]) == ["", "", *[example.plan.visit_date.isoformat()] * 2]


def test_the_case_id_never_shows(example, tmp_path):
    cases = [example, variant(example, {"visit_date": TODAY}), Case()]
    table = caseload([Entry("Ana", c) for c in cases], TODAY)
    shown = [table.to_string(), table.to_html(), CL.csv_bytes(table).decode("utf-8"),
             " ".join(table.index), CL.visits_chart_html(table, TODAY),
             CL.visits_this_week(table, TODAY).to_string()]
    for case in cases:
        assert not any(case.id in text for text in shown), case.id
        assert log_ref(case.id) in shown[0]


def test_the_core_never_imports_ipywidgets_nor_pandas_until_asked():
    code = ("import sys, sonb.caseload; "
            "print(sorted(m for m in ('ipywidgets', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
