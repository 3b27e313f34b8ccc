"""The bundled forms and the questionnaire engine: checks, enableWhen, answers, responses.

FHIR validation uses `fhir.resources.R4B`: fhir.resources 8 has R5 at its top level and
R4B (whose Questionnaire and QuestionnaireResponse match R4) as a subpackage; it has no R4.
"""

from __future__ import annotations

import copy
import re

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from sonb import questionnaire as Q
from sonb.errors import InvalidInput, SonbError
from sonb.model import Case, DecisionKind, Factor, Option, Preferences

from guide_fingerprint import copied_runs  # tests/unit/guide_fingerprint.py

FORMS = ["assessment", "readiness", "clinician", "plan",
         "new_medicine", "surgery", "medical_test", "special_treatment"]
DECISION_FORMS = [Q.FORM_FOR_KIND[kind] for kind in DecisionKind]
SHARED = {"name", "purpose", "why_needed", "how_well", "benefits", "risks", "alternatives",
          "if_delay", "daily_now", "daily_later", "recovery", "cost", "insurance",
          "preparation", "my_questions", "my_questions_answered"}
SPECIFIC = {
    "medical_test": {"accuracy", "changes_treatment", "changes_treatment_explain", "results_when",
                     "where_done", "needed_anyway", "after_result", "can_say_no", "need_driver"},
    "new_medicine": {"brand_name", "generic_name", "dose", "how_long", "interactions",
                     "side_effects_report", "with_food", "missed_dose", "know_it_works",
                     "if_not_working", "avoid_while_taking"},
    "surgery": {"surgeon_experience", "where_done", "anesthesia", "recovery_time",
                "hospital_stay", "who_operates", "if_not_working", "help_at_home"},
    "special_treatment": {"how_often", "how_long", "where_done", "team_experience",
                          "in_guidelines", "evidence", "clinical_trials"},
}
HTML = "<img src=x onerror=alert(1)> & <script>alert('x')</script>"
SAMPLES = ["Crème brûlée, naïve café — São Paulo", "李明医生说要做手术。", "هل أحتاج إلى جراحة؟",
           HTML, "two\nlines and \"quotes\" 'too' 😀"]
CASE = Case(
    options=[Option(id="knee_op", name="Knee <b>surgery</b>"), Option(id="pt-2", name="物理治疗")],
    preferences=Preferences(factors=[Factor(id="less_pain", label="Less pain"),
                                     Factor(id="walk", label="المشي")]),
)
GENERATED = {"opinion": Q.opinion_questionnaire(CASE),
             "preferences": Q.preferences_questionnaire(CASE),
             "decision": Q.decision_questionnaire(CASE)}


def every_form() -> dict[str, dict]:
    return {**{name: Q.load(name) for name in FORMS}, **GENERATED}


def link_ids(q: dict) -> set[str]:
    return {item["linkId"] for item in Q.questions(q)}


def full_answers(q: dict) -> dict:
    """An answer to every question, chosen so that every conditional question is enabled:
    yes to every yes/no question, so a question asked only when the answer is not yes
    (medical_test's `needed_anyway`, the other branch of `changes_treatment`) gets none."""
    answers = {}
    for n, item in enumerate(Q.questions(q)):
        if not _unless_yes(item):
            answers[item["linkId"]] = _answer_for(item, n)
    assert Q.clean_answers(q, answers) == answers, "some question stayed disabled"
    return answers


def _unless_yes(item: dict) -> bool:
    return any(c["operator"] == "!=" and c.get("answerBoolean") is True
               for c in item.get("enableWhen", []))


def _answer_for(item: dict, n: int):
    kind, text = item["type"], SAMPLES[n % len(SAMPLES)][: item.get("maxLength", 0)]
    if kind == "choice":
        codes = [opt["valueCoding"]["code"] for opt in item["answerOption"]]
        return codes if item.get("repeats") else codes[-1]  # last: 'other' enables its follow-up
    if item.get("repeats"):
        return SAMPLES
    return {"boolean": True, "integer": 4, "date": "2024-02-29"}.get(kind, text)


def valid_fhir_response(response: dict) -> None:
    QuestionnaireResponse.model_validate(response)


# -- loading ------------------------------------------------------------------------------

def test_names_lists_every_required_form():
    assert set(FORMS) <= set(Q.names())


@pytest.mark.parametrize("name", Q.names())
def test_every_bundled_file_passes_check_and_fhir_r4b(name):
    q = Q.load(name)
    Q.check(q)
    parsed = Questionnaire.model_validate(q)
    assert parsed.url == f"urn:sonb:questionnaire:{name}"
    assert parsed.id == name.replace("_", "-")
    assert parsed.status == "active"


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_forms_pass_fhir_r4b(name):
    assert Questionnaire.model_validate(GENERATED[name]).url == f"urn:sonb:questionnaire:{name}"


def test_load_returns_a_fresh_copy():
    first = Q.load("plan")
    first["item"].clear()
    first["title"] = "changed"
    again = Q.load("plan")
    assert again["item"] and again["title"] != "changed"


def test_load_unknown_name_names_the_known_forms():
    with pytest.raises(SonbError, match=r"no form called '\.\./model'.*surgery"):
        Q.load("../model")


def test_form_for_kind_names_a_form_for_every_kind():
    assert set(Q.FORM_FOR_KIND) == set(DecisionKind)
    for name in Q.FORM_FOR_KIND.values():
        assert Q.load(name)["url"].endswith(name)


# -- what the forms ask --------------------------------------------------------------------

@pytest.mark.parametrize("name", DECISION_FORMS)
def test_decision_form_has_the_shared_and_its_own_link_ids(name):
    assert link_ids(Q.load(name)) == SHARED | SPECIFIC[name]


@pytest.mark.parametrize("name", DECISION_FORMS)
def test_decision_form_tags_every_aspect(name):
    tagged = {code["code"] for item in Q.questions(Q.load(name))
              for code in item.get("code", []) if code["system"] == Q.ASPECT_SYSTEM}
    assert tagged == Q.ASPECTS


def test_accuracy_counts_as_how_well():
    accuracy = next(i for i in Q.questions(Q.load("medical_test")) if i["linkId"] == "accuracy")
    assert accuracy["code"] == [{"system": Q.ASPECT_SYSTEM, "code": "how_well"}]


@pytest.mark.parametrize("name", DECISION_FORMS)
def test_decision_form_groups_every_question_and_asks_my_questions_as_a_list(name):
    q = Q.load(name)
    assert all(item["type"] in ("group", "display") for item in q["item"])
    mine = next(i for i in Q.questions(q) if i["linkId"] == "my_questions")
    assert mine["type"] == "string" and mine["repeats"] is True


def test_assessment_asks_about_an_emergency_first():
    q = Q.load("assessment")
    assert next(Q.questions(q))["linkId"] == "emergency"
    assert link_ids(q) == {"decision", "kind", "emergency", "everyday_care", "costly_or_risky",
                           "unclear_effect", "need_more_info", "unsure_diagnosis", "insurer_requires"}
    assert not Q.is_enabled(q, "emergency_help", {"emergency": False})
    assert Q.is_enabled(q, "emergency_help", {"emergency": True})


@pytest.mark.parametrize(("name", "model"), [("clinician", "Clinician"), ("plan", "Plan"),
                                             ("readiness", "Readiness")])
def test_model_forms_use_the_field_names(name, model):
    import sonb.model

    assert link_ids(Q.load(name)) == set(getattr(sonb.model, model).model_fields) - {"id"}


def test_only_the_plans_lists_are_repeating_choices():
    repeating = {(name, i["linkId"]) for name, q in every_form().items()
                 for i in Q.questions(q) if i["type"] == "choice" and i.get("repeats")}
    assert repeating == {("plan", "forms_chosen"), ("plan", "records_items")}


@pytest.mark.parametrize("name", FORMS)
def test_form_text_is_short_and_not_copied_from_the_guide(name):
    """Plain words: short sentences, and no run of 7 words taken from the guide."""
    texts = [i["text"] for i in Q.iter_items(Q.load(name))]
    texts += [o["valueCoding"]["display"] for i in Q.iter_items(Q.load(name))
              for o in i.get("answerOption", [])]
    for sentence in (s for text in texts for s in re.split(r"(?<=[.?!])\s+", text)):
        assert len(sentence.split()) <= 20, sentence
    # Against the guide's fingerprint (tests/data/guide_7grams.txt): runs without the guide.
    assert not [run for text in texts for run in copied_runs(text)]


# -- walking ------------------------------------------------------------------------------

def test_iter_items_is_depth_first_and_questions_skip_groups_and_displays():
    q = Q.load("medical_test")
    order = [i["linkId"] for i in Q.iter_items(q)]
    assert order[:3] == ["intro", "about", "name"]
    assert order.index("changes_treatment") < order.index("changes_treatment_explain")
    assert {"intro", "about", "effects"} <= set(order)
    assert not {"intro", "about", "effects"} & link_ids(q)


# -- check ------------------------------------------------------------------------------

def _broken(mutate) -> dict:
    q = Q.load("medical_test")
    mutate(q, {i["linkId"]: i for i in Q.iter_items(q)})
    return q


@pytest.mark.parametrize(("mutate", "link_id", "fragment"), [
    (lambda q, i: i["about"]["item"].append(copy.deepcopy(i["name"])), "name", "more than once"),
    (lambda q, i: i["changes_treatment_explain"]["enableWhen"][0].update(question="nowhere"),
     "changes_treatment_explain", "not an earlier item"),
    (lambda q, i: i["name"].update(enableWhen=[{"question": "results_when", "operator": "exists",
                                                "answerBoolean": True}]),
     "name", "not an earlier item"),
    (lambda q, i: i["name"].update(enableWhen=[{"question": "about", "operator": "exists",
                                                "answerBoolean": True}]),
     "name", "takes no answer"),
    (lambda q, i: i["changes_treatment_explain"]["enableWhen"][0].update(operator=">"),
     "changes_treatment_explain", "operator"),
    (lambda q, i: i["changes_treatment_explain"]["enableWhen"][0].update(answerBoolean="yes"),
     "changes_treatment_explain", "wrong kind"),
    (lambda q, i: i["changes_treatment_explain"]["enableWhen"].append(
        {"question": "name", "operator": "exists", "answerBoolean": True}),
     "changes_treatment_explain", "enableBehavior"),
    (lambda q, i: i["name"].update(type="slider"), "name", "unknown type"),
    (lambda q, i: i["name"].update(maxLength=10_000), "name", "maxLength"),
    (lambda q, i: i["name"].pop("maxLength"), "name", "maxLength"),
    (lambda q, i: i["changes_treatment"].update(repeats=True), "changes_treatment", "repeats"),
    (lambda q, i: i["changes_treatment"].update(answerOption=[]), "changes_treatment", "answerOption"),
    (lambda q, i: i["name"].update(type="choice", maxLength=None) or i["name"].pop("maxLength"),
     "name", "no answerOption"),
    (lambda q, i: i["name"].update(enablewhen=[]), "name", "unknown fields: enablewhen"),
    (lambda q, i: i["about"].update(item=[]), "about", "no items"),
    (lambda q, i: i["name"].update(linkId="has space"), "has space", "not an allowed linkId"),
    (lambda q, i: i["risks"].update(code=[{"system": Q.ASPECT_SYSTEM, "code": "riks"}]),
     "risks", "unknown aspect"),
    (lambda q, i: i["intro"].update(required=True), "intro", "cannot be required"),
    (lambda q, i: q.update(resourceType="Patient"), "resourceType", "Questionnaire"),
    (lambda q, i: q.update(item=[]), "item", "no items"),
])
def test_check_names_the_item_and_the_problem(mutate, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        Q.check(_broken(mutate))
    assert link_id in caught.value.problems
    assert fragment in caught.value.problems[link_id]


def test_check_refuses_a_choice_offering_a_code_twice():
    q = Q.load("clinician")
    role = next(i for i in q["item"] if i["linkId"] == "role")
    role["answerOption"].append(copy.deepcopy(role["answerOption"][0]))
    with pytest.raises(InvalidInput, match="role: offers the same code twice"):
        Q.check(q)


def test_check_refuses_what_is_not_a_questionnaire_object():
    with pytest.raises(SonbError):
        Q.check(["not", "a", "form"])


# -- enableWhen ---------------------------------------------------------------------------

def test_medical_test_explains_only_when_the_result_changes_treatment():
    q = Q.load("medical_test")
    explain = "changes_treatment_explain"
    assert Q.is_enabled(q, explain, {"changes_treatment": True})
    assert not Q.is_enabled(q, explain, {"changes_treatment": False})
    assert not Q.is_enabled(q, explain, {})
    assert Q.is_enabled(q, "changes_treatment", {})


def _form(*items) -> dict:
    q = {"resourceType": "Questionnaire", "url": "urn:test", "status": "active", "item": list(items)}
    Q.check(q)
    return q


def _bool(link, **extra):
    return {"linkId": link, "text": link, "type": "boolean", **extra}


def _when(question, operator, **answer):
    return {"enableWhen": [{"question": question, "operator": operator, **answer}]}


NESTED = _form(
    _bool("a"),
    {"linkId": "g", "text": "group", "type": "group", **_when("a", "=", answerBoolean=True),
     "item": [_bool("b"), {"linkId": "inner", "text": "inner", "type": "group",
                           "item": [_bool("c")]}]},
    _bool("d", **_when("b", "=", answerBoolean=True)),
    _bool("e", **_when("a", "!=", answerBoolean=True)),
    _bool("f", **_when("a", "exists", answerBoolean=False)),
    {"linkId": "n", "text": "n", "type": "integer"},
    {"linkId": "s", "text": "s", "type": "string", "maxLength": 20},
    _bool("g2", enableBehavior="any", enableWhen=[
        {"question": "n", "operator": "=", "answerInteger": 3},
        {"question": "s", "operator": "=", "answerString": "yes"}]),
    _bool("g3", enableBehavior="all", enableWhen=[
        {"question": "n", "operator": "=", "answerInteger": 3},
        {"question": "s", "operator": "=", "answerString": "yes"}]),
)


@pytest.mark.parametrize(("answers", "on", "off"), [
    ({}, {"a", "e", "f", "n", "s"}, {"g", "b", "c", "inner", "d", "g2", "g3"}),
    ({"a": True, "b": True}, {"g", "b", "inner", "c", "d"}, {"e", "f"}),
    ({"a": False, "b": True}, {"e"}, {"g", "b", "c", "d", "f"}),  # b is hidden, so d is too
    ({"n": 3}, {"g2"}, {"g3"}),
    ({"n": 3, "s": "yes"}, {"g2", "g3"}, set()),
    ({"n": True, "s": "YES"}, set(), {"g2", "g3"}),  # True is not 1, and case matters
    ({"a": ""}, {"e", "f"}, {"g"}),  # an empty answer is no answer
])
def test_enable_when_follows_fhir(answers, on, off):
    assert {link for link in on | off if Q.is_enabled(NESTED, link, answers)} == on


def test_is_enabled_refuses_an_unknown_item():
    with pytest.raises(SonbError, match="no item 'zzz'"):
        Q.is_enabled(NESTED, "zzz", {})


def test_enable_when_on_a_choice_code():
    q = GENERATED["decision"]
    assert Q.is_enabled(q, "other", {"option": Q.OTHER})
    assert not Q.is_enabled(q, "other", {"option": "knee_op"})


# -- validate_answers ---------------------------------------------------------------------

@pytest.mark.parametrize(("form", "answers", "link_id", "fragment"), [
    ("preferences", {"weight.walk": True}, "weight.walk", "whole number"),
    ("preferences", {"weight.walk": 2.0}, "weight.walk", "whole number"),
    ("preferences", {"fit.knee_op.walk": 6}, "fit.knee_op.walk", "from 0 to 5"),
    ("preferences", {"weight.walk": -1}, "weight.walk", "from 0 to 5"),
    ("clinician", {"role": "boss"}, "role", "choices shown"),
    ("clinician", {"connected_to_first": "yes"}, "connected_to_first", "yes or no"),
    ("clinician", {"name": 7}, "name", "text"),
    ("clinician", {"name": "x" * 201}, "name", "at most 200"),
    ("surgery", {"risks": "x" * 5001}, "risks", "at most 5,000"),
    ("plan", {"visit_date": "2024-1-5"}, "visit_date", "YYYY-MM-DD"),
    ("plan", {"visit_date": "05/01/2024"}, "visit_date", "YYYY-MM-DD"),
    ("plan", {"visit_date": "２０２４-01-05"}, "visit_date", "YYYY-MM-DD"),
    ("plan", {"visit_date": "2023-02-29"}, "visit_date", "not on the calendar"),
    ("plan", {"forms_chosen": "surgery"}, "forms_chosen", "list"),
    ("plan", {"forms_chosen": ["surgery", "surgery"]}, "forms_chosen", "same choice twice"),
    ("plan", {"forms_chosen": ["surgery", "x-ray"]}, "forms_chosen", "choices shown"),
    ("surgery", {"name": ["a", "b"]}, "name", "not a list"),
    ("surgery", {"my_questions": ["ok"] * 51}, "my_questions", "at most 50"),
    ("surgery", {"my_questions": ["ok", 3]}, "my_questions", "text"),
    ("surgery", {"about": "x"}, "about", "takes no answer"),
    ("surgery", {"intro": "x"}, "intro", "takes no answer"),
    ("surgery", {"nope": "x"}, "nope", "not a question"),
])
def test_validate_answers_explains_each_problem(form, answers, link_id, fragment):
    problems = Q.validate_answers(every_form()[form], answers)
    assert list(problems) == [link_id]
    assert fragment in problems[link_id]


@pytest.mark.parametrize("name", sorted(every_form()))
def test_validate_answers_accepts_a_full_set_and_empty_values(name):
    q = every_form()[name]
    assert Q.validate_answers(q, full_answers(q)) == {}
    assert Q.validate_answers(q, {link: None for link in link_ids(q)}) == {}


def test_validate_answers_does_not_enforce_required():
    q = Q.load("clinician")
    assert Q.validate_answers(q, {}) == {}
    assert Q.missing_required(q, {}) == ["name", "role"]
    assert Q.missing_required(q, {"name": "  Dr Ana", "role": "primary"}) == []
    assert Q.missing_required(q, {"name": "   ", "role": "primary"}) == ["name"]


def test_missing_required_ignores_disabled_items():
    q = Q.load("assessment")
    assert Q.missing_required(q, {"emergency": False}) == ["decision", "kind"]


# -- clean_answers and unanswered ---------------------------------------------------------

def test_clean_answers_drops_disabled_empty_and_unknown_answers():
    q = Q.load("medical_test")
    answers = {"changes_treatment": False, "changes_treatment_explain": "hidden", "name": "",
               "purpose": None, "risks": "Bruising", "my_questions": ["", "Will it hurt?"],
               "nope": "x"}
    assert Q.clean_answers(q, answers) == {"changes_treatment": False, "risks": "Bruising",
                                           "my_questions": ["Will it hurt?"]}


def test_clean_answers_returns_a_copy():
    answers = {"my_questions": ["One?"]}
    Q.clean_answers(Q.load("surgery"), answers)["my_questions"].append("Two?")
    assert answers == {"my_questions": ["One?"]}


def test_unanswered_lists_enabled_questions_but_not_my_questions():
    q = Q.load("medical_test")
    everything = full_answers(q)
    assert Q.unanswered(q, everything) == []
    left = [i["linkId"] for i in Q.unanswered(q, {**everything, "risks": "", "cost": None,
                                                  "changes_treatment": False})]
    assert left == ["needed_anyway", "risks", "cost"]  # asked when the answer is no
    assert "changes_treatment_explain" in [i["linkId"] for i in Q.unanswered(q, {"changes_treatment": True})]
    assert "my_questions" not in [i["linkId"] for i in Q.unanswered(q, {})]


# -- to_response / from_response ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(every_form()))
def test_full_answers_round_trip_through_a_valid_fhir_response(name):
    q = every_form()[name]
    answers = full_answers(q)
    response = Q.to_response(q, answers, subject="Patient/abc", authored="2025-03-14T10:00:00+01:00")
    valid_fhir_response(response)
    assert response["questionnaire"] == q["url"]
    assert Q.from_response(q, response) == answers


def test_response_keeps_text_verbatim_and_nests_like_the_form():
    q = Q.load("surgery")
    response = Q.to_response(q, {"name": HTML, "my_questions": SAMPLES})
    about, mine = response["item"]
    assert [about["linkId"], mine["linkId"]] == ["about", "own_questions"]
    assert about["item"] == [{"linkId": "name", "text": "What is the name of the surgery?",
                              "answer": [{"valueString": HTML}]}]
    assert mine["item"][0]["answer"] == [{"valueString": s} for s in SAMPLES]


def test_response_codes_choices_and_omits_empty_groups_and_disabled_answers():
    q = Q.load("medical_test")
    response = Q.to_response(q, {"changes_treatment": False, "changes_treatment_explain": "hidden"},
                             status="in-progress")
    assert response["status"] == "in-progress"
    assert [g["linkId"] for g in response["item"]] == ["effects"]
    assert [i["linkId"] for i in response["item"][0]["item"]] == ["changes_treatment"]
    assert "subject" not in response and "authored" not in response
    role = Q.to_response(Q.load("clinician"), {"name": "Dr A", "role": "primary"})["item"][1]
    assert role["answer"] == [{"valueCoding": {"system": Q.CODE_SYSTEM, "code": "primary",
                                               "display": "My main doctor, who manages all my care"}}]


def test_an_empty_response_has_no_items():
    response = Q.to_response(Q.load("readiness"), {})
    valid_fhir_response(response)
    assert "item" not in response and Q.from_response(Q.load("readiness"), response) == {}


def test_to_response_refuses_bad_answers_and_a_bad_status():
    with pytest.raises(InvalidInput) as caught:
        Q.to_response(Q.load("readiness"), {"sure": "yes"})
    assert set(caught.value.problems) == {"sure"}
    with pytest.raises(SonbError, match="status"):
        Q.to_response(Q.load("readiness"), {}, status="done")


def _response(name: str, items: list) -> dict:
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": f"urn:sonb:questionnaire:{name}", "item": items}


def test_from_response_accepts_a_versioned_canonical():
    response = _response("readiness", [{"linkId": "sure", "answer": [{"valueBoolean": True}]}])
    response["questionnaire"] += "|1"
    assert Q.from_response(Q.load("readiness"), response) == {"sure": True}


def test_from_response_refuses_another_form_or_resource():
    with pytest.raises(SonbError, match="another form.*plan"):
        Q.from_response(Q.load("readiness"), _response("plan", []))
    with pytest.raises(SonbError, match="not a FHIR QuestionnaireResponse"):
        Q.from_response(Q.load("readiness"), {"resourceType": "Patient"})


@pytest.mark.parametrize(("items", "link_id", "fragment"), [
    ([{"linkId": "nope", "answer": [{"valueBoolean": True}]}], "nope", "not a question"),
    ([{"linkId": "name", "answer": [{"valueString": "x"}]}], "name", "not in the right place"),
    ([{"linkId": "effects", "item": [{"linkId": "changes_treatment",
                                      "answer": [{"valueString": "yes"}]}]}],
     "changes_treatment", "needs valueBoolean, not valueString"),
    ([{"linkId": "about", "item": [{"linkId": "name", "answer": [{"valueString": "a"},
                                                                 {"valueString": "b"}]}]}],
     "name", "not a list"),
    ([{"linkId": "about", "item": [{"linkId": "name", "answer": [{"valueString": "a"}]},
                                   {"linkId": "name", "answer": [{"valueString": "b"}]}]}],
     "name", "answered twice"),
    ([{"linkId": "about", "item": [{"linkId": "name", "answer": [{"valueString": "x" * 201}]}]}],
     "name", "at most 200"),
    ([{"linkId": "intro", "answer": [{"valueString": "x"}]}], "intro", "takes no answer"),
    ([{"linkId": "effects", "item": [{"linkId": "changes_treatment",
                                      "answer": [{"valueBoolean": 1}]}]}],
     "changes_treatment", "yes or no"),
])
def test_from_response_names_each_bad_item(items, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        Q.from_response(Q.load("medical_test"), _response("medical_test", items))
    assert fragment in caught.value.problems[link_id]


def test_from_response_refuses_a_choice_that_is_not_offered():
    items = [{"linkId": "role", "answer": [{"valueCoding": {"system": Q.CODE_SYSTEM, "code": "boss"}}]}]
    with pytest.raises(InvalidInput, match="role: Pick one of the choices shown"):
        Q.from_response(Q.load("clinician"), _response("clinician", items))


# -- property: any valid answers survive the round trip -----------------------------------

def _answer_strategy(item: dict) -> st.SearchStrategy:
    kind = item["type"]
    if kind == "choice":
        one = st.sampled_from([o["valueCoding"]["code"] for o in item["answerOption"]])
    elif kind == "boolean":
        one = st.booleans()
    elif kind == "integer":
        lo, hi = Q.int_range(item)
        one = st.integers(min_value=lo, max_value=hi)
    elif kind == "date":
        one = st.dates().map(lambda d: d.isoformat())
    else:
        one = st.text(max_size=min(item["maxLength"], 40))
    if item.get("repeats"):
        return st.lists(one, max_size=5, unique=kind == "choice")
    return one | st.none()


@st.composite
def forms_and_answers(draw):
    name = draw(st.sampled_from(sorted(every_form())))
    q = every_form()[name]
    strategies = {item["linkId"]: _answer_strategy(item) for item in Q.questions(q)}
    return q, draw(st.fixed_dictionaries({}, optional=strategies))


@settings(max_examples=150, deadline=None)
@given(forms_and_answers())
def test_any_valid_answers_round_trip(form_and_answers):
    q, answers = form_and_answers
    assert Q.validate_answers(q, answers) == {}
    response = Q.to_response(q, answers)
    assert Q.from_response(q, response) == Q.clean_answers(q, answers)


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)
ITEM_KEYS = sorted(Q.ITEM_KEYS | {"answerBoolean"})


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMS), st.data())
def test_check_reports_any_broken_form_without_crashing(name, data):
    """A form with one field of one item set to any JSON value passes or gets a SonbError."""
    q = Q.load(name)
    item = data.draw(st.sampled_from(list(Q.iter_items(q))))
    item[data.draw(st.sampled_from(ITEM_KEYS))] = data.draw(JSON)
    try:
        Q.check(q)
    except SonbError as exc:
        assert str(exc)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FORMS), st.data())
def test_any_json_as_answers_gets_plain_problems_not_a_crash(name, data):
    q = Q.load(name)
    links = st.sampled_from(sorted(link_ids(q))) | st.text(max_size=5)
    answers = data.draw(st.dictionaries(links, JSON, max_size=4))
    assert all(isinstance(m, str) for m in Q.validate_answers(q, answers).values())
    node = st.fixed_dictionaries({"linkId": links | JSON}, optional={
        "answer": st.lists(st.dictionaries(st.sampled_from(["valueString", "valueBoolean",
                                                            "valueCoding", "valueInteger"]),
                                           JSON, max_size=2), max_size=2) | JSON,
        "item": JSON})
    response = {"resourceType": "QuestionnaireResponse", "questionnaire": q["url"],
                "item": data.draw(st.lists(node, max_size=3))}
    try:
        Q.from_response(q, response)
    except SonbError as exc:
        assert str(exc)
