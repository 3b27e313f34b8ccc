"""Step 1: is a second opinion a good idea for me? Answers -> advice with its reasons.

The rules follow the guide's four reasons (each counts alike) plus three kinds of context; the
first rule that applies decides the level:

1. an emergency                                   -> urgent (never delay urgent care)
2. any of the four reasons, or the insurer requires one -> recommended
3. a question that could still change this is unanswered -> not_yet (nothing is concluded)
4. none of the reasons (everyday care or not)      -> probably_not_needed

Silence is silence: only an answer of yes (True) or no (False) counts, and `unanswered` names,
in the form's words, the questions that could still change the advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import questionnaire as Q
from ._datafiles import texts

Level = Literal["urgent", "recommended", "not_yet", "probably_not_needed"]
LEVELS: tuple[Level, ...] = ("urgent", "recommended", "not_yet", "probably_not_needed")
"""From the most to the least pressing."""

TRIGGERS = ("costly_or_risky", "unclear_effect", "need_more_info", "unsure_diagnosis")
CONTEXT = ("emergency", "everyday_care", "insurer_requires")
QUESTIONS = CONTEXT + TRIGGERS
DECIDING = ("emergency", *TRIGGERS, "insurer_requires")
"""The questions whose answer could still change the advice (everyday care only explains)."""


@dataclass(frozen=True)
class Advice:
    level: Level
    title: str
    reasons: tuple[str, ...]
    unanswered: tuple[str, ...] = ()  # the questions still open that could change it


def assess(answers: dict) -> Advice:
    """The advice for the assessment answers (linkId -> bool; absent = not answered)."""
    yes = [key for key in QUESTIONS if answers.get(key) is True]
    open_ = _questions([key for key in DECIDING if not isinstance(answers.get(key), bool)])
    triggers = [key for key in TRIGGERS if key in yes]
    if "emergency" in yes:
        return _advice("urgent", ["emergency"])
    if triggers or "insurer_requires" in yes:
        reasons = ["insurer_requires"] if "insurer_requires" in yes else []
        return _advice("recommended", [*reasons, *triggers], open_)
    if open_:
        return _advice("not_yet", ["everyday_care"] if "everyday_care" in yes else [], open_)
    return _advice("probably_not_needed", ["everyday_care" if "everyday_care" in yes
                                           else "no_trigger"])


def _questions(keys: list[str]) -> tuple[str, ...]:
    """The questions, in the words of the assessment form."""
    if not keys:
        return ()
    items = Q.index(Q.load("assessment"))
    return tuple(items[key]["text"] for key in keys)


def _advice(level: Level, reason_keys: list[str], unanswered: tuple[str, ...] = ()) -> Advice:
    data = texts("assessment")
    return Advice(level, data["levels"][level], tuple(data["reasons"][k] for k in reason_keys),
                  unanswered)
