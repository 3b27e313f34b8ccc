"""Forms built from a case, and how their answers meet the case (sonb.binding)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sonb import binding as B
from sonb import questionnaire as Q
from sonb.errors import InvalidInput, SonbError
from sonb.model import (
    Case,
    Clinician,
    Decision,
    DecisionKind,
    Factor,
    HowFound,
    Option,
    OptionView,
    Plan,
    Readiness,
    Role,
)

HTML = "<img src=x onerror=alert(1)>"


def questions_by_id(q: dict) -> dict[str, dict]:
    return {item["linkId"]: item for item in Q.questions(q)}


def codes(item: dict) -> list[str]:
    return [o["valueCoding"]["code"] for o in item["answerOption"]]


# -- generated forms ----------------------------------------------------------------------

def test_opinion_form_asks_about_the_doctor_and_each_option(intl_case):
    q = Q.opinion_questionnaire(intl_case)
    items = questions_by_id(q)
    top = ["date", "diagnosis", "recommended_option", "confidence", "what_if_wait"]
    assert list(items)[:5] == top
    assert codes(items["recommended_option"]) == ["o1", "o2", "o3", Q.NONE]
    assert codes(items["confidence"]) == ["very_sure", "fairly_sure", "not_sure"]
    per_option = {f"{o}.{f}" for o in ("o1", "o2", "o3") for f in OptionView.model_fields}
    assert set(items) == set(top) | per_option
    assert items["o2.risks"]["code"] == [{"system": Q.ASPECT_SYSTEM, "code": "risks"}]
    assert items["what_if_wait"]["code"][0]["code"] == "if_delay"


def test_option_names_are_kept_verbatim_for_the_renderer_to_escape():
    case = Case(options=[Option(id="a", name=HTML)])
    q = Q.opinion_questionnaire(case)
    group = next(i for i in Q.iter_items(q) if i["linkId"] == "a.group")
    assert HTML in group["text"]
    assert questions_by_id(q)["recommended_option"]["answerOption"][0]["valueCoding"]["display"] == HTML


def test_preferences_form_scores_each_factor_and_option_from_0_to_5(intl_case):
    q = Q.preferences_questionnaire(intl_case)
    items = questions_by_id(q)
    assert set(items) == {"weight.f1", "fit.o1.f1", "fit.o2.f1", "fit.o3.f1"}
    assert all(i["type"] == "integer" and Q.int_range(i) == (0, 5) for i in items.values())
    assert items["weight.f1"]["text"] == "Pouvoir marcher 🚶"


def test_preferences_form_without_factors_says_so():
    q = Q.preferences_questionnaire(Case())
    assert [i["type"] for i in Q.iter_items(q)] == ["display"]


def test_decision_form_offers_something_else(intl_case):
    q = Q.decision_questionnaire(intl_case)
    items = questions_by_id(q)
    assert list(items) == ["option", "other", "reasons", "date"]
    assert codes(items["option"]) == ["o1", "o2", "o3", Q.OTHER]
    assert items["other"]["enableWhen"][0]["answerCoding"]["code"] == Q.OTHER


@pytest.mark.parametrize(("build", "reserved"), [(Q.opinion_questionnaire, Q.NONE),
                                                (Q.decision_questionnaire, Q.OTHER)])
def test_an_option_may_not_use_a_reserved_code(build, reserved):
    with pytest.raises(SonbError, match=f"id '{reserved}'"):
        build(Case(options=[Option(id=reserved, name="x")]))


# -- answers <-> the case, through sonb.binding ------------------------------------------

def _case_with(**parts) -> Case:
    base = Case(clinicians=[Clinician(id="c0", name="Dr A", role=Role.primary)],
                options=[Option(id="o2", name="Therapy")])
    return base.model_copy(update=parts)


RECORD_CASES = {
    "clinician": (B.CLINICIAN, "c1", _case_with(clinicians=[
        Clinician(id="c1", name="د. ليلى حسن", specialty="骨科", role=Role.other_professional,
                  institution=HTML, how_found=HowFound.university_hospital,
                  connected_to_first=False)])),
    "option": (B.OPTION, "o1", _case_with(options=[
        Option(id="o1", name="Opération", description="Trois semaines d'arrêt")])),
    "plan": (B.PLAN, None, _case_with(plan=Plan(
        insurer_asked=dt.date(2024, 2, 29), insurer_covers=True, preapproval_needed=False,
        insurer_reference="REF-42", forms_chosen=[DecisionKind.surgery, DecisionKind.medical_test]))),
    "readiness": (B.READINESS_BEFORE, None, _case_with(readiness_before=Readiness(
        sure=False, understand=True))),
    "choice": (B.CHOICE, None, _case_with(choice=Decision(
        option="o2", reasons="أفضل العلاج الطبيعي أولاً", date=dt.date(2025, 1, 2)))),
    "other choice": (B.CHOICE, None, _case_with(choice=Decision(other="Wait and see <b>first</b>"))),
}


@pytest.mark.parametrize("name", RECORD_CASES)
def test_records_round_trip_through_their_forms(name):
    binding, target, case = RECORD_CASES[name]
    answers = binding.read(case, target)
    assert "id" not in answers and answers
    assert all(value not in ("", None, []) for value in answers.values())
    q = binding.form(case, target)
    assert Q.validate_answers(q, answers) == {}
    assert Q.from_response(q, Q.to_response(q, answers)) == answers
    assert binding.write(case, target, answers) == case


def test_plan_answers_list_the_chosen_forms_as_codes():
    binding, _, case = RECORD_CASES["plan"]
    assert binding.read(case, None)["forms_chosen"] == ["surgery", "medical_test"]
    assert binding.read(case, None)["insurer_asked"] == "2024-02-29"


def test_writing_a_record_returns_a_new_case_and_keeps_the_id():
    binding, _, case = RECORD_CASES["clinician"]
    before = case.model_dump()
    updated = binding.write(case, "c1", {"name": "Dr Ana", "role": "second_opinion"})
    assert case.model_dump() == before
    record = updated.clinician("c1")
    assert (record.name, record.role, record.specialty) == ("Dr Ana", Role.second_opinion, "")


def test_decision_other_means_no_option():
    case = _case_with()
    chosen = B.CHOICE.write(case, None, {"option": Q.OTHER, "other": "Yoga", "reasons": "Calm"})
    assert (chosen.choice.option, chosen.choice.other) == (None, "Yoga")
    assert B.CHOICE.read(chosen, None) == {"option": Q.OTHER, "other": "Yoga", "reasons": "Calm"}
    picked = B.CHOICE.write(chosen, None, {"option": "o2", "other": "left over"})
    assert (picked.choice.option, picked.choice.other) == ("o2", "")  # "other" was hidden


@pytest.mark.parametrize(("binding", "target", "answers", "link_id", "fragment"), [
    (B.PLAN, None, {"visit_date": "2024-02-30"}, "visit_date", "calendar"),
    (B.PLAN, None, {"visit_date": "14/03/2025"}, "visit_date", "date"),
    (B.PLAN, None, {"forms_chosen": ["surgery", "x-ray"]}, "forms_chosen", "choices"),
    (B.PLAN, None, {"insurer_covers": 1}, "insurer_covers", "yes or no"),
    (B.PLAN, None, {"insurer_reference": "x" * 201}, "insurer_reference", "too long"),
    (B.READINESS_BEFORE, None, {"sure": "yes"}, "sure", "yes or no"),
    (B.READINESS_BEFORE, None, {"id": "x"}, "id", "not a question"),
    (B.CLINICIAN, "c0", {"specialty": "x"}, "name", "answer this"),
    (B.CLINICIAN, "c0", {"name": "A", "role": "primary", "how_found": "friend"}, "how_found",
     "choices"),
    (B.CHOICE, None, {"option": "not an id"}, "option", "choices"),
])
def test_writing_names_the_bad_field(binding, target, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        binding.write(_case_with(), target, answers)
    assert fragment in caught.value.problems[link_id]


def test_a_value_that_is_not_json_is_refused_by_name():
    with pytest.raises(InvalidInput) as caught:
        B.READINESS_BEFORE.write(_case_with(), None, {"sure": dt.date(2024, 1, 1)})
    assert "cannot read" in caught.value.problems["sure"]


# -- opinions -----------------------------------------------------------------------------

def test_opinion_round_trips_through_its_form(intl_case):
    opinion = intl_case.opinions[0]
    answers = B.OPINION.read(intl_case, "c2")
    assert answers["o1.risks"] == opinion.views["o1"].risks
    assert answers["date"] == "2025-03-14" and answers["name"] == "Ménisectomie"
    q = B.OPINION.form(intl_case, "c2")
    assert q["url"] == Q.URL_PREFIX + "opinion.surgery"
    assert Q.from_response(q, Q.to_response(q, answers)) == answers
    assert B.OPINION.write(intl_case, "c2", answers) == intl_case


def test_opinion_answers_replace_what_was_said_and_none_means_no_recommendation(intl_case):
    opinion = intl_case.opinions[0]
    updated = B.OPINION.write(intl_case, "c2", {"recommended_option": Q.NONE, "o3.cost": "Rien",
                                                "o1.risks": ""}).opinion_of("c2")
    assert updated.recommended_option is None
    assert updated.views == {"o3": OptionView(cost="Rien")}
    assert (updated.id, updated.form_kind, updated.answers) == (opinion.id, opinion.form_kind, {})
    assert opinion.views["o1"].risks  # the input is unchanged


def test_the_first_answer_for_a_doctor_starts_their_opinion(intl_case):
    updated = B.OPINION.write(intl_case, "c3", {"diagnosis": "Torn meniscus"})
    opinion = updated.opinion_of("c3")
    assert opinion.diagnosis == "Torn meniscus" and opinion.form_kind == DecisionKind.surgery
    assert len(updated.opinions) == 2


@pytest.mark.parametrize(("answers", "link_id", "fragment"), [
    ({"o1.risks": "x" * 5001}, "o1.risks", "too long"),
    ({"confidence": "certain"}, "confidence", "choices"),
    ({"date": "2025-13-01"}, "date", "calendar"),
    ({"o1.colour": "x"}, "o1.colour", "not a question"),
    ({"bad id.risks": "x"}, "bad id.risks", "not a question"),
    ({"clinician_id": "c9"}, "clinician_id", "not a question"),
])
def test_writing_an_opinion_names_the_bad_field(intl_case, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        B.OPINION.write(intl_case, "c2", answers)
    assert fragment in caught.value.problems[link_id]


# -- preferences --------------------------------------------------------------------------

def test_preferences_round_trip_through_their_form(intl_case):
    answers = B.PREFERENCES.read(intl_case, None)
    assert answers == {"weight.f1": 5, "fit.o1.f1": 4, "fit.o2.f1": 3}
    q = B.PREFERENCES.form(intl_case, None)
    assert Q.from_response(q, Q.to_response(q, answers)) == answers
    assert B.PREFERENCES.write(intl_case, None, answers) == intl_case


def test_a_weight_not_given_stays_unanswered(intl_case):
    updated = B.PREFERENCES.write(intl_case, None, {"fit.o3.f1": 0}).preferences
    assert updated.factors == [Factor(id="f1", label="Pouvoir marcher 🚶", weight=None)]
    assert updated.fit == {"o3": {"f1": 0}}
    assert intl_case.preferences.factors[0].weight == 5


def test_the_default_factors_are_kept_when_the_first_weight_is_given():
    case = Case(kind=DecisionKind.surgery)
    shown = B.PREFERENCES.form(case, None)
    first = next(item["linkId"] for item in Q.questions(shown))
    updated = B.PREFERENCES.write(case, None, {first: 4}).preferences
    assert [f.id for f in updated.factors] == [f.id for f in Q.default_factors("surgery")]
    assert [f.weight for f in updated.factors][:2] == [4, None]


@pytest.mark.parametrize(("answers", "link_id", "fragment"), [
    ({"weight.f1": True}, "weight.f1", "whole number"),
    ({"weight.f1": 6}, "weight.f1", "from 0 to 5"),
    ({"fit.o1.f1": -1}, "fit.o1.f1", "from 0 to 5"),
    ({"fit.o1.f1": "4"}, "fit.o1.f1", "whole number"),
    ({"weight.f9": 2}, "weight.f9", "not a question"),
    ({"fit.o1": 2}, "fit.o1", "takes no answer"),
])
def test_writing_preferences_names_the_bad_field(intl_case, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        B.PREFERENCES.write(intl_case, None, answers)
    assert fragment in caught.value.problems[link_id]


# -- default factors ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", [*DecisionKind, None, "unknown"])
def test_default_factors_are_plain_and_unique(kind):
    factors = Q.default_factors(kind)
    assert len(factors) >= 4
    assert len({f.id for f in factors}) == len(factors)
    assert all(f.weight is None and len(f.label.split()) <= 6 for f in factors)


def test_default_factors_depend_on_the_kind_and_are_fresh_objects():
    common = Q.default_factors()
    assert {"Less pain", "Fewer risks", "Short recovery", "Low cost",
            "Keep doing what I enjoy"} <= {f.label for f in common}
    assert Q.default_factors("surgery") == Q.default_factors(DecisionKind.surgery) != common
    common[0].weight = 0
    assert Q.default_factors()[0].weight is None


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
FIELDS = sorted({f for m in (Clinician, Option, Plan, Readiness, Decision) for f in m.model_fields}
                | {"weight.f1", "fit.o1.f1", "o1.risks", "recommended_option", "name"})


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), JSON, max_size=4))
def test_writing_takes_any_json_and_answers_with_a_case_or_plain_problems(intl_case, answers):
    for binding in B.BINDINGS.values():
        for target in [*binding.targets(intl_case), None][:2]:
            if binding in (B.OPINION, B.JUDGEMENT) and target is None:  # they need a target
                continue
            try:
                assert type(binding.write(intl_case, target, answers)) is Case
            except InvalidInput as exc:
                assert exc.problems and all(isinstance(m, str) for m in exc.problems.values())
