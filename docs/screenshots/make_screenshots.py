"""Make the README's screenshots: the start screen and each step of the example case, step 5's
"Did they say the same thing?", step 6's parts (the fit picture, readiness, the people
involved, the choice), the About page, the delete question, and a new case's step 1 before any answer, at desktop (1280 px) and
phone (390 px) width, in English and in Spanish (es-*.png), from real Voila in headless
Chromium.

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


def words(lang: str) -> dict[str, str]:
    """The labels the script clicks and the headings it scrolls to, in `lang` (sonb's data)."""
    from sonb import i18n
    from sonb.about import about
    from sonb.widgets.common import ui

    with i18n.language(lang):
        d = "steps", "decide"
        return {"example": ui("start", "example"), "new": ui("start", "new"),
                "fit": ui(*d, "fit_title"), "after": ui(*d, "after_title"),
                "deciding": ui(*d, "deciding_title"), "choice": ui(*d, "choice_title"),
                "about": about()["open"], "about_title": about()["title"],
                "back": about()["back_case"], "delete": ui("case_bar", "delete"),
                "delete_title": ui("delete", "title"), "keep": ui("delete", "keep"),
                "advice": ui("steps", "assess", "advice_title")}


def shoot(browser, server, lang: str) -> None:
    """Every screenshot in one language: English as `<width>-...png`, others `<lang>-<width>-...`."""
    w = words(lang)
    prefix = "" if lang == "en" else f"{lang}-"
    address = "" if lang == "en" else f"?lang={lang}"

    def save(page, width: str, name: str) -> None:
        page.screenshot(path=str(HERE / f"{prefix}{width}-{name}.png"))
        print("wrote", f"{prefix}{width}-{name}")

    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page, _watch = open_app(browser, server, viewport, address)
        save(page, width, "0-start")
        click(page, w["example"])
        wait_for_step(page, 1)
        for number, key in enumerate(STEPS, 1):
            go_to_step(page, number)
            page.wait_for_timeout(400)
            take(page, f"{prefix}{width}-{number}-{key}")
        for heading, name in ((w["fit"], "6-decide-fit"), (w["after"], "6-decide-readiness"),
                              (w["deciding"], "6-decide-people"), (w["choice"], "6-decide-choice")):
            at_heading(page, heading)
            save(page, width, name)
        click(page, w["about"])  # from step 6, and back
        page.get_by_role("heading", name=w["about_title"]).wait_for()
        save(page, width, "about")
        button(page, w["back"]).first.click()  # one above the text, one below
        click(page, w["delete"])  # the question only: "Keep my case" keeps it
        page.get_by_role("heading", name=w["delete_title"]).wait_for()
        save(page, width, "delete")
        click(page, w["keep"])
        go_to_step(page, 5)  # "Did they say the same thing?" under the answers
        page.locator(".sonb-step:visible .sonb-topic").first.evaluate(
            "e => e.scrollIntoView({block: 'start'})")
        save(page, width, "5-compare-ask")
        page.context.close()
        page, _watch = open_app(browser, server, viewport, address)  # a new case: nothing concluded
        click(page, w["new"])
        wait_for_step(page, 1)
        at_heading(page, w["advice"])
        save(page, width, "1-assess-new")
        page.context.close()


def main() -> None:
    server = VoilaServer(Path(tempfile.mkdtemp(prefix="sonb-shots-")))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for lang in ("en", "es"):
                shoot(browser, server, lang)
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
