"""Any FHIR R4 Questionnaire: what sonb can honour of it, and the form made ready to show.

`problems(q)` lists, in plain words, every part of a form that is not legal R4 or that sonb
would not honour (by linkId; WHOLE_FORM for the form itself), all of them, not just the first.
`prepare(q)` gives the form ready to use: a copy whose contained `answerValueSet`s are turned
into `answerOption`s. `check_standard(q)` raises InvalidInput with every problem.

sonb's own forms also follow house rules (`schema.check`), which are not limits on others.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..errors import InvalidInput, SonbError
from ..i18n import localized
from .items import (ITEM_CONTROL, ITEM_TYPES, MAX_VALUE, MIN_VALUE, OPERATORS, OPTION_KEYS,
                    ORDERED, QUESTION_TYPES, one_of, option_of)
from .values import RANGE_KEYS, BadValue, check_single, from_fhir, value_range

WHOLE_FORM = "(whole form)"
UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"

ITEM_KEYS = frozenset({"id", "linkId", "definition", "code", "prefix", "text", "type",
                       "enableWhen", "enableBehavior", "required", "repeats", "readOnly",
                       "maxLength", "answerValueSet", "answerOption", "initial", "item",
                       "extension", "_text", "_prefix"})
"""What an item may hold (FHIR R4), `_text` and `_prefix` for their translations."""
FORM_KEYS = frozenset({"resourceType", "id", "meta", "language", "text", "contained",
                       "extension", "url", "identifier", "version", "name", "title",
                       "derivedFrom", "status", "experimental", "subjectType", "date",
                       "publisher", "contact", "description", "useContext", "jurisdiction",
                       "purpose", "copyright", "approvalDate", "lastReviewDate",
                       "effectivePeriod", "code", "item", "_title", "_description",
                       "_name", "_publisher", "_purpose", "_copyright"})
QUIET_EXTENSIONS = frozenset({
    "http://hl7.org/fhir/StructureDefinition/rendering-style",
    "http://hl7.org/fhir/StructureDefinition/rendering-xhtml",
    "http://hl7.org/fhir/StructureDefinition/entryFormat",
    "http://hl7.org/fhir/StructureDefinition/questionnaire-displayCategory",
    "http://hl7.org/fhir/StructureDefinition/questionnaire-supportLink",
    "http://hl7.org/fhir/StructureDefinition/designNote",
})
"""Extensions that only style a text or help an author: the plain text is shown."""
KNOWN_EXTENSIONS = frozenset({ITEM_CONTROL, MIN_VALUE, MAX_VALUE, UNIT}) | QUIET_EXTENSIONS
ENABLE_KEYS = ("answerBoolean", "answerDecimal", "answerInteger", "answerDate", "answerDateTime",
               "answerTime", "answerString", "answerCoding", "answerQuantity", "answerReference")
ENABLE_FOR = {"boolean": {"answerBoolean"}, "decimal": {"answerDecimal", "answerInteger"},
              "integer": {"answerInteger", "answerDecimal"}, "date": {"answerDate"},
              "dateTime": {"answerDateTime", "answerDate"}, "time": {"answerTime"},
              "string": {"answerString"}, "text": {"answerString"}, "url": {"answerString"},
              "quantity": {"answerQuantity"}, "reference": {"answerReference"},
              "attachment": set()}
"""The answer[x] an enableWhen may compare with each type of question (besides `exists`)."""
UNORDERED = frozenset({"answerBoolean", "answerCoding", "answerReference"})
RANGE_FOR = {"integer": {"valueInteger"}, "decimal": {"valueDecimal", "valueInteger"},
             "date": {"valueDate"}, "dateTime": {"valueDateTime"}, "time": {"valueTime"},
             "quantity": {"valueDecimal", "valueInteger"}}
MAX_LINK_ID = 255


def check_standard(q: Any) -> None:
    """Raise InvalidInput listing every problem of the form (see `problems`)."""
    found = problems(q)
    if found:
        name = q.get("title") or q.get("id") or q.get("name") if isinstance(q, Mapping) else None
        raise InvalidInput({k: " ".join(v) for k, v in found.items()},
                           f"The form {str(name or 'without a name')!r}")


def problems(q: Any) -> dict[str, list[str]]:
    """Every problem of a form, by linkId (WHOLE_FORM for the form), in plain words; {} when
    sonb can show all of it."""
    found: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        if message not in found.setdefault(where, []):
            found[where].append(message)

    if not isinstance(q, Mapping):
        return {WHOLE_FORM: ["A form must be a JSON object."]}
    _form_problems(q, add)
    items = q.get("item")
    if not isinstance(items, list) or not items:
        add(WHOLE_FORM, "The form has no items.")
        return found
    every = _collect(items, add)
    value_sets = _contained_value_sets(q, add)
    for item in every.values():
        for message in _item_problems(item, every, value_sets):
            add(item["linkId"], message)
    for link in _circles(q, every):
        add(link, "Its enableWhen depends, in a circle, on itself.")
    return found


def _form_problems(q: Mapping, add) -> None:
    if q.get("resourceType") != "Questionnaire":
        add(WHOLE_FORM, "It is not a FHIR Questionnaire (resourceType).")
    if q.get("modifierExtension") or q.get("implicitRules"):
        add(WHOLE_FORM, "It has rules of its own (modifierExtension or implicitRules) that "
                        "this app cannot follow.")
    if q.get("status") not in ("draft", "active", "retired", "unknown"):
        add(WHOLE_FORM, "Its status must be draft, active, retired or unknown.")
    if "url" in q and not (isinstance(q["url"], str) and q["url"].strip()):
        add(WHOLE_FORM, "Its url must be text.")
    unknown = sorted(k for k in q if isinstance(k, str) and k not in FORM_KEYS)
    if unknown:
        add(WHOLE_FORM, f"It has parts that are not in a FHIR R4 Questionnaire: {', '.join(unknown)}.")
    for ext in _extensions(q, add, WHOLE_FORM):
        if not one_of(ext.get("url"), QUIET_EXTENSIONS):
            add(WHOLE_FORM, f"It has an extension this app does not know: {ext.get('url')}.")


def _extensions(node: Mapping, add, where: str) -> list[Mapping]:
    extensions = node.get("extension") or []
    if not isinstance(extensions, list) or not all(isinstance(e, Mapping) for e in extensions):
        add(where, "Its extension must be a list of JSON objects.")
        return []
    return extensions


def _collect(items: list, add) -> dict[str, dict]:
    """linkId -> item, for every well-formed item; the rest reported."""
    every: dict[str, dict] = {}

    def walk(children):
        for item in children:
            link = item.get("linkId") if isinstance(item, Mapping) else None
            if not isinstance(item, Mapping):
                add(WHOLE_FORM, "Every item must be a JSON object.")
                continue
            if not isinstance(link, str) or not link.strip():
                add(WHOLE_FORM, "An item has no linkId.")
                continue
            if len(link) > MAX_LINK_ID:
                add(link[:40] + "…", f"Its linkId is longer than {MAX_LINK_ID} characters.")
                continue
            if link in every:
                add(link, "More than one item uses this linkId.")
                continue
            every[link] = item
            children_ = item.get("item")
            if children_ is None:
                continue
            if isinstance(children_, list):
                walk(children_)
            else:
                add(link, "Its items must be a list.")

    walk(items)
    return every


def _contained_value_sets(q: Mapping, add) -> dict[str, list[dict]]:
    """'#id' -> the codings of each contained ValueSet (from its expansion, else from the
    concepts its compose lists)."""
    found: dict[str, list[dict]] = {}
    contained = q.get("contained") or []
    if not isinstance(contained, list):
        add(WHOLE_FORM, "Its contained resources must be a list.")
        return found
    for resource in contained:
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "ValueSet":
            continue
        codings = _codings_of(resource)
        if isinstance(resource.get("id"), str) and codings is not None:
            found["#" + resource["id"]] = codings
    return found


def _codings_of(value_set: Mapping) -> list[dict] | None:
    expansion = value_set.get("expansion")
    if isinstance(expansion, Mapping) and isinstance(expansion.get("contains"), list):
        out = []
        for entry in expansion["contains"]:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("code"), str):
                return None
            out.append({k: entry[k] for k in ("system", "code", "display") if k in entry})
        return out
    compose = value_set.get("compose")
    includes = compose.get("include") if isinstance(compose, Mapping) else None
    if not isinstance(includes, list) or any(
            not isinstance(i, Mapping) or i.get("filter") or i.get("valueSet")
            or not isinstance(i.get("concept"), list) for i in includes):
        return None
    out = []
    for include in includes:
        for concept in include["concept"]:
            if not isinstance(concept, Mapping) or not isinstance(concept.get("code"), str):
                return None
            coding = {"code": concept["code"]}
            if isinstance(include.get("system"), str):
                coding["system"] = include["system"]
            if isinstance(concept.get("display"), str):
                coding["display"] = concept["display"]
            out.append(coding)
    return out


# -- one item ---------------------------------------------------------------------------------

def _item_problems(item: Mapping, every: Mapping, value_sets: Mapping) -> Iterator[str]:
    kind = item.get("type")
    unknown = sorted(k for k in item if not isinstance(k, str) or k not in ITEM_KEYS)
    if "modifierExtension" in unknown:
        yield "It has rules of its own (modifierExtension) that this app cannot follow."
        unknown.remove("modifierExtension")
    if unknown:
        yield f"It has parts that are not in a FHIR R4 item: {', '.join(map(str, unknown))}."
    if not isinstance(kind, str) or kind not in ITEM_TYPES:
        yield (f"Its type {kind!r} is not a FHIR R4 item type (question items are boolean, "
               "decimal, integer, date, dateTime, time, string, text, url, choice, "
               "open-choice, attachment, reference or quantity).")
        return
    for key in ("text", "prefix", "definition"):
        if key in item and not isinstance(item[key], str):
            yield f"Its {key} must be text."
    for flag in ("required", "repeats", "readOnly"):
        if not isinstance(item.get(flag, False), bool):
            yield f"Its {flag} must be true or false."
    if kind in ("group", "display"):
        yield from _frame_problems(item, kind)
    else:
        yield from _question_problems(item, kind, value_sets)
    yield from _extension_problems(item, kind)
    yield from _enable_problems(item, every, value_sets)


def _frame_problems(item: Mapping, kind: str) -> Iterator[str]:
    for key in ("answerOption", "answerValueSet", "initial", "maxLength"):
        if key in item:
            yield f"A {kind} item takes no {key}."
    if kind == "display":
        if not (isinstance(item.get("text"), str) and item["text"].strip()):
            yield "A display item needs a text."
        for flag in ("required", "repeats", "readOnly"):
            if item.get(flag):
                yield f"A display item cannot be {'repeating' if flag == 'repeats' else flag}."
        if item.get("item"):
            yield "A display item cannot hold other items."
    elif not item.get("item"):
        yield "This group has no items."


def _question_problems(item: Mapping, kind: str, value_sets: Mapping) -> Iterator[str]:
    if item.get("item"):
        yield "This app does not show items nested under a question (only under a group)."
    if "maxLength" in item:
        limit = item["maxLength"]
        if kind not in ("string", "text", "url", "open-choice", "boolean", "decimal", "integer"):
            yield f"A {kind} question cannot have a maxLength."
        elif not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            yield "Its maxLength must be a whole number of at least 1."
    yield from _option_problems(item, kind, value_sets)
    yield from _initial_problems(item, kind, value_sets)


def _option_problems(item: Mapping, kind: str, value_sets: Mapping) -> Iterator[str]:
    has_options, has_set = "answerOption" in item, "answerValueSet" in item
    if kind not in ("choice", "open-choice"):
        if has_options or has_set:
            yield "Only choice and open-choice questions can have answerOption or answerValueSet."
        return
    if has_options and has_set:
        yield "It has both answerOption and answerValueSet; FHIR allows only one."
        return
    if has_set:
        ref = item["answerValueSet"]
        if not isinstance(ref, str) or ref not in value_sets:
            yield (f"Its choices come from {ref!r}, which is not a ValueSet with a list of codes "
                   "inside this form. This app works offline, so it cannot fetch it.")
        return
    offered = item.get("answerOption")
    if not isinstance(offered, list) or not offered:
        yield f"This {kind} question has no choices (answerOption)."
        return
    read = [option_of(o) for o in offered]
    if any(o is None for o in read):
        yield ("Each choice must have exactly one value: valueCoding (with a code), "
               "valueString, valueInteger, valueDate, valueTime or valueReference.")
        return
    if any("initialSelected" in o and not isinstance(o["initialSelected"], bool) for o in offered):
        yield "Its initialSelected must be true or false."
    if len({repr(o.key) for o in read}) < len(read):
        yield "It offers the same choice twice (the same code, text or value)."
    if not item.get("repeats") and sum(o.initial for o in read) > 1:
        yield "It picks more than one choice at the start, but takes only one answer."


def _in_value_set(entry: Any, codes: set) -> bool:
    coding = entry.get("valueCoding") if isinstance(entry, Mapping) else None
    if not isinstance(coding, Mapping):
        return False
    return (coding.get("system"), coding.get("code")) in codes or (
        coding.get("system") is None and coding.get("code") in {code for _s, code in codes})


def _initial_problems(item: Mapping, kind: str, value_sets: Mapping) -> Iterator[str]:
    initial = item.get("initial")
    if initial is None:
        return
    if not isinstance(initial, list) or not initial:
        yield "Its initial must be a list of values."
        return
    if "answerOption" in item:
        yield "A question with answerOptions marks its first answer with initialSelected, not initial."
        return
    if len(initial) > 1 and not item.get("repeats"):
        yield "It has several initial values, but takes only one answer."
    if "answerValueSet" in item:
        codes = {(c.get("system"), c.get("code")) for c in value_sets.get(item["answerValueSet"], [])
                 } if isinstance(item["answerValueSet"], str) else set()
        if codes and any(not _in_value_set(entry, codes) for entry in initial):
            yield "Its initial value is not one of the codes of its answerValueSet."
        return
    for entry in initial:
        try:
            from_fhir(item, entry)
        except BadValue as exc:
            yield f"Its initial value does not fit: {exc}"
            return


def _extension_problems(item: Mapping, kind: str) -> Iterator[str]:
    found = []
    for ext in _extensions(item, lambda _w, m: found.append(m), item["linkId"]):
        url = ext.get("url")
        if url in (MIN_VALUE, MAX_VALUE):
            keys = [k for k in ext if k.startswith("value")]
            name = url.rsplit("/", 1)[-1]
            if kind not in RANGE_FOR:
                found.append(f"A {kind} question cannot have a {name}.")
            elif len(keys) != 1 or keys[0] not in RANGE_FOR[kind]:
                want = " or ".join(sorted(RANGE_FOR[kind]))
                found.append(f"Its {name} must be a {want} for a {kind} question.")
            elif check_single({"type": _RANGE_TYPE[keys[0]]}, ext[keys[0]]):
                found.append(f"Its {name} is not a valid value.")
        elif url == UNIT:
            if kind != "quantity" or not isinstance(ext.get("valueCoding"), Mapping):
                found.append("Only a quantity question can have a unit, as a valueCoding.")
        elif url == ITEM_CONTROL:
            concept = ext.get("valueCodeableConcept")
            if not isinstance(concept, Mapping) or not isinstance(concept.get("coding"), list):
                found.append("Its itemControl must be a valueCodeableConcept with a coding.")
        elif not one_of(url, QUIET_EXTENSIONS):
            found.append(f"It has an extension this app does not know: {url}.")
    yield from found
    if not found and kind in RANGE_FOR:
        lo, hi = value_range(item)
        try:
            if lo is not None and hi is not None and lo > hi:
                yield "Its minValue is above its maxValue."
        except TypeError:
            pass


_RANGE_TYPE = dict(zip(RANGE_KEYS, ("integer", "decimal", "date", "dateTime", "time")))


def _enable_problems(item: Mapping, every: Mapping, value_sets: Mapping) -> Iterator[str]:
    conditions = item.get("enableWhen")
    if conditions is None:
        if "enableBehavior" in item:
            yield "It has an enableBehavior but no enableWhen."
        return
    if not isinstance(conditions, list) or not conditions:
        yield "Its enableWhen must be a list of conditions."
        return
    behavior = item.get("enableBehavior")
    if behavior not in (None, "all", "any"):
        yield "Its enableBehavior must be 'all' or 'any'."
    elif len(conditions) > 1 and behavior is None:
        yield "It has several enableWhen conditions, so it needs enableBehavior 'all' or 'any'."
    for condition in conditions:
        message = _condition_problem(item, condition, every, value_sets)
        if message:
            yield message


def _condition_problem(item: Mapping, condition: Any, every: Mapping,
                       value_sets: Mapping) -> str | None:
    if not isinstance(condition, Mapping):
        return "Each enableWhen condition must be a JSON object."
    question = condition.get("question")
    target = every.get(question) if isinstance(question, str) else None
    if target is None:
        return f"It depends on {question!r}, which is not an item of this form."
    if not one_of(target.get("type"), QUESTION_TYPES):
        return f"It depends on {question!r}, which takes no answer."
    if question == item["linkId"]:
        return "Its enableWhen depends on its own answer."
    operator = condition.get("operator")
    if not one_of(operator, OPERATORS):
        return (f"It uses the operator {operator!r}; FHIR's are exists, =, !=, >, <, >= "
                "and <=.")
    keys = [k for k in condition if isinstance(k, str) and k.startswith("answer")]
    if len(keys) != 1 or keys[0] not in ENABLE_KEYS:
        return "Each enableWhen condition needs exactly one answer value (answerBoolean, ...)."
    key, value = keys[0], condition[keys[0]]
    if operator == "exists":
        return None if key == "answerBoolean" and isinstance(value, bool) else (
            "An enableWhen with 'exists' needs answerBoolean true or false.")
    allowed = _enable_keys(target, value_sets)
    if key not in allowed:
        want = " or ".join(sorted(allowed)) or "only 'exists'"
        return f"Its enableWhen on {question!r} compares with {key}; that question needs {want}."
    if operator in ORDERED and key in UNORDERED:
        return f"Its enableWhen on {question!r} uses {operator!r}, but {key} has no order."
    return _condition_value_problem(target, key, value, question, value_sets)


def _enable_keys(target: Mapping, value_sets: Mapping) -> set[str]:
    kind = target["type"]
    if kind not in ("choice", "open-choice"):
        return ENABLE_FOR[kind]
    kinds = {k for o in _list(target.get("answerOption")) if isinstance(o, Mapping)
             for k in OPTION_KEYS if k in o}
    if "answerValueSet" in target:
        kinds.add("valueCoding")
    keys = {"answer" + k[len("value"):] for k in kinds}
    if kind == "open-choice":
        keys |= {"answerString", "answerCoding"}
    return keys


def _condition_value_problem(target: Mapping, key: str, value: Any, question: str,
                             value_sets: Mapping) -> str | None:
    wrong = f"Its enableWhen on {question!r} has a {key} that is not a valid value."
    if key == "answerCoding":
        if not isinstance(value, Mapping) or not isinstance(value.get("code"), str):
            return wrong
        codes = {c.get("code") for c in _target_codings(target, value_sets)}
        if target["type"] == "choice" and value["code"] not in codes:
            return f"Its enableWhen on {question!r} names the code {value['code']!r}, which that question does not offer."
        return None
    if key == "answerQuantity":
        ok = isinstance(value, Mapping) and not check_single({"type": "quantity"}, dict(value))
        return None if ok else wrong
    if key == "answerReference":
        ok = isinstance(value, Mapping) and isinstance(value.get("reference"), str)
        return None if ok else wrong
    kind = {"answerBoolean": "boolean", "answerDecimal": "decimal", "answerInteger": "integer",
            "answerDate": "date", "answerDateTime": "dateTime", "answerTime": "time",
            "answerString": "string"}[key]
    return wrong if check_single({"type": kind, "maxLength": 10**6}, value) else None


def _target_codings(target: Mapping, value_sets: Mapping) -> list[Mapping]:
    if "answerValueSet" in target:
        ref = target["answerValueSet"]
        return value_sets.get(ref, []) if isinstance(ref, str) else []
    return [o["valueCoding"] for o in _list(target.get("answerOption"))
            if isinstance(o, Mapping) and isinstance(o.get("valueCoding"), Mapping)]


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _known(link: Any, every: Mapping) -> bool:
    return isinstance(link, str) and link in every


def _circles(q: Mapping, every: Mapping) -> list[str]:
    """The linkIds whose shown state depends, through enableWhen and the groups around them,
    on itself."""
    depends: dict[str, set[str]] = {link: set() for link in every}

    def walk(items, parent):
        for item in items:
            if not isinstance(item, Mapping) or not _known(item.get("linkId"), every):
                continue
            link = item["linkId"]
            if parent:
                depends[link].add(parent)
            conditions = item.get("enableWhen")
            for c in conditions if isinstance(conditions, list) else []:
                if isinstance(c, Mapping) and _known(c.get("question"), every):
                    depends[link].add(c["question"])
            if isinstance(item.get("item"), list):
                walk(item["item"], link)

    walk(q.get("item") or [], None)
    state: dict[str, int] = {}
    on_circle: set[str] = set()

    def visit(link, stack):
        state[link] = 1
        stack.append(link)
        for other in depends[link]:
            if state.get(other) == 1:
                on_circle.update(stack[stack.index(other):])
            elif other not in state:
                visit(other, stack)
        stack.pop()
        state[link] = 2

    for link in every:
        if link not in state:
            visit(link, [])
    return [link for link in every if link in on_circle]


# -- ready to show -------------------------------------------------------------------------------

def prepare(q: Mapping) -> dict:
    """A checked form with each contained answerValueSet turned into answerOptions, so every
    layer reads choices from one place: a copy, or the form itself when it contains none."""
    if not q.get("contained"):
        return q
    q = copy.deepcopy(dict(q))
    value_sets = _contained_value_sets(q, lambda *_: None)

    for item in _collect(q.get("item") if isinstance(q.get("item"), list) else [],
                         lambda *_: None).values():
        ref = item.get("answerValueSet")
        if isinstance(ref, str) and ref in value_sets and "answerOption" not in item:
            picked = [e.get("valueCoding") for e in item.pop("initial", None) or []
                      if isinstance(e, Mapping)]
            item["answerOption"] = [
                {"valueCoding": dict(c), **({"initialSelected": True} if any(
                    isinstance(p, Mapping) and p.get("code") == c.get("code")
                    and p.get("system") in (None, c.get("system")) for p in picked) else {})}
                for c in value_sets[ref]]
            del item["answerValueSet"]
    return q


def items_of(q: Mapping) -> list[dict]:
    """The well-formed items of a form (a JSON object with a linkId of its own), in order."""
    items = q.get("item") if isinstance(q, Mapping) else None
    return list(_collect(items if isinstance(items, list) else [], lambda *_: None).values())


def load_standard(q: Any, check: Callable[[Mapping], None] = check_standard) -> dict:
    """A form from another tool, checked (every problem listed), prepared, and in the current
    language where it carries translations (`sonb.i18n.localized`)."""
    if not isinstance(q, Mapping):
        raise SonbError("A form must be a JSON object.")
    check(q)
    return localized(prepare(q))


MAX_FORM_BYTES = 2 * 1024 * 1024


def read_form_file(path) -> dict:
    """A Questionnaire from a JSON file of one's own (another tool's, a published one), checked
    with every problem listed (InvalidInput) and made ready to show."""
    from pathlib import Path

    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FORM_BYTES + 1)
    except OSError as exc:
        raise SonbError(f"The form file {path.name} cannot be read "
                        f"({exc.strerror or type(exc).__name__}).") from None
    if len(raw) > MAX_FORM_BYTES:
        raise SonbError(f"The form file {path.name} is larger than "
                        f"{MAX_FORM_BYTES // (1024 * 1024)} MB, so it is not read.")
    try:
        found = json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise SonbError(f"The form file {path.name} is not JSON.") from None
    return load_standard(found)
