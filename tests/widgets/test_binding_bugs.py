"""The problems of the issue "One binding between each form and the case", as a patient meets
them in the app. Each failed on the code before the binding table."""

from __future__ import annotations

import pytest

from sonb import Clinician, DecisionKind, Option, Role
from sonb.fhir import case_from_fhir_bundle, fhir_bundle
from sonb.widgets.app import SecondOpinionApp
from sonb.widgets.common import ui

from journey import add_record, answer
from widget_tree import button, error_text, item_box, plain, shown, walk


def status(app) -> str:
    return plain(app.session.status.value)


@pytest.fixture
def app(store):
    app = SecondOpinionApp(store=store)
    app.new_button.click()
    return app


@pytest.fixture
def visit(app):
    """The app on step 4 with a doctor and two choices, showing the medical-test form."""
    case = app.session.case.model_copy(update={
        "options": [Option(id="mri", name="An MRI"), Option(id="wait", name="Wait and see")],
        "clinicians": [Clinician(id="dr-lee", name="Dr Lee", role=Role.second_opinion)]})
    assert app.session.save(case) == {}
    app.step_buttons[3].click()
    forms = app.view(3)
    forms.kind.value = "medical_test"
    return forms


# 1. A hidden invalid field silently stopped every later save of its form.
def test_a_hidden_invalid_answer_does_not_stop_later_saves(app, visit, stored):
    form = visit.form
    form.control("changes_treatment").value = True
    form.control("changes_treatment_explain").value = "x" * 6000
    assert "at most 5,000" in error_text(form, "changes_treatment_explain")
    assert status(app).startswith("Not saved")  # never "Saved" while a change is refused
    form.control("changes_treatment").value = False  # the explanation hides with its problem
    assert not shown(item_box(form, "changes_treatment_explain"))
    answer(form, name="Knee MRI")
    saved = stored(app.session.case.id).opinion_of("dr-lee")
    assert saved.answers.get("name") == "Knee MRI"
    assert saved.answers.get("changes_treatment") is False
    assert "changes_treatment_explain" not in saved.answers  # hidden answers are not kept
    assert status(app) == ui("case_bar", "saved_version", n=app.session.case.revision)


def test_a_refused_change_says_so_in_the_status_line_and_beside_the_field(app, visit):
    form = visit.form
    form.control("diagnosis").value = "y" * 5001
    assert error_text(form, "diagnosis")
    text = status(app)
    assert text.startswith("Not saved") and "What does the doctor think is wrong?" in text
    form.control("diagnosis").value = "A torn meniscus"
    assert status(app).startswith("Saved (version")


# 2. Switching a doctor's form broke the FHIR export.
def test_switching_the_form_keeps_what_fits_and_the_export_still_works(app, visit, stored):
    visit.kind.value = "surgery"
    answer(visit.form, name="Knee arthroscopy", anesthesia="Asleep", alternatives="Exercises")
    visit.kind.value = "medical_test"
    answer(visit.form, results_when="In 2 days")  # an edit in the new form
    opinion = stored(app.session.case.id).opinion_of("dr-lee")
    assert opinion.form_kind == DecisionKind.medical_test
    assert opinion.answers == {"alternatives": "Exercises",  # the same question in both forms
                               "results_when": "In 2 days"}
    assert opinion.set_aside[DecisionKind.surgery] == {"name": "Knee arthroscopy",
                                                     "anesthesia": "Asleep"}
    notice = plain(visit.notice.value)
    assert "What is the name of the surgery?" in notice and "anesthesia" in notice
    assert "Answers put aside (2)" in plain(visit.aside.value)
    case = app.session.case
    assert case_from_fhir_bundle(fhir_bundle(case), case) == case
    visit.kind.value = "surgery"  # changing back brings them back
    opinion = stored(app.session.case.id).opinion_of("dr-lee")
    assert opinion.answers == {"alternatives": "Exercises", "name": "Knee arthroscopy",
                               "anesthesia": "Asleep"}
    assert opinion.set_aside == {DecisionKind.medical_test: {"results_when": "In 2 days"}}


# 3. Step 4 asked the same questions twice, and the two copies disagreed.
def test_each_question_is_asked_once_and_feeds_compare_and_open_questions(app, visit):
    from sonb.compare import options_table, unanswered_table

    texts = [item_box(visit.form, link).children[0] for link in visit.form.form._controls]
    assert len(texts) == len(set(map(id, texts)))
    links = list(visit.form.form._controls)
    for aspect in ("benefits", "risks", "how_well", "daily_now", "daily_later", "recovery", "cost",
                   "if_delay"):
        assert aspect not in links  # asked per choice (or as what_if_wait), not again
    answer(visit.form, recommended_option="mri")
    visit.form.control("mri.risks").value = "None from radiation"
    case = app.session.case
    assert "None from radiation" in options_table(case).to_string()
    still_open = unanswered_table(case)["Question"].tolist()
    assert not any("risks" in q.lower() and "An MRI" in q for q in still_open)
    assert any("An MRI" in q for q in still_open)  # other questions about the MRI are open
    assert not any("Wait and see" in q for q in still_open)  # never talked about


# 4. Problems whose key is not a field were dropped without a word.
def test_a_problem_of_the_whole_form_is_shown(app, visit):
    visit.form.form.show_problems({"(whole record)": "This case is too large to save."})
    shown_text = " ".join(plain(w.value) for w in walk(visit.form) if hasattr(w, "value")
                          and isinstance(w.value, str) and "sonb-error" in w.value)
    assert "This case is too large to save." in shown_text


# 5. An unanswered question was stored as if it were answered.
def test_a_new_doctor_needs_their_part_in_your_care(app, stored):
    app.step_buttons[1].click()
    people = app.view(1).people
    assert add_record(people, name="Dr Ruiz", role="first_opinion")
    people.add_button.click()  # a second time: every question starts unanswered
    assert people.form.control("role").value is None
    answer(people.form, name="Dr Ng")
    button(people.editor, "Save").click()
    assert error_text(people.form, "role")
    assert [c.name for c in stored(app.session.case.id).clinicians] == ["Dr Ruiz"]
    people.form.control("role").value = "second_opinion"
    button(people.editor, "Save").click()
    saved = stored(app.session.case.id).clinicians
    assert [(c.name, c.role) for c in saved] == [("Dr Ruiz", Role.first_opinion),
                                                 ("Dr Ng", Role.second_opinion)]


def test_weights_start_unanswered_and_looking_stores_nothing(app, stored):
    app.step_buttons[5].click()
    decide = app.view(5)
    weights = decide.weights.form
    first = next(link for link in weights._controls if link.startswith("weight."))
    assert weights.control(first).value is None  # no weight shown as chosen
    assert stored(app.session.case.id).preferences.factors == []
    weights.control(first).value = 5
    factors = stored(app.session.case.id).preferences.factors
    assert [f.weight for f in factors if f.id == first.split(".", 1)[1]] == [5]
    assert all(f.weight is None for f in factors if f.id != first.split(".", 1)[1])


# 6. The resume-code message named the wrong problem.
@pytest.mark.parametrize("code, key", [("", "no_code"), ("   ", "no_code"), ("1", "code_length"),
                                       ("a" * 65, "code_length"), ("abc def ghi", "bad_code"),
                                       ("<script>x</script>", "bad_code")])
def test_the_resume_code_message_names_the_problem(store, code, key):
    app = SecondOpinionApp(store=store)
    app.resume(code)
    assert plain(app.start_message.value) == ui("start", key, n=len(code.strip()))


def test_the_case_file_is_made_when_asked(app):
    assert "data:" not in app.download.result.value  # not pushed to the page on every save
    app.download.button.click()
    assert "data:application/json;base64," in app.download.result.value
    answer(app.view(0).form, decision="Knee surgery?")
    assert app.download.result.value == ""  # the old file is out of date: make a new one
