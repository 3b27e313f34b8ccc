"""A standard FHIR form of a clinic's own (notebooks/forms/intake.json) in the real page.

The navigator's section "A form of your own" served by Voila in headless Chromium: the new
controls render without widget errors, a repeating group gains and loses an instance, enableWhen
shows and hides questions as answers change (a `>` on a number, a boolean), the page passes axe,
and fits a phone. Screenshots go to test-artifacts/ (standard-form-*.png).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect
from test_a11y import check_axe
from test_journey import assert_no_sideways_scroll
from voila_browser import DESKTOP, PHONE, VoilaServer, Watch, shot

pytestmark = pytest.mark.browser

INTAKE = Path(__file__).resolve().parents[2] / "notebooks" / "forms" / "intake.json"
WAIT = 60_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("standard-form")
    notebook = home / "own_form.ipynb"
    source = ("from IPython.display import display\n"
              "from sonb import questionnaire as Q\n"
              "from sonb.widgets.common import styled\n"
              "from sonb.widgets.questionnaire import QuestionnaireForm\n"
              f"own_form = QuestionnaireForm(Q.read_form_file({str(INTAKE)!r}), show_title=True)\n"
              "display(styled(own_form))\n")
    notebook.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "own", "metadata": {},
                   "outputs": [], "source": source}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    served = VoilaServer(home, notebook, name="standard-form")
    yield served
    served.stop()


def open_form(browser, server, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(server.url, wait_until="domcontentloaded")
    page.wait_for_selector(".sonb-form", state="visible", timeout=WAIT)
    return page, watch


def question(page, words: str):
    return page.locator(".sonb-item").filter(has_text=words).filter(visible=True)


def test_a_clinic_form_is_filled_in_the_page(browser, server):
    page, watch = open_form(browser, server, DESKTOP)
    for words in ("How much each time", "When did you last eat?", "When do you usually go to sleep?",
                  "Your weight in kg", "A photo of your list of medicines"):
        expect(question(page, words)).to_have_count(1)
    expect(question(page, "Which medicines?")).to_have_count(0)
    expect(question(page, "Where does it hurt most?")).to_have_count(0)

    question(page, "Are you allergic").get_by_text("Yes", exact=True).click()
    expect(question(page, "Which medicines?")).to_have_count(1)
    pain = question(page, "How bad is your pain").locator("input, select").first
    if pain.evaluate("e => e.tagName") == "SELECT":
        pain.select_option(label="4")
    else:
        pain.fill("4")
        pain.press("Tab")
    expect(question(page, "Where does it hurt most?")).to_have_count(1)

    instances = page.locator(".sonb-group-instance")
    expect(instances).to_have_count(1)
    page.locator(".sonb-group-list > .widget-button, .sonb-group-list button").filter(
        has_text="Add one more").last.click()
    expect(instances).to_have_count(2)
    shot(page, "standard-form-desktop")
    check_axe(page, "a clinic's own form")
    instances.nth(0).get_by_role("button", name="Remove").click()
    expect(instances).to_have_count(1)
    watch.check(page)
    assert page.locator(".jupyter-widgets-error-widget").count() == 0


def test_a_clinic_form_fits_a_phone(browser, server):
    page, watch = open_form(browser, server, PHONE)
    assert_no_sideways_scroll(page, "a clinic's own form on a phone")
    shot(page, "standard-form-phone")
    watch.check(page)
