"""The guide's advice a patient needs on the way: second opinions are normal and how to ask
for one (step 2), and what to do and not do while waiting (steps 1 and 3)."""

from __future__ import annotations

import html

from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui

from widget_tree import html_values, plain


def _text(app, index: int) -> str:
    app.step_buttons[index].click()
    return html.unescape(plain(" ".join(html_values(app.view(index).widget))))


def test_steps_1_and_3_say_what_to_do_while_waiting_and_step_2_how_to_ask(store):
    app = SecondOpinionApp(store=store)
    app.new_button.click()
    for index in (0, 2):
        shown = _text(app, index)
        assert ui("safety", "title") in shown
        assert all(item in shown for item in ui("safety", "items"))
        assert "Do not stop or change" in shown and "emergency number" in shown
    asking = _text(app, 1)
    assert ui("steps", "doctors", "reassure") in asking
    assert all(line in asking for line in ui("steps", "doctors", "script"))
    assert "does not work with you" in asking  # someone not connected with the first doctor


def test_the_words_to_ask_can_be_printed(store, tmp_path):
    import base64
    import re
    import subprocess

    app = SecondOpinionApp(store=store)
    app.new_button.click()
    app.step_buttons[1].click()
    button = app.view(1).print_script
    button.button.click()
    link = re.search(r'download="([^"]+)" href="data:application/pdf;base64,([^"]+)"', button.result.value)
    assert link is not None, button.result.value
    pdf = tmp_path / link[1]
    pdf.write_bytes(base64.b64decode(link[2]))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert ui("steps", "doctors", "script_title") in text
    for line in ui("steps", "doctors", "script"):
        assert " ".join(line.split()) in text
