"""'About this tool' and 'Delete my case' in the real Voila page (headless Chromium).

About opens from step 3 and gives the step back as it was; the about page fits a phone and
passes axe (WCAG 2.1 A/AA), as does the delete question.
Delete asks first ("Keep my case" keeps it), then deletes for good: the start screen says so
and the resume code no longer opens the case. Screenshots of the about page and of the
delete question at desktop and phone size go to /tmp/shots/ (and test-artifacts/).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sonb_ui import WAIT, button, click, field, fill, go_to_step, resume_code, shown, wait_for_step
from test_a11y import check_axe, check_landmarks
from test_journey import assert_no_sideways_scroll
from voila_browser import DESKTOP, PHONE, open_app, shot

from sonb import CaseStore, about
from sonb.widgets.common import ui

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
REFERENCE = "The reference number your plan gave you, if any"


def keep_shot(page, name: str) -> Path:
    """A whole-page screenshot in test-artifacts/, copied to /tmp/shots/."""
    path = shot(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, SHOTS / path.name))


def about_page(page):
    return page.locator(".sonb-about").filter(visible=True)


def open_about(page) -> None:
    click(page, "About this tool")
    heading = about_page(page).get_by_role("heading", name="About this tool")
    expect(heading).to_be_visible(timeout=WAIT)
    expect(button(page, "About this tool")).to_be_hidden()


def check_about_text(page) -> None:
    text = about_page(page).inner_text()
    for source in about.about()["sources"]["items"]:
        assert source["name"] in text
    assert about.dates_text() in text and "December 2, 2026" in text and "2026.12" in text
    assert "No doctor or nurse has reviewed it yet." in text


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_about_opens_from_step_3_and_gives_the_step_back(browser, voila, size):
    page, watch = open_app(browser, voila, DESKTOP if size == "desktop" else PHONE)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    go_to_step(page, 3)
    fill(page, REFERENCE, "REF-2026-77")

    open_about(page)
    expect(page.get_by_text("Step 3 of 6", exact=True)).to_be_hidden()
    check_about_text(page)
    if size == "phone":
        assert_no_sideways_scroll(page, "about page")
    else:
        check_landmarks(page, "about page")
        check_axe(page, "about page")
    keep_shot(page, f"about-{size}")
    watch.check(page)

    button(about_page(page), "Back to my case").last.click()  # the one below the text
    wait_for_step(page, 3)
    expect(about_page(page)).to_have_count(0)
    expect(field(page, REFERENCE).locator("input")).to_have_value("REF-2026-77")
    expect(button(page, "About this tool")).to_be_visible()
    expect(shown(page)).to_have_count(1)
    watch.check(page)
    page.context.close()


def test_about_opens_from_the_start_screen(browser, voila):
    page, watch = open_app(browser, voila, PHONE)
    fill(page, "Resume code", "half-typed")
    open_about(page)
    assert_no_sideways_scroll(page, "about page from the start screen")
    button(about_page(page), "Back to the start page").first.click()
    expect(field(page, "Resume code").locator("input")).to_have_value("half-typed", timeout=WAIT)
    watch.check(page)
    page.context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_delete_asks_first_then_deletes_for_good(browser, voila, size):
    page, watch = open_app(browser, voila, DESKTOP if size == "desktop" else PHONE)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    code = resume_code(page)
    go_to_step(page, 2)
    keep_shot(page, f"case-bar-{size}")

    click(page, "Delete my case")
    question = page.locator(".sonb-delete").filter(visible=True)
    expect(question.get_by_role("heading", name="Delete your case?")).to_be_visible(timeout=WAIT)
    expect(question).to_contain_text("You cannot undo this.")
    expect(page.get_by_text("Step 2 of 6", exact=True)).to_be_hidden()
    if size == "phone":
        assert_no_sideways_scroll(page, "delete question")
    else:
        check_landmarks(page, "delete question")
        check_axe(page, "delete question")
    keep_shot(page, f"delete-confirm-{size}")
    click(question, "Get my case file")  # a last chance to keep a copy
    expect(question.locator("a.sonb-download")).to_have_attribute(
        "download", f"sonb-case-{code}.json", timeout=WAIT)

    click(question, "Keep my case")  # changes nothing
    wait_for_step(page, 2)
    with CaseStore(voila.home) as store:
        assert store.exists(code)

    click(page, "Delete my case")
    click(page.locator(".sonb-delete").filter(visible=True), "Yes, delete my case for good")
    notice = page.locator(".sonb-notice[role=status]")
    expect(notice).to_have_text(ui("start", "deleted"), timeout=WAIT)
    expect(notice).to_be_visible(timeout=WAIT)
    expect(button(page, "Start a new case")).to_be_visible(timeout=WAIT)
    expect(page.get_by_text("Step 1 of 6", exact=True)).to_have_count(0)
    with CaseStore(voila.home) as store:
        assert not store.exists(code)
    keep_shot(page, f"deleted-start-{size}")

    fill(page, "Resume code", code)
    click(page, "Open my case")
    expect(page.locator(".sonb-app .sonb-error[role=alert]")).to_have_text(
        ui("start", "not_found"), timeout=WAIT)
    watch.check(page)
    page.context.close()
