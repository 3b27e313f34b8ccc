"""Answers to a form: validate them, keep only those of enabled items, list what is open.

Answers are a plain dict `linkId -> value` (docs/CONVENTIONS.md). Messages are in
sonb/data/forms.json.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from typing import Any

from .._datafiles import texts
from ..errors import SonbError
from ..model import MAX_ITEMS
from .enable import enabled_items
from .items import (DATE, MAX_LENGTH, choice_codes, int_range, is_blank, is_question, index,
                    questions, values_of)


def message(key: str, **values: Any) -> str:
    """A message shown beside a field (sonb/data/forms.json `messages`)."""
    text = texts("forms")["messages"][key]
    return text.format(**values) if values else text

def validate_answers(q: Mapping, answers: Mapping) -> dict[str, str]:
    """Problems with the answers, by linkId, in plain words; {} if none.

    Empty values ("" / [] / None) count as unanswered. Required items are not enforced
    here (a patient may save partial work); see `missing_required`.
    """
    if not isinstance(answers, Mapping):
        raise SonbError("The answers must be pairs of a question's linkId and its answer.")
    items = index(q)
    problems: dict[str, str] = {}
    for link, value in answers.items():
        item = items.get(link)
        if item is None:
            problems[str(link)] = message("unknown")
        elif not is_question(item):
            problems[link] = message("no_answer")
        else:
            found = _check_answer(item, value)
            if found:
                problems[link] = found
    return problems


def _check_answer(item: Mapping, value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, (list, tuple)):
        if not item.get("repeats"):
            return message("one_only")
        if len(value) > MAX_ITEMS:
            return message("too_many", max=MAX_ITEMS)
        found = [m for m in (check_single(item, v) for v in value if not is_blank(v)) if m]
        if found:
            return found[0]
        picked = [v for v in value if not is_blank(v)]
        if item["type"] == "choice" and len(picked) != len(set(picked)):
            return message("choice_twice")
        return None
    if item.get("repeats"):
        return message("not_list")
    return check_single(item, value)


def _check_boolean(item: Mapping, value: Any) -> str | None:
    return None if isinstance(value, bool) else message("boolean")


def _check_integer(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return message("integer")
    lo, hi = int_range(item)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            return message("range", lo=lo, hi=hi)
        return message("at_least" if lo is not None else "at_most", lo=lo, hi=hi)
    return None


def _check_text(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, str):
        return message("text")
    limit = item.get("maxLength") or MAX_LENGTH[item["type"]]
    return message("too_long", max=limit) if len(value) > limit else None


def _check_choice(item: Mapping, value: Any) -> str | None:
    return None if isinstance(value, str) and value in choice_codes(item) else message("choice")


def _check_date(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, str) or not DATE.match(value):
        return message("date")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return message("no_such_date")
    return None


_CHECKS = {"boolean": _check_boolean, "integer": _check_integer, "string": _check_text,
           "text": _check_text, "choice": _check_choice, "date": _check_date}


def check_single(item: Mapping, value: Any) -> str | None:
    return _CHECKS[item["type"]](item, value)


def clean_answers(q: Mapping, answers: Mapping) -> dict:
    """Only the non-empty answers to enabled questions (a copy; empty list entries dropped)."""
    enabled = enabled_items(q, answers)
    kept = {}
    for item in questions(q):
        link = item["linkId"]
        if link not in answers or not enabled[link]:
            continue
        value = answers[link]
        if isinstance(value, (list, tuple)):
            value = values_of(value)
        if not is_blank(value):
            kept[link] = copy.deepcopy(value)
    return kept


def _open_questions(q: Mapping, answers: Mapping) -> list[dict]:
    """Enabled questions without a (non-empty) answer, in form order."""
    kept = clean_answers(q, answers)
    enabled = enabled_items(q, answers)
    return [item for item in questions(q) if enabled[item["linkId"]] and item["linkId"] not in kept]


OWN_QUESTIONS = ("my_questions", "my_questions_answered")
"""The patient's own questions to a doctor, and what the doctor said to them."""


def unanswered(q: Mapping, answers: Mapping) -> list[dict]:
    """The items of enabled questions with no answer yet (the patient's own questions, and
    what the doctor said to them, left out: they are not the form's questions to ask)."""
    return [item for item in _open_questions(q, answers) if item["linkId"] not in OWN_QUESTIONS]


def missing_required(q: Mapping, answers: Mapping) -> list[str]:
    """linkIds of enabled required questions that have no answer."""
    return [item["linkId"] for item in _open_questions(q, answers) if item.get("required")]

