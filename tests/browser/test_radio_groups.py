"""Radio groups on the real page (Voila + Chromium): each is a role=radiogroup whose accessible
name is its question, none looks chosen before the patient answers, the keyboard moves inside a
group as in any radio group, and axe finds nothing wrong with them.

ipywidgets' RadioButtons gives neither the group nor its name; sonb's Voila template adds both
(sonb/voila/share/voila/templates/sonb/radio_groups.js).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sonb_ui import WAIT, click, shown, wait_for_step
from test_a11y import AXE_OPTIONS, describe
from voila_browser import DESKTOP, open_app

from sonb import questionnaire as Q

pytestmark = pytest.mark.browser

# The radio widgets of the step shown, each with the question above it (its ipywidgets label).
_RADIO_FIELDS = """() => [...document.querySelectorAll('.sonb-step .sonb-field.widget-radio')]
  .filter(f => f.getClientRects().length)
  .map(f => ({question: f.querySelector(':scope > label.widget-label').innerText.trim(),
              box_role: f.querySelector('.widget-radio-box').getAttribute('role'),
              radios: f.querySelectorAll('input[type=radio]').length,
              checked: f.querySelectorAll('input[type=radio]:checked').length,
              names: [...new Set([...f.querySelectorAll('input[type=radio]')].map(r => r.name))]}))"""


def _label(item: dict) -> str:
    return item["text"] + (" (required)" if item.get("required") else "")


@pytest.fixture(scope="module")
def step_one(browser, voila):
    """A new case on step 1 ("Is a second opinion a good idea?"), nothing answered yet."""
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Start a new case")
    wait_for_step(page, 1)
    expect(shown(page).locator(".widget-radio-box[role=radiogroup]").first).to_be_attached(timeout=WAIT)
    yield page, watch
    page.context.close()


def test_every_radio_group_is_named_by_its_question_and_starts_unanswered(step_one):
    page, watch = step_one
    questions = {_label(item) for item in Q.questions(Q.load("assessment"))
                 if item["type"] in ("boolean", "choice")}
    fields = page.evaluate(_RADIO_FIELDS)
    shown_questions = [f["question"] for f in fields]
    assert len(fields) >= 8 and set(shown_questions) <= questions, shown_questions
    assert len(set(shown_questions)) == len(shown_questions)
    for f in fields:
        assert f["box_role"] == "radiogroup", f
        assert f["checked"] == 0, f"{f['question']!r} looks answered before any answer"
        assert len(f["names"]) == 1 and f["names"][0], f"the radios of {f['question']!r} are not one group"
        group = page.get_by_role("radiogroup", name=f["question"], exact=True)
        expect(group, f"a radio group named {f['question']!r}").to_have_count(1)
        expect(group.get_by_role("radio")).to_have_count(f["radios"])
    # the accessibility tree agrees: every radiogroup on the step has a non-empty name
    tree = shown(page).first.aria_snapshot()
    named = re.findall(r'- radiogroup "([^"]*)"', tree)
    assert sorted(named) == sorted(shown_questions), tree
    assert "- radiogroup\n" not in tree and "- radiogroup:" not in tree  # no group without a name
    watch.check(page)


def test_axe_finds_nothing_wrong_with_the_radio_groups(step_one):
    from axe_playwright_python.sync_playwright import Axe

    page, watch = step_one
    results = Axe().run(page, context={"include": [[".sonb-step .widget-radio"]]},
                        options=AXE_OPTIONS).response
    assert results["violations"] == [], describe(results["violations"])
    watch.check(page)


def test_the_keyboard_moves_inside_a_group_and_the_kernel_hears_it(step_one):
    page, watch = step_one
    question = _label(next(i for i in Q.questions(Q.load("assessment")) if i["linkId"] == "emergency"))
    group = page.get_by_role("radiogroup", name=question, exact=True)
    yes, no = group.get_by_role("radio", name="Yes"), group.get_by_role("radio", name="No")
    no.check()  # a click, as a patient makes it
    expect(no).to_be_checked()
    no.press("ArrowUp")  # the arrow key picks "Yes" inside the same group
    expect(yes).to_be_focused()
    expect(yes).to_be_checked()
    expect(no).not_to_be_checked()
    # the kernel got "Yes": the emergency message (enableWhen emergency = yes) shows
    expect(shown(page).get_by_text("Get care now", exact=False)).to_be_visible(timeout=WAIT)
    yes.press("ArrowDown")
    expect(no).to_be_checked()
    expect(shown(page).get_by_text("Get care now", exact=False)).to_be_hidden(timeout=WAIT)
    watch.check(page)
