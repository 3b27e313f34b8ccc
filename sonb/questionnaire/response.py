"""Answers <-> FHIR R4 QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InvalidInput, SonbError
from .answers import clean_answers, message, validate_answers
from .items import (CODE_SYSTEM, RESPONSE_STATUSES, VALUE_KEY, choice_codes, index, is_question,
                    title, values_of)

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
    response: dict[str, Any] = {"resourceType": "QuestionnaireResponse",
                                "questionnaire": q["url"], "status": status}
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
        node = {"linkId": item["linkId"], "text": item["text"]}
        if item["type"] == "group":
            children = _response_items(item["item"], answers)
            if children:
                out.append({**node, "item": children})
        elif is_question(item) and item["linkId"] in answers:
            values = values_of(answers[item["linkId"]])
            out.append({**node, "answer": [_answer_value(item, v) for v in values]})
    return out


def _answer_value(item: Mapping, value: Any) -> dict:
    if item["type"] == "choice":
        coding = choice_codes(item)[value]
        return {"valueCoding": {"system": coding.get("system", CODE_SYSTEM), "code": value,
                                "display": coding["display"]}}
    return {VALUE_KEY[item["type"]]: value}


class _BadValue(Exception):
    """An answer in a response that has the wrong shape (message in plain words)."""


def from_response(q: Mapping, response: Mapping) -> dict:
    """The answers held in a QuestionnaireResponse for this form (the inverse of to_response).

    Raises SonbError for a response to another form, and InvalidInput (by linkId) for
    unknown or misplaced items and answers of the wrong kind.
    """
    if not isinstance(response, Mapping) or response.get("resourceType") != "QuestionnaireResponse":
        raise SonbError("This is not a FHIR QuestionnaireResponse.")
    canonical = str(response.get("questionnaire") or "").split("|")[0]
    if canonical != q["url"]:
        raise SonbError(f"These answers belong to another form ({canonical or 'none named'}), "
                        f"not to {title(q)!r}.")
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    _read_items(response.get("item") or [], q.get("item") or [], index(q), answers, problems)
    for link, found in validate_answers(q, answers).items():
        problems.setdefault(link, found)
    if problems:
        raise InvalidInput(problems, f"The answers to {title(q)!r}")
    return answers


def _read_items(resp_items: Any, q_items: list, index: Mapping, answers: dict,
                problems: dict) -> None:
    here = {item["linkId"]: item for item in q_items}
    if not isinstance(resp_items, list):
        problems.setdefault("item", "must be a list of items")
        return
    for node in resp_items:
        link = node.get("linkId") if isinstance(node, Mapping) else None
        item = here.get(link) if isinstance(link, str) else None
        if not isinstance(link, str):
            problems.setdefault("item", "Every item needs a linkId.")
        elif item is None:
            problems[link] = message("misplaced" if link in index else "unknown")
        elif item["type"] == "group":
            if node.get("answer"):
                problems[link] = message("no_answer")
            _read_items(node.get("item") or [], item["item"], index, answers, problems)
        elif not is_question(item):
            problems[link] = message("no_answer")
        elif link in answers:
            problems[link] = message("twice")
        else:
            try:
                _read_answer(item, node.get("answer") or [], answers)
            except _BadValue as exc:
                problems[link] = str(exc)


def _read_answer(item: Mapping, raw: Any, answers: dict) -> None:
    if not isinstance(raw, list):
        raise _BadValue(message("unreadable"))
    values = [_read_value(item, entry) for entry in raw]
    if not values:
        return
    if item.get("repeats"):
        answers[item["linkId"]] = values
    elif len(values) > 1:
        raise _BadValue(message("one_only"))
    else:
        answers[item["linkId"]] = values[0]


def _read_value(item: Mapping, entry: Any) -> Any:
    want = VALUE_KEY[item["type"]]
    got = [k for k in entry if k.startswith("value")] if isinstance(entry, Mapping) else []
    if got != [want]:
        raise _BadValue(message("value_kind", want=want, got=", ".join(got) or "nothing"))
    value = entry[want]
    if want == "valueCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            raise _BadValue(message("choice"))
        return value["code"]
    return value

