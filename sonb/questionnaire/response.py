"""Answers <-> FHIR R4 QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ..errors import InvalidInput, SonbError
from ..model import MAX_ITEMS
from .answers import clean_answers, validate_answers, where
from .items import RESPONSE_STATUSES, index, is_question, title, values_of
from .values import BadValue, from_fhir, message, to_fhir

def to_response(q: Mapping, answers: Mapping, *, status: str = "completed",
                subject: str | None = None, authored: str | None = None) -> dict:
    """A FHIR R4 QuestionnaireResponse for the answers; unanswered items and empty groups
    are left out, and so are answers to disabled items.

    `subject` is a FHIR reference such as "Patient/123"; `authored` an ISO date-time.
    """
    if status not in RESPONSE_STATUSES:
        raise SonbError(f"The status must be one of: {', '.join(sorted(RESPONSE_STATUSES))}.")
    problems = validate_answers(q, answers)
    if problems:
        raise InvalidInput(problems, f"The answers to {title(q)!r}")
    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse"}
    if q.get("url"):
        response["questionnaire"] = q["url"]
    response["status"] = status
    if subject:
        response["subject"] = {"reference": subject}
    if authored:
        response["authored"] = authored
    items = _response_items(q.get("item") or [], clean_answers(q, answers))
    if items:
        response["item"] = items
    return response


def _response_items(items: Iterable[Mapping], answers: Mapping) -> list[dict]:
    out = []
    for item in items:
        node = {"linkId": item["linkId"]}
        if isinstance(item.get("text"), str):
            node["text"] = item["text"]
        if item["type"] == "group" and item.get("repeats"):
            for instance in answers.get(item["linkId"]) or []:
                children = _response_items(item["item"], instance)
                if children:
                    out.append({**node, "item": children})
        elif item["type"] == "group":
            children = _response_items(item["item"], answers)
            if children:
                out.append({**node, "item": children})
        elif is_question(item) and item["linkId"] in answers:
            values = values_of(answers[item["linkId"]])
            out.append({**node, "answer": [to_fhir(item, v) for v in values]})
    return out


class Reading(NamedTuple):
    """What a QuestionnaireResponse holds for a form: the `answers` that fit, and `problems`
    (where -> why) for each part that did not, which is left out."""

    answers: dict
    problems: dict[str, str]


def read_response(q: Mapping, response: Mapping) -> Reading:
    """The answers in a QuestionnaireResponse for this form, keeping every answer that fits and
    naming each one that does not, with the reason (nothing is dropped in silence).

    Raises SonbError only for a response that is not one, or is for another form.
    """
    if not isinstance(response, Mapping) or response.get("resourceType") != "QuestionnaireResponse":
        raise SonbError("This is not a FHIR QuestionnaireResponse.")
    canonical = str(response.get("questionnaire") or "").split("|")[0]
    if canonical != (q.get("url") or canonical):
        raise SonbError(f"These answers belong to another form ({canonical or 'none named'}), "
                        f"not to {title(q)!r}.")
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    _read_items(response.get("item") or [], q.get("item") or [], (), index(q), answers, problems)
    return Reading(answers, problems)


def from_response(q: Mapping, response: Mapping) -> dict:
    """The answers held in a QuestionnaireResponse for this form (the inverse of to_response),
    all or nothing: InvalidInput (by where) when any part does not fit. `read_response`
    keeps what fits instead."""
    answers, problems = read_response(q, response)
    if problems:
        raise InvalidInput(problems, f"The answers to {title(q)!r}")
    return answers


def _read_items(resp_items: Any, q_items: list, prefix: tuple, every: Mapping, answers: dict,
                problems: dict) -> None:
    here = {item["linkId"]: item for item in q_items}
    if not isinstance(resp_items, list):
        problems.setdefault(where(prefix) if prefix else "item", "must be a list of items")
        return
    for node in resp_items:
        link = node.get("linkId") if isinstance(node, Mapping) else None
        item = here.get(link) if isinstance(link, str) else None
        path = (*prefix, link)
        if not isinstance(link, str):
            problems.setdefault(where(prefix) if prefix else "item", "Every item needs a linkId.")
        elif item is None:
            problems[where(path)] = message("misplaced" if link in every else "unknown")
        elif item["type"] == "group":
            if node.get("answer"):
                problems[where(path)] = message("no_answer")
            _read_group(item, node, prefix, every, answers, problems)
        elif not is_question(item):
            problems[where(path)] = message("no_answer")
        else:
            _read_question(item, node, path, answers, problems)


def _read_group(item, node, prefix, every, answers, problems) -> None:
    children = node.get("item") or []
    if not item.get("repeats"):
        _read_items(children, item["item"], prefix, every, answers, problems)
        return
    group = answers.setdefault(item["linkId"], [])
    if len(group) >= MAX_ITEMS:
        problems[where((*prefix, item["linkId"]))] = message("too_many", max=MAX_ITEMS)
        return
    instance: dict[str, Any] = {}
    _read_items(children, item["item"], (*prefix, item["linkId"], len(group)), every, instance,
                problems)
    group.append(instance)


def _read_question(item: Mapping, node: Mapping, path: tuple, answers: dict, problems: dict) -> None:
    link, raw = item["linkId"], node.get("answer") or []
    if not isinstance(raw, list):
        problems[where(path)] = message("unreadable")
        return
    values, wrong = [], []
    for entry in raw:
        try:
            values.append(from_fhir(item, entry))
        except BadValue as exc:
            wrong.append(str(exc))
        if isinstance(entry, Mapping) and entry.get("item"):
            wrong.append(message("nested_answer"))
    if link in answers and not item.get("repeats"):
        wrong.append(message("twice"))
        values = []
    elif item.get("repeats"):
        values = [*(answers.get(link) or []), *values]
        unique = list({repr(v): v for v in values}.values())
        if len(unique) < len(values) and item["type"] in ("choice", "open-choice"):
            wrong.append(message("choice_twice"))
            values = unique
        if len(values) > MAX_ITEMS:
            wrong.append(message("too_many", max=MAX_ITEMS))
            values = values[:MAX_ITEMS]
        if values:
            answers[link] = values
    elif len(values) > 1:
        wrong.append(message("one_only"))
    elif values:
        answers[link] = values[0]
    if wrong:
        problems[where(path)] = " ".join(dict.fromkeys(wrong))
