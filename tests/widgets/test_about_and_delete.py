"""'About this tool' and 'Delete my case', through the app's widgets.

About opens in place of whatever is shown (the start screen, any step, the delete question) and
gives it back exactly as it was. Delete asks first; "Keep my case" changes nothing; "Yes"
deletes the case for good and the start screen says so. Another window on the deleted case
never says "Saved".
"""

from __future__ import annotations

import ipywidgets as W
import pytest

from sonb import CaseStore, about
from sonb.errors import CaseNotFound
from sonb.report import report_html
from sonb.store import DB_NAME
from sonb.widgets.app import STEPS, SecondOpinionApp
from sonb.widgets.common import ui

from journey import answer
from widget_tree import downloaded, html_values, plain, walk


def shown(widget: W.Widget) -> bool:
    return widget.layout.display != "none"


def visible(root: W.Widget):
    """Widgets under `root` that are shown (none of their boxes is hidden)."""
    if not shown(root):
        return
    yield root
    for child in getattr(root, "children", ()) or ():
        yield from visible(child)


def values(app) -> list:
    """What every control of the case page holds (its value), in page order."""
    return [(type(w).__name__, w.value) for w in walk(app.body)
            if hasattr(w, "value") and not isinstance(w, (W.HTML, W.FileUpload))]


def page_text(root: W.Widget) -> str:
    return " ".join(plain(v) for v in html_values(root))


@pytest.fixture
def example(store):
    app = SecondOpinionApp(store=store)
    app.example_button.click()
    return app


def open_about(app) -> None:
    app.about_button.click()
    assert shown(app.about) and not shown(app.body)
    assert not shown(app.about_button)  # it is the page shown: no button to open it again


# -- About this tool -------------------------------------------------------------------------

def test_about_says_sources_dates_authors_funding_and_privacy(example):
    open_about(example)
    text = page_text(example.about)
    t = about.about()
    for source in t["sources"]["items"]:
        assert source["name"] in text and source["shaped"] in text
    assert "Ottawa Personal Decision Guide" in text and "IPDAS" in text and "AHRQ" in text
    assert about.CONTENT_VERSION == "2026.12" in text
    assert "December 2, 2026" in text and "2026-12-02" not in text  # dates in words
    assert about.WRITTEN.isoformat() == about.CHECKED.isoformat() == "2026-12-02"
    for part in ("authors", "funding"):
        assert all(sentence in text for sentence in t[part]["text"])
    assert "No doctor or nurse has reviewed it yet." in text  # said honestly
    assert "SONB_HOME" in text and "never holds what you type" in text
    assert ui("case_bar", "delete") in text  # how to delete, by the button's own name
    assert example.about.back_button.description == "Back to my case"


def test_about_opens_from_the_start_screen_and_gives_it_back(store):
    app = SecondOpinionApp(store=store)
    app.code.value = "half-typed-code"
    open_about(app)
    assert app.about.back_button.description == "Back to the start page"
    app.about.back_buttons[1].click()  # the one below the text
    assert shown(app.body) and not shown(app.about) and shown(app.about_button)
    assert app.code.value == "half-typed-code"
    assert app.session is None


@pytest.mark.parametrize("index", range(len(STEPS)))
def test_about_opens_from_each_step_and_returns_there_with_everything_typed(example, stored, index):
    case_id = example.session.case.id
    answer(example.view(0).form, decision="My own words, typed before About")
    decision = example.view(0).form.control("decision").widget
    example.go(index)
    typed = next((w for w in visible(example.view(index).widget)
                  if isinstance(w, (W.Text, W.Textarea)) and not w.disabled and w is not decision),
                 None)
    if typed is not None:  # type on this very step as well
        typed.value = f"typed on step {index + 1}"
    before, revision = values(example), example.session.case.revision

    open_about(example)
    example.about.back_button.click()

    assert example.index == index and shown(example.body) and not shown(example.about)
    assert [shown(w) for w in example.content.children] == [
        w is example.view(index).widget for w in example.content.children]
    assert plain(example.progress.value) == f"Step {index + 1} of {len(STEPS)}"
    assert values(example) == before
    if typed is not None:
        assert typed.value == f"typed on step {index + 1}"
    assert decision.value == "My own words, typed before About"
    assert example.session.case.revision == revision  # opening About saves nothing
    assert stored(case_id).decision == "My own words, typed before About"


def test_a_record_being_typed_survives_about(example):
    """The doctor editor open with a name typed, not yet saved: About does not drop it."""
    example.go(1)
    people = example.view(1).people
    people.add_button.click()
    answer(people.form, name="Dr. Not Saved Yet")
    open_about(example)
    example.about.back_button.click()
    assert shown(people.editor)
    assert people.form.control("name").widget.value == "Dr. Not Saved Yet"


# -- Delete my case --------------------------------------------------------------------------

def test_delete_asks_first_and_keep_my_case_changes_nothing(example, store):
    case_id = example.session.case.id
    example.go(2)
    before, history = values(example), store.history(case_id)

    example.delete_button.click()
    assert shown(example.confirm) and not shown(example.body)
    text = page_text(example.confirm)
    assert ui("delete", "undo") in text and ui("delete", "title") in text
    assert all(item in text for item in ui("delete", "items"))
    assert store.exists(case_id)  # asking deletes nothing
    # a last chance to keep a copy: the same case file as the case bar's
    example.confirm.download.button.click()
    assert 'download="sonb-case-' in example.confirm.download.result.value
    assert downloaded(example).id == case_id

    example.confirm.keep_button.click()
    assert shown(example.body) and not shown(example.confirm)
    assert example.index == 2 and values(example) == before
    assert store.history(case_id) == history and store.exists(case_id)
    assert example.session is not None and example.session.case.id == case_id


def test_about_from_the_delete_question_returns_to_it(example, store):
    example.delete_button.click()
    open_about(example)
    example.about.back_button.click()
    assert shown(example.confirm) and not shown(example.body)
    example.confirm.keep_button.click()
    assert shown(example.body)


def test_yes_deletes_the_case_for_good_and_the_start_screen_says_so(example, store, sonb_home):
    case_id = example.session.case.id
    decision = example.session.case.decision
    example.go(3)
    example.delete_button.click()
    example.confirm.yes_button.click()

    assert not store.exists(case_id)
    with CaseStore(sonb_home) as fresh, pytest.raises(CaseNotFound):
        fresh.load(case_id)
    for suffix in ("", "-wal", "-shm"):  # nothing of it is left in the files
        path = sonb_home / (DB_NAME + suffix)
        if path.exists():
            data = path.read_bytes()
            assert case_id.encode() not in data and decision.encode() not in data

    assert example.session is None and example.confirm is None
    assert shown(example.body)
    assert ui("start", "deleted") in page_text(example.body)
    assert 'role="status"' in example.start_notice.value
    assert example.new_button.description == ui("start", "new")

    example.code.value = case_id  # the resume code no longer opens it
    example.resume_button.click()
    assert example.session is None
    assert plain(example.start_message.value) == ui("start", "not_found")

    open_about(example)  # About still works, and now goes back to the start page
    assert example.about.back_button.description == "Back to the start page"


def test_another_window_on_a_deleted_case_says_not_saved_never_saved(example, store, sonb_home):
    case_id = example.session.case.id
    with CaseStore(sonb_home) as other_kernel:
        other = SecondOpinionApp(store=other_kernel)
        other.code.value = case_id
        other.resume_button.click()
        assert other.session.case.id == case_id

        example.delete_button.click()
        example.confirm.yes_button.click()
        assert not store.exists(case_id)

        answer(other.view(0).form, decision="Typed in the other window")
        status = other.session.status.value
        assert 'class="sonb-error"' in status
        assert plain(status) == ui("case_bar", "deleted")
        assert not plain(status).startswith("Saved")
        answer(other.view(0).form, costly_or_risky=True)  # later changes: the same
        assert plain(other.session.status.value) == ui("case_bar", "deleted")
        assert not other_kernel.exists(case_id)
        kept = downloaded(other)  # nothing typed there is lost: the case file holds it
        assert kept.decision == "Typed in the other window"

        other.delete_button.click()  # deleting it there too just closes it
        other.confirm.yes_button.click()
        assert other.session is None and ui("start", "deleted") in page_text(other.body)


def test_a_delete_that_fails_says_so_and_keeps_the_case(example, store, monkeypatch):
    case_id = example.session.case.id

    def broken(_case_id):
        import sqlite3

        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "purge", broken)
    example.delete_button.click()
    example.confirm.yes_button.click()
    assert plain(example.confirm.message.value) == ui("delete", "failed")
    assert shown(example.confirm) and example.session is not None and store.exists(case_id)


# -- the report ------------------------------------------------------------------------------

def test_the_report_carries_the_content_version_and_date(example):
    page = report_html(example.session.case)
    footer = page[page.index("<footer>"):]
    assert about.report_line() in footer
    assert "2026.12" in footer and "December 2, 2026" in footer
