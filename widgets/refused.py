"""What the form renderer refuses: every feature of a form it would not honour, in plain words."""

from __future__ import annotations

from collections.abc import Mapping

from sonb import questionnaire as Q

from .controls import ITEM_CONTROL, control_problems, item_control, with_article

WHOLE_FORM = "(whole form)"  # where `unsupported` puts what concerns the form, not one item


SHOWN_KEYS = frozenset({"linkId", "text", "type", "item", "required", "repeats", "readOnly",
                        "maxLength", "answerOption", "enableWhen", "enableBehavior", "extension",
                        "prefix"})
"""The parts of an item the renderer honours."""
QUIET_KEYS = frozenset({"definition", "code", "_text", "_prefix"})
"""Parts that change nothing on screen: where an item comes from, the comparison aspect it
covers, translations of its text (the form's own text is shown)."""
OPERATORS = frozenset({"=", "!=", "exists"})


def unsupported(questionnaire: Mapping) -> dict[str, str]:
    """What this form asks for that the renderer would not do, by linkId (WHOLE_FORM for the
    form itself), in plain words; {} when the renderer can show all of it."""
    found: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        found.setdefault(where, []).append(message)

    if not isinstance(questionnaire, Mapping):
        return {WHOLE_FORM: "A form must be a JSON object."}
    if questionnaire.get("modifierExtension"):
        add(WHOLE_FORM, "The form has a modifierExtension, which this app cannot follow.")
    if not isinstance(questionnaire.get("item") or [], list):
        add(WHOLE_FORM, "The form's items must be a list.")
        return {k: " ".join(v) for k, v in found.items()}
    earlier: dict[str, Mapping] = {}
    for item in _all_items(questionnaire.get("item") or [], add):
        link = item.get("linkId")
        if not isinstance(link, str) or not link:
            add(WHOLE_FORM, "An item has no linkId.")
            continue
        if link in earlier:
            add(link, "More than one item uses this linkId.")
            continue
        for message in _item_problems(item, earlier):
            add(link, message)
        earlier[link] = item
    return {where: " ".join(messages) for where, messages in found.items()}


def _all_items(items: list, add):
    for item in items:
        if not isinstance(item, Mapping):
            add(WHOLE_FORM, "Every item must be a JSON object.")
            continue
        yield item
        children = item.get("item") or []
        if isinstance(children, list):
            yield from _all_items(children, add)
        else:
            add(str(item.get("linkId")), "Its items must be a list.")


def _item_problems(item: Mapping, earlier: Mapping[str, Mapping]):
    kind = item.get("type")
    unknown = sorted(set(item) - SHOWN_KEYS - QUIET_KEYS)
    if unknown:
        listed = unknown[0] if len(unknown) == 1 else f"{', '.join(unknown[:-1])} and {unknown[-1]}"
        yield f"It uses {listed}, which this app does not show."
    if kind in ("group", "display"):
        yield from _frame_problems(item, kind)
    else:
        yield from control_problems(item)
        yield from _answer_problems(item, kind)
    yield from _extension_problems(item, kind)
    yield from _enable_problems(item, earlier)


def _frame_problems(item: Mapping, kind: str):
    """Groups and display texts: only enableWhen and prefix change how they are shown."""
    for flag in ("repeats", "required", "readOnly"):
        if item.get(flag):
            yield f"{with_article(kind).capitalize()} item cannot be {'repeating' if flag == 'repeats' else flag} here."
    for key in ("maxLength", "answerOption"):
        if key in item:
            yield f"{with_article(kind).capitalize()} item takes no {key}."
    if kind == "group" and not item.get("item"):
        yield "This group has no items."
    if kind == "display" and item.get("item"):
        yield "A display item cannot hold other items."
    code = item_control(item)
    if code is not None:
        yield f"It asks for the control {code!r}, which this app does not offer for {with_article(kind)}."


def _answer_problems(item: Mapping, kind: str):
    if "maxLength" in item and kind not in ("string", "text"):
        yield "Only text questions can have a maxLength."
    if item.get("item"):
        yield "A question cannot hold other items here."
    if kind != "choice":
        if "answerOption" in item:
            yield "Only choice questions can have an answerOption."
        return
    options = item.get("answerOption")
    if not isinstance(options, list) or not options:
        yield "This choice question has no choices (answerOption)."
        return
    for option in options:
        coding = option.get("valueCoding") if isinstance(option, Mapping) else None
        if (set(option) if isinstance(option, Mapping) else None) != {"valueCoding"} or not (
                isinstance(coding, Mapping) and isinstance(coding.get("code"), str)):
            yield ("Each choice must be a valueCoding with a code, and nothing else "
                   "(no initialSelected, no valueString).")
            return


def _extension_problems(item: Mapping, kind: str):
    extensions = item.get("extension") or []
    if not isinstance(extensions, list):
        yield "Its extension must be a list."
        return
    for ext in extensions:
        url = ext.get("url") if isinstance(ext, Mapping) else None
        if url == ITEM_CONTROL:
            continue  # checked with the control
        if url in (Q.MIN_VALUE, Q.MAX_VALUE):
            value = ext.get("valueInteger")
            if kind != "integer" or not isinstance(value, int) or isinstance(value, bool):
                yield f"{url.rsplit('/', 1)[-1]} works here only as a whole number on an integer question."
        else:
            yield f"It has an extension this app does not know: {url}."


def _enable_problems(item: Mapping, earlier: Mapping[str, Mapping]):
    conditions = item.get("enableWhen")
    if conditions is None:
        return
    if not isinstance(conditions, list) or not conditions:
        yield "Its enableWhen must be a list of conditions."
        return
    if item.get("enableBehavior") not in (None, "all", "any"):
        yield "Its enableBehavior must be 'all' or 'any'."
    for condition in conditions:
        if not isinstance(condition, Mapping):
            yield "Each enableWhen condition must be a JSON object."
            continue
        target = earlier.get(condition.get("question"))
        if target is None or not Q.is_question(target):
            yield (f"It depends on {condition.get('question')!r}, which is not a question "
                   "earlier in the form.")
        if condition.get("operator") not in OPERATORS:
            yield (f"It uses the operator {condition.get('operator')!r}; this app understands "
                   "only =, != and exists.")
