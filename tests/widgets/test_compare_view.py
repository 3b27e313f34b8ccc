"""Step 5 as a patient uses it: what each doctor said, topic by topic, and "Did they say the
same thing?" where sonb cannot tell. The patient's answer is saved, always wins, and the marks
and the advice follow it at once; it holds after a reload."""

from __future__ import annotations

import pytest

from sonb import compare
from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui

from widget_tree import plain

SURGEONS = "diagnosis|dr-hughes|dr-okafor"
WITH_PT = ("diagnosis|dr-hughes|pt-lindqvist", "diagnosis|dr-okafor|pt-lindqvist")
MARKS = ui("tables", "statuses")


@pytest.fixture
def app(store):
    app = SecondOpinionApp(store=store)
    app.example_button.click()
    app.step_buttons[4].click()
    return app


def diagnosis_block(view) -> str:
    html = view.html
    start = html.index("<h4>Diagnosis")
    return html[start:html.index("</div>", start)]


def say(view, target: str, verdict: str) -> None:
    view.asks[target].control("same").widget.value = verdict


def test_looking_saves_nothing_and_asks_only_about_free_text(app, stored):
    view = app.view(4)
    assert stored(app.session.case.id).revision == app.session.case.revision
    assert {SURGEONS, *WITH_PT} <= set(view.asks)
    assert not any(t.startswith(("recommendation|", "confidence|")) for t in view.asks)
    guidance = plain(view.html.split("<h3>", 2)[1])
    assert "Dr. Tom Hughes and Dr. Grace Okafor name the same problem" in guidance
    assert "Your doctors suggest different choices." in guidance
    assert MARKS["check"] in diagnosis_block(view)


def test_the_patients_answer_changes_the_mark_and_the_advice_and_is_saved(app, stored):
    view = app.view(4)
    for target in WITH_PT:
        say(view, target, "same")
    assert "Saved" in plain(app.session.status.value)
    assert [j.verdict for j in stored(app.session.case.id).judgements] == ["same", "same"]
    block = diagnosis_block(view)
    assert MARKS["agree"] in block and MARKS["check"] not in block
    assert "You said Dr. Tom Hughes and Sam Lindqvist said the same thing." in plain(block)
    assert ("Dr. Tom Hughes, Dr. Grace Okafor and Sam Lindqvist name the same problem"
            in plain(view.html))

    # changing their mind: sonb's own "same" is overruled, "not sure" gives it back
    say(view, SURGEONS, "differ")
    assert MARKS["differ"] in diagnosis_block(view)
    assert "Dr. Grace Okafor names a different problem" in plain(view.html)
    say(view, SURGEONS, "unsure")
    assert MARKS["agree"] in diagnosis_block(view)


def test_the_answer_holds_after_a_reload(app, store):
    view = app.view(4)
    say(view, WITH_PT[0], "differ")
    again = SecondOpinionApp(store=store)
    again.resume(app.session.case.id)
    again.step_buttons[4].click()
    view = again.view(4)
    assert view.asks[WITH_PT[0]].control("same").widget.value == "differ"
    assert MARKS["differ"] in diagnosis_block(view)


def test_each_choice_is_compared_across_the_doctors_who_talked_about_it(app):
    html = app.view(4).html
    for option in ("Spinal fusion surgery", "Microdiscectomy", "Physical therapy"):
        assert ui("steps", "compare", "option_title").format(option=option) in html
    fusion = html[html.index("About this choice: Spinal fusion surgery"):html.index("About this choice: Microdiscectomy")]
    assert "Infection, blood clots, nerve damage" in fusion          # Hughes on the fusion
    assert "A bigger surgery than I need right now" in fusion        # Okafor on the same choice
    assert "<table" not in html  # stacked lists: nothing to scroll sideways


def test_where_sonb_decided_a_button_opens_the_questions(store):
    app = SecondOpinionApp(store=store)
    app.new_case(example="knee_mri")
    app.step_buttons[4].click()
    view = app.view(4)
    diagnosis = "diagnosis|dr-alvarez|dr-carter"
    assert diagnosis not in view.asks  # both said the same: not asked unless the patient wants
    opener = view._buttons["diagnosis"]
    assert opener in view.box.children and opener.description.startswith("Not right?")
    opener.click()
    say(view, diagnosis, "differ")
    assert MARKS["differ"] in diagnosis_block(view)
    assert opener not in view.box.children


def test_many_doctors_build_no_question_until_asked(store):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_core import big_case  # 20 doctors x 10 choices: 14,060 pairs of answers

    from sonb.widgets.compare import CompareView
    from sonb.widgets.session import CaseSession

    view = CompareView(CaseSession(store, store.create(big_case())))
    view.widget
    assert view.asks == {}  # every topic has more than three pairs: a button each
    assert len(view._buttons) == sum(1 for c in compare.compared(view.case)
                                     if any(p.askable for p in c.pairs))


def test_a_choices_topics_wait_for_a_click(app):
    view = app.view(4)
    risks = "spinal-fusion.risks|dr-hughes|dr-okafor"
    assert risks not in view.asks
    opener = view._buttons["spinal-fusion.risks"]
    assert opener.description == ui("steps", "compare", "open_unsure").format(n=1)
    opener.click()
    say(view, risks, "same")
    assert risks in view.asks and opener not in view.box.children
