"""sonb.examples: the shipped example cases load, are fresh each time, and tell their story."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from sonb import SonbError
from sonb.assessment import assess
from sonb.examples import load_example, names
from sonb.model import DecisionKind, Role
from sonb.plan import warnings


def form_link_ids(form: str) -> set[str]:
    """Every linkId of a shipped form (read straight from its Questionnaire JSON)."""
    text = resources.files("sonb").joinpath("questionnaires", f"{form}.json").read_text("utf-8")
    found, stack = set(), list(json.loads(text)["item"])
    while stack:
        item = stack.pop()
        found.add(item["linkId"])
        stack.extend(item.get("item", []))
    return found


def test_names():
    assert names() == ["back_pain", "knee_mri"]


@pytest.mark.parametrize("name", ["back_pain", "knee_mri"])
def test_each_example_is_a_plain_deterministic_case_dump(name):
    text = resources.files("sonb").joinpath("examples", f"{name}.json").read_text("utf-8")
    case = load_example(name)
    assert case.id == name.replace("_", "-") + "-example-case"
    assert case.to_json() + "\n" == text  # a plain Case dump, nothing generated at load time
    assert case.choice.option is None      # the patient decides


@pytest.mark.parametrize("name", ["back_pain", "knee_mri"])
def test_answers_use_the_forms_link_ids(name):
    for opinion in load_example(name).opinions:
        assert opinion.form_kind is not None
        known = form_link_ids(opinion.form_kind.value)
        assert set(opinion.answers) <= known
        assert known - set(opinion.answers), "each form leaves some questions unanswered"


def test_fresh_copy_each_call():
    first = load_example("back_pain")
    first.decision = "changed"
    first.options.clear()
    second = load_example("back_pain")
    assert second is not first
    assert second.decision.startswith("Should I have surgery")
    assert len(second.options) == 4


@pytest.mark.parametrize("name", ["missing", "", "../model", "back_pain.json"])
def test_unknown_name_is_a_clear_error(name):
    with pytest.raises(SonbError, match="back_pain, knee_mri"):
        load_example(name)


def test_back_pain_story():
    case = load_example("back_pain")
    roles = [c.role for c in case.clinicians]
    assert roles == [Role.primary, Role.first_opinion, Role.second_opinion, Role.other_professional]
    primary, first, second, therapist = case.clinicians
    assert case.opinion_of(primary.id) is None
    assert second.connected_to_first is False
    assert case.opinion_of(first.id).recommended_option == "spinal-fusion"
    assert case.opinion_of(second.id).recommended_option != "spinal-fusion"
    assert "physical therapist" in therapist.specialty.casefold()
    assert all(op.views and op.confidence and op.what_if_wait for op in case.opinions)
    assert assess(case.assessment).level == "recommended"
    assert case.readiness_before.sure is False
    assert case.preferences.factors and case.preferences.fit
    assert warnings(case.plan, dt.date(2025, 3, 20)) == []


def test_knee_mri_story():
    case = load_example("knee_mri")
    assert case.kind is DecisionKind.medical_test
    opinions = case.opinions
    assert len(opinions) == 2 and {op.recommended_option for op in opinions} == {"knee-mri"}
    assert all(op.answers["changes_treatment"] is True and op.answers["changes_treatment_explain"]
               for op in opinions)
    assert assess(case.assessment).level == "recommended"
