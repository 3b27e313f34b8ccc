"""Constants of sonb's FHIR Questionnaires and helpers to walk their items.

One helper each for the things every layer needs: the choice codes of an item, its integer
range, whether an answer is blank. Pure Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from ..model import LONG_TEXT, SHORT_TEXT, DecisionKind

URL_PREFIX = "urn:sonb:questionnaire:"
CODE_SYSTEM = "urn:sonb:code"
ASPECT_SYSTEM = "urn:sonb:aspect"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"

ASPECTS = frozenset(
    {"benefits", "risks", "how_well", "daily_now", "daily_later", "recovery", "cost", "if_delay"}
)
QUESTION_TYPES = frozenset({"boolean", "decimal", "integer", "date", "dateTime", "time", "string",
                            "text", "url", "choice", "open-choice", "attachment", "reference",
                            "quantity"})
"""FHIR R4's item types that take an answer."""
ITEM_TYPES = QUESTION_TYPES | {"group", "display"}
MAX_LENGTH = {"string": SHORT_TEXT, "text": LONG_TEXT, "url": SHORT_TEXT * 10,
              "open-choice": SHORT_TEXT}
"""The longest text answer taken when the form sets no maxLength."""
OPERATORS = frozenset({"=", "!=", "exists", ">", "<", ">=", "<="})
ORDERED = frozenset({">", "<", ">=", "<="})
RESPONSE_STATUSES = frozenset({"completed", "in-progress"})
NONE = "none"  # opinion form: "None of these"
OTHER = "other"  # decision form: "Something else"

FORM_FOR_KIND: dict[DecisionKind, str] = {kind: kind.value for kind in DecisionKind}
"""The form to take to the doctor for each kind of decision (file name == kind value)."""

LINK_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
VALUE_KEY = {"boolean": "valueBoolean", "decimal": "valueDecimal", "integer": "valueInteger",
             "date": "valueDate", "dateTime": "valueDateTime", "time": "valueTime",
             "string": "valueString", "text": "valueString", "url": "valueUri",
             "choice": "valueCoding", "open-choice": "valueCoding",
             "attachment": "valueAttachment", "reference": "valueReference",
             "quantity": "valueQuantity"}
"""The value[x] of an answer to each item type (a choice's options may say otherwise)."""
OPTION_KEYS = ("valueCoding", "valueString", "valueInteger", "valueDate", "valueTime",
               "valueReference")
"""The value[x] an answerOption may have (FHIR R4)."""
OPTION_TYPE = {"valueString": "string", "valueInteger": "integer", "valueDate": "date",
               "valueTime": "time", "valueReference": "reference"}
"""The answer type an option's value behaves as (a Coding is matched by its code)."""


def is_blank(value: Any) -> bool:
    """An unanswered value: None, "", only spaces, [], or a missing number (NaN, pandas' NA)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, (list, tuple)) and not value


def values_of(value: Any) -> list:
    """An answer as a list of its non-blank values (a single answer -> one value)."""
    if isinstance(value, (list, tuple)):
        return [v for v in value if not is_blank(v)]
    return [] if is_blank(value) else [value]


def iter_items(q: Mapping) -> Iterator[dict]:
    """Every item of the form, depth-first in document order (groups and displays too)."""
    def walk(items):
        for item in items:
            yield item
            yield from walk(item.get("item") or [])
    yield from walk(q.get("item") or [])


def one_of(value: Any, allowed) -> bool:
    """`value in allowed`, false (not TypeError) for unhashable values."""
    return isinstance(value, str) and value in allowed


def is_question(item: Mapping) -> bool:
    return one_of(item.get("type"), QUESTION_TYPES)


def questions(q: Mapping) -> Iterator[dict]:
    """The items that take an answer (not groups, not displays)."""
    return (item for item in iter_items(q) if is_question(item))


def index(q: Mapping) -> dict[str, dict]:
    """linkId -> item, for every item of the form."""
    return {item["linkId"]: item for item in iter_items(q)}


class Option(NamedTuple):
    """One answerOption: `key` is the answer sonb keeps (a Coding's code, or the option's
    string, whole number, date, time or reference), `label` what is shown, `fhir` the option's
    value[x] as {key: value}."""

    key: Any
    label: str
    fhir: dict
    initial: bool


def option_of(option: Any) -> Option | None:
    """The Option of one answerOption; None when it is malformed."""
    if not isinstance(option, Mapping):
        return None
    found = [k for k in OPTION_KEYS if k in option]
    if len(found) != 1:
        return None
    kind, value = found[0], option[found[0]]
    selected = option.get("initialSelected") is True
    if kind == "valueCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            return None
        label = value.get("display") if isinstance(value.get("display"), str) else value["code"]
        return Option(value["code"], label, {kind: value}, selected)
    if kind == "valueReference":
        if not isinstance(value, Mapping) or not isinstance(value.get("reference"), str):
            return None
        label = value.get("display") if isinstance(value.get("display"), str) else value["reference"]
        return Option(value["reference"], label, {kind: value}, selected)
    if kind == "valueInteger":
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        return Option(value, str(value), {kind: value}, selected)
    if not isinstance(value, str):
        return None
    return Option(value, value, {kind: value}, selected)


def options(item: Mapping) -> list[Option]:
    """The item's answerOptions, in form order (malformed ones skipped; a form that has any
    is refused at load, see `standard`)."""
    offered = item.get("answerOption")
    found = [option_of(o) for o in offered] if isinstance(offered, list) else []
    return [o for o in found if o is not None]


def choice_codes(item: Mapping) -> dict[str, dict]:
    """Offered Coding codes -> their valueCoding, in form order (other options skipped)."""
    return {o.key: o.fhir["valueCoding"] for o in options(item) if "valueCoding" in o.fhir}


def int_range(item: Mapping) -> tuple[int | None, int | None]:
    """The (minValue, maxValue) of an integer item; None where it sets none."""
    extensions = item.get("extension")
    found = {ext["url"]: ext.get("valueInteger")
             for ext in extensions if isinstance(ext, Mapping) and isinstance(ext.get("url"), str)
             } if isinstance(extensions, list) else {}
    return found.get(MIN_VALUE), found.get(MAX_VALUE)


def aspects_of(item: Mapping) -> list[str]:
    """The comparison aspects an item names (`code` with system urn:sonb:aspect)."""
    return [c["code"] for c in item.get("code") or []
            if isinstance(c, Mapping) and c.get("system") == ASPECT_SYSTEM]


def title(q: Mapping) -> str:
    return str(q.get("title") or q.get("id") or "this form")
