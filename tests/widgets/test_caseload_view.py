"""The navigator's caseload view as a navigator uses it: type a filter, tick "Needs attention
only", pick a step, refresh, download the CSV, open a case. Every user string is escaped."""

from __future__ import annotations  # noqa: I001  (sonb.widgets is first-party: widgets/)

import base64
import datetime as dt
import html
import re

import pytest

from sonb import caseload as CL
from sonb import compare
from sonb.examples import load_example
from sonb.model import Case, new_case_id
from sonb.safe import esc
from sonb.store import log_ref
from sonb.widgets.caseload import CaseloadView

from widget_tree import XSS, XSS_ESCAPED, html_values  # tests/widgets/widget_tree.py

TODAY = dt.date(2025, 3, 20)


def entries() -> list[CL.Entry]:
    example = load_example("back_pain")
    soon = example.model_copy(update={"id": new_case_id(), "plan": example.plan.model_copy(
        update={"visit_date": TODAY + dt.timedelta(days=1), "records_received": None})})
    return [CL.Entry("Ana", example, "Nina"), CL.Entry("Bob", load_example("knee_mri")),
            CL.Entry("Cy", Case()), CL.Entry("Dee", soon)]


@pytest.fixture
def listed() -> list[CL.Entry]:
    return entries()


@pytest.fixture
def view(listed) -> CaseloadView:
    return CaseloadView(lambda: listed, today=TODAY)


def rows(view) -> list[str]:
    """The patients of the table's rows, as shown (the first cell of each body row)."""
    return [html.unescape(cell) for cell in re.findall(r"<tr>\s*<td>(.*?)</td>", view.table_html.value)]


def test_the_table_shows_every_case_most_urgent_first(view):
    assert rows(view) == ["Dee", "Ana", "Bob", "Cy"]
    assert "4 of 4 cases shown." in view.status.value
    assert "Visits this week: 2025-03-17 to 2025-03-23" in view.chart.value
    assert [label for label, _ in view.open.options][1].startswith("Dee (")


def test_the_filters_narrow_the_table_the_chart_and_the_open_list(view):
    view.filter.value = "KNEE"
    assert rows(view) == ["Bob"] and "1 of 4 cases shown." in view.status.value
    assert len(view.open.options) == 2
    view.filter.value = ""
    view.attention.value = True
    assert "Cy" not in rows(view) and len(rows(view)) == 3
    view.step.value = 1
    assert rows(view) == [] and "No case matches." in view.table_html.value
    view.attention.value = False
    assert rows(view) == ["Cy"]
    view.step.value = 0
    assert len(rows(view)) == 4
    view.filter.value = "Dee"
    assert "1 visit<" in view.chart.value and "Dee" in view.chart.value
    view.filter.value = "Bob"
    assert "Dee" not in view.chart.value and view.chart.value.count("No visits") == 7


def test_the_step_list_names_every_step(view):
    assert [value for _, value in view.step.options] == [0, 1, 2, 3, 4, 5, 6]
    assert view.step.options[5][0] == "5. Compare"


def test_refresh_reads_the_entries_again(view, listed):
    listed.append(CL.Entry("Eve", Case()))
    assert "Eve" not in rows(view)
    view.refresh_button.click()
    assert "Eve" in rows(view) and "5 of 5 cases shown." in view.status.value


def test_a_broken_source_says_so_and_keeps_the_last_table(listed):
    calls = []

    def source():
        calls.append(1)
        if len(calls) > 1:
            raise OSError("disk gone")
        return listed

    view = CaseloadView(source, today=TODAY)
    view.refresh_button.click()
    assert 'role="alert"' in view.status.value and "could not be read" in view.status.value
    assert len(rows(view)) == 4


def test_opening_a_case_calls_back_with_its_entry(listed):
    opened = []
    view = CaseloadView(lambda: listed, on_open=opened.append, today=TODAY)
    view.filter.value = "bob"
    view.open.value = view.open.options[1][1]
    assert opened == [listed[1]]
    view.filter.value = "ana"  # the pick is no longer listed
    assert view.open.value == "" and opened == [listed[1]]
    view.open.value = view.open.options[1][1]
    assert opened == [listed[1], listed[0]]


def test_opening_gives_the_latest_revision_of_a_case(listed):
    newer = listed[1].case.model_copy(update={"revision": listed[1].case.revision + 1})
    listed.append(CL.Entry("Bob", newer, "Nina"))
    opened = []
    view = CaseloadView(lambda: listed, on_open=opened.append, today=TODAY)
    view.filter.value = "bob"
    view.open.value = view.open.options[1][1]
    assert len(rows(view)) == 1 and opened == [listed[-1]]


def test_a_new_filter_keeps_the_pick_without_opening_it_again():
    """Drawing the Open list again empties it, then puts the pick back: that is no new pick."""
    def booked(days: int) -> Case:
        return Case(plan={"visit_date": TODAY + dt.timedelta(days=days)})

    listed = [CL.Entry("Amy", Case()), CL.Entry("Bob", booked(20)), CL.Entry("Zed", booked(10))]
    opened = []
    view = CaseloadView(lambda: listed, on_open=opened.append, today=TODAY)
    assert rows(view) == ["Zed", "Bob", "Amy"]
    view.open.value = view.open.options[2][1]
    view.filter.value = "b"
    assert rows(view) == ["Bob"] and view.open.value.startswith("Bob/") and opened == [listed[1]]
    view.filter.value = "z"
    assert view.open.value == "" and opened == [listed[1]]


def test_opening_shows_the_agreement_and_guidance_by_default(view, listed):
    view.open.value = f"Ana/{log_ref(listed[0].case.id)}"
    html = view.output.outputs[0]["data"]["text/html"]
    assert "Where the doctors agree" in html and "differ" in html
    assert all(f"<li>{esc(line)}</li>" in html for line in compare.guidance(listed[0].case))
    assert "What could come next" in html


def test_the_download_is_the_shown_rows_as_csv(view):
    view.filter.value = "knee"
    view.download.button.click()
    link = view.download.result.value
    assert 'download="caseload-2025-03-20.csv"' in link
    content = base64.b64decode(link.split("base64,", 1)[1].split('"', 1)[0])
    assert content == CL.csv_bytes(view.shown) and b"Bob" in content and b"Ana" not in content
    view.filter.value = ""
    assert view.download.result.value == ""  # out of date: taken away


def test_hostile_names_and_decisions_are_escaped_everywhere(listed):
    case = load_example("back_pain").model_copy(update={"id": new_case_id(), "decision": XSS})
    case = case.model_copy(update={"plan": case.plan.model_copy(update={"visit_date": TODAY})})
    listed.append(CL.Entry(XSS, case, XSS))
    view = CaseloadView(lambda: listed, today=TODAY)
    view.open.value = f"{XSS}/{log_ref(case.id)}"
    pages = [*html_values(view), view.output.outputs[0]["data"]["text/html"]]
    assert not [p for p in pages if XSS in p]
    assert XSS_ESCAPED in view.table_html.value and XSS_ESCAPED in view.chart.value
    assert XSS_ESCAPED in pages[-1]


def test_no_case_id_is_shown(view, listed):
    view.open.value = view.open.options[1][1]
    shown = [*html_values(view), *(label for label, _ in view.open.options),
             view.output.outputs[0]["data"]["text/html"]]
    for entry in listed:
        assert not [s for s in shown if entry.case.id in s]


def test_no_entries_show_an_empty_table():
    view = CaseloadView(list, today=TODAY)
    assert "No case matches." in view.table_html.value and "0 of 0" in view.status.value
    assert view.open.options == (("Pick a case", ""),)


def test_an_opened_case_shows_its_comparison_and_offers_its_report(listed):
    hostile = listed[0].case.model_copy(update={"decision": XSS})
    view = CaseloadView(lambda: [CL.Entry(XSS, hostile)], today=TODAY)
    assert view.report.layout.display == "none"  # nothing opened yet
    view.open.value = view.open.options[1][1]
    shown = view.output.outputs[0]["data"]["text/html"]
    assert "What each doctor said" in shown and XSS not in shown and XSS_ESCAPED in shown
    assert view.report.layout.display is None
    view.report.run()
    link = re.search(r'href="data:text/html;base64,([^"]+)"', view.report.result.value)
    report = base64.b64decode(link.group(1)).decode("utf-8")
    assert "<html" in report and XSS not in report and XSS_ESCAPED in report
