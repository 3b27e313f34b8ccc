"""Step 5 in the real page: "Did they say the same thing?" changes the mark and the advice, is
saved, and holds after a reload; at phone width the comparison reads without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sonb_ui import choose, click, fill, go_to_step, resume_code, shown, wait_for_step
from voila_browser import DESKTOP, PHONE, open_app, shot

from sonb import CaseStore

pytestmark = pytest.mark.browser

WAIT = 30_000
PT_PAIRS = ("Diagnosis: did Dr. Tom Hughes and Sam Lindqvist say the same thing?",
            "Diagnosis: did Dr. Grace Okafor and Sam Lindqvist say the same thing?")
SURGEONS = "Diagnosis: did Dr. Tom Hughes and Dr. Grace Okafor say the same thing?"


def diagnosis(page):
    return shown(page).locator(".sonb-topic").filter(has=page.locator("h4", has_text="Diagnosis"))


def guidance(page):
    return shown(page).locator("h3:has-text('What you can do next') + ul")


def test_the_patients_answer_changes_the_verdict_and_the_advice(browser, voila):
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    code = resume_code(page)
    go_to_step(page, 5)
    expect(diagnosis(page).locator(".sonb-mark")).to_have_text("Check: is it the same?", timeout=WAIT)
    expect(guidance(page)).to_contain_text("Dr. Tom Hughes and Dr. Grace Okafor name the same problem")
    expect(guidance(page)).to_contain_text("sonb cannot tell if Sam Lindqvist means the same problem")
    expect(guidance(page)).to_contain_text("Dr. Tom Hughes suggests: Spinal fusion surgery.")
    shot(page, "same-1-check")

    for question in PT_PAIRS:
        choose(page, question, "Yes, the same")
    expect(diagnosis(page).locator(".sonb-mark")).to_have_text("They agree", timeout=WAIT)
    expect(diagnosis(page)).to_contain_text("You said Dr. Tom Hughes and Sam Lindqvist said the same thing.")
    expect(guidance(page)).to_contain_text(
        "Dr. Tom Hughes, Dr. Grace Okafor and Sam Lindqvist name the same problem")
    expect(guidance(page)).not_to_contain_text("sonb cannot tell")

    choose(page, SURGEONS, "No, not the same")  # they change their mind about sonb's own "same"
    expect(diagnosis(page).locator(".sonb-mark")).to_have_text("They differ", timeout=WAIT)
    expect(guidance(page)).to_contain_text("Dr. Grace Okafor names a different problem")
    shot(page, "same-2-judged")
    with CaseStore(voila.home) as store:
        saved = store.load(code).judgements
    assert sorted(j.verdict for j in saved) == ["differ", "same", "same"]
    watch.check(page)

    page.reload()
    fill(page, "Resume code", code)
    click(page, "Open my case")
    wait_for_step(page, 1)
    go_to_step(page, 5)
    expect(diagnosis(page).locator(".sonb-mark")).to_have_text("They differ", timeout=WAIT)
    expect(shown(page).get_by_role("radio", name="No, not the same").first).to_be_checked()
    watch.check(page)


def test_the_comparison_reads_on_a_phone_without_sideways_scrolling(browser, voila):
    page, watch = open_app(browser, voila, PHONE)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    go_to_step(page, 5)
    expect(diagnosis(page)).to_be_visible(timeout=WAIT)
    wide = page.evaluate("""() => [...document.querySelectorAll('.sonb-step')]
        .filter(e => e.offsetParent !== null)
        .flatMap(e => [e, ...e.querySelectorAll('*')])
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert wide == [], wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "same-3-phone")
    watch.check(page)
