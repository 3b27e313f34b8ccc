"""The start screen: a new case, the example, resuming by code, uploading a case file."""

from __future__ import annotations

import json

import pytest

from sonb import Case, CaseStore, casefile
from sonb.examples import load_example
from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui

from widget_tree import XSS, XSS_ESCAPED, html_values, plain, upload


def start_message(app) -> str:
    assert 'class="sonb-error"' in app.start_message.value
    return plain(app.start_message.value)


def revisions(store) -> list:
    """Every stored revision of every case (hidden ones too), to show nothing changed."""
    return store._conn.execute(
        "SELECT case_id, revision, json FROM revisions ORDER BY case_id, revision").fetchall()


def test_the_start_screen_offers_new_example_and_resume_but_lists_no_case(store):
    other = store.create(Case(decision="Somebody else's private decision"))
    app = SecondOpinionApp(store=store)
    assert app.session is None
    assert app.new_button.description == ui("start", "new")
    assert app.example_button.description == ui("start", "example")
    assert app.resume_button.description == ui("start", "resume_button")
    assert app.upload.description == ui("start", "upload")
    page = " ".join(html_values(app))
    assert ui("start", "title") in page and ui("start", "resume_help") in page
    assert other.id not in page and "private decision" not in page


def test_new_case_is_stored_and_opened_at_the_first_step(store, stored):
    app = SecondOpinionApp(store=store)
    app.new_button.click()
    case = app.session.case
    assert stored(case.id).revision == 1 and stored(case.id).decision == ""
    assert app.index == 0
    assert any(case.id in value for value in html_values(app))  # the resume code is shown
    assert plain(app.session.status.value) == ui("case_bar", "saved")


def test_the_example_opens_as_a_new_case_of_its_own(store, stored):
    app = SecondOpinionApp(store=store)
    app.example_button.click()
    example = load_example("back_pain")
    case = app.session.case
    assert case.id != example.id
    assert stored(case.id).decision == example.decision
    assert [c.name for c in stored(case.id).clinicians] == [c.name for c in example.clinicians]
    assert app.view(0).form.control("decision").widget.value == example.decision
    app.example_button.click()  # a second example is another new case
    assert app.session.case.id != case.id


def test_a_good_resume_code_opens_the_case(store):
    case = store.create(Case(decision="Knee surgery?"))
    app = SecondOpinionApp(store=store)
    app.code.value = f"  {case.id} "
    app.resume_button.click()
    assert app.session.case.id == case.id
    assert app.view(0).form.control("decision").widget.value == "Knee surgery?"


def test_an_unknown_resume_code_says_so(store):
    app = SecondOpinionApp(store=store)
    app.code.value = Case().id
    app.resume_button.click()
    assert app.session is None
    assert start_message(app) == ui("start", "not_found")


@pytest.mark.parametrize("code", ["has spaces in it", "../../etc/passwd", "ünïcödé-code", XSS])
def test_a_malformed_resume_code_says_what_a_code_looks_like(store, code):
    app = SecondOpinionApp(store=store)
    app.code.value = code
    app.resume_button.click()
    assert app.session is None
    assert start_message(app) == ui("start", "bad_code")
    assert not any(XSS in value for value in html_values(app))


# -- upload ----------------------------------------------------------------------------------

def test_uploading_a_good_case_file_opens_and_stores_it(store, stored):
    case = Case(decision="Hip replacement: now or later? 要不要做手术？")
    app = SecondOpinionApp(store=store)
    upload(app, casefile.dumps(case).encode("utf-8"))
    assert app.session.case.id == case.id
    assert stored(case.id).decision == case.decision
    assert [r.event for r in store.history(case.id)] == ["import"]
    assert app.view(0).form.control("decision").widget.value == case.decision


def test_uploading_the_file_of_a_stored_case_adds_a_revision(store, stored):
    case = store.create(Case(decision="Old words"))
    changed = case.model_copy(update={"decision": "New words"})
    app = SecondOpinionApp(store=store)
    upload(app, casefile.dumps(changed).encode("utf-8"))
    assert stored(case.id).decision == "New words"
    assert [r.event for r in store.history(case.id)] == ["create", "import"]
    assert store.load(case.id, 1).decision == "Old words"


def _envelope(**changes) -> bytes:
    data = json.loads(casefile.dumps(Case(decision="A decision")))
    data.update(changes)
    return json.dumps(data).encode("utf-8")


BAD_FILES = {
    "cut off": (casefile.dumps(Case(decision="x"))[:-40].encode("utf-8"), "cut off"),
    "not text": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "is not plain text"),
    "empty": (b"", "is empty"),
    "foreign": (json.dumps({"resourceType": "Patient", "id": "p1"}).encode(), "not a sonb case file"),
    "too large": (b" " * (casefile.MAX_BYTES + 1), "too large"),
    "future schema": (_envelope(schema_version=99), "newer version of sonb"),
    "bad case": (_envelope(case={"id": "short", "decision": 5}), "problem(s), so nothing was imported"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_case_file_is_refused_with_a_clear_message_and_nothing_stored(store, name):
    content, words = BAD_FILES[name]
    store.create(Case(decision="Already here"))
    before = revisions(store)
    app = SecondOpinionApp(store=store)
    upload(app, content, name=f"{name}.json")
    assert app.session is None
    assert words in start_message(app)
    assert "Traceback" not in app.start_message.value
    assert revisions(store) == before
    with CaseStore(store.folder) as fresh:
        assert [s.decision for s in fresh.list()] == ["Already here"]


def test_text_from_a_refused_file_is_shown_escaped(store):
    content = _envelope(case={"id": "a-valid-id-123", "decision": XSS, XSS: "x"})
    app = SecondOpinionApp(store=store)
    upload(app, content)
    assert app.session is None
    assert not any(XSS in value for value in html_values(app))
    assert XSS_ESCAPED in app.start_message.value
    assert store.list() == []


def test_a_good_file_after_a_refused_one_opens(store):
    app = SecondOpinionApp(store=store)
    upload(app, b"{not json", name="broken.json")
    assert app.session is None and "not readable JSON" in start_message(app)
    case = Case(decision="Second try")
    upload(app, casefile.dumps(case).encode("utf-8"))
    assert app.session.case.id == case.id and app.session.case.decision == "Second try"
