"""FHIR R4 enableWhen: which items of a form are shown, given the answers.

Answers are a dict linkId -> value; the answers of a repeating group are a list of such dicts,
one per instance (docs/CONVENTIONS.md). An item's *path* is the linkIds of the repeating groups
above it, each followed by the instance's 0-based index, then its own linkId: ("a",), or
("meds", 1, "dose") for "dose" in the second medicine. A repeating group with no instance yet
is shown with one empty instance, 0.

The rules (FHIR R4 Questionnaire.item.enableWhen): an item is shown when its conditions hold
(all of them, or any with enableBehavior "any") and its group is shown; an answer to a hidden
question counts as no answer; `exists` asks whether there is an answer; `=` holds when any
answer is equal, `!=` when none is; `>`, `<`, `>=`, `<=` need an answer that compares. A
condition on a question in a repeating group looks at the same instance when the item is inside
it, else at every instance. Conditions may point forward in the form: the rules are applied
until nothing changes (`standard` refuses a form whose conditions go round in a circle).
"""

from __future__ import annotations

import datetime as dt
import operator as op
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import SonbError
from .items import index, options, title, values_of

Path = tuple

_ORDER = {">": op.gt, "<": op.lt, ">=": op.ge, "<=": op.le}


def instances(value: Any) -> list[Mapping]:
    """The instances of a repeating group's answer (one empty instance when it has none)."""
    found = [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []
    return found or [{}]


def _repeating_above(q: Mapping) -> dict[str, tuple[str, ...]]:
    """linkId -> the linkIds of the repeating groups above it, outermost first."""
    above: dict[str, tuple[str, ...]] = {}

    def walk(items, groups):
        for item in items:
            above[item["linkId"]] = groups
            inner = (*groups, item["linkId"]) if _repeating_group(item) else groups
            walk(item.get("item") or [], inner)

    walk(q.get("item") or [], ())
    return above


def _repeating_group(item: Mapping) -> bool:
    return item.get("type") == "group" and item.get("repeats") is True


class _Evaluation:
    """One form and its answers: the shown state of every path, worked out to a fixed point."""

    def __init__(self, q: Mapping, answers: Mapping):
        self.q, self.answers = q, answers
        self.items = index(q)
        self.above = _repeating_above(q)
        self.shown: dict[Path, bool] = {}

    def run(self) -> dict[Path, bool]:
        for _ in range(len(self.items) + 2):
            before = dict(self.shown)
            self._walk(self.q.get("item") or [], self.answers, (), {}, True)
            if self.shown == before:
                return self.shown
        raise SonbError(f"The conditions of the form {title(self.q)!r} never settle.")

    def _walk(self, items, scope: Mapping, prefix: Path, where: dict, parent_on: bool) -> None:
        for item in items:
            link = item["linkId"]
            path = (*prefix, link)
            on = parent_on and self._own(item, where)
            self.shown[path] = on
            children = item.get("item") or []
            if _repeating_group(item):
                for n, instance in enumerate(instances(scope.get(link))):
                    self._walk(children, instance, (*path, n), {**where, link: n}, on)
            elif children:
                self._walk(children, scope, prefix, where, on)

    def _own(self, item: Mapping, where: dict) -> bool:
        conditions = item.get("enableWhen") or []
        results = (self._met(c, where) for c in conditions)
        return any(results) if item.get("enableBehavior") == "any" else all(results)

    def _values(self, link: str, where: dict) -> list:
        """The answers of a question seen from `where` (the instances the item is in)."""
        scopes: list[tuple[Mapping, Path]] = [(self.answers, ())]
        for group in self.above.get(link, ()):
            found = []
            for scope, prefix in scopes:
                all_ = instances(scope.get(group))
                picked = [where[group]] if group in where else range(len(all_))
                found += [(all_[n], (*prefix, group, n)) for n in picked if n < len(all_)]
            scopes = found
        values = []
        for scope, prefix in scopes:
            if self.shown.get((*prefix, link), True):
                values += values_of(scope.get(link))
        return values

    def _met(self, condition: Mapping, where: dict) -> bool:
        link = condition["question"]
        values = self._values(link, where)
        operator = condition["operator"]
        key = next(k for k in condition if k.startswith("answer"))
        expected = condition[key]
        if operator == "exists":
            return bool(values) == expected
        target = self.items.get(link, {})
        equal = [compare(target, v, key, expected) for v in values]
        if operator == "=":
            return any(c == 0 for c in equal)
        if operator == "!=":
            return not any(c == 0 for c in equal)
        if operator in _ORDER:
            return any(c is not None and _ORDER[operator](c, 0) for c in equal)
        raise SonbError(f"The operator {operator!r} is not supported in enableWhen.")


def compare(item: Mapping, value: Any, key: str, expected: Any) -> int | None:
    """-1, 0 or 1 as the answer `value` is below, equal to or above the enableWhen's
    `answer[x]`; None when the two do not compare (other kinds, other units, other precision)."""
    if key == "answerCoding":
        return 0 if _same_coding(item, value, expected) else None
    if key == "answerBoolean":
        return 0 if value is expected else None
    if key == "answerQuantity":
        return _compare_quantity(value, expected)
    if key == "answerReference":
        same = isinstance(value, Mapping) and isinstance(expected, Mapping) and (
            value.get("reference") == expected.get("reference"))
        same = same or (isinstance(value, str) and isinstance(expected, Mapping)
                        and value == expected.get("reference"))
        return 0 if same else None
    a, b = _ordered(value, key), _ordered(expected, key)
    if a is None or b is None or (isinstance(a, tuple) and a[0] != b[0]):
        return None  # not of one kind, or a date of another precision
    try:
        return (a > b) - (a < b)
    except TypeError:
        return None


def _ordered(value: Any, key: str) -> Any:
    """A value that compares like the answer[x] type (None: it does not)."""
    if isinstance(value, bool):
        return None
    if key in ("answerInteger", "answerDecimal"):
        return value if isinstance(value, (int, float)) else None
    if not isinstance(value, str):
        return None
    if key == "answerString":
        return value
    if key == "answerTime":
        try:
            return ("time", dt.time.fromisoformat(value))
        except ValueError:
            return None
    return _moment(value)


def _moment(value: str) -> tuple | None:
    """A date or dateTime as (precision, value): only the same precision compares."""
    try:
        if len(value) == 4:
            return ("year", int(value))
        if len(value) == 7:
            return ("month", value)
        if len(value) == 10:
            return ("day", dt.date.fromisoformat(value))
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return ("zoned" if moment.tzinfo else "local", moment)


def _same_coding(item: Mapping, value: Any, expected: Any) -> bool:
    if not isinstance(expected, Mapping):
        return False
    if isinstance(value, Mapping):  # a Coding kept as it came
        coding = value
    else:
        found = next((o for o in options(item) if o.key == value and "valueCoding" in o.fhir), None)
        if found is None:
            return False
        coding = found.fhir["valueCoding"]
    if coding.get("code") != expected.get("code"):
        return False
    systems = coding.get("system"), expected.get("system")
    return None in systems or systems[0] == systems[1]


def _compare_quantity(value: Any, expected: Any) -> int | None:
    if not isinstance(value, Mapping) or not isinstance(expected, Mapping):
        return None
    units = [(q.get("system"), q.get("code") or q.get("unit")) for q in (value, expected)]
    if all(units[0]) and all(units[1]) and units[0] != units[1]:
        return None
    a, b = value.get("value"), expected.get("value")
    if isinstance(a, bool) or isinstance(b, bool) or not all(isinstance(x, (int, float)) for x in (a, b)):
        return None
    return (a > b) - (a < b)


def shown_paths(q: Mapping, answers: Mapping) -> dict[Path, bool]:
    """Every item's path -> shown or not."""
    return _Evaluation(q, answers).run()


def enabled_paths(q: Mapping, answers: Mapping) -> set[Path]:
    """The paths of the items that are shown (groups and displays too)."""
    return {path for path, on in shown_paths(q, answers).items() if on}


def enabled_items(q: Mapping, answers: Mapping) -> dict[str, bool]:
    """linkId -> shown or not, for every item (an item in a repeating group: shown in any
    instance)."""
    found = {link: False for link in index(q)}
    for path, on in shown_paths(q, answers).items():
        found[path[-1]] = found[path[-1]] or on
    return found


def is_enabled(q: Mapping, link_id: str, answers: Mapping) -> bool:
    """Whether an item is shown, given the answers (see `enabled_items`)."""
    enabled = enabled_items(q, answers)
    if link_id not in enabled:
        raise SonbError(f"The form {title(q)!r} has no item {link_id!r}.")
    return enabled[link_id]


def walk_answers(q: Mapping, answers: Mapping) -> Iterator[tuple[Path, dict, Any]]:
    """(path, item, answer) for every question in document order, in every instance of the
    repeating groups the answers hold (the answer may be missing: None)."""
    def walk(items, scope, prefix):
        for item in items:
            link = item["linkId"]
            children = item.get("item") or []
            if _repeating_group(item):
                for n, instance in enumerate(instances(scope.get(link))):
                    yield from walk(children, instance, (*prefix, link, n))
            elif item.get("type") == "group":
                yield from walk(children, scope, prefix)
            elif item.get("type") != "display":
                yield (*prefix, link), item, scope.get(link)

    yield from walk(q.get("item") or [], answers if isinstance(answers, Mapping) else {}, ())
