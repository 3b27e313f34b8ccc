"""The app in Spanish, in a real browser: every step of the example passes axe and names
its language, the page has no sonb sentence left in English, and a new Spanish case goes
from "¿Le conviene una segunda opinión?" to a Spanish PDF report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sonb_ui import click, go_to_step, step_text, wait_for_step
from test_a11y import check_axe, check_landmarks
from voila_browser import DESKTOP, PHONE, open_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_spanish_everywhere import english_in  # noqa: E402

pytestmark = pytest.mark.browser
EXAMPLE = "Probar el ejemplo del dolor de espalda"


def open_spanish(browser, voila, viewport=DESKTOP):
    return open_app(browser, voila, viewport, "?lang=es")


@pytest.fixture(scope="module")
def example(browser, voila):
    page, watch = open_spanish(browser, voila)
    click(page, EXAMPLE)
    wait_for_step(page, 1)
    yield page, watch
    page.context.close()


def test_the_start_page_is_spanish(browser, voila):
    page, watch = open_spanish(browser, voila, PHONE)
    assert page.evaluate("document.documentElement.lang") == "es"
    check_landmarks(page, "página de inicio")
    check_axe(page, "página de inicio")
    assert not english_in(page.locator(".sonb-app").inner_text())
    watch.check(page)
    page.context.close()


@pytest.mark.parametrize("step", range(1, 7))
def test_each_spanish_step_passes_axe_and_shows_no_english_sentence(example, step):
    page, watch = example
    go_to_step(page, step)
    assert page.evaluate("document.documentElement.lang") == "es"
    check_landmarks(page, f"paso {step}")
    check_axe(page, f"paso {step}")
    typed = page.locator(".sonb-app textarea, .sonb-app input[type=text]").evaluate_all(
        "els => els.map(e => e.value).join(' ')")
    found = english_in(step_text(page), _example_words() + " " + typed)
    assert not found, found[:5]
    watch.check(page)


def _example_words() -> str:
    from sonb.examples import load_example
    from test_spanish_everywhere import _typed

    return " ".join(" ".join(t.split()) for t in _typed(load_example("back_pain")))


def test_a_spanish_case_from_the_first_question_to_the_pdf_report(browser, voila):
    page, watch = open_spanish(browser, voila)
    click(page, "Empezar un caso nuevo")
    wait_for_step(page, 1)
    expect(page.get_by_role("heading", name="¿Le conviene una segunda opinión?")).to_be_visible()
    decision = page.locator(".sonb-app textarea").first
    decision.fill("Operarme la rodilla o no")
    decision.press("Tab")
    go_to_step(page, 6)
    page.get_by_role("button", name=re.compile("Hacer el informe como PDF")).click()
    link = page.get_by_role("link", name="Descargar el archivo")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    text = subprocess.run(["pdftotext", str(download.value.path()), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Operarme la rodilla o no" in text
    assert "Lo que tengo que decidir" in text  # the report's first heading
    assert not english_in(text, "Operarme la rodilla o no")
    watch.check(page)
    page.context.close()
