"""Saving tells the truth, in the real page: a refused answer says so in the status line and
beside its field; hiding it does not block later saves; switching a doctor's form keeps what
fits and says what was put aside; a reload shows what was saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sonb_ui import choose, click, field, fill, go_to_step, no, resume_code, shown, wait_for_step, yes
from voila_browser import DESKTOP, open_app, shot

from sonb import CaseStore

pytestmark = pytest.mark.browser

WAIT = 30_000
EXPLAIN = "How would the result change your treatment?"
STATUS = ".sonb-app .sonb-box span.sonb-status, .sonb-app .sonb-box span.sonb-error"


def status(page):
    return page.locator(STATUS).first


def test_a_refused_answer_is_said_and_a_hidden_one_blocks_nothing(browser, voila):
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    code = resume_code(page)
    go_to_step(page, 4)
    choose(page, "Whose notes?", "Dr. Grace Okafor · Neurosurgeon · Second opinion")
    choose(page, "Which form fits this visit?", "A medical test")
    notice = shown(page).locator(".sonb-warning").filter(has_text="put them aside")
    expect(notice).to_be_visible(timeout=WAIT)
    expect(notice).to_contain_text("What is the name of the surgery?")
    shot(page, "honest-1-switched")

    yes(page, "Will the result change your treatment?")
    box = field(page, EXPLAIN).locator("textarea")
    box.fill("x" * 5200)
    box.press("Tab")
    expect(status(page)).to_contain_text("Not saved", timeout=WAIT)
    expect(status(page)).to_contain_text(EXPLAIN)
    expect(shown(page).locator(".sonb-error").filter(has_text="5,000")).to_be_visible()
    expect(box).to_be_in_viewport()  # the patient just left it: focus is not pulled back
    page.screenshot(path=str(shot(page, "honest-2-refused").with_name("honest-2-refused-view.png")))

    no(page, "Will the result change your treatment?")  # the explanation hides
    expect(box).to_be_hidden(timeout=WAIT)
    saved_before = status(page).inner_text()  # wait for this answer's own save, not the last one
    fill(page, "When and how will you get the results?", "In two days, by phone.")
    expect(status(page)).not_to_have_text(saved_before, timeout=WAIT)
    expect(status(page)).to_contain_text("Saved (version", timeout=WAIT)
    with CaseStore(voila.home) as store:
        opinion = store.load(code).opinion_of("dr-okafor")
    assert opinion.answers["results_when"] == "In two days, by phone."
    assert "changes_treatment_explain" not in opinion.answers
    assert opinion.set_aside  # the surgery's answers are kept, not dropped
    watch.check(page)

    page.reload()  # a reload starts afresh; the resume code brings back what was saved
    fill(page, "Resume code", code)
    click(page, "Open my case")
    wait_for_step(page, 1)
    go_to_step(page, 4)
    choose(page, "Whose notes?", "Dr. Grace Okafor · Neurosurgeon · Second opinion")
    expect(field(page, "Which form fits this visit?").locator("select option:checked")).to_have_text("A medical test")
    expect(field(page, "When and how will you get the results?").locator("input, textarea")
           ).to_have_value("In two days, by phone.", timeout=WAIT)
    expect(shown(page).locator("summary").filter(has_text="Answers put aside")).to_be_visible()
    watch.check(page)
    page.context.close()
