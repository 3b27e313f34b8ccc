"""sonb.assessment: the triggers and context answers -> advice with its reasons."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonb._datafiles import texts
from sonb import questionnaire as Q
from sonb.assessment import DECIDING, LEVELS, QUESTIONS, TRIGGERS, assess

REASON = texts("assessment")["reasons"]
TITLE = texts("assessment")["levels"]

# Each of the seven questions may be unanswered, yes or no.
answer_sets = st.fixed_dictionaries({}, optional={key: st.booleans() for key in QUESTIONS})


def yes(*keys: str) -> dict:
    return {key: True for key in keys}


def no(*keys: str) -> dict:
    return {key: False for key in keys}


ALL_NO = no(*QUESTIONS)


@pytest.mark.parametrize(
    ("answers", "level", "reason_keys"),
    [
        (yes("emergency"), "urgent", ["emergency"]),
        (yes("emergency", "insurer_requires", *TRIGGERS), "urgent", ["emergency"]),
        (yes("emergency", "everyday_care"), "urgent", ["emergency"]),
        ({**ALL_NO, **yes("insurer_requires")}, "recommended", ["insurer_requires"]),
        ({**ALL_NO, **yes("insurer_requires", "everyday_care")}, "recommended",
         ["insurer_requires"]),
        ({**ALL_NO, **yes("insurer_requires", "unsure_diagnosis")}, "recommended",
         ["insurer_requires", "unsure_diagnosis"]),
        ({**ALL_NO, **yes("unclear_effect", "need_more_info")}, "recommended",
         ["unclear_effect", "need_more_info"]),
        ({**ALL_NO, **yes(*TRIGGERS)}, "recommended", list(TRIGGERS)),
        ({**ALL_NO, **yes("unsure_diagnosis", "everyday_care")}, "recommended",
         ["unsure_diagnosis"]),
        ({**ALL_NO, **yes("everyday_care")}, "probably_not_needed", ["everyday_care"]),
        (ALL_NO, "probably_not_needed", ["no_trigger"]),
        (no(*TRIGGERS, "emergency", "insurer_requires"), "probably_not_needed", ["no_trigger"]),
        ({"costly_or_risky": False}, "not_yet", []),
        (yes("everyday_care"), "not_yet", ["everyday_care"]),
        ({}, "not_yet", []),
        ({"decision": "Knee surgery?", "kind": "surgery"}, "not_yet", []),
    ],
)
def test_rules(answers, level, reason_keys):
    advice = assess(answers)
    assert (advice.level, advice.title, advice.reasons) == (
        level, TITLE[level], tuple(REASON[k] for k in reason_keys))


@pytest.mark.parametrize("reason", TRIGGERS)
def test_each_of_the_four_reasons_counts_alike(reason):
    assert assess(yes(reason)).level == "recommended"
    assert assess({**ALL_NO, reason: True}).level == "recommended"


def test_nothing_is_concluded_before_the_answers_and_the_open_questions_are_named():
    form = {item["linkId"]: item["text"] for item in Q.questions(Q.load("assessment"))}
    advice = assess({})
    assert advice.level == "not_yet"
    assert advice.unanswered == tuple(form[k] for k in DECIDING)
    advice = assess({**no(*TRIGGERS), "emergency": False})
    assert advice.level == "not_yet" and advice.unanswered == (form["insurer_requires"],)
    advice = assess(yes("need_more_info"))  # a yes concludes; what is open is still named
    assert advice.level == "recommended" and form["costly_or_risky"] in advice.unanswered
    assert assess(ALL_NO).unanswered == ()


def test_only_true_counts_as_yes():
    """Strings or numbers from a tampered browser are not a 'yes'."""
    assert assess({"emergency": "true", "costly_or_risky": 1}).level == "not_yet"
    assert assess({**ALL_NO, "emergency": "true", "costly_or_risky": 1}).level == "not_yet"


@given(answer_sets)
@settings(max_examples=300)
def test_emergency_always_wins(answers):
    advice = assess({**answers, "emergency": True})
    assert advice.level == "urgent"
    assert advice.reasons == (REASON["emergency"],)


@given(answer_sets)
@settings(max_examples=300)
def test_a_reason_for_each_answer_that_counted(answers):
    advice = assess(answers)
    assert advice.level in LEVELS
    assert advice.title == TITLE[advice.level]
    assert len(set(advice.reasons)) == len(advice.reasons)
    assert advice.reasons or advice.level == "not_yet"  # a conclusion always says why
    if answers.get("emergency"):
        return
    for key in (*TRIGGERS, "insurer_requires"):
        assert (REASON[key] in advice.reasons) == bool(answers.get(key)), key


@given(answer_sets, st.sampled_from(TRIGGERS))
@settings(max_examples=300)
def test_one_more_trigger_never_lowers_the_level(answers, trigger):
    before = LEVELS.index(assess(answers).level)
    after = LEVELS.index(assess({**answers, trigger: True}).level)
    assert after <= before  # LEVELS runs from most to least pressing


def test_advice_is_frozen_and_answers_untouched():
    answers = yes("costly_or_risky")
    advice = assess(answers)
    with pytest.raises(dataclasses.FrozenInstanceError):
        advice.level = "urgent"
    assert answers == {"costly_or_risky": True}


@given(answer_sets)
@settings(max_examples=300)
def test_an_unanswered_question_is_never_read_as_no(answers):
    advice = assess(answers)
    if advice.level == "probably_not_needed":
        assert all(answers.get(key) is False for key in DECIDING)
        assert advice.unanswered == ()
    if advice.level == "not_yet":
        assert advice.unanswered and not any(answers.get(key) for key in DECIDING)
