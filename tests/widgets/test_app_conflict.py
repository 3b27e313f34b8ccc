"""Two pages on one case: the later save is refused, said so, and both versions are kept."""

from __future__ import annotations

from sonb import Case, CaseStore, casefile
from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui

from journey import answer
from widget_tree import downloaded, plain, upload


def open_by_code(store, case_id: str) -> SecondOpinionApp:
    app = SecondOpinionApp(store=store)
    app.code.value = case_id
    app.resume_button.click()
    assert app.session.case.id == case_id
    return app


def test_the_second_save_is_refused_and_both_versions_can_be_recovered(store, stored, sonb_home):
    case = store.create(Case(decision="Knee surgery?"))
    with CaseStore(sonb_home) as other_store:  # a second page, with its own connection
        first = open_by_code(store, case.id)
        second = open_by_code(other_store, case.id)

        answer(first.view(0).form, decision="First page's words")
        assert plain(first.session.status.value).startswith(ui("case_bar", "saved"))
        answer(second.view(0).form, decision="Second page's words")

        status = second.session.status.value
        assert 'class="sonb-error"' in status
        assert plain(status) == ui("case_bar", "conflict")
        assert stored(case.id).decision == "First page's words"
        assert [r.revision for r in store.history(case.id)] == [1, 2]

        answer(second.view(0).form, costly_or_risky=True)  # later edits are not saved either
        assert plain(second.session.status.value) == ui("case_bar", "conflict")
        assert stored(case.id).revision == 2

        # The first version is in the store's history; the second is in the second page's
        # download link, which holds everything typed there.
        assert store.load(case.id, 1).decision == "Knee surgery?"
        kept = downloaded(second)
        assert (kept.id, kept.decision, kept.assessment) == (
            case.id, "Second page's words", {"costly_or_risky": True})
        assert second.view(0).form.control("decision").widget.value == "Second page's words"

    # Bringing the second page's file back stores it on top; the first stays in history.
    third = SecondOpinionApp(store=store)
    upload(third, casefile.dumps(kept).encode("utf-8"))
    assert stored(case.id).decision == "Second page's words"
    assert store.load(case.id, 2).decision == "First page's words"
    assert [r.event for r in store.history(case.id)] == ["create", "save", "import"]


def test_the_first_page_keeps_saving_after_the_other_is_refused(store, stored):
    """Two pages on one store object: the same rule holds."""
    case = store.create(Case())
    first = open_by_code(store, case.id)
    second = open_by_code(store, case.id)
    answer(first.view(0).form, decision="One")
    answer(second.view(0).form, decision="Two")
    assert plain(second.session.status.value) == ui("case_bar", "conflict")
    answer(first.view(0).form, costly_or_risky=True)
    assert plain(first.session.status.value).startswith(ui("case_bar", "saved"))
    saved = stored(case.id)
    assert (saved.revision, saved.decision, saved.assessment) == (
        3, "One", {"costly_or_risky": True})
