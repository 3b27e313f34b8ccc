"""QuestionnaireResponses compared as FHIR means them: item/answer trees without texts or
displays, numbers as numbers (2 == 2.0), a Coding by system and code, and the answers of a
repeating question in a fixed order (FHIR gives their order no meaning there)."""

from __future__ import annotations

import datetime as dt

from sonb import questionnaire as Q


def _value(entry: dict) -> tuple:
    (key,) = [k for k in entry if k.startswith("value")]
    value = entry[key]
    if key == "valueCoding":
        value = (value.get("system"), value.get("code"))
    elif key == "valueQuantity":
        value = (float(value.get("value")), value.get("system"), value.get("code") or value.get("unit"))
    elif key == "valueReference":
        value = value.get("reference")
    elif key == "valueAttachment":
        value = (value.get("contentType"), value.get("data"), value.get("url"))
    elif key in ("valueDecimal", "valueInteger") and not isinstance(value, bool):
        key, value = "valueNumber", float(value)
    elif key == "valueDateTime" and len(value) > 10:
        moment = dt.datetime.fromisoformat(value)  # one instant, written in any zone
        value = moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment
    return key, value


def tree(items: list | None, q_items: dict, leave_out: frozenset = frozenset()) -> list:
    """A response's items as (linkId, answers, children), without the items in `leave_out`."""
    out = []
    for node in items or []:
        if node["linkId"] in leave_out:
            continue
        answers = [_value(a) for a in node.get("answer") or []]
        if q_items.get(node["linkId"], {}).get("repeats") is True:
            answers.sort(key=repr)
        children = tree(node.get("item"), q_items, leave_out)
        if answers or children or not node.get("item"):
            out.append((node["linkId"], answers, children))
    return out


def normal(response: dict, q: dict, leave_out: frozenset = frozenset()) -> dict:
    return {"resourceType": response.get("resourceType"),
            "questionnaire": str(response.get("questionnaire", "")).split("|")[0],
            "items": tree(response.get("item"), {i["linkId"]: i for i in Q.iter_items(q)},
                          leave_out)}
