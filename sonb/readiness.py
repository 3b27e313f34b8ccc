"""Readiness that leads somewhere: what could help after each "no", and how the four answers
changed from before the second opinion to now (the Ottawa Personal Decision Guide's check).

Pure functions of a `Case`; the texts are in `sonb/data/readiness.json`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._datafiles import texts
from .model import Case, Readiness

QUESTIONS = tuple(Readiness.model_fields)  # sure, understand, values_clear, support


@dataclass(frozen=True)
class Help:
    """What could help after a "no" to one question."""

    question: str  # the readiness question's key
    what: str      # the question in a few words ("Feeling sure what to choose")
    text: str
    details: tuple[str, ...] = ()


def _words(report: bool = False) -> dict:
    """The texts: to the patient ("you"), or in the patient's voice for the report ("I")."""
    words = texts("readiness")
    return {**words, **words["report"]} if report else words


def latest(case: Case) -> Readiness:
    """The answers now: after the second opinion once any of those is given, else before."""
    return case.readiness_after if _answered(case.readiness_after) else case.readiness_before


def _answered(readiness: Readiness) -> bool:
    """Whether any of the four questions has an answer."""
    return any(getattr(readiness, q) is not None for q in QUESTIONS)


def _yes(readiness: Readiness) -> int:
    return sum(getattr(readiness, q) is True for q in QUESTIONS)


def change(case: Case, report: bool = False) -> list[str]:
    """How the answers changed from before to now, in plain sentences."""
    words = _words(report)["change"]
    before, after = case.readiness_before, case.readiness_after
    if not _answered(before):
        return [words["no_before"]]
    if not _answered(after):
        return [words["no_after"]]
    lines = [words["counts"].format(before=_yes(before), after=_yes(after), total=len(QUESTIONS))]
    for q in QUESTIONS:
        was, now = getattr(before, q), getattr(after, q)
        if was is None or now is None:
            continue
        key = {(False, True): "became_yes", (True, False): "became_no",
               (False, False): "still_no", (True, True): "still_yes"}[(was, now)]
        lines.append(words[key].format(what=_words()["what"][q]))
    return lines


def help_for(case: Case, report: bool = False) -> list[Help]:
    """What could help, for each question answered "no" now (see `latest`); "more facts"
    names what the doctors left open or disagree on."""
    words, now = _words(report), latest(case)
    found = []
    for q in QUESTIONS:
        if getattr(now, q) is not False:
            continue
        details: tuple[str, ...] = ()
        if q == "understand":
            topics = _open_topics(case)
            if topics:
                details = (words["help"]["understand_topics"].format(topics=", ".join(topics)),)
        found.append(Help(q, words["what"][q], words["help"][q], details))
    return found


def summary(case: Case) -> str:
    """One line before the ideas: none yet, ideas follow, or all four are yes."""
    words, now = _words()["help"], latest(case)
    if any(getattr(now, q) is False for q in QUESTIONS):
        return words["intro"]
    return words["all_yes"] if _yes(now) == len(QUESTIONS) else words["none_yet"]


def _open_topics(case: Case, most: int = 6) -> list[str]:
    """The topics the doctors disagree on or left open, general ones first."""
    from . import compare

    found = []
    for c in compare.compared(case):
        if c.status in (compare.DIFFER, compare.CHECK, compare.NOT_ASKED):
            name = f"{c.label} ({c.topic})" if c.topic else c.label
            if name not in found:
                found.append(name)
    return found[:most]
