"""Step 1 in the app reads silence as silence: a new case concludes nothing, names what is
still open, and each of the four reasons counts alike."""

from __future__ import annotations

import pytest

from sonb.assessment import TRIGGERS
from sonb.report import report_html
from sonb.widgets.app import SecondOpinionApp
from sonb._datafiles import texts

from widget_tree import plain

LEVELS = texts("assessment")["levels"]


@pytest.fixture
def step1(store):
    app = SecondOpinionApp(store=store)
    app.new_button.click()
    return app, app.view(0)


def test_a_new_case_concludes_nothing_and_names_the_open_questions(step1):
    app, view = step1
    shown = plain(view.advice.value)
    assert LEVELS["not_yet"] in shown
    assert LEVELS["probably_not_needed"] not in shown
    assert "Is this an emergency? Do you need care right away?" in shown
    assert "Does your health plan say you must get a second opinion?" in shown
    page = report_html(app.session.case)
    assert LEVELS["not_yet"] in page and LEVELS["probably_not_needed"] not in page


@pytest.mark.parametrize("reason", TRIGGERS)
def test_each_reason_alone_makes_it_a_good_idea(step1, reason):
    _app, view = step1
    view.form.control(reason).value = True
    assert LEVELS["recommended"] in plain(view.advice.value)


def test_no_to_everything_says_probably_not_needed_and_why(step1):
    _app, view = step1
    for key in ("emergency", *TRIGGERS, "insurer_requires", "everyday_care"):
        view.form.control(key).value = False
    shown = plain(view.advice.value)
    assert LEVELS["probably_not_needed"] in shown
    assert "not answered" not in shown
