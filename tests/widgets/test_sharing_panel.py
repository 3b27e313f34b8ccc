"""A patient's own server in a clinic: the start screen lists their cases, the case bar shares
the open case with the navigators (and stops), and a navigator's change is shown to them."""

from __future__ import annotations

from html import unescape

import ipywidgets as W
import pytest
from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui
from sonb.widgets.sharing import SharePanel
from widget_tree import XSS, XSS_ESCAPED, html_values, plain, walk

from sonb import Case, CaseStore
from sonb.errors import SonbError
from sonb.sharing import PatientStores


@pytest.fixture
def clinic(sonb_home, tmp_path, monkeypatch):
    """The environment the clinic's spawner gives a patient's server."""
    monkeypatch.setenv("SONB_SHARE_FOLDER", str(tmp_path / "share"))
    monkeypatch.setenv("SONB_OWN_SERVER", "1")
    return tmp_path / "share"


def panel(app) -> SharePanel:
    return next(w for w in walk(app) if isinstance(w, SharePanel))


def own_case_buttons(app) -> list[W.Button]:
    return [w for w in walk(app.body) if isinstance(w, W.Button) and w.icon == "folder-open"
            and w is not app.resume_button]


def test_outside_a_clinic_no_sharing_and_no_list(store):
    store.create(Case(decision="Somebody's private decision"))
    app = SecondOpinionApp()
    assert own_case_buttons(app) == []
    app.new_button.click()
    assert not any(isinstance(w, SharePanel) for w in walk(app))


def test_own_server_lists_own_cases_escaped(clinic):
    with CaseStore() as store:
        store.create(Case(decision="Knee surgery?"))
        store.create(Case(decision=XSS))
    app = SecondOpinionApp()
    buttons = {b.description.split(" (")[0]: b for b in own_case_buttons(app)}
    assert set(buttons) == {f"Open: {XSS}", "Open: Knee surgery?"}  # a button's text is not HTML
    page = " ".join(html_values(app))
    assert XSS not in page and ui("start", "yours_title") in page
    buttons["Open: Knee surgery?"].click()
    assert app.session.case.decision == "Knee surgery?"


def test_share_and_stop_sharing_from_the_case_bar(clinic):
    app = SecondOpinionApp()
    app.new_button.click()
    case_id = app.session.case.id
    share = panel(app)
    assert share.toggle.value is False and ui("sharing", "private") in unescape(plain(share.status.value))
    share.toggle.value = True
    assert app.store.is_shared(case_id) and ui("sharing", "shared") in unescape(plain(share.status.value))
    app.session.save(app.session.case.model_copy(update={"decision": "Shared decision"}))
    with CaseStore(clinic, shared=True) as navigator_view:
        assert navigator_view.load(case_id).decision == "Shared decision"
    share.toggle.value = False
    assert not app.store.is_shared(case_id)
    with CaseStore(clinic, shared=True) as navigator_view:
        assert navigator_view.list() == []
    assert app.store.load(case_id).decision == "Shared decision"


def test_a_failed_move_changes_nothing_and_says_so(clinic, monkeypatch):
    app = SecondOpinionApp()
    app.new_button.click()
    share = panel(app)

    def broken(self, case_id):
        raise SonbError("disk full")

    monkeypatch.setattr(PatientStores, "share", broken)
    share.toggle.value = True
    assert share.toggle.value is False and not app.store.is_shared(app.session.case.id)
    assert ui("sharing", "failed") in unescape(plain(share.status.value))


def test_the_patient_sees_what_a_navigator_changed(clinic):
    app = SecondOpinionApp()
    app.new_button.click()
    case_id = app.session.case.id
    panel(app).toggle.value = True
    assert app.changes.value == ""
    with CaseStore(clinic, author="nora", shared=True) as navigator:
        navigator.save(navigator.load(case_id).model_copy(update={"decision": "From nora"}))
        navigator.save(navigator.load(case_id).model_copy(update={"decision": XSS}))
    again = SecondOpinionApp()  # the patient comes back (or reloads)
    own_case_buttons(again)[0].click()
    assert again.session.case.decision == XSS
    notice = again.changes.value
    assert "nora" in notice and "2, 3" in notice and XSS not in notice
    again.session.save(again.session.case.model_copy(update={"decision": "Mine again"}))
    third = SecondOpinionApp()
    own_case_buttons(third)[0].click()
    assert third.changes.value == ""
    assert XSS_ESCAPED not in third.changes.value


def test_a_listed_case_deleted_elsewhere_says_so(clinic):
    with CaseStore() as store:
        gone = store.create(Case(decision="Deleted in another window"))
    app = SecondOpinionApp()
    with CaseStore() as store:
        store.purge(gone.id)
    own_case_buttons(app)[0].click()
    assert app.session is None and ui("start", "not_found") in unescape(app.start_message.value)
    assert own_case_buttons(app) == []


def test_a_save_after_a_navigators_change_says_who_changed_it(clinic):
    app = SecondOpinionApp()
    app.new_button.click()
    case_id = app.session.case.id
    panel(app).toggle.value = True
    with CaseStore(clinic, author="nora", shared=True) as navigator:
        navigator.save(navigator.load(case_id).model_copy(update={"decision": "From nora"}))
    app.session.save(app.session.case.model_copy(update={"decision": "Mine"}))
    said = unescape(plain(app.session.status.value))
    assert said == ui("case_bar", "conflict_by", who="nora")
    with CaseStore(clinic, shared=True) as store:
        assert store.load(case_id).decision == "From nora"  # nothing overwritten
