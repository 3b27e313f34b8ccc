"""sonb.assessment: the triggers and context answers -> advice with its reasons."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sonb._datafiles import texts
from sonb.assessment import LEVELS, QUESTIONS, TRIGGERS, Advice, assess

REASON = texts("assessment")["reasons"]
TITLE = texts("assessment")["levels"]

# Each of the seven questions may be unanswered, yes or no.
answer_sets = st.fixed_dictionaries({}, optional={key: st.booleans() for key in QUESTIONS})


def yes(*keys: str) -> dict:
    return {key: True for key in keys}


@pytest.mark.parametrize(
    ("answers", "level", "reason_keys"),
    [
        (yes("emergency"), "urgent", ["emergency"]),
        (yes("emergency", "insurer_requires", *TRIGGERS), "urgent", ["emergency"]),
        (yes("emergency", "everyday_care"), "urgent", ["emergency"]),
        (yes("insurer_requires"), "recommended", ["insurer_requires"]),
        (yes("insurer_requires", "everyday_care"), "recommended", ["insurer_requires"]),
        (yes("insurer_requires", "unsure_diagnosis"), "recommended", ["insurer_requires", "unsure_diagnosis"]),
        (yes("costly_or_risky"), "recommended", ["costly_or_risky"]),
        (yes("unclear_effect", "need_more_info"), "recommended", ["unclear_effect", "need_more_info"]),
        (yes(*TRIGGERS), "recommended", list(TRIGGERS)),
        (yes("unclear_effect"), "worth_considering", ["unclear_effect"]),
        (yes("need_more_info"), "worth_considering", ["need_more_info"]),
        (yes("unsure_diagnosis"), "worth_considering", ["unsure_diagnosis"]),
        (yes("unsure_diagnosis", "everyday_care"), "worth_considering", ["unsure_diagnosis"]),
        (yes("everyday_care"), "probably_not_needed", ["everyday_care"]),
        ({key: False for key in QUESTIONS}, "probably_not_needed", ["no_trigger"]),
        ({"costly_or_risky": False}, "probably_not_needed", ["no_trigger"]),
        ({}, "probably_not_needed", ["nothing_answered"]),
        ({"decision": "Knee surgery?", "kind": "surgery"}, "probably_not_needed", ["nothing_answered"]),
    ],
)
def test_rules(answers, level, reason_keys):
    advice = assess(answers)
    assert advice == Advice(level, TITLE[level], tuple(REASON[k] for k in reason_keys))


def test_only_true_counts_as_yes():
    """Strings or numbers from a tampered browser are not a 'yes'."""
    assert assess({"emergency": "true", "costly_or_risky": 1}).level == "probably_not_needed"


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
    assert advice.reasons and len(set(advice.reasons)) == len(advice.reasons)
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
