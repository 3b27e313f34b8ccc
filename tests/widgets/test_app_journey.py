"""The app through its widgets: steps, a whole journey saved at every step, the case file."""

from __future__ import annotations

import datetime as dt
import re

import ipywidgets as W
import pytest

from sonb import Case, Clinician, DecisionKind, Opinion, Option, Role
from sonb import questionnaire as Q
from sonb.widgets.app import STEP_KEYS, SecondOpinionApp
from sonb.widgets.common import ui

from journey import add_record, answer, ask_my_question, row_button, tick
from widget_tree import XSS, XSS_ESCAPED, button, downloaded, error_text, html_values, plain


@pytest.fixture
def app(store):
    app = SecondOpinionApp(store=store)
    app.new_button.click()
    return app


def show(app, index: int):
    """Press the button of step `index` (0-based) and return that step's view."""
    app.step_buttons[index].click()
    return app.view(index)


def saved_status(app) -> bool:
    text = plain(app.session.status.value)
    return text.startswith(ui("case_bar", "saved")) and "sonb-error" not in app.session.status.value


# -- moving between steps --------------------------------------------------------------------

def test_next_back_and_progress(app):
    titles = [ui("steps", key, "title") for key in STEP_KEYS]
    assert app.back.disabled and not app.next.disabled
    for n in range(1, 7):
        assert app.index == n - 1
        assert plain(app.progress.value) == f"Step {n} of 6"
        assert plain(app.step_title.value) == titles[n - 1]
        shown = [w for w in app.content.children if w.layout.display != "none"]
        assert shown == [app.view(n - 1).widget]  # built steps stay, hidden
        assert [b.button_style for b in app.step_buttons] == [
            "info" if i == n - 1 else "" for i in range(6)]
        if n < 6:
            app.next.click()
    assert app.next.disabled and not app.back.disabled
    app.next.click()  # stays on the last step
    assert app.index == 5
    app.back.click()
    assert app.index == 4 and plain(app.progress.value) == "Step 5 of 6"


def test_step_buttons_jump_to_their_step(app):
    assert [b.description for b in app.step_buttons] == [
        f"{n}. {ui('steps', key, 'title')}" for n, key in enumerate(STEP_KEYS, start=1)]
    app.step_buttons[3].click()
    assert app.index == 3 and plain(app.progress.value) == "Step 4 of 6"
    assert not app.back.disabled and not app.next.disabled
    app.step_buttons[0].click()
    assert app.index == 0 and app.back.disabled


def test_a_view_is_built_once_and_refreshed_when_shown_again(app):
    doctors = app.view(1)
    app.step_buttons[1].click()
    built = doctors.widget
    add_record(doctors.people, name="Dr Ng", role="second_opinion")
    app.step_buttons[0].click()
    app.step_buttons[1].click()
    assert app.view(1) is doctors and doctors.widget is built
    assert "Dr Ng" in " ".join(html_values(doctors.widget))


# -- the whole journey -----------------------------------------------------------------------

def test_a_whole_journey_is_saved_at_every_step(app, stored):
    case_id = app.session.case.id

    # 1. Is a second opinion a good idea? The assessment and the choices.
    assess = app.view(0)
    answer(assess.form, emergency=False, decision="Should I have knee surgery?", kind="surgery",
           costly_or_risky=True, unsure_diagnosis=True)
    saved = stored(case_id)
    assert (saved.decision, saved.kind) == ("Should I have knee surgery?", DecisionKind.surgery)
    assert saved.assessment == {"emergency": False, "costly_or_risky": True,
                                "unsure_diagnosis": True}
    assert "sonb-advice-" in assess.advice.value and "<li>" in assess.advice.value
    assert add_record(assess.options, name="Knee surgery", description="Arthroscopy, 3 weeks off")
    assert add_record(assess.options, name="Physical therapy")
    assert [(o.name, o.description) for o in stored(case_id).options] == [
        ("Knee surgery", "Arthroscopy, 3 weeks off"), ("Physical therapy", "")]
    surgery, therapy = (o.id for o in stored(case_id).options)

    # 2. Find the second doctor.
    app.next.click()
    doctors = app.view(1)
    people = doctors.people
    assert add_record(people, name="Dr Ada Ruiz", specialty="Orthopedics", role="first_opinion")
    assert not add_record(people, specialty="No name given")
    assert error_text(people.form, "name")  # shown beside the name
    assert len(stored(case_id).clinicians) == 1
    button(people.editor, "Cancel").click()
    assert add_record(people, name="Dr Ben Okafor", specialty="Sports medicine",
                      role="second_opinion", connected_to_first=True)
    saved = stored(case_id)
    assert [(c.name, c.role) for c in saved.clinicians] == [
        ("Dr Ada Ruiz", Role.first_opinion), ("Dr Ben Okafor", Role.second_opinion)]
    assert "Dr Ben Okafor works closely with your first doctor" in doctors.warnings.value
    first, second = (c.id for c in saved.clinicians)

    # 3. Get ready: dates and the forms to bring.
    app.next.click()
    plan = app.view(2)
    answer(plan.form, insurer_asked=dt.date(2030, 1, 6), visit_date=dt.date(2030, 2, 3),
           records_requested=dt.date(2030, 1, 10))
    tick(plan.form, "forms_chosen", "Surgery")
    saved = stored(case_id).plan
    assert (saved.insurer_asked, saved.visit_date, saved.records_requested) == (
        dt.date(2030, 1, 6), dt.date(2030, 2, 3), dt.date(2030, 1, 10))
    assert saved.forms_chosen == [DecisionKind.surgery]
    assert "2030-02-03" in plan.checklist.value and "2030-01-10" in plan.checklist.value

    # 4. Notes from each visit: what each said, the surgery form and my own question.
    app.next.click()
    forms = app.view(3)
    notes = {first: ("Torn meniscus", surgery, "very_sure", "Will I limp?"),
             second: ("Knee sprain", therapy, "not_sure", "How many sessions?")}
    for clinician_id, (diagnosis, option, sure, question) in notes.items():
        forms.picker.value = clinician_id
        assert forms.kind.value == "surgery"
        answer(forms.form, date=dt.date(2030, 2, 3), diagnosis=diagnosis,
               recommended_option=option, confidence=sure)
        answer(forms.form, name="Arthroscopy", **{f"{option}.risks": f"Risks as {diagnosis}"})
        ask_my_question(forms.form, question)
    saved = stored(case_id)
    for clinician_id, (diagnosis, option, sure, question) in notes.items():
        opinion = saved.opinion_of(clinician_id)
        assert (opinion.diagnosis, opinion.recommended_option, opinion.confidence) == (
            diagnosis, option, sure)
        assert opinion.date == dt.date(2030, 2, 3) and opinion.form_kind == DecisionKind.surgery
        assert opinion.answers == {"name": "Arthroscopy", "my_questions": [question]}
        assert opinion.views[option].risks == f"Risks as {diagnosis}"
    assert len(saved.opinions) == 2

    # 5. Compare: differences marked, and guidance.
    app.next.click()
    compare = app.view(4).html
    assert 'sonb-differ"' in compare
    assert "Torn meniscus" in compare and "Knee sprain" in compare
    guidance = compare.split(ui("steps", "compare", "guidance_title"), 1)[1]
    assert guidance.split("<h3>", 1)[0].count("<li>") >= 1

    # 6. Make your choice: weights, fit, readiness before and after, the choice.
    app.next.click()
    decide = app.view(5)
    assert not stored(case_id).preferences.factors  # looking at the step saves nothing
    factors = Q.default_factors(DecisionKind.surgery)  # the weights shown for a surgery
    pain = factors[0].id
    answer(decide.weights, **{f"weight.{pain}": 5, f"fit.{surgery}.{pain}": 4,
                              f"fit.{therapy}.{pain}": 2})
    answer(decide.before, sure=False, understand=False)
    answer(decide.after, sure=True, understand=True)
    answer(decide.choice, option=therapy, reasons="Less risk; I can try surgery later.")
    saved = stored(case_id)
    assert saved.preferences.factors[0].weight == 5
    assert saved.preferences.fit == {surgery: {pain: 4}, therapy: {pain: 2}}
    assert (saved.readiness_before.sure, saved.readiness_before.understand) == (False, False)
    assert (saved.readiness_after.sure, saved.readiness_after.understand) == (True, True)
    assert (saved.choice.option, saved.choice.reasons) == (
        therapy, "Less risk; I can try surgery later.")
    assert "Physical therapy" in decide.fit.value

    # The page says it is saved, and its case file is the case as stored.
    assert saved_status(app)
    assert downloaded(app) == saved == app.session.case


# -- saving, status and the case file --------------------------------------------------------

@pytest.mark.parametrize("start", ["new_button", "example_button"])
def test_looking_at_every_step_saves_nothing(store, start):
    """Opening a case and showing (or building ahead) each step writes nothing: a second window
    that only looks never makes the first one's next save a conflict."""
    app = SecondOpinionApp(store=store)
    getattr(app, start).click()
    case_id, revision = app.session.case.id, app.session.case.revision
    for index in [*range(6), *reversed(range(6))]:
        show(app, index)
    assert app.session.case.revision == revision
    assert [r.revision for r in store.history(case_id)] == [revision]


def test_every_change_is_a_new_revision_and_the_status_says_saved(app, store):
    case_id = app.session.case.id
    answer(app.view(0).form, decision="Knee surgery?")
    assert app.session.case.revision == 2 and len(store.history(case_id)) == 2
    assert saved_status(app)
    assert plain(app.session.status.value) == ui("case_bar", "saved_version", n=2)


def test_the_download_link_is_the_current_case_file(app, stored):
    assert downloaded(app) == stored(app.session.case.id)
    answer(app.view(0).form, decision="Changed 改变 تغيير")
    assert downloaded(app).decision == "Changed 改变 تغيير"
    assert downloaded(app) == stored(app.session.case.id)


def test_a_100_kb_text_is_flagged_and_nothing_is_saved(app, stored):
    case_id = app.session.case.id
    form = app.view(0).form
    form.control("decision").widget.value = "x" * 100_000
    assert "too long" in error_text(form, "decision")
    assert stored(case_id).revision == 1 and stored(case_id).decision == ""
    form.control("costly_or_risky").widget.value = True  # blocked until the text is fixed
    assert stored(case_id).revision == 1
    form.control("decision").widget.value = "Knee surgery?"
    assert error_text(form, "decision") == ""
    assert stored(case_id).decision == "Knee surgery?"
    assert stored(case_id).assessment == {"costly_or_risky": True}


def test_a_record_with_a_100_kb_name_is_not_kept(app, stored):
    people = show(app, 1).people
    assert not add_record(people, name="x" * 100_000)
    assert "too long" in error_text(people.form, "name")
    assert stored(app.session.case.id).clinicians == []


def test_an_empty_name_is_flagged_beside_it_and_nothing_is_saved(app, stored):
    options = app.view(0).options
    assert not add_record(options, name="   ", description="A choice without a name")
    assert error_text(options.form, "name")
    assert error_text(options.form, "description") == ""
    assert stored(app.session.case.id).options == []
    options.form.control("name").widget.value = "Wait and see"
    button(options.editor, "Save").click()
    assert [o.name for o in stored(app.session.case.id).options] == ["Wait and see"]


def test_records_can_be_edited_and_removed(app, stored):
    people = show(app, 1).people
    add_record(people, name="Dr Ng", role="second_opinion")
    add_record(people, name="Dr Li", role="other_professional")
    row_button(people, 0, "Edit").click()
    assert people.form.control("name").widget.value == "Dr Ng"
    people.form.control("name").widget.value = "Dr Ng Wei"
    button(people.editor, "Save").click()
    assert [c.name for c in stored(app.session.case.id).clinicians] == ["Dr Ng Wei", "Dr Li"]
    assert "Dr Ng Wei" in " ".join(html_values(people.items))
    row_button(people, 1, "Remove").click()
    assert [c.name for c in stored(app.session.case.id).clinicians] == ["Dr Ng Wei"]
    assert "Dr Li" not in " ".join(html_values(people.items))


def _case_with_notes(store):
    return store.create(Case(
        clinicians=[Clinician(id="c1", name="Dr Ada Ruiz"), Clinician(id="c2", name="Dr Ng")],
        options=[Option(id="o1", name="Knee surgery")],
        opinions=[Opinion(clinician_id="c1", diagnosis="Torn meniscus", recommended_option="o1")]))


def test_removing_a_doctor_with_notes_keeps_the_doctor_and_the_notes(store, stored):
    case = _case_with_notes(store)
    app = SecondOpinionApp(store=store, case=case)
    people = show(app, 1).people
    row_button(people, 0, "Remove").click()
    assert [c.name for c in people.records] == ["Dr Ada Ruiz", "Dr Ng"]
    assert "sonb-error" in people.message.value
    assert stored(case.id) == case  # nothing lost, nothing saved
    row_button(people, 1, "Remove").click()  # a doctor without notes goes
    assert [c.name for c in stored(case.id).clinicians] == ["Dr Ada Ruiz"]
    assert people.message.value == ""


def test_removing_a_doctor_with_notes_says_why_in_plain_words(store):
    app = SecondOpinionApp(store=store, case=_case_with_notes(store))
    people = show(app, 1).people
    row_button(people, 0, "Remove").click()
    message = plain(people.message.value)
    assert not re.search(r"\w\[\d+\]", message)  # no model paths such as opinions[0]
    assert plain(people.message.value) == ui("case_bar", "in_use")
    assert "sonb-error" not in app.session.status.value


# -- HTML typed by the patient ---------------------------------------------------------------

def test_html_typed_anywhere_is_shown_escaped_on_every_step(store):
    case = store.create(Case(
        decision=f"Surgery? {XSS}", kind=DecisionKind.surgery,
        options=[Option(id="o1", name=f"Option {XSS}"), Option(id="o2", name="Wait")]))
    app = SecondOpinionApp(store=store, case=case)
    doctors = show(app, 1)
    assert add_record(doctors.people, name=XSS, specialty=XSS, role="first_opinion",
                      connected_to_first=True)
    assert add_record(doctors.people, name=f"Dr Two {XSS}", role="second_opinion",
                      connected_to_first=True)
    answer(show(app, 2).form, insurer_reference=XSS)
    forms = show(app, 3)
    for clinician in app.session.case.clinicians:
        forms.picker.value = clinician.id
        answer(forms.form, diagnosis=XSS, recommended_option="o1")
        answer(forms.form, name=XSS)
        ask_my_question(forms.form, XSS)
    for index in range(6):
        app.step_buttons[index].click()
        page = html_values(app)
        assert not [value for value in page if XSS in value], f"raw HTML on step {index + 1}"
        assert any(XSS_ESCAPED in value for value in page), f"step {index + 1}"
    everything = html_values(app, *(view.widget for view in app.views))
    assert not [value for value in everything if XSS in value]
    listed = " ".join(html_values(doctors.people.items))
    assert XSS_ESCAPED in listed and f"Dr Two {XSS_ESCAPED}" in listed
    compare = app.view(4).html
    assert compare.count(XSS_ESCAPED) >= 3  # names, diagnoses, options, open questions
    assert [label for label, _id in forms.picker.options][0].startswith(XSS)  # text, not HTML
    assert isinstance(forms.picker, W.Dropdown)


def test_in_a_live_kernel_the_other_steps_are_built_ahead_hidden(store):
    """With an event loop running (as in a kernel), the app imports pandas in the background
    and builds every step while idle, on the page but hidden; the start screen is closed."""
    import asyncio
    import concurrent.futures

    async def open_and_wait() -> SecondOpinionApp:
        app = SecondOpinionApp(store=store)
        start_screen = app.body.children
        app.example_button.click()
        assert all(w.comm is None for w in start_screen)
        for _ in range(200):
            if all(v is not None for v in app.views):
                break
            await asyncio.sleep(0.05)
        return app

    # a thread of its own: Playwright's sync API may have left a loop running in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        app = pool.submit(asyncio.run, open_and_wait()).result(timeout=60)
    assert all(v is not None for v in app.views), "not every step was built ahead"
    assert list(app.content.children) == [v.widget for v in app.views]
    shown = [w for w in app.content.children if w.layout.display != "none"]
    assert shown == [app.view(0).widget] and app.index == 0


def test_steps_declare_the_slow_imports_they_make(tmp_path):
    """A step's `needs` is what building it imports (so the app can import it ahead): in a
    fresh process, pandas arrives with the first step that declares it, not before."""
    import subprocess
    import sys

    code = """
import sys
from sonb import CaseStore
from sonb.widgets.app import SecondOpinionApp
app = SecondOpinionApp(store=CaseStore(sys.argv[1]))
app.example_button.click()
for i in range(6):
    app.go(i)
    print(bool(type(app.view(i)).needs), "pandas" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout.split("\n")
    rows = [line.split() for line in out if line]
    assert len(rows) == 6
    declared_so_far = False
    for needs, loaded in rows:
        declared_so_far = declared_so_far or needs == "True"
        assert (loaded == "True") == declared_so_far, rows
