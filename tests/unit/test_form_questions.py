"""Issue 15, part 7: the questions people ask that the four decision forms did not, and the
list of records to send ahead (the plan's `records_items`).

Each new question is in its form, in its group; a blank form shows it and prints it; answered
for a doctor it is kept, shows in that doctor's part of the report and on the filled-in
printed form, and survives the FHIR QuestionnaireResponse export and import. The records list
saves the codes of its choices, refuses any other in plain words, and shows in the checklist
and the report.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache

import pytest
from markupsafe import escape

from sonb import binding as B
from sonb import printable
from sonb import questionnaire as Q
from sonb.errors import InvalidInput
from sonb.examples import load_example
from sonb.fhir import case_from_fhir_bundle, fhir_bundle
from sonb.model import Case, DecisionKind, Plan, RecordItem
from sonb.plan import checklist, record_item_labels
from sonb.report import report_html

from report_helpers import TODAY, Page  # tests/unit/report_helpers.py

# form -> linkId -> (the group it belongs in, its type)
NEW = {
    "medical_test": {
        "where_done": ("about", "string"),
        "needed_anyway": ("effects", "text"),  # follows changes_treatment: asked unless "yes"
        "after_result": ("effects", "text"),
        "can_say_no": ("other_choices", "text"),
        "need_driver": ("getting_ready", "boolean"),
    },
    "new_medicine": {
        "with_food": ("about", "string"),
        "missed_dose": ("about", "text"),
        "know_it_works": ("effects", "text"),
        "if_not_working": ("effects", "text"),
        "avoid_while_taking": ("daily_life", "text"),
    },
    "surgery": {
        "hospital_stay": ("about", "string"),
        "who_operates": ("about", "text"),
        "if_not_working": ("effects", "text"),
        "help_at_home": ("daily_life", "text"),
    },
    "special_treatment": {
        "team_experience": ("about", "text"),
        "in_guidelines": ("effects", "text"),
        "evidence": ("effects", "text"),
        "clinical_trials": ("other_choices", "text"),
    },
}
# words each question must hold (a question reworded stays a test of the same question)
ASKS = {
    ("medical_test", "where_done"): "where",
    ("medical_test", "needed_anyway"): "still need the test",
    ("medical_test", "after_result"): "next",
    ("medical_test", "can_say_no"): "say no",
    ("medical_test", "need_driver"): "drive you home",
    ("new_medicine", "with_food"): "food",
    ("new_medicine", "missed_dose"): "miss a dose",
    ("new_medicine", "know_it_works"): "working",
    ("new_medicine", "if_not_working"): "does not help",
    ("new_medicine", "avoid_while_taking"): "avoid",
    ("surgery", "hospital_stay"): "hospital",
    ("surgery", "who_operates"): "who else",
    ("surgery", "if_not_working"): "does not fix",
    ("surgery", "help_at_home"): "help",
    ("special_treatment", "team_experience"): "team",
    ("special_treatment", "in_guidelines"): "guidelines",
    ("special_treatment", "evidence"): "research",
    ("special_treatment", "clinical_trials"): "clinical trial",
}
QUESTIONS = [(form, link) for form, links in NEW.items() for link in links]
IDS = [f"{form}.{link}" for form, link in QUESTIONS]
KIND = {Q.FORM_FOR_KIND[kind]: kind for kind in DecisionKind}
DOCTOR = "dr-okafor"  # the back-pain example's second opinion: her form is switched per kind


def item_of(form: str, link: str) -> dict:
    return Q.index(Q.load(form))[link]


def answer_for(form: str, link: str):
    return True if NEW[form][link][1] == "boolean" else f"Said about {link} <b>&</b> nothing else"


@lru_cache(maxsize=None)
def answered(form: str) -> Case:
    """The back-pain example with Dr. Okafor's form switched to this kind, every new question
    of it answered (and, for the test, "no" to "Will the result change your treatment?")."""
    case = load_example("back_pain")
    case = B.switch_opinion_form(case, DOCTOR, KIND[form]).case
    answers = {**B.OPINION.read(case, DOCTOR), **{link: answer_for(form, link) for link in NEW[form]}}
    if form == "medical_test":
        answers["changes_treatment"] = False
    return B.OPINION.write(case, DOCTOR, answers)


def flat(items):
    for item in items:
        yield item
        yield from flat(item.items)


# -- in the forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("form", "link"), QUESTIONS, ids=IDS)
def test_each_new_question_is_in_its_group_with_its_type_and_words(form, link):
    group, kind = NEW[form][link]
    q = Q.load(form)
    groups = {g["linkId"]: [i["linkId"] for i in g["item"]] for g in q["item"] if g["type"] == "group"}
    assert link in groups[group]
    item = item_of(form, link)
    assert item["type"] == kind
    assert ASKS[form, link] in item["text"].lower()
    assert item.get("maxLength") == Q.MAX_LENGTH.get(kind)


@pytest.mark.parametrize("form", NEW)
def test_each_form_asks_each_question_once(form):
    texts = [i["text"] for i in Q.questions(Q.load(form))]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize(("form", "link"), QUESTIONS, ids=IDS)
def test_a_blank_form_shows_each_new_question(form, link):
    assert Q.is_enabled(Q.load(form), link, {})
    opinion_form = Q.opinion_questionnaire(load_example("back_pain"), KIND[form])
    assert link in Q.index(opinion_form)  # the form the app shows for a doctor asks it too
    assert Q.is_enabled(opinion_form, link, {})


def test_why_have_the_test_anyway_is_asked_unless_the_result_changes_the_treatment():
    q = Q.load("medical_test")
    assert Q.is_enabled(q, "needed_anyway", {"changes_treatment": False})
    assert not Q.is_enabled(q, "needed_anyway", {"changes_treatment": True})
    assert Q.is_enabled(q, "changes_treatment_explain", {"changes_treatment": True})
    # a hidden answer is dropped, as FHIR does
    assert "needed_anyway" not in Q.clean_answers(q, {"changes_treatment": True, "needed_anyway": "x"})


@pytest.mark.parametrize(("form", "link"), QUESTIONS, ids=IDS)
def test_the_blank_printed_form_prints_each_new_question(form, link):
    page = Page(printable.forms_html(KIND[form]))
    assert item_of(form, link)["text"] in page.text
    printed = {i.link: i for i in flat(printable.form_items(Q.load(form), {})) if i.kind == "question"}
    found = printed[link]
    assert found.number is not None and not found.said
    assert found.choices if NEW[form][link][1] == "boolean" else found.lines > 0
    if link == "needed_anyway":  # its condition is said in words
        assert found.condition and "Yes" in found.condition


# -- answered for a doctor -------------------------------------------------------------------

@pytest.mark.parametrize(("form", "link"), QUESTIONS, ids=IDS)
def test_an_answer_is_kept_for_the_doctor(form, link):
    case = answered(form)
    assert case.opinion_of(DOCTOR).form_kind is KIND[form]
    assert case.opinion_of(DOCTOR).answers[link] == answer_for(form, link)
    assert B.OPINION.read(case, DOCTOR)[link] == answer_for(form, link)


@lru_cache(maxsize=None)
def answered_report(form: str) -> str:
    return report_html(answered(form), TODAY)


@pytest.mark.parametrize(("form", "link"), QUESTIONS, ids=IDS)
def test_an_answer_shows_in_the_doctors_part_of_the_report(form, link):
    html = answered_report(form)
    said = "Yes" if NEW[form][link][1] == "boolean" else answer_for(form, link)
    question = escape(item_of(form, link)["text"])
    pair = re.compile(rf"<dt>{re.escape(question)}</dt>\s*<dd[^>]*>{re.escape(escape(said))}</dd>")
    assert pair.search(html), f"{link}: its answer is not under its question"
    assert "<b>" not in html  # escaped, as every answer


@pytest.mark.parametrize("form", NEW)
def test_an_unanswered_new_question_is_a_question_still_open(form):
    case = answered(form)
    case = B.OPINION.write(case, DOCTOR, {k: v for k, v in B.OPINION.read(case, DOCTOR).items()
                                          if k not in NEW[form]})
    html = report_html(case, TODAY)
    still_open = html[html.index('id="s-questions"'):]
    for link in NEW[form]:
        assert escape(item_of(form, link)["text"]) in still_open, link


@pytest.mark.parametrize("form", NEW)
def test_the_filled_in_printed_form_shows_the_answers(form):
    case = answered(form)
    page = Page(printable.forms_html(KIND[form], case, DOCTOR))
    shown = {i.link: i for i in flat(printable.form_items(B.OPINION.form(case, DOCTOR),
                                                            B.OPINION.read(case, DOCTOR)))}
    for link, (_group, kind) in NEW[form].items():
        if kind == "boolean":
            assert shown[link].said == ["Yes"], link
        else:
            assert answer_for(form, link) in page.text, link


def _response_answers(items, found=None) -> dict:
    found = {} if found is None else found
    for item in items:
        if "answer" in item:
            found[item["linkId"]] = [next(iter(a.values())) for a in item["answer"]]
        _response_answers(item.get("item", []), found)
    return found


@pytest.mark.parametrize("form", NEW)
def test_answers_survive_the_fhir_export_and_import(form):
    case = answered(form)
    bundle = fhir_bundle(case)
    response = next(e["resource"] for e in bundle["entry"]
                    if e["resource"]["identifier"]["value"] == f"opinion/{DOCTOR}")
    assert response["questionnaire"] == Q.URL_PREFIX + f"opinion.{form}"
    exported = _response_answers(response["item"])
    for link in NEW[form]:
        assert exported[link] == [answer_for(form, link)], link
    emptied = B.OPINION.write(case, DOCTOR, {})
    assert not set(NEW[form]) & set(emptied.opinion_of(DOCTOR).answers)
    restored = case_from_fhir_bundle(bundle, emptied)
    assert restored == case
    for link in NEW[form]:
        assert restored.opinion_of(DOCTOR).answers[link] == answer_for(form, link)


# -- the records to send ahead (Plan.records_items) ------------------------------------------

CODES = list(typing.get_args(RecordItem))


def records_item() -> dict:
    return Q.index(Q.load("plan"))["records_items"]


def test_the_records_list_is_a_pick_any_list_in_the_records_group():
    plan = Q.load("plan")
    records = next(g for g in plan["item"] if g["linkId"] == "records")
    assert "records_items" in [i["linkId"] for i in records["item"]]
    item = records_item()
    assert item["type"] == "choice" and item["repeats"] is True
    assert list(Q.choice_codes(item)) == CODES  # the form offers what the model takes
    assert {"test_results", "imaging", "pathology", "medicines", "release_form",
            "visit_notes"} <= set(CODES)
    labels = record_item_labels()
    assert "not only the report" in labels["imaging"] and "dose" in labels["medicines"]


def test_valid_codes_save_and_read_back():
    case = load_example("back_pain")
    saved = B.PLAN.write(case, None, {**B.PLAN.read(case, None), "records_items": CODES})
    assert saved.plan.records_items == CODES
    assert B.PLAN.read(saved, None)["records_items"] == CODES
    assert Case.model_validate_json(saved.to_json()) == saved  # a case file keeps it
    assert B.PLAN.write(case, None, {"records_items": ["imaging"]}).plan.records_items == ["imaging"]


def test_an_unknown_code_is_refused_with_a_plain_message():
    case = load_example("back_pain")
    with pytest.raises(InvalidInput) as caught:
        B.PLAN.write(case, None, {"records_items": ["imaging", "fax"]})
    assert caught.value.problems == {"records_items": Q.message("choice")}
    with pytest.raises(InvalidInput) as caught:
        B.PLAN.write(case, None, {"records_items": ["imaging", "imaging"]})
    assert set(caught.value.problems) == {"records_items"}
    # checked in Python too, whatever reaches the model (a case file, a script)
    with pytest.raises(InvalidInput) as caught:
        Plan.parse({"records_items": ["fax"]})
    [(where, message)] = caught.value.problems.items()
    assert where.startswith("records_items")
    assert "must be one of" in message and "imaging" in message
    assert not re.search(r"literal|Input should|pydantic", str(caught.value), re.I)


def test_the_checklist_and_the_report_show_the_records_list():
    case = load_example("back_pain")
    case.plan = case.plan.model_copy(update={"records_items": []})
    labels = record_item_labels()
    picked = ["imaging", "release_form"]
    before = report_html(case, TODAY)
    assert not any(str(escape(labels[code])) in before for code in CODES)
    saved = B.PLAN.write(case, None, {**B.PLAN.read(case, None), "records_items": picked})
    step = next(s for s in checklist(saved.plan, TODAY) if s.key == "records_requested")
    assert all(labels[code] in step.detail for code in picked)
    assert labels["pathology"] not in step.detail
    html = report_html(saved, TODAY)
    plan_part = html[html.index('id="s-plan"'):]
    for code in picked:
        assert escape(labels[code]) in plan_part, code
    to_do = next(s for s in checklist(Plan(records_items=["medicines"]), TODAY)
                 if s.key == "records_requested")
    assert to_do.status == "to_do" and labels["medicines"] in to_do.detail
    plain = next(s for s in checklist(Plan(), TODAY) if s.key == "records_requested")
    assert plain.detail and not any(label in plain.detail for label in labels.values())


def test_the_records_list_survives_the_fhir_export_and_import():
    case = load_example("back_pain")
    saved = B.PLAN.write(case, None, {**B.PLAN.read(case, None), "records_items": ["pathology", "visit_notes"]})
    bundle = fhir_bundle(saved)
    response = next(e["resource"] for e in bundle["entry"]
                    if e["resource"]["identifier"]["value"] == "plan")
    codes = [a["code"] for a in _response_answers(response["item"])["records_items"]]
    assert codes == ["pathology", "visit_notes"]
    restored = case_from_fhir_bundle(bundle, case)
    assert restored.plan.records_items == ["pathology", "visit_notes"] and restored == saved
