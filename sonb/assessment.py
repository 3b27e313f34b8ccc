"""Step 1: is a second opinion a good idea for me? Answers -> advice with its reasons.

The rules follow the guide's four triggers plus three kinds of context; the first rule that
applies decides the level:

1. an emergency           -> urgent (never delay urgent care for a second opinion)
2. the insurer requires   -> recommended
3. costly_or_risky, or two or more triggers -> recommended
4. one trigger            -> worth_considering
5. no trigger (everyday care or not)        -> probably_not_needed

`reasons` holds one plain sentence for each answer that led to the level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ._datafiles import texts

Level = Literal["urgent", "recommended", "worth_considering", "probably_not_needed"]
LEVELS: tuple[Level, ...] = ("urgent", "recommended", "worth_considering", "probably_not_needed")

TRIGGERS = ("costly_or_risky", "unclear_effect", "need_more_info", "unsure_diagnosis")
CONTEXT = ("emergency", "everyday_care", "insurer_requires")
QUESTIONS = CONTEXT + TRIGGERS


@dataclass(frozen=True)
class Advice:
    level: Level
    title: str
    reasons: tuple[str, ...]


def assess(answers: dict) -> Advice:
    """The advice for the assessment answers (linkId -> bool; absent = not answered)."""
    yes = [key for key in QUESTIONS if answers.get(key) is True]
    triggers = [key for key in TRIGGERS if key in yes]
    if "emergency" in yes:
        return _advice("urgent", ["emergency"])
    if "insurer_requires" in yes:
        return _advice("recommended", ["insurer_requires", *triggers])
    if len(triggers) >= 2 or "costly_or_risky" in triggers:
        return _advice("recommended", triggers)
    if triggers:
        return _advice("worth_considering", triggers)
    if "everyday_care" in yes:
        return _advice("probably_not_needed", ["everyday_care"])
    if not any(isinstance(answers.get(key), bool) for key in QUESTIONS):
        return _advice("probably_not_needed", ["nothing_answered"])
    return _advice("probably_not_needed", ["no_trigger"])


def _advice(level: Level, reason_keys: list[str]) -> Advice:
    data = texts("assessment")
    return Advice(level, data["levels"][level], tuple(data["reasons"][k] for k in reason_keys))
