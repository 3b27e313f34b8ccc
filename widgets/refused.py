"""What the form renderer refuses: every part of a form it would not honour, in plain words.

FHIR R4 itself is checked in the core (`sonb.questionnaire.standard`); this adds what only the
renderer knows: whether its registry has a control for each question (`controls.py`).
"""

from __future__ import annotations

from collections.abc import Mapping

from sonb import questionnaire as Q
from sonb.questionnaire import standard

from .controls import control_problems, item_control, with_article

WHOLE_FORM = Q.WHOLE_FORM  # where `unsupported` puts what concerns the form, not one item


def unsupported(questionnaire: Mapping) -> dict[str, str]:
    """Every problem of this form for the renderer, by linkId (WHOLE_FORM for the form
    itself), all of them; {} when the renderer can show all of it."""
    found = standard.problems(questionnaire)
    if isinstance(questionnaire, Mapping):
        for item in standard.items_of(standard.prepare(questionnaire)):
            if item["linkId"] not in found:  # well formed: ask the registry about it
                for message in _control_problems(item):
                    found.setdefault(item["linkId"], []).append(message)
    return {where: " ".join(messages) for where, messages in found.items()}


def _control_problems(item: Mapping) -> list[str]:
    kind = item.get("type")
    if kind not in ("group", "display"):
        return control_problems(item)
    code = item_control(item)
    if code is None:
        return []
    return [f"It asks for the control {code!r}, which this app does not offer for "
            f"{with_article(kind)}."]
