"""Answers to a form: validate them, keep only those of enabled items, list what is open.

Answers are a plain dict `linkId -> value`; a repeating group's answer is a list of such dicts,
one per instance (docs/CONVENTIONS.md). Messages are in sonb/data/forms.json.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ..errors import SonbError, field_path
from ..model import MAX_ITEMS
from .enable import shown_paths, walk_answers
from .items import index, is_blank, is_question, values_of
from .values import check_single, message


def validate_answers(q: Mapping, answers: Mapping) -> dict[str, str]:
    """Problems with the answers, by the item's `where` (its linkId; in a repeating group
    "group[n].linkId"), in plain words; {} if none.

    Empty values ("" / [] / None) count as unanswered. Required items are not enforced
    here (a patient may save partial work); see `missing_required`.
    """
    if not isinstance(answers, Mapping):
        raise SonbError("The answers must be pairs of a question's linkId and its answer.")
    problems: dict[str, str] = {}
    _check_scope(q.get("item") or [], answers, (), index(q), problems)
    return problems


def where(path: tuple) -> str:
    """The key of an item's problems: ("a",) -> "a"; ("meds", 1, "dose") -> "meds[1].dose"."""
    return field_path(path)


def answerable(items) -> dict[str, dict]:
    """linkId -> item of what an answers dict at this level may hold: the questions and the
    repeating groups, looking through the groups that do not repeat."""
    found = {}
    for item in items:
        if item.get("type") == "group" and not item.get("repeats"):
            found.update(answerable(item.get("item") or []))
        elif item.get("type") != "display":
            found[item["linkId"]] = item
    return found


def _check_scope(items, scope: Mapping, prefix: tuple, every: Mapping, problems: dict) -> None:
    here = answerable(items)
    for link, value in scope.items():
        item = here.get(link)
        path = (*prefix, link)
        if item is None:
            known = every.get(link)
            problems[where(path)] = message(
                "unknown" if known is None else "no_answer" if not _takes_answers(known)
                else "misplaced")
        elif item["type"] == "group":
            _check_group(item, value, path, every, problems)
        else:
            found = _check_answer(item, value)
            if found:
                problems[where(path)] = found


def _takes_answers(item: Mapping) -> bool:
    return is_question(item) or (item.get("type") == "group" and item.get("repeats") is True)


def _check_group(item: Mapping, value, path: tuple, every: Mapping, problems: dict) -> None:
    if is_blank(value):
        return
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, Mapping) for v in value):
        problems[where(path)] = message("group")
    elif len(value) > MAX_ITEMS:
        problems[where(path)] = message("too_many", max=MAX_ITEMS)
    else:
        for n, instance in enumerate(value):
            _check_scope(item.get("item") or [], instance, (*path, n), every, problems)


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
        if item["type"] == "choice" and len(picked) != len({repr(v) for v in picked}):
            return message("choice_twice")
        return None
    if item.get("repeats"):
        return message("not_list")
    return check_single(item, value)


def clean_answers(q: Mapping, answers: Mapping) -> dict:
    """Only the non-empty answers to enabled questions (a copy; empty list entries and empty
    instances of repeating groups dropped)."""
    shown = shown_paths(q, answers)

    def clean(items, scope: Mapping, prefix: tuple) -> dict:
        kept = {}
        for link, item in answerable(items).items():
            path = (*prefix, link)
            if link not in scope or not shown.get(path, False):
                continue
            value = scope[link]
            if item["type"] == "group":
                if not isinstance(value, (list, tuple)):
                    continue
                value = [c for n, v in enumerate(value) if isinstance(v, Mapping)
                         for c in [clean(item.get("item") or [], v, (*path, n))] if c]
            elif isinstance(value, (list, tuple)):
                value = values_of(value)
            if not is_blank(value):
                kept[link] = copy.deepcopy(value)
        return kept

    return clean(q.get("item") or [], answers, ())


def _open_questions(q: Mapping, answers: Mapping) -> list[tuple[tuple, dict]]:
    """(path, item) of the enabled questions without a (non-empty) answer, in form order."""
    shown = shown_paths(q, answers)
    return [(path, item) for path, item, value in walk_answers(q, answers)
            if shown.get(path) and not values_of(value)]


OWN_QUESTIONS = ("my_questions", "my_questions_answered")
"""The patient's own questions to a doctor, and what the doctor said to them."""


def unanswered(q: Mapping, answers: Mapping) -> list[dict]:
    """The items of enabled questions with no answer yet (the patient's own questions, and
    what the doctor said to them, left out: they are not the form's questions to ask)."""
    return [item for _path, item in _open_questions(q, answers)
            if item["linkId"] not in OWN_QUESTIONS]


def missing_required(q: Mapping, answers: Mapping) -> list[str]:
    """The `where` of enabled required questions that have no answer (their linkId, or
    "group[n].linkId" in a repeating group)."""
    return [where(path) for path, item in _open_questions(q, answers) if item.get("required")]

