"""How a patient uses sonb's page, for the browser tests: find a question by its text, answer it.

Every answerable item of a form is a `.sonb-item` box whose control carries the question text
as its ipywidgets description (a `<label class="widget-label">`; required items end with
" (required)"). Questions repeat across forms ("How could it help you?"), so the helpers take a
scope: the page, a form, or a `.sonb-group` found with `group`.
Text fields sync on blur (continuous_update=False), so `fill` presses Tab after typing.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

WAIT = 30_000  # ms: one kernel round trip is far quicker; this only bounds a hung page


def _question(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}( \(required\))?\s*$")


def shown(page):
    """The step on screen. Steps already built stay on the page, hidden, so a test looks for
    a step's content only in the one shown."""
    return page.locator(".sonb-step").filter(visible=True)


def _page(scope):
    """A `has=` filter takes a locator made from the page, not one chained to the scope."""
    return getattr(scope, "page", scope)


def item(scope, question: str):
    """The one `.sonb-item` box asking `question` (exact text) inside `scope`."""
    label = _page(scope).locator("label.widget-label, .sonb-label").filter(has_text=_question(question))
    found = scope.locator(".sonb-item").filter(has=label).filter(visible=True)
    expect(found, f"exactly one question {question!r}").to_have_count(1, timeout=WAIT)
    return found


def field(scope, question: str):
    """The one control (`.sonb-field`: label plus input) for `question` inside `scope`. Also finds
    fields that stand alone, outside a form (the resume code, the clinician picker)."""
    label = _page(scope).locator("label.widget-label").filter(has_text=_question(question))
    found = scope.locator(".sonb-field").filter(has=label).filter(visible=True)
    expect(found, f"exactly one field {question!r}").to_have_count(1, timeout=WAIT)
    return found


def group(scope, heading: str):
    """The `.sonb-group` box whose own heading is `heading` (exact text)."""
    title = _page(scope).locator(".sonb-group-title").filter(has_text=_question(heading))
    found = scope.locator(".sonb-group").filter(has=title)
    return found.last  # a nested group's box is the innermost one holding its title


def fill(scope, question: str, text: str) -> None:
    """Type into a text or textarea question, then leave the field so it syncs."""
    box = field(scope, question).locator("input[type=text], textarea")
    box.fill(text)
    box.press("Tab")


def choose(scope, question: str, answer: str) -> None:
    """Pick `answer` (the shown text) for a radio or dropdown question."""
    box = field(scope, question)
    select = box.locator("select")
    if select.count():
        select.select_option(label=answer)
    else:
        box.get_by_role("radio", name=answer, exact=True).check()


def yes(scope, question: str) -> None:
    choose(scope, question, "Yes")


def no(scope, question: str) -> None:
    choose(scope, question, "No")


def set_date(scope, question: str, iso: str) -> None:
    box = field(scope, question).locator("input[type=date]")
    box.fill(iso)
    box.press("Tab")


def button(scope, name: str):
    """The button called `name`. Font Awesome icons add a private-use glyph to the accessible
    name (CSS generated content), so anything that is not a letter may come before the text."""
    return scope.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}$"))


def click(scope, name: str) -> None:
    button(scope, name).click()


def step_buttons(page):
    return page.locator(".sonb-steps button")


def go_to_step(page, number: int) -> None:
    """Click the step button `number` (1-6) and wait until that step is shown."""
    step_buttons(page).nth(number - 1).click()
    wait_for_step(page, number)


def wait_for_step(page, number: int) -> None:
    """Wait until step `number` is shown ("Step 2 of 6", or "Paso 2 de 6" in Spanish)."""
    expect(page.get_by_text(re.compile(rf"^\s*(Step {number} of|Paso {number} de) 6\s*$"))
           ).to_be_visible(timeout=WAIT)


def resume_code(page) -> str:
    code = page.locator("code.sonb-code")
    expect(code).to_be_visible(timeout=WAIT)
    return code.inner_text().strip()


_STEP_TEXT = """() => {
  const progress = [...document.querySelectorAll('.sonb-app .widget-html')]
      .find(w => /^(Step \\d+ of|Paso \\d+ de) \\d+$/.test(w.innerText.trim()));
  if (!progress) return null;
  const title = progress.nextElementSibling, body = title && title.nextElementSibling;
  return body ? title.innerText + '\\n' + body.innerText : null;
}"""


def step_text(page) -> str:
    """The visible text of the step shown: its title and its content (not the case bar, the
    step buttons or Back/Next). The app lays out: progress, title, content, so this finds the
    "Step n of 6" line ("Paso n de 6") and takes the two widgets after it."""
    text = page.evaluate(_STEP_TEXT)
    assert text, "cannot find the step's content below 'Step n of 6'"
    return text
