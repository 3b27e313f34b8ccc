"""Forms built from a case, and the adapters between answers and the case model."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    assert all(i["type"] == "integer" and Q._int_range(i) == (0, 5) for i in items.values())
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


# -- flat records -------------------------------------------------------------------------

RECORDS = [
    Clinician(id="c1", name="د. ليلى حسن", specialty="骨科", role=Role.other_professional,
              institution=HTML, how_found=HowFound.university_hospital, connected_to_first=False),
    Option(id="o1", name="Opération", description="Trois semaines d'arrêt"),
    Plan(insurer_asked=dt.date(2024, 2, 29), insurer_covers=True, preapproval_needed=False,
         insurer_reference="REF-42", forms_chosen=[DecisionKind.surgery, DecisionKind.medical_test]),
    Readiness(sure=False, understand=True),
    Decision(option="o2", reasons="أفضل العلاج الطبيعي أولاً", date=dt.date(2025, 1, 2)),
    Decision(other="Wait and see <b>first</b>"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_flat_records_round_trip_through_answers(record):
    answers = Q.record_answers(record)
    assert "id" not in answers
    assert all(value not in ("", None, []) for value in answers.values())
    assert Q.apply_answers(record, answers) == record


@pytest.mark.parametrize(("name", "record"), [("clinician", RECORDS[0]), ("plan", RECORDS[2]),
                                              ("readiness", RECORDS[3])])
def test_record_answers_fit_their_form(name, record):
    q = Q.load(name)
    answers = Q.record_answers(record)
    assert Q.validate_answers(q, answers) == {}
    assert Q.from_response(q, Q.to_response(q, answers)) == answers


def test_plan_answers_list_the_chosen_forms_as_codes():
    assert Q.record_answers(RECORDS[2])["forms_chosen"] == ["surgery", "medical_test"]
    assert Q.record_answers(RECORDS[2])["insurer_asked"] == "2024-02-29"


def test_apply_answers_returns_a_new_record_and_keeps_the_id():
    before = RECORDS[0].model_dump()
    updated = Q.apply_answers(RECORDS[0], {"name": "Dr Ana", "role": "second_opinion"})
    assert RECORDS[0].model_dump() == before
    assert (updated.id, updated.name, updated.role, updated.specialty) == ("c1", "Dr Ana",
                                                                            Role.second_opinion, "")


def test_decision_other_means_no_option():
    chosen = Q.apply_answers(Decision(), {"option": Q.OTHER, "other": "Yoga", "reasons": "Calm"})
    assert (chosen.option, chosen.other) == (None, "Yoga")
    assert Q.record_answers(chosen) == {"option": Q.OTHER, "other": "Yoga", "reasons": "Calm"}
    picked = Q.apply_answers(chosen, {"option": "o1", "other": "left over"})
    assert (picked.option, picked.other) == ("o1", "")


@pytest.mark.parametrize(("record", "answers", "link_id", "fragment"), [
    (Plan(), {"visit_date": "2024-02-30"}, "visit_date", "date"),
    (Plan(), {"visit_date": "14/03/2025"}, "visit_date", "date"),
    (Plan(), {"forms_chosen": ["surgery", "x-ray"]}, "forms_chosen", "must be one of"),
    (Plan(), {"insurer_covers": 1}, "insurer_covers", "yes or no"),
    (Plan(), {"insurer_reference": "x" * 201}, "insurer_reference", "too long"),
    (Readiness(), {"sure": "yes"}, "sure", "yes or no"),
    (Readiness(), {"sure": dt.date(2024, 1, 1)}, "sure", "cannot read"),
    (Readiness(), {"id": "x"}, "id", "not a question"),
    (Clinician(name="A"), {"specialty": "x"}, "name", "required"),
    (Clinician(name="A"), {"name": "A", "how_found": "friend"}, "how_found", "must be one of"),
    (Decision(), {"option": "not an id"}, "option", "pattern"),
])
def test_apply_answers_names_the_bad_field(record, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        Q.apply_answers(record, answers)
    assert fragment in caught.value.problems[link_id]


def test_answers_only_map_onto_flat_records(intl_case):
    with pytest.raises(SonbError, match="not Case"):
        Q.record_answers(intl_case)
    with pytest.raises(SonbError, match="not Opinion"):
        Q.apply_answers(intl_case.opinions[0], {})


# -- opinions -----------------------------------------------------------------------------

def test_opinion_round_trips_through_its_form(intl_case):
    opinion = intl_case.opinions[0]
    answers = Q.opinion_answers(opinion)
    assert answers["o1.risks"] == opinion.views["o1"].risks
    assert answers["date"] == "2025-03-14"
    q = Q.opinion_questionnaire(intl_case)
    assert Q.from_response(q, Q.to_response(q, answers)) == answers
    assert Q.apply_opinion_answers(opinion, answers) == opinion


def test_opinion_answers_replace_what_was_said_and_none_means_no_recommendation(intl_case):
    opinion = intl_case.opinions[0]
    updated = Q.apply_opinion_answers(opinion, {"recommended_option": Q.NONE, "o3.cost": "Rien",
                                                "o1.risks": ""})
    assert updated.recommended_option is None
    assert updated.views == {"o3": OptionView(cost="Rien")}
    assert (updated.id, updated.form_kind, updated.answers) == (opinion.id, opinion.form_kind,
                                                                opinion.answers)
    assert opinion.views["o1"].risks  # the input is unchanged


@pytest.mark.parametrize(("answers", "link_id", "fragment"), [
    ({"o1.risks": "x" * 5001}, "o1.risks", "too long"),
    ({"confidence": "certain"}, "confidence", "must be one of"),
    ({"date": "2025-13-01"}, "date", "date"),
    ({"o1.colour": "x"}, "o1.colour", "not a question"),
    ({"bad id.risks": "x"}, "bad id.risks", "not a question"),
    ({"clinician_id": "c9"}, "clinician_id", "not a question"),
])
def test_apply_opinion_answers_names_the_bad_field(intl_case, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        Q.apply_opinion_answers(intl_case.opinions[0], answers)
    assert fragment in caught.value.problems[link_id]


# -- preferences --------------------------------------------------------------------------

def test_preferences_round_trip_through_their_form(intl_case):
    prefs = intl_case.preferences
    answers = Q.preferences_answers(prefs)
    assert answers == {"weight.f1": 5, "fit.o1.f1": 4, "fit.o2.f1": 3}
    q = Q.preferences_questionnaire(intl_case)
    assert Q.from_response(q, Q.to_response(q, answers)) == answers
    assert Q.apply_preferences_answers(prefs, answers) == prefs


def test_missing_preference_answers_fall_back_to_defaults(intl_case):
    updated = Q.apply_preferences_answers(intl_case.preferences, {"fit.o3.f1": 0})
    assert updated.factors == [Factor(id="f1", label="Pouvoir marcher 🚶", weight=3)]
    assert updated.fit == {"o3": {"f1": 0}}
    assert intl_case.preferences.factors[0].weight == 5


@pytest.mark.parametrize(("answers", "link_id", "fragment"), [
    ({"weight.f1": True}, "weight.f1", "whole number"),
    ({"weight.f1": 6}, "weight.f1", "at most 5"),
    ({"fit.o1.f1": -1}, "fit.o1.f1", "at least 0"),
    ({"fit.o1.f1": "4"}, "fit.o1.f1", "whole number"),
    ({"weight.f9": 2}, "weight.f9", "not a question"),
    ({"fit.o1": 2}, "fit.o1", "not a question"),
])
def test_apply_preferences_answers_names_the_bad_field(intl_case, answers, link_id, fragment):
    with pytest.raises(InvalidInput) as caught:
        Q.apply_preferences_answers(intl_case.preferences, answers)
    assert fragment in caught.value.problems[link_id]


# -- default factors ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", [*DecisionKind, None, "unknown"])
def test_default_factors_are_plain_and_unique(kind):
    factors = Q.default_factors(kind)
    assert len(factors) >= 4
    assert len({f.id for f in factors}) == len(factors)
    assert all(f.weight == 3 and len(f.label.split()) <= 6 for f in factors)


def test_default_factors_depend_on_the_kind_and_are_fresh_objects():
    common = Q.default_factors()
    assert {"Less pain", "Fewer risks", "Short recovery", "Low cost",
            "Keep doing what I enjoy"} <= {f.label for f in common}
    assert Q.default_factors("surgery") == Q.default_factors(DecisionKind.surgery) != common
    common[0].weight = 0
    assert Q.default_factors()[0].weight == 3


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=6)
FIELDS = sorted({f for r in RECORDS for f in type(r).model_fields}
                | {"weight.f1", "fit.o1.f1", "o1.risks", "recommended_option"})


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), JSON, max_size=4))
def test_apply_takes_any_json_and_answers_with_a_record_or_plain_problems(intl_case, answers):
    targets = [(Q.apply_answers, r) for r in RECORDS] + [
        (Q.apply_opinion_answers, intl_case.opinions[0]),
        (Q.apply_preferences_answers, intl_case.preferences)]
    for apply, record in targets:
        try:
            assert type(apply(record, answers)) is type(record)
        except InvalidInput as exc:
            assert exc.problems and all(isinstance(m, str) for m in exc.problems.values())
