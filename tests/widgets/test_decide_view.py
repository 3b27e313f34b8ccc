"""Step 6 as a patient uses it: their own list of what matters, the picture of how each choice
fits, readiness that leads somewhere, how they want to decide and who else is involved."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sonb import Case, DecisionKind, Option
from sonb import questionnaire as Q
from sonb.examples import load_example
from sonb.widgets.decide import DecideView
from sonb.widgets.session import CaseSession

from journey import add_record, answer, row_button
from widget_tree import XSS, XSS_ESCAPED, button, html_values, plain, walk


@pytest.fixture
def new_case(store):
    case = Case(kind=DecisionKind.surgery, options=[Option(id="surgery", name="Surgery"),
                                                     Option(id="pt", name="Physical therapy")])
    return store.create(case)


def view_of(store, case) -> DecideView:
    view = DecideView(CaseSession(store, case))
    view.widget  # built on first use
    return view


def words(root) -> str:
    """What the patient reads under `root`: its HTML as text, and every label."""
    return " ".join([plain(h) for h in html_values(root)]
                    + [getattr(w, "description", "") for w in walk(root)])


def labels(view) -> list[str]:
    return [f.label for f in view.factors.records]


# -- what matters: the patient's own list ------------------------------------------------------

def test_the_list_starts_from_suggestions_for_the_kind_and_looking_saves_nothing(store, new_case, stored):
    view = view_of(store, new_case)
    assert labels(view) == [f.label for f in Q.default_factors(DecisionKind.surgery)]
    assert stored(new_case.id).preferences.factors == []
    assert stored(new_case.id).revision == new_case.revision


def test_add_rename_remove_and_reorder_are_each_saved(store, new_case, stored):
    view = view_of(store, new_case)
    suggested = labels(view)
    assert add_record(view.factors, label="  Lift my  grandchild ")
    assert labels(view) == [*suggested, "Lift my grandchild"]  # spaces tidied
    assert "Lift my grandchild" in words(view.weights)  # a question to weigh it
    # rename the first suggestion; its weight stays
    answer(view.weights, **{f"weight.{view.factors.records[0].id}": 4})
    row_button(view.factors, 0, "Edit").click()
    answer(view.factors.form, label="Less pain when I walk")
    button(view.factors.editor, "Save").click()
    saved = stored(new_case.id).preferences.factors
    assert (saved[0].label, saved[0].weight) == ("Less pain when I walk", 4)
    # remove the second; move the new one to the top
    row_button(view.factors, 1, "Remove").click()
    row_button(view.factors, len(view.factors.records) - 1, "Up").click()
    saved = [f.label for f in stored(new_case.id).preferences.factors]
    assert suggested[1] not in saved
    assert saved[-2] == "Lift my grandchild" and saved[0] == "Less pain when I walk"
    assert row_button(view.factors, 0, "Up").disabled
    assert row_button(view.factors, len(saved) - 1, "Down").disabled
    assert f"weight.{view.factors.records[0].id}" in [i["linkId"] for i in Q.questions(view.weights.questionnaire)]


def test_a_removed_suggestion_can_be_added_back_and_a_twin_is_refused(store, new_case, stored):
    view = view_of(store, new_case)
    first = labels(view)[0]
    assert not [b for b in view.ideas.children if getattr(b, "description", "") == first]
    row_button(view.factors, 0, "Remove").click()
    idea = button(view.ideas, first)
    idea.click()
    assert labels(view)[-1] == first and first in [f.label for f in stored(new_case.id).preferences.factors]
    assert not [b for b in view.ideas.children if getattr(b, "description", "") == first]
    revision = stored(new_case.id).revision
    assert not add_record(view.factors, label=first.upper())  # the same words: refused
    assert "already" in words(view.factors.editor)
    assert stored(new_case.id).revision == revision


def test_removing_a_factor_drops_its_ratings_and_the_fit_follows(store, stored):
    case = store.create(load_example("back_pain").model_copy(update={"id": Case().id}))
    view = view_of(store, case)
    assert "4.3 of 5" in view.fit.value  # physical therapy, all in all
    index = [f.id for f in view.factors.records].index("no-surgery")
    row_button(view.factors, index, "Remove").click()
    saved = stored(case.id).preferences
    assert all("no-surgery" not in scores for scores in saved.fit.values())
    assert "Avoid surgery" not in view.fit.value and "4.3 of 5" not in view.fit.value


def test_a_hostile_factor_label_is_shown_as_text(store, new_case):
    view = view_of(store, new_case)
    assert add_record(view.factors, label=XSS)
    answer(view.weights, **{f"weight.{view.factors.records[-1].id}": 3})
    pages = "".join(html_values(view.widget))
    assert XSS not in pages and XSS_ESCAPED in pages


# -- the picture of how each choice fits ------------------------------------------------------

def test_the_fit_chart_has_each_number_as_text_in_the_case_order_and_no_ranking():
    from sonb.fit_chart import fit_chart_html, option_fits

    case = load_example("back_pain")
    html = fit_chart_html(case)
    names = [o.name for o in case.options]
    assert [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h4>.*?</h4>", html)] == names
    overall = [f.overall.score for f in option_fits(case)]
    assert [f"{s:.1f}".removesuffix(".0") + " of 5" for s in overall] == re.findall(
        r'<span class="sonb-bar-value">([^<]*)</span></li></ul><details', html)
    assert 'aria-hidden="true"' in html  # the bars; the numbers are text
    assert not re.search(r"\brank|\bbest\b|1st|first", html, re.I)


# -- readiness that leads somewhere ------------------------------------------------------------

def test_each_no_shows_what_could_help_and_the_change_is_in_words(store, new_case):
    view = view_of(store, new_case)
    assert "Answer the four questions" in words(view.readiness)
    answer(view.before, sure=False, understand=False, values_clear=True, support=True)
    text = words(view.readiness)
    assert "Answer the questions under" in text  # nothing to compare yet
    assert "main doctor" in text and "more facts" in text  # sure, understand
    assert "What matters to you" not in text and "someone you trust" not in text
    answer(view.after, sure=True, understand=True, values_clear=False, support=False)
    text = words(view.readiness)
    assert "you said yes to 2 of 4 questions. Now you say yes to 2 of 4" in text
    assert "Feeling sure what to choose: you said no before, and yes now." in text
    assert "Having enough help to choose: you said yes before, and no now." in text
    assert "main doctor" not in text  # "sure" is yes now
    assert "What matters to you" in text and "someone you trust" in text
    answer(view.after, values_clear=True, support=True)
    assert "ready to make your choice" in words(view.readiness)


# -- how I want to decide, and who else is involved --------------------------------------------

def test_deciding_and_people_are_saved_and_described(store, new_case, stored):
    view = view_of(store, new_case)
    answer(view.deciding, role="shared")
    answer(view.deciding, with_whom="My daughter", deadline=dt.date(2030, 5, 1), stage="thinking")
    assert add_record(view.people, name="Ana", relation="my daughter", prefers="pt", presses=True)
    saved = stored(new_case.id)
    assert (saved.deciding.role, saved.deciding.with_whom, saved.deciding.deadline,
            saved.deciding.stage) == ("shared", "My daughter", dt.date(2030, 5, 1), "thinking")
    assert [(p.name, p.prefers, p.presses) for p in saved.people] == [("Ana", "pt", True)]
    assert "Ana (my daughter) · would pick Physical therapy · pushes you" in words(view.people)


def test_with_whom_is_asked_only_when_someone_else_takes_part(store, new_case, stored):
    view = view_of(store, new_case)
    answer(view.deciding, role="myself")
    assert "with_whom" not in view.deciding.answers
    answer(view.deciding, role="others", with_whom="My son")
    answer(view.deciding, role="myself")  # changed their mind: the hidden answer is dropped
    assert stored(new_case.id).deciding.with_whom == ""


def test_an_option_someone_prefers_cannot_be_removed_silently(store, new_case, stored):
    from sonb import binding as B

    view = view_of(store, new_case)
    assert add_record(view.people, name="Ana", prefers="surgery")
    with pytest.raises(Exception, match="prefers an option"):
        B.without_record(view.session.case, B.OPTION, "surgery")
    assert stored(new_case.id).people[0].prefers == "surgery"


def test_a_list_emptied_by_the_patient_stays_empty(store, new_case, stored):
    view = view_of(store, new_case)
    for _ in range(len(view.factors.records)):
        row_button(view.factors, 0, "Remove").click()
    assert labels(view) == [] and "Your list is empty" in words(view.factors)
    assert stored(new_case.id).preferences.factors == []
    view.refresh()
    assert labels(view) == []  # not the suggestions again
    assert add_record(view.factors, label="Sleep through the night")
    assert labels(view) == ["Sleep through the night"]
