"""Make the README's screenshots: the start screen and each step of the example case, step 5's
"Did they say the same thing?", step 6's parts (the fit picture, readiness, the people
involved, the choice), the About page, the delete question, and a new case's step 1 before any answer, at desktop (1280 px) and
phone (390 px) width, from real Voila in headless Chromium.

    .venv/bin/python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "tests" / "browser"))

from playwright.sync_api import sync_playwright  # noqa: E402
from sonb_ui import button, click, go_to_step, wait_for_step  # noqa: E402
from voila_browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, VoilaServer, open_app  # noqa: E402

STEPS = ["assess", "doctors", "plan", "forms", "compare", "decide"]


def take(page, name: str) -> None:
    """The visible screen, scrolled so the step's title is at the top."""
    titles = page.locator(".sonb-app h2")
    if titles.count():
        titles.last.scroll_into_view_if_needed()
        titles.last.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(HERE / f"{name}.png"))
    print("wrote", name)


def at_heading(page, text: str) -> None:
    """Scroll the step shown so that its heading `text` is at the top."""
    page.locator(".sonb-step:visible h3", has_text=text).first.evaluate(
        "e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)


def main() -> None:
    server = VoilaServer(Path(tempfile.mkdtemp(prefix="sonb-shots-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page, _watch = open_app(browser, server, viewport)
                page.screenshot(path=str(HERE / f"{width}-0-start.png"))
                click(page, "Try the back pain example")
                wait_for_step(page, 1)
                for number, key in enumerate(STEPS, 1):
                    go_to_step(page, number)
                    page.wait_for_timeout(400)
                    take(page, f"{width}-{number}-{key}")
                for heading, name in (("A picture of how each choice fits", "6-decide-fit"),
                                      ("How ready do you feel now?", "6-decide-readiness"),
                                      ("How you want to decide", "6-decide-people"),
                                      ("My choice", "6-decide-choice")):
                    at_heading(page, heading)
                    page.screenshot(path=str(HERE / f"{width}-{name}.png"))
                    print("wrote", f"{width}-{name}")
                click(page, "About this tool")  # from step 6, and back
                page.get_by_role("heading", name="About this tool").wait_for()
                page.screenshot(path=str(HERE / f"{width}-about.png"))
                print("wrote", f"{width}-about")
                button(page, "Back to my case").first.click()  # one above the text, one below
                click(page, "Delete my case")  # the question only: "Keep my case" keeps it
                page.get_by_role("heading", name="Delete your case?").wait_for()
                page.screenshot(path=str(HERE / f"{width}-delete.png"))
                print("wrote", f"{width}-delete")
                click(page, "Keep my case")
                go_to_step(page, 5)  # "Did they say the same thing?" under the answers
                page.locator(".sonb-step:visible .sonb-topic").first.evaluate(
                    "e => e.scrollIntoView({block: 'start'})")
                page.screenshot(path=str(HERE / f"{width}-5-compare-ask.png"))
                print("wrote", f"{width}-5-compare-ask")
                page.context.close()
                page, _watch = open_app(browser, server, viewport)  # a new case: nothing concluded
                click(page, "Start a new case")
                wait_for_step(page, 1)
                page.locator(".sonb-step:visible h3", has_text="What your answers suggest").evaluate(
                    "e => e.scrollIntoView({block: 'start'})")
                page.screenshot(path=str(HERE / f"{width}-1-assess-new.png"))
                print("wrote", f"{width}-1-assess-new")
                page.context.close()
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
