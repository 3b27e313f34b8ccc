"""Load sonb's bundled forms and check the structure of any Questionnaire it renders."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import InvalidInput, SonbError
from ..i18n import localized
from .items import (ASPECT_SYSTEM, ASPECTS, CODE, LINK_ID, MAX_LENGTH, URL_PREFIX, choice_codes,
                    int_range, is_question, one_of)
from .standard import problems as standard_problems
from .values import check_single

ITEM_KEYS = frozenset(
    {"linkId", "text", "type", "item", "required", "repeats", "readOnly", "maxLength",
     "answerOption", "enableWhen", "enableBehavior", "code", "extension", "prefix", "definition",
     "_text", "_prefix"}  # _text, _prefix: FHIR's extensions of those texts (translations)
)


# sonb's house rules for its own forms (other forms need only `standard`): fewer item types,
# ranges only on whole numbers, a maxLength on every text, conditions on earlier questions only.
HOUSE_TYPES = frozenset({"string", "text", "boolean", "choice", "date", "integer"})
ITEM_TYPES = HOUSE_TYPES | {"group", "display"}
REPEATABLE = frozenset({"string", "choice"})
OPERATORS = frozenset({"=", "!=", "exists"})
ENABLE_KEY = {"boolean": "answerBoolean", "integer": "answerInteger", "string": "answerString",
              "text": "answerString", "date": "answerDate", "choice": "answerCoding"}


def _package_dir(name: str):
    return resources.files("sonb") / name

@lru_cache(maxsize=1)
def _names() -> tuple[str, ...]:
    folder = _package_dir("questionnaires")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))


def names() -> list[str]:
    """The names of the bundled forms (file name without `.json`)."""
    return list(_names())


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    path = _package_dir("questionnaires") / f"{name}.json"
    try:
        q = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SonbError(f"The form {name!r} cannot be read: {exc}") from None
    check(q)
    want = {"id": fhir_id(name), "url": URL_PREFIX + name}
    for key, value in want.items():
        if q.get(key) != value:
            raise SonbError(f"The form in {name}.json has the {key} {q.get(key)!r}; "
                            f"it should be {value!r}.")
    return q


def fhir_id(name: str) -> str:
    """The resource id of a form: its name with '-' for '_' (FHIR ids allow no underscore)."""
    return name.replace("_", "-")


def load(name: str) -> dict:
    """A bundled form by name, checked, in the current language (`sonb.i18n`); a fresh copy
    each call, so callers may change it."""
    if name not in _names():
        raise SonbError(f"There is no form called {name!r}. The forms are: {', '.join(_names())}.")
    return localized(_read(name))


# -- checking a questionnaire -------------------------------------------------------------

def check(questionnaire: Mapping) -> None:
    """Check one of sonb's own forms: FHIR R4 as `standard` reads it, and the house rules;
    raise InvalidInput naming each bad linkId and all its problems."""
    if not isinstance(questionnaire, Mapping):
        raise SonbError("A form must be a JSON object.")
    problems: dict[str, str] = {}

    def add(where: str, message: str) -> None:
        problems[where] = f"{problems[where]}; {message}" if where in problems else message

    if questionnaire.get("resourceType") != "Questionnaire":
        add("resourceType", "must be 'Questionnaire'")
    if not isinstance(questionnaire.get("url"), str) or not questionnaire["url"]:
        add("url", "is missing")
    if questionnaire.get("status") not in {"draft", "active", "retired", "unknown"}:
        add("status", "must be draft, active, retired or unknown")
    items = questionnaire.get("item")
    if not isinstance(items, list) or not items:
        add("item", "the form has no items")
    else:
        _check_items(items, {}, add)
    for where, messages in standard_problems(questionnaire).items():
        if where not in problems:
            problems[where] = " ".join(messages)
    if problems:
        raise InvalidInput(problems, f"The form {questionnaire.get('id', '?')!r}")


def _check_items(items: list, seen: dict[str, Mapping], add: Callable[[str, str], None]) -> None:
    for item in items:
        if not isinstance(item, Mapping):
            add("item", "every item must be a JSON object")
            continue
        link = item.get("linkId")
        if not isinstance(link, str) or not LINK_ID.match(link):
            add(str(link), "is not an allowed linkId (use letters, digits, _ . and -)")
            continue
        if link in seen:
            add(link, "is used as a linkId more than once")
            continue
        for message in _item_problems(item, seen):
            add(link, message)
        seen[link] = item
        if isinstance(item.get("item"), list):
            _check_items(item["item"], seen, add)


def _item_problems(item: Mapping, seen: Mapping[str, Mapping]) -> Iterator[str]:
    kind = item.get("type")
    if not one_of(kind, ITEM_TYPES):
        yield f"has an unknown type {kind!r}"
        return
    if set(item) - ITEM_KEYS:
        yield f"has unknown fields: {', '.join(sorted(set(item) - ITEM_KEYS))}"
    if not isinstance(item.get("text"), str) or not item["text"].strip():
        yield "has no text"
    yield from _children_problems(item, kind)
    yield from _option_problems(item, kind)
    yield from _length_problems(item, kind)
    yield from _flag_problems(item, kind)
    yield from _extension_problems(item, kind)
    yield from _code_problems(item)
    yield from _enable_problems(item, seen)


def _children_problems(item: Mapping, kind: str) -> Iterator[str]:
    children = item.get("item")
    if kind == "group" and (not isinstance(children, list) or not children):
        yield "is a group with no items"
    elif kind != "group" and children is not None:
        yield "holds other items, but only groups can"


def _option_problems(item: Mapping, kind: str) -> Iterator[str]:
    options = item.get("answerOption")
    if kind != "choice":
        if options is not None:
            yield "has answerOption, but is not a choice"
        return
    if not isinstance(options, list) or not options:
        yield "is a choice with no answerOption"
        return
    codes = []
    for opt in options:
        coding = opt.get("valueCoding") if isinstance(opt, Mapping) else None
        code = coding.get("code") if isinstance(coding, Mapping) else None
        if not isinstance(code, str) or not CODE.match(code):
            yield "has a choice without an allowed valueCoding code"
        elif not isinstance(coding.get("display"), str) or not coding["display"].strip():
            yield f"has the choice {code!r} without a display text"
        codes.append(code)
    if len(codes) != len(set(codes)):
        yield "offers the same code twice"


def _length_problems(item: Mapping, kind: str) -> Iterator[str]:
    limit = item.get("maxLength")
    if kind not in MAX_LENGTH:
        if limit is not None:
            yield "has maxLength, but only string and text items can"
    elif not isinstance(limit, int) or isinstance(limit, bool) or not 0 < limit <= MAX_LENGTH[kind]:
        yield f"needs a maxLength from 1 to {MAX_LENGTH[kind]}"


def _flag_problems(item: Mapping, kind: str) -> Iterator[str]:
    for flag in ("required", "repeats", "readOnly"):
        if not isinstance(item.get(flag, False), bool):
            yield f"has a {flag} that is not true or false"
    if item.get("repeats") is True and kind not in REPEATABLE:
        yield "repeats, but only string and choice items can"
    if item.get("required") is True and kind == "display":
        yield "is a display item, so it cannot be required"


def _extension_problems(item: Mapping, kind: str) -> Iterator[str]:
    if not isinstance(item.get("extension", []), list):
        yield "has an extension that is not a list"
        return
    lo, hi = int_range(item)
    if (lo, hi) == (None, None):
        return
    if kind != "integer":
        yield "has a minValue or maxValue, but is not an integer item"
    elif any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in (lo, hi)):
        yield "has a minValue or maxValue that is not a whole number"
    elif lo is not None and hi is not None and lo > hi:
        yield "has a minValue above its maxValue"


def _code_problems(item: Mapping) -> Iterator[str]:
    if not isinstance(item.get("code", []), list):
        yield "has a code that is not a list"
        return
    for coding in item.get("code", []):
        if not isinstance(coding, Mapping) or not isinstance(coding.get("code"), str):
            yield "has a code without a value"
        elif coding.get("system") == ASPECT_SYSTEM and coding["code"] not in ASPECTS:
            yield f"names an unknown aspect {coding['code']!r}"


def _enable_problems(item: Mapping, seen: Mapping[str, Mapping]) -> Iterator[str]:
    conditions = item.get("enableWhen")
    if conditions is None:
        return
    if not isinstance(conditions, list) or not conditions:
        yield "has an empty enableWhen"
        return
    behavior = item.get("enableBehavior")
    if len(conditions) > 1 and behavior not in ("all", "any"):
        yield "has several enableWhen conditions, so it needs enableBehavior 'all' or 'any'"
    elif behavior is not None and behavior not in ("all", "any"):
        yield "has an enableBehavior other than 'all' or 'any'"
    for condition in conditions:
        message = _condition_problem(condition, seen)
        if message:
            yield message


def _condition_problem(condition: Any, seen: Mapping[str, Mapping]) -> str | None:
    if not isinstance(condition, Mapping):
        return "has an enableWhen that is not a JSON object"
    question = condition.get("question")
    target = seen.get(question) if isinstance(question, str) else None
    if target is None:
        return f"has an enableWhen on {question!r}, which is not an earlier item of the form"
    if not is_question(target):
        return f"has an enableWhen on {question!r}, which takes no answer"
    operator = condition.get("operator")
    if not one_of(operator, OPERATORS):
        return f"uses the operator {operator!r}; only =, != and exists are supported"
    keys = [k for k in condition if k.startswith("answer")]
    if len(keys) != 1:
        return "needs exactly one answer value in each enableWhen"
    want = "answerBoolean" if operator == "exists" else ENABLE_KEY[target["type"]]
    if keys[0] != want:
        return f"has an enableWhen on {question!r} that needs {want}, not {keys[0]}"
    value = condition[want]
    if want == "answerCoding":
        if not isinstance(value, Mapping) or not one_of(value.get("code"), choice_codes(target)):
            return f"has an enableWhen on {question!r} with a code that question does not offer"
        return None
    value_type = "boolean" if operator == "exists" else target["type"]
    if check_single({"type": value_type}, value):
        return f"has an enableWhen on {question!r} with a value of the wrong kind"
    return None

