"""FHIR enableWhen: which items of a form are shown, given the answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import SonbError
from .items import title, values_of

def _same(answer: Any, expected: Any) -> bool:
    """Equal and of the same type (so True never matches 1)."""
    return type(answer) is type(expected) and answer == expected


def _condition_met(condition: Mapping, answers: Mapping, enabled: Mapping[str, bool]) -> bool:
    question = condition["question"]
    # An answer to a disabled question counts as no answer (FHIR).
    values = values_of(answers.get(question)) if enabled.get(question, False) else []
    operator = condition["operator"]
    if operator == "exists":
        return bool(values) == condition["answerBoolean"]
    key = next(k for k in condition if k.startswith("answer"))
    expected = condition[key]["code"] if key == "answerCoding" else condition[key]
    hit = any(_same(v, expected) for v in values)
    if operator == "=":
        return hit
    if operator == "!=":
        return not hit
    raise SonbError(f"The operator {operator!r} is not supported in enableWhen.")


def enabled_items(q: Mapping, answers: Mapping) -> dict[str, bool]:
    """linkId -> shown or not, for every item (FHIR enableWhen; a disabled group disables
    everything inside it). enableWhen only looks back, so one pass suffices."""
    enabled: dict[str, bool] = {}

    def walk(items, parent_on: bool) -> None:
        for item in items:
            conditions = item.get("enableWhen") or []
            results = [_condition_met(c, answers, enabled) for c in conditions]
            own = any(results) if item.get("enableBehavior") == "any" else all(results)
            enabled[item["linkId"]] = parent_on and own
            walk(item.get("item") or [], enabled[item["linkId"]])

    walk(q.get("item") or [], True)
    return enabled


def is_enabled(q: Mapping, link_id: str, answers: Mapping) -> bool:
    """Whether an item is shown, given the answers (FHIR enableWhen; a disabled group
    disables everything inside it)."""
    enabled = enabled_items(q, answers)
    if link_id not in enabled:
        raise SonbError(f"The form {title(q)!r} has no item {link_id!r}.")
    return enabled[link_id]

