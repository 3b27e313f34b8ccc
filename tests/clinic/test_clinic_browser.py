"""The clinic in a real browser (headless Chromium): a patient logs in on the hub's page, makes
a case on their own page and shares it; the navigator logs in, runs the navigator notebook in
JupyterLab, and finds that case at the top of the caseload. Screenshots of each part go to
test-artifacts/clinic-*.png (docs/clinic.md shows them)."""

from __future__ import annotations

import re

import pytest
from hub_client import Clinic
from test_a11y import check_axe  # tests/browser/test_a11y.py
from voila_browser import ARTIFACTS, DESKTOP, Watch, shot, wait_for_app

pytestmark = pytest.mark.browser
SHARE = "Share this case with my clinic's navigators"
LAB_WAIT = 120_000  # ms: JupyterLab's first load, then a kernel


@pytest.fixture(scope="module")
def browser_clinic(installed, clinic_folder):
    env = {"SONB_CLINIC_MAX_SERVERS": "10", "SONB_CLINIC_IDLE_TIMEOUT": "900"}
    with Clinic(clinic_folder / "browser", patients=1, navigators=1, env=env) as c:
        yield c


def log_in(browser, clinic, user: str, name: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(f"{clinic.base}/hub/login", wait_until="domcontentloaded")
    page.fill("#username_input", user)
    page.fill("#password_input", clinic.passwords[user])
    shot(page, f"clinic-{name}-login")
    page.click("#login_submit")
    return page, watch


def test_a_shared_case_is_at_the_top_of_the_navigators_caseload(browser, browser_clinic):
    c = browser_clinic
    patient, navigator = c.patients[0], c.navigators[0]

    page, watch = log_in(browser, c, patient, "patient")
    wait_for_app(page)
    assert page.url == f"{c.base}/user/{patient}/"
    page.get_by_role("button", name="Start a new case").click()
    page.get_by_text("Step 1 of 6").wait_for()
    page.get_by_label(SHARE).check()
    page.get_by_text("Shared: your clinic's navigators can see and change this case.").wait_for()
    shot(page, "clinic-patient-page")
    watch.check(page)
    check_axe(page, "the patient's page behind the hub, with the share box")
    page.context.close()

    lab, lab_watch = log_in(browser, c, navigator, "navigator")
    lab.wait_for_url(re.compile(rf"/user/{navigator}/lab"), timeout=LAB_WAIT)
    lab.locator(".jp-Notebook").first.wait_for(timeout=LAB_WAIT)
    lab.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=LAB_WAIT)
    lab.get_by_role("menuitem", name="Run", exact=True).click()
    lab.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    table = lab.locator(".sonb-table").first
    try:
        table.wait_for(timeout=LAB_WAIT)
    except Exception:
        lab.screenshot(path=str(ARTIFACTS / "clinic-navigator-failed.png"))
        raise
    lab.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=LAB_WAIT)  # all cells ran
    first_row = table.locator("tbody tr").first.locator("td").first.text_content()
    assert first_row == patient
    lab.locator(".jp-OutputArea-output h2", has_text="Caseload").scroll_into_view_if_needed()
    lab.wait_for_timeout(500)
    lab.screenshot(path=str(ARTIFACTS / "clinic-navigator-caseload.png"))
    assert not lab_watch.foreign, lab_watch.foreign  # JupyterLab too asks no other host
    lab.context.close()
