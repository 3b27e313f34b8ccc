"""The forms as data: load and check FHIR R4 Questionnaires, validate answers, convert them.

Answers are a plain dict `linkId -> value` (see docs/CONVENTIONS.md). This module turns them
into FHIR QuestionnaireResponses and back, evaluates `enableWhen`, builds the case-specific
forms (opinion, preferences, decision) and maps answers onto the case model.
Pure Python: never imports ipywidgets or pandas.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import InvalidInput, SonbError, field_path, plain_message
from .model import (
    LONG_TEXT,
    MAX_ITEMS,
    SHORT_TEXT,
    Case,
    Clinician,
    Decision,
    DecisionKind,
    Factor,
    Opinion,
    Option,
    OptionView,
    Plan,
    Preferences,
    Readiness,
)

URL_PREFIX = "urn:sonb:questionnaire:"
CODE_SYSTEM = "urn:sonb:code"
ASPECT_SYSTEM = "urn:sonb:aspect"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"

ASPECTS = frozenset(
    {"benefits", "risks", "how_well", "daily_now", "daily_later", "recovery", "cost", "if_delay"}
)
QUESTION_TYPES = frozenset({"string", "text", "boolean", "choice", "date", "integer"})
ITEM_TYPES = QUESTION_TYPES | {"group", "display"}
REPEATABLE = frozenset({"string", "choice"})
MAX_LENGTH = {"string": SHORT_TEXT, "text": LONG_TEXT}
OPERATORS = frozenset({"=", "!=", "exists"})
RESPONSE_STATUSES = frozenset({"completed", "in-progress"})
NONE = "none"  # opinion form: "None of these"
OTHER = "other"  # decision form: "Something else"

FORM_FOR_KIND: dict[DecisionKind, str] = {kind: kind.value for kind in DecisionKind}
"""The form to take to the doctor for each kind of decision (file name == kind value)."""

_LINK_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]+$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ITEM_KEYS = frozenset(
    {"linkId", "text", "type", "item", "required", "repeats", "readOnly", "maxLength",
     "answerOption", "enableWhen", "enableBehavior", "code", "extension", "prefix", "definition"}
)
_VALUE_KEY = {"boolean": "valueBoolean", "integer": "valueInteger", "string": "valueString",
              "text": "valueString", "date": "valueDate", "choice": "valueCoding"}
_ENABLE_KEY = {"boolean": "answerBoolean", "integer": "answerInteger", "string": "answerString",
               "text": "answerString", "date": "answerDate", "choice": "answerCoding"}

MESSAGES = {
    "unknown": "This is not a question on this form.",
    "misplaced": "This question is not in the right place on the form.",
    "no_answer": "This part of the form takes no answer.",
    "twice": "This question is answered twice.",
    "boolean": "Answer yes or no.",
    "integer": "Enter a whole number.",
    "range": "Enter a number from {lo} to {hi}.",
    "at_least": "Enter a number of at least {lo}.",
    "at_most": "Enter a number of at most {hi}.",
    "text": "Enter text here.",
    "choice": "Pick one of the choices shown.",
    "choice_twice": "You picked the same choice twice.",
    "date": "Enter a date as YYYY-MM-DD, for example 2025-03-14.",
    "no_such_date": "This date is not on the calendar. Check the day and the month.",
    "too_long": "This is too long. Use at most {max:,} characters.",
    "too_many": "There are too many entries. Use at most {max}.",
    "not_list": "Give a list of answers here.",
    "one_only": "Give just one answer here, not a list.",
    "unreadable": "sonb cannot read this kind of value.",
    "value_kind": "The answer has the wrong kind of value: this question needs {want}, not {got}.",
}


# -- loading ------------------------------------------------------------------------------

def _package_dir(name: str):
    return resources.files(__package__) / name


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
    """A bundled form by name, checked; a fresh copy each call, so callers may change it."""
    if name not in _names():
        raise SonbError(f"There is no form called {name!r}. The forms are: {', '.join(_names())}.")
    return copy.deepcopy(_read(name))


# -- walking ------------------------------------------------------------------------------

def iter_items(q: Mapping) -> Iterator[dict]:
    """Every item of the form, depth-first in document order (groups and displays too)."""
    def walk(items):
        for item in items:
            yield item
            yield from walk(item.get("item") or [])
    yield from walk(q.get("item") or [])


def _one_of(value: Any, allowed) -> bool:
    """`value in allowed`, false (not TypeError) for unhashable values."""
    return isinstance(value, str) and value in allowed


def is_question(item: Mapping) -> bool:
    return _one_of(item.get("type"), QUESTION_TYPES)


def questions(q: Mapping) -> Iterator[dict]:
    """The items that take an answer (not groups, not displays)."""
    return (item for item in iter_items(q) if is_question(item))


def _index(q: Mapping) -> dict[str, dict]:
    return {item["linkId"]: item for item in iter_items(q)}


def _codes(item: Mapping) -> dict[str, dict]:
    """Offered choice codes -> their valueCoding (malformed options skipped)."""
    found = {}
    for option in item.get("answerOption") or []:
        coding = option.get("valueCoding") if isinstance(option, Mapping) else None
        if isinstance(coding, Mapping) and isinstance(coding.get("code"), str):
            found[coding["code"]] = coding
    return found


def _int_range(item: Mapping) -> tuple[int | None, int | None]:
    found = {ext.get("url"): ext.get("valueInteger")
             for ext in item.get("extension") or [] if isinstance(ext, Mapping)}
    return found.get(MIN_VALUE), found.get(MAX_VALUE)


def _title(q: Mapping) -> str:
    return str(q.get("title") or q.get("id") or "this form")


# -- checking a questionnaire -------------------------------------------------------------

def check(questionnaire: Mapping) -> None:
    """Check a form's structure; raise InvalidInput naming each bad linkId and its problem."""
    if not isinstance(questionnaire, Mapping):
        raise SonbError("A form must be a JSON object.")
    problems: dict[str, str] = {}

    def add(where: str, message: str) -> None:
        problems.setdefault(where, message)

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
    if problems:
        raise InvalidInput(problems, f"The form {questionnaire.get('id', '?')!r}")


def _check_items(items: list, seen: dict[str, Mapping], add: Callable[[str, str], None]) -> None:
    for item in items:
        if not isinstance(item, Mapping):
            add("item", "every item must be a JSON object")
            continue
        link = item.get("linkId")
        if not isinstance(link, str) or not _LINK_ID.match(link):
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
    if not _one_of(kind, ITEM_TYPES):
        yield f"has an unknown type {kind!r}"
        return
    if set(item) - _ITEM_KEYS:
        yield f"has unknown fields: {', '.join(sorted(set(item) - _ITEM_KEYS))}"
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
        if not isinstance(code, str) or not _CODE.match(code):
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
    lo, hi = _int_range(item)
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
    if not _one_of(operator, OPERATORS):
        return f"uses the operator {operator!r}; only =, != and exists are supported"
    keys = [k for k in condition if k.startswith("answer")]
    if len(keys) != 1:
        return "needs exactly one answer value in each enableWhen"
    want = "answerBoolean" if operator == "exists" else _ENABLE_KEY[target["type"]]
    if keys[0] != want:
        return f"has an enableWhen on {question!r} that needs {want}, not {keys[0]}"
    value = condition[want]
    if want == "answerCoding":
        if not isinstance(value, Mapping) or not _one_of(value.get("code"), _codes(target)):
            return f"has an enableWhen on {question!r} with a code that question does not offer"
        return None
    value_type = "boolean" if operator == "exists" else target["type"]
    if _check_single({"type": value_type}, value):
        return f"has an enableWhen on {question!r} with a value of the wrong kind"
    return None


# -- answers: validation ------------------------------------------------------------------

def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def validate_answers(q: Mapping, answers: Mapping) -> dict[str, str]:
    """Problems with the answers, by linkId, in plain words; {} if none.

    Empty values ("" / [] / None) count as unanswered. Required items are not enforced
    here (a patient may save partial work); see `missing_required`.
    """
    if not isinstance(answers, Mapping):
        raise SonbError("The answers must be pairs of a question's linkId and its answer.")
    index = _index(q)
    problems: dict[str, str] = {}
    for link, value in answers.items():
        item = index.get(link)
        if item is None:
            problems[str(link)] = MESSAGES["unknown"]
        elif not is_question(item):
            problems[link] = MESSAGES["no_answer"]
        else:
            message = _check_answer(item, value)
            if message:
                problems[link] = message
    return problems


def _check_answer(item: Mapping, value: Any) -> str | None:
    if _is_empty(value):
        return None
    if isinstance(value, (list, tuple)):
        if not item.get("repeats"):
            return MESSAGES["one_only"]
        if len(value) > MAX_ITEMS:
            return MESSAGES["too_many"].format(max=MAX_ITEMS)
        found = [m for m in (_check_single(item, v) for v in value if not _is_empty(v)) if m]
        if found:
            return found[0]
        picked = [v for v in value if not _is_empty(v)]
        if item["type"] == "choice" and len(picked) != len(set(picked)):
            return MESSAGES["choice_twice"]
        return None
    if item.get("repeats"):
        return MESSAGES["not_list"]
    return _check_single(item, value)


def _check_boolean(item: Mapping, value: Any) -> str | None:
    return None if isinstance(value, bool) else MESSAGES["boolean"]


def _check_integer(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool):
        return MESSAGES["integer"]
    lo, hi = _int_range(item)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            return MESSAGES["range"].format(lo=lo, hi=hi)
        return MESSAGES["at_least" if lo is not None else "at_most"].format(lo=lo, hi=hi)
    return None


def _check_text(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, str):
        return MESSAGES["text"]
    limit = item.get("maxLength") or MAX_LENGTH[item["type"]]
    return MESSAGES["too_long"].format(max=limit) if len(value) > limit else None


def _check_choice(item: Mapping, value: Any) -> str | None:
    return None if isinstance(value, str) and value in _codes(item) else MESSAGES["choice"]


def _check_date(item: Mapping, value: Any) -> str | None:
    if not isinstance(value, str) or not _DATE.match(value):
        return MESSAGES["date"]
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return MESSAGES["no_such_date"]
    return None


_CHECKS = {"boolean": _check_boolean, "integer": _check_integer, "string": _check_text,
           "text": _check_text, "choice": _check_choice, "date": _check_date}


def _check_single(item: Mapping, value: Any) -> str | None:
    return _CHECKS[item["type"]](item, value)


# -- answers: enableWhen ------------------------------------------------------------------

def _values(value: Any) -> list:
    if isinstance(value, (list, tuple)):
        return [v for v in value if not _is_empty(v)]
    return [] if _is_empty(value) else [value]


def _same(answer: Any, expected: Any) -> bool:
    """Equal and of the same type (so True never matches 1)."""
    return type(answer) is type(expected) and answer == expected


def _condition_met(condition: Mapping, answers: Mapping, enabled: Mapping[str, bool]) -> bool:
    question = condition["question"]
    # An answer to a disabled question counts as no answer (FHIR).
    values = _values(answers.get(question)) if enabled.get(question, False) else []
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
        raise SonbError(f"The form {_title(q)!r} has no item {link_id!r}.")
    return enabled[link_id]


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
            value = _values(value)
        if not _is_empty(value):
            kept[link] = copy.deepcopy(value)
    return kept


def _open_questions(q: Mapping, answers: Mapping) -> list[dict]:
    """Enabled questions without a (non-empty) answer, in form order."""
    kept = clean_answers(q, answers)
    enabled = enabled_items(q, answers)
    return [item for item in questions(q) if enabled[item["linkId"]] and item["linkId"] not in kept]


def unanswered(q: Mapping, answers: Mapping) -> list[dict]:
    """The items of enabled questions with no answer yet (the patient's own questions
    left out)."""
    return [item for item in _open_questions(q, answers) if item["linkId"] != "my_questions"]


def missing_required(q: Mapping, answers: Mapping) -> list[str]:
    """linkIds of enabled required questions that have no answer."""
    return [item["linkId"] for item in _open_questions(q, answers) if item.get("required")]


# -- answers <-> QuestionnaireResponse ----------------------------------------------------

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
        raise InvalidInput(problems, f"The answers to {_title(q)!r}")
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
            values = _values(answers[item["linkId"]])
            out.append({**node, "answer": [_answer_value(item, v) for v in values]})
    return out


def _answer_value(item: Mapping, value: Any) -> dict:
    if item["type"] == "choice":
        coding = _codes(item)[value]
        return {"valueCoding": {"system": coding.get("system", CODE_SYSTEM), "code": value,
                                "display": coding["display"]}}
    return {_VALUE_KEY[item["type"]]: value}


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
                        f"not to {_title(q)!r}.")
    answers: dict[str, Any] = {}
    problems: dict[str, str] = {}
    _read_items(response.get("item") or [], q.get("item") or [], _index(q), answers, problems)
    for link, message in validate_answers(q, answers).items():
        problems.setdefault(link, message)
    if problems:
        raise InvalidInput(problems, f"The answers to {_title(q)!r}")
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
            problems[link] = MESSAGES["misplaced" if link in index else "unknown"]
        elif item["type"] == "group":
            if node.get("answer"):
                problems[link] = MESSAGES["no_answer"]
            _read_items(node.get("item") or [], item["item"], index, answers, problems)
        elif not is_question(item):
            problems[link] = MESSAGES["no_answer"]
        elif link in answers:
            problems[link] = MESSAGES["twice"]
        else:
            try:
                _read_answer(item, node.get("answer") or [], answers)
            except _BadValue as exc:
                problems[link] = str(exc)


def _read_answer(item: Mapping, raw: Any, answers: dict) -> None:
    if not isinstance(raw, list):
        raise _BadValue(MESSAGES["unreadable"])
    values = [_read_value(item, entry) for entry in raw]
    if not values:
        return
    if item.get("repeats"):
        answers[item["linkId"]] = values
    elif len(values) > 1:
        raise _BadValue(MESSAGES["one_only"])
    else:
        answers[item["linkId"]] = values[0]


def _read_value(item: Mapping, entry: Any) -> Any:
    want = _VALUE_KEY[item["type"]]
    got = [k for k in entry if k.startswith("value")] if isinstance(entry, Mapping) else []
    if got != [want]:
        raise _BadValue(MESSAGES["value_kind"].format(want=want, got=", ".join(got) or "nothing"))
    value = entry[want]
    if want == "valueCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            raise _BadValue(MESSAGES["choice"])
        return value["code"]
    return value


# -- forms built from a case --------------------------------------------------------------

TEXT: dict[str, dict[str, Any]] = {
    "opinion": {
        "title": "What this doctor told you",
        "intro": "Write down what the doctor said, in your own words. "
                 "Leave blank what you did not ask.",
        "date": "When did you see this doctor?",
        "diagnosis": "What does the doctor think is wrong? (This is the diagnosis.)",
        "recommended_option": "Which choice does the doctor suggest?",
        NONE: "None of these",
        "confidence": "How sure is the doctor about this advice?",
        "confidence_choices": {"very_sure": "Very sure", "fairly_sure": "Fairly sure",
                               "not_sure": "Not sure"},
        "what_if_wait": "What does the doctor say could happen if you wait?",
        "group": "What the doctor said about: {option}",
        "view": {
            "benefits": "How could it help you?",
            "risks": "What are the risks and side effects?",
            "how_well": "How well does it work?",
            "daily_now": "How would it change your daily life now?",
            "daily_later": "How would it change your daily life later on?",
            "recovery": "How long would it take to recover?",
            "cost": "What would it cost you?",
        },
    },
    "preferences": {
        "title": "What matters most to you",
        "weights": "How much does each of these matter to you?",
        "weights_help": "Pick a number from 0 to 5 for each one. "
                        "0 means it does not matter to you. "
                        "5 means it matters a lot.",
        "no_factors": "You have not listed what matters to you yet.",
        "fit_help": "Now think about each choice. How well does it give you each thing? "
                    "0 means not at all. 5 means very well.",
        "fit": "How well does this choice fit: {option}",
    },
    "decision": {
        "title": "Your choice",
        "intro": "The choice is yours. Take the time you need.",
        "option": "What have you decided?",
        "other_choice": "Something else",
        "other": "What else have you decided?",
        "reasons": "Why did you make this choice?",
        "date": "When did you decide?",
    },
}
_ZERO_TO_FIVE = [{"url": MIN_VALUE, "valueInteger": 0}, {"url": MAX_VALUE, "valueInteger": 5}]


def _form(form_id: str, items: list[dict]) -> dict:
    q = {"resourceType": "Questionnaire", "id": fhir_id(form_id), "url": URL_PREFIX + form_id,
         "version": "1", "title": TEXT[form_id]["title"], "status": "active", "language": "en",
         "item": items}
    check(q)
    return q


def _question(link: str, kind: str, text: str, *, aspect: str | None = None, **extra) -> dict:
    item: dict[str, Any] = {"linkId": link, "text": text, "type": kind}
    if aspect:
        item["code"] = [{"system": ASPECT_SYSTEM, "code": aspect}]
    if kind in MAX_LENGTH:
        item["maxLength"] = MAX_LENGTH[kind]
    return {**item, **extra}


def _choice(link: str, text: str, options: Iterable[tuple[str, str]]) -> dict:
    return _question(link, "choice", text, answerOption=[
        {"valueCoding": {"system": CODE_SYSTEM, "code": code, "display": display}}
        for code, display in options])


def _display(link: str, text: str) -> dict:
    return {"linkId": link, "text": text, "type": "display"}


def _option_choices(case: Case, reserved: str, reserved_label: str) -> list[tuple[str, str]]:
    if any(option.id == reserved for option in case.options):
        raise SonbError(f"An option has the id {reserved!r}, which sonb keeps for "
                        f"{reserved_label!r}. Give that option another id.")
    return [(option.id, option.name) for option in case.options] + [(reserved, reserved_label)]


def opinion_questionnaire(case: Case) -> dict:
    """The form for what one doctor said: diagnosis, advice and a group per option."""
    t = TEXT["opinion"]
    items = [
        _display("intro", t["intro"]),
        _question("date", "date", t["date"]),
        _question("diagnosis", "text", t["diagnosis"]),
        _choice("recommended_option", t["recommended_option"],
                _option_choices(case, NONE, t[NONE])),
        _choice("confidence", t["confidence"], t["confidence_choices"].items()),
        _question("what_if_wait", "text", t["what_if_wait"], aspect="if_delay"),
    ]
    for option in case.options:
        views = [_question(f"{option.id}.{field}", "text", text, aspect=field)
                 for field, text in t["view"].items()]
        items.append({"linkId": f"{option.id}.group", "text": t["group"].format(option=option.name),
                      "type": "group", "item": views})
    return _form("opinion", items)


def preferences_questionnaire(case: Case) -> dict:
    """0-5 weights for what matters (`weight.<factor>`) and 0-5 fit per option and factor
    (`fit.<option>.<factor>`). Seed `case.preferences.factors` (see `default_factors`) first."""
    t = TEXT["preferences"]
    factors = case.preferences.factors
    if not factors:
        return _form("preferences", [_display("no_factors", t["no_factors"])])

    def scores(prefix: str) -> list[dict]:
        return [_question(f"{prefix}.{f.id}", "integer", f.label, extension=_ZERO_TO_FIVE)
                for f in factors]

    items = [{"linkId": "weights", "text": t["weights"], "type": "group",
              "item": [_display("weights_help", t["weights_help"]), *scores("weight")]}]
    if case.options:
        items.append(_display("fit_help", t["fit_help"]))
    items += [{"linkId": f"fit.{o.id}", "text": t["fit"].format(option=o.name), "type": "group",
               "item": scores(f"fit.{o.id}")} for o in case.options]
    return _form("preferences", items)


def decision_questionnaire(case: Case) -> dict:
    """The patient's choice: an option or something else, the reasons and the date."""
    t = TEXT["decision"]
    other_chosen = {"question": "option", "operator": "=",
                    "answerCoding": {"system": CODE_SYSTEM, "code": OTHER}}
    return _form("decision", [
        _display("intro", t["intro"]),
        _choice("option", t["option"], _option_choices(case, OTHER, t["other_choice"])),
        _question("other", "string", t["other"], enableWhen=[other_chosen]),
        _question("reasons", "text", t["reasons"]),
        _question("date", "date", t["date"]),
    ])


# -- answers <-> model records ------------------------------------------------------------

_FLAT = (Clinician, Option, Plan, Readiness, Decision)
_OPINION_FIELDS = ("date", "diagnosis", "recommended_option", "confidence", "what_if_wait")


def _drop_empty(data: Mapping) -> dict:
    return {k: v for k, v in data.items() if not _is_empty(v)}


def _require_flat(record: Any) -> None:
    if not isinstance(record, _FLAT):
        names_ = ", ".join(cls.__name__ for cls in _FLAT)
        raise SonbError(f"Answers map onto {names_} only, not {type(record).__name__}.")


def _unreadable(answers: Mapping) -> dict[str, str]:
    """Answers whose value is not plain JSON (a date object, a set, NaN...)."""
    problems = {}
    for link, value in answers.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            problems[str(link)] = MESSAGES["unreadable"]
    return problems


def _validated(model: type[BaseModel], data: dict, link_of: Callable[[tuple], str], what: str):
    """Validate strictly (JSON types: a bool is never an int, a date is 'YYYY-MM-DD').
    Problems are keyed by linkId."""
    try:
        return model.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            problems.setdefault(link_of(err["loc"]), plain_message(err))
        raise InvalidInput(problems, what) from None


def _refuse(problems: dict[str, str], what: str) -> None:
    if problems:
        raise InvalidInput(problems, what)


def record_answers(record: Clinician | Option | Plan | Readiness | Decision) -> dict:
    """A flat record as answers (linkId == field name; empty fields left out)."""
    _require_flat(record)
    data = record.model_dump(mode="json", exclude={"id"})
    if isinstance(record, Decision):
        if data["option"] is None and data["other"]:
            data["option"] = OTHER
        elif data["option"] is not None:
            data["other"] = ""
    return _drop_empty(data)


def apply_answers(record, answers: Mapping):
    """A new record of the same type holding the answers (absent answers -> defaults).

    Raises InvalidInput keyed by linkId; the input record is never changed.
    """
    _require_flat(record)
    model = type(record)
    what = f"The {model.__name__.lower()}"
    fields = set(model.model_fields) - {"id"}
    _refuse({str(k): MESSAGES["unknown"] for k in answers if k not in fields}
            or _unreadable(answers), what)
    data = _drop_empty(answers)
    if isinstance(record, Decision):
        if data.get("option") == OTHER:
            data.pop("option")
        else:
            data.pop("other", None)
    base = record.model_dump(mode="json", include={"id"})
    return _validated(model, {**base, **data}, lambda loc: str(loc[0]) if loc else "(form)", what)


def opinion_answers(opinion: Opinion) -> dict:
    """An opinion as answers to `opinion_questionnaire` (empty fields left out).
    A recommendation of None is left out too: "none of these" reads back as unanswered."""
    answers = _drop_empty(opinion.model_dump(mode="json", include=set(_OPINION_FIELDS)))
    for option_id, view in opinion.views.items():
        for field, text in view.model_dump().items():
            if text:
                answers[f"{option_id}.{field}"] = text
    return answers


def apply_opinion_answers(opinion: Opinion, answers: Mapping) -> Opinion:
    """A new Opinion holding the answers; the code `none` means no option is recommended."""
    what = "The opinion"
    top: dict[str, Any] = {}
    views: dict[str, dict[str, Any]] = {}
    problems = _unreadable(answers)
    for link, value in answers.items():
        option_id, _, field = str(link).partition(".")
        if link in _OPINION_FIELDS:
            top[link] = value
        elif _ID.match(option_id) and field in OptionView.model_fields:
            views.setdefault(option_id, {})[field] = value
        else:
            problems.setdefault(str(link), MESSAGES["unknown"])
    _refuse(problems, what)
    top = _drop_empty(top)
    if top.get("recommended_option") == NONE:
        top.pop("recommended_option")
    views = {oid: kept for oid, view in views.items() if (kept := _drop_empty(view))}
    data = {**opinion.model_dump(mode="json", exclude={*_OPINION_FIELDS, "views"}), **top,
            "views": views}

    def link_of(loc: tuple) -> str:
        if len(loc) >= 3 and loc[0] == "views":
            return f"{loc[1]}.{loc[2]}"
        return field_path(loc)

    return _validated(Opinion, data, link_of, what)


def preferences_answers(prefs: Preferences) -> dict:
    """Preferences as answers to `preferences_questionnaire`."""
    answers: dict[str, int] = {f"weight.{f.id}": f.weight for f in prefs.factors}
    for option_id, scores in prefs.fit.items():
        answers.update({f"fit.{option_id}.{fid}": score for fid, score in scores.items()})
    return answers


def apply_preferences_answers(prefs: Preferences, answers: Mapping) -> Preferences:
    """New Preferences holding the answers (a missing weight -> the default; a missing fit
    score -> no score). The list of factors itself is kept."""
    what = "What matters to you"
    factor_ids = [f.id for f in prefs.factors]
    weights: dict[str, Any] = {}
    fit: dict[str, dict[str, Any]] = {}
    problems = _unreadable(answers)
    for link, value in answers.items():
        parts = str(link).split(".")
        if len(parts) == 2 and parts[0] == "weight" and parts[1] in factor_ids:
            weights[parts[1]] = value
        elif (len(parts) == 3 and parts[0] == "fit" and _ID.match(parts[1])
              and parts[2] in factor_ids):
            fit.setdefault(parts[1], {})[parts[2]] = value
        else:
            problems.setdefault(str(link), MESSAGES["unknown"])
    _refuse(problems, what)
    factors = [{**f.model_dump(mode="json", exclude={"weight"}),
                **_drop_empty({"weight": weights.get(f.id)})} for f in prefs.factors]
    fit = {oid: kept for oid, scores in fit.items() if (kept := _drop_empty(scores))}

    def link_of(loc: tuple) -> str:
        if len(loc) >= 3 and loc[0] == "factors" and isinstance(loc[1], int):
            return f"weight.{factor_ids[loc[1]]}"
        if len(loc) >= 3 and loc[0] == "fit":
            return f"fit.{loc[1]}.{loc[2]}"
        return field_path(loc)

    return _validated(Preferences, {"factors": factors, "fit": fit}, link_of, what)


# -- default factors ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def _factor_table() -> dict[str, tuple[tuple[str, str], ...]]:
    raw = json.loads((_package_dir("data") / "factors.json").read_text(encoding="utf-8"))
    return {kind: tuple((f["id"], f["label"]) for f in rows) for kind, rows in raw.items()}


def default_factors(kind: DecisionKind | str | None = None) -> list[Factor]:
    """Plain-language things that may matter to the patient, for a kind of decision
    (the common list when the kind is unknown or None). New objects each call."""
    table = _factor_table()
    key = kind.value if isinstance(kind, DecisionKind) else kind
    rows = table.get(key) if isinstance(key, str) else None
    return [Factor(id=fid, label=label) for fid, label in (rows or table["default"])]
