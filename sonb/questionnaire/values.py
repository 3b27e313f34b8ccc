"""One answer value of each FHIR R4 item type: check it, and turn it into FHIR and back.

The answer sonb keeps (docs/CONVENTIONS.md): boolean -> bool; integer -> int; decimal -> int or
float; string, text, url -> str; date -> "YYYY[-MM[-DD]]"; dateTime -> a FHIR dateTime; time
-> "hh:mm:ss"; choice -> the option's key (`items.Option`); open-choice -> an option's key or
free text; quantity -> {"value", "unit", "system", "code"}; attachment -> {"contentType",
"data" (base64), "title", "size"}; reference -> {"reference", "display"}.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from .._datafiles import texts
from .items import MAX_LENGTH, MAX_VALUE, MIN_VALUE, VALUE_KEY, options

DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
DATE_TIME = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])"
                       r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?"
                       r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$")
MAX_ATTACHMENT = 1_000_000
"""The largest file a form takes, in bytes (a case must fit a case file)."""
RANGE_KEYS = ("valueInteger", "valueDecimal", "valueDate", "valueDateTime", "valueTime")


def message(key: str, **values: Any) -> str:
    """A message shown beside a field (sonb/data/forms.json `messages`)."""
    text = texts("forms")["messages"][key]
    return text.format(**values) if values else text


def value_range(item: Mapping) -> tuple[Any, Any]:
    """The item's (minValue, maxValue) extension values; None where it sets none."""
    found: dict[str, Any] = {}
    extensions = item.get("extension")
    for ext in extensions if isinstance(extensions, list) else []:
        if isinstance(ext, Mapping) and ext.get("url") in (MIN_VALUE, MAX_VALUE):
            value = next((ext[k] for k in RANGE_KEYS if k in ext), None)
            found[ext["url"]] = value
    return found.get(MIN_VALUE), found.get(MAX_VALUE)


# -- checking one value ---------------------------------------------------------------------------

def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _in_range(item: Mapping, value: Any) -> str | None:
    lo, hi = value_range(item)
    if isinstance(value, str):  # a date: a bound counts at the value's own precision
        lo, hi = (b[:len(value)] if isinstance(b, str) and len(b) >= len(value) else None
                  for b in (lo, hi))
    try:
        low = lo is not None and value < lo
        high = hi is not None and value > hi
    except TypeError:
        return None  # a range of another kind: `standard` refuses such a form
    if not (low or high):
        return None
    if lo is not None and hi is not None:
        return message("range", lo=lo, hi=hi)
    return message("at_least" if lo is not None else "at_most", lo=lo, hi=hi)


def _check_boolean(item, value):
    return None if isinstance(value, bool) else message("boolean")


def _check_integer(item, value):
    if not isinstance(value, int) or isinstance(value, bool):
        return message("integer")
    return _in_range(item, value)


def _check_decimal(item, value):
    return _in_range(item, value) if _number(value) else message("decimal")


def _check_text(item, value):
    if not isinstance(value, str):
        return message("text")
    limit = item.get("maxLength") or MAX_LENGTH.get(item["type"], MAX_LENGTH["string"])
    return message("too_long", max=limit) if len(value) > limit else None


def _check_url(item, value):
    if isinstance(value, str) and (not value.strip() or any(c.isspace() for c in value)):
        return message("url")
    return _check_text(item, value)


def _check_date(item, value):
    if not isinstance(value, str) or not DATE.match(value):
        return message("date")
    try:
        dt.date.fromisoformat(value if len(value) == 10 else (value + "-01-01")[:10])
    except ValueError:
        return message("no_such_date")
    return _in_range(item, value)


def _check_date_time(item, value):
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return message("date_time")
    if len(value) >= 10:
        try:
            dt.date.fromisoformat(value[:10])
        except ValueError:
            return message("no_such_date")
    return _in_range(item, value)


def _check_time(item, value):
    if not isinstance(value, str) or not TIME.match(value):
        return message("time")
    return _in_range(item, value)


def _check_choice(item, value):
    return None if _option_key(item, value) else message("choice")


def _option_key(item: Mapping, value: Any) -> bool:
    return any(type(o.key) is type(value) and o.key == value for o in options(item))


def _check_open_choice(item, value):
    if _option_key(item, value):
        return None
    return _check_text(item, value) if isinstance(value, str) else message("choice")


_QUANTITY_KEYS = {"value", "unit", "system", "code", "comparator"}


def _check_quantity(item, value):
    if (not isinstance(value, Mapping) or set(value) - _QUANTITY_KEYS
            or not _number(value.get("value"))
            or any(not isinstance(value[k], str) for k in value if k != "value")):
        return message("quantity")
    return _in_range(item, value["value"])


_ATTACHMENT_KEYS = {"contentType", "data", "url", "title", "size", "language", "hash", "creation"}


def _check_attachment(item, value):
    if (not isinstance(value, Mapping) or set(value) - _ATTACHMENT_KEYS
            or not (isinstance(value.get("data"), str) or isinstance(value.get("url"), str))):
        return message("attachment")
    if any(k != "size" and not isinstance(value[k], str) for k in value):
        return message("attachment")
    if isinstance(value.get("data"), str):
        if len(value["data"]) > MAX_ATTACHMENT * 4 // 3 + 4:
            return message("attachment_large", max=MAX_ATTACHMENT // 1000)
        try:
            base64.b64decode(value["data"], validate=True)
        except (binascii.Error, ValueError):
            return message("attachment")
    size = value.get("size")
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        return message("attachment")
    return None


def _check_reference(item, value):
    if (not isinstance(value, Mapping) or set(value) - {"reference", "display", "type"}
            or not isinstance(value.get("reference"), str) or not value["reference"].strip()
            or any(not isinstance(v, str) for v in value.values())
            or sum(len(v) for v in value.values()) > MAX_LENGTH["url"]):
        return message("reference")
    return None


CHECKS = {"boolean": _check_boolean, "integer": _check_integer, "decimal": _check_decimal,
          "string": _check_text, "text": _check_text, "url": _check_url, "date": _check_date,
          "dateTime": _check_date_time, "time": _check_time, "choice": _check_choice,
          "open-choice": _check_open_choice, "quantity": _check_quantity,
          "attachment": _check_attachment, "reference": _check_reference}


def check_single(item: Mapping, value: Any) -> str | None:
    """What is wrong with one value for this item, in plain words; None when it fits."""
    return CHECKS[item["type"]](item, value)


# -- FHIR value[x] <-> answer ---------------------------------------------------------------------

class BadValue(Exception):
    """A value in a QuestionnaireResponse that does not fit its item (message in plain words)."""


def to_fhir(item: Mapping, value: Any) -> dict:
    """The answer's FHIR `{value[x]: ...}` (a checked value)."""
    kind = item["type"]
    if kind in ("choice", "open-choice"):
        for option in options(item):
            if type(option.key) is type(value) and option.key == value:
                fhir = dict(option.fhir)
                if "valueCoding" in fhir:  # the option's Coding, without its translations
                    coding = fhir["valueCoding"]
                    fhir["valueCoding"] = {k: coding[k] for k in ("system", "version", "code", "display")
                                           if k in coding}
                return fhir
        return {"valueString": value}  # open-choice: free text
    if kind in ("quantity", "attachment", "reference"):
        return {VALUE_KEY[kind]: dict(value)}
    return {VALUE_KEY[kind]: value}


def from_fhir(item: Mapping, entry: Any) -> Any:
    """The answer held in one QuestionnaireResponse answer entry; BadValue when it does not
    fit the item."""
    got = [k for k in entry if k.startswith("value")] if isinstance(entry, Mapping) else []
    if len(got) != 1:
        raise BadValue(message("value_kind", want=_wanted(item), got=", ".join(got) or "nothing"))
    key, value = got[0], entry[got[0]]
    kind = item["type"]
    if kind in ("choice", "open-choice"):
        found = _option_for(item, key, value)
        if found is not None:
            return found
        if kind == "open-choice" and key == "valueString" and isinstance(value, str):
            return value
        if kind == "open-choice" and key == "valueCoding" and isinstance(value, Mapping):
            text = value.get("display") or value.get("code")
            if isinstance(text, str):
                return text  # a code the form does not offer: kept as its words
        raise BadValue(message("choice"))
    if key != VALUE_KEY[kind] and not (kind == "decimal" and key == "valueInteger"):
        raise BadValue(message("value_kind", want=_wanted(item), got=key))
    problem = check_single(item, value)
    if problem:
        raise BadValue(problem)
    return dict(value) if isinstance(value, Mapping) else value


def _option_for(item: Mapping, key: str, value: Any) -> Any:
    for option in options(item):
        if key not in option.fhir:
            continue
        offered = option.fhir[key]
        if key == "valueCoding":
            if isinstance(value, Mapping) and value.get("code") == offered.get("code") and (
                    None in (value.get("system"), offered.get("system"))
                    or value.get("system") == offered.get("system")):
                return option.key
        elif key == "valueReference":
            if isinstance(value, Mapping) and value.get("reference") == offered.get("reference"):
                return option.key
        elif type(value) is type(offered) and value == offered:
            return option.key
    return None


def _wanted(item: Mapping) -> str:
    kinds = sorted({k for o in options(item) for k in o.fhir}) or [VALUE_KEY[item["type"]]]
    if item["type"] == "open-choice":
        kinds = sorted({*kinds, "valueString"})
    return " or ".join(kinds)


def initial_answers(q: Mapping) -> dict:
    """The answers a new response starts with: each question's `initial` values and the
    answerOptions marked initialSelected (a repeating group starts with one instance)."""
    def walk(items) -> dict:
        found: dict[str, Any] = {}
        for item in items:
            kind, children = item.get("type"), item.get("item") or []
            if kind == "group":
                inner = walk(children)
                if item.get("repeats") and inner:
                    found[item["linkId"]] = [inner]
                elif inner:
                    found.update(inner)
                continue
            if kind == "display":
                continue
            values = [o.key for o in options(item) if o.initial]
            for entry in item.get("initial") or []:
                try:
                    values.append(from_fhir(item, entry))
                except BadValue:
                    pass  # `standard` refuses such a form
            if values:
                found[item["linkId"]] = values if item.get("repeats") else values[0]
        return found

    return walk(q.get("item") or [])
