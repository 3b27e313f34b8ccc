"""The report and the printable forms in headless Chromium: axe-core (WCAG 2.1 A/AA), no
requests, and PNGs of the PDF pages in test-artifacts/ to look at."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from sonb import printable, report
from sonb.examples import load_example
from sonb.model import Clinician, Decision, Opinion, Option, Role
from sonb.pdf import to_pdf

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # gitignored
TODAY = dt.date(2025, 3, 14)
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def world_case():
    """The back-pain example with a doctor and a choice in Arabic and Chinese."""
    case = load_example("back_pain")
    case.clinicians.append(Clinician(id="dr-hasan", name="د. ليلى حسن", specialty="جراحة العظام",
                                     role=Role.other_professional, institution="北京协和医院"))
    case.options.append(Option(id="rest", name="الراحة", description="休息两周"))
    case.opinions.append(Opinion(clinician_id="dr-hasan", diagnosis="انزلاق غضروفي",
                                 recommended_option="rest", confidence="not_sure"))
    case.choice = Decision(option="rest", reasons="أفضل الراحة أولاً. 先休息。")
    return case


PAGES = {
    "report": lambda: report.report_html(load_example("back_pain"), TODAY),
    "report-world": lambda: report.report_html(world_case(), TODAY),
    "forms-blank": lambda: printable.forms_html(),
    "form-surgery": lambda: printable.forms_html("surgery"),
    "form-filled": lambda: printable.forms_html(case=load_example("back_pain"), clinician_id="dr-hughes"),
}


def open_html(browser, html: str, media: str):
    """A page showing `html`, with every request it tries recorded and refused."""
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    page.route("**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page.emulate_media(media=media)
    page.set_content(html, wait_until="load")
    return context, page, requests


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


@pytest.mark.parametrize("media", ["screen", "print"])
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_problems_and_no_requests(browser, name, media):
    context, page, requests = open_html(browser, PAGES[name](), media)
    try:
        violations = axe_violations(page)
        serious = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations
                   if v["impact"] in ("serious", "critical")]
        assert serious == []
        assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
        assert page.evaluate("document.scripts.length") == 0
        assert requests == []
        if media == "screen":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"), full_page=True)
    finally:
        context.close()


def test_right_to_left_text_is_laid_out_right_to_left(browser):
    context, page, _ = open_html(browser, PAGES["report-world"](), "screen")
    try:
        cell = page.locator("td", has_text="جراحة العظام")
        assert cell.evaluate("el => getComputedStyle(el).direction") == "rtl"
        latin = page.locator("td", has_text="Family medicine")
        assert latin.evaluate("el => getComputedStyle(el).direction") == "ltr"
    finally:
        context.close()


def test_hostile_text_runs_nothing(browser):
    case = load_example("back_pain")
    case.decision = "<img src=x onerror=\"document.title='owned'\"><script>document.title='owned'</script>"
    case.clinicians[0].name = "\"'><svg onload=\"document.title='owned'\">"
    context, page, requests = open_html(browser, report.report_html(case, TODAY), "screen")
    try:
        assert page.title() != "owned"
        assert page.locator("img, svg, script").count() == 0
        assert "<img src=x" in page.locator("main").inner_text()
        assert requests == []
    finally:
        context.close()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", ["report", "report-world", "form-surgery", "form-filled"])
def test_pdf_pages_as_png_for_a_person_to_look_at(name):
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(to_pdf(PAGES[name]()))
    for old in ARTIFACTS.glob(f"{name}-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(ARTIFACTS / f"{name}-page")], check=True)
    pages = sorted(ARTIFACTS.glob(f"{name}-page-*.png"))
    assert pages and all(p.stat().st_size > 2_000 for p in pages)
