"""Known bugs of LHC-Forms 40.1.3, each on a small form of its own: where it and FHIR R4 part,
sonb follows FHIR (the plain tests here), and LHC-Forms' side is xfail(strict=True), so that
a version that fixes a bug makes its test fail and the mark is taken off.

They also show that the oracle can disagree: the same comparison as in
test_lforms_sonb_forms.py, on forms where the two do part.
"""

from __future__ import annotations

import pytest

from sonb import questionnaire as Q
from test_lforms_sonb_forms import sonb_paths

pytestmark = pytest.mark.browser

URL = "urn:sonb:test:lforms-bugs"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
DAY = "2024-05-01"

FORM = {
    "resourceType": "Questionnaire", "url": URL, "status": "active",
    "item": [
        {"linkId": "count", "text": "How many?", "type": "integer",
         "extension": [{"url": MAX_VALUE, "valueInteger": 10}]},
        {"linkId": "short", "text": "Initials", "type": "string", "maxLength": 3},
        {"linkId": "day", "text": "Which day?", "type": "date"},
        {"linkId": "on_day", "text": "Shown on that day", "type": "string",
         "enableWhen": [{"question": "day", "operator": "=", "answerDate": DAY}]},
        {"linkId": "not_day", "text": "Shown on any other day", "type": "string",
         "enableWhen": [{"question": "day", "operator": "!=", "answerDate": DAY}]},
    ],
}
EVERY_ITEM = {("count",), ("short",), ("day",)}


def response(*items: dict) -> dict:
    return {"resourceType": "QuestionnaireResponse", "questionnaire": URL, "status": "completed",
            "item": list(items)}


DATE_CASES = {"same day": (DAY, {("on_day",)}), "other day": ("2024-06-01", {("not_day",)})}
DATE_BUG = ("LHC-Forms 40.1.3: enableWhen = and != on an answered date are never true "
            "(FHIR R4: = holds when an answer equals answerDate, != when none does)")


@pytest.mark.parametrize("label", DATE_CASES)
def test_sonb_date_conditions(label):
    day, shown = DATE_CASES[label]
    assert sonb_paths(FORM, {"day": day}) == EVERY_ITEM | shown


@pytest.mark.parametrize("label", DATE_CASES)
@pytest.mark.xfail(strict=True, reason=DATE_BUG)
def test_lforms_date_conditions(lforms, label):
    day, _ = DATE_CASES[label]
    lforms.render(FORM, response({"linkId": "day", "answer": [{"valueDate": day}]}))
    assert lforms.enabled_paths() == sonb_paths(FORM, {"day": day})


def test_sonb_refuses_values_beyond_the_limits():
    problems = Q.validate_answers(FORM, {"count": 99, "short": "abcdef"})
    assert set(problems) == {"count", "short"}
    assert set(Q.validate_answers(FORM, {"count": "many"})) == {"count"}


def _exported_answers(lforms) -> dict:
    exported = lforms.response()
    return {node["linkId"]: node["answer"][0] for node in exported.get("item", [])}


@pytest.mark.xfail(strict=True, reason="LHC-Forms 40.1.3 exports answers beyond maxLength and "
                   "maxValue (FHIR R4: such a QuestionnaireResponse is not valid)")
def test_lforms_keeps_to_the_limits(lforms):
    lforms.render(FORM)
    lforms.set_answer(("count",), 99)
    lforms.set_answer(("short",), "abcdef")
    got = _exported_answers(lforms)
    lforms.watch.errors.clear()  # whatever LHC-Forms logs about the values
    assert got.get("count", {}).get("valueInteger", 0) <= 10
    assert len(got.get("short", {}).get("valueString", "")) <= 3


@pytest.mark.xfail(strict=True, reason="LHC-Forms 40.1.3: getFormFHIRData returns null when an "
                   "integer field holds text (a response without that answer is expected)")
def test_lforms_exports_with_text_in_an_integer_field(lforms):
    lforms.render(FORM)
    lforms.set_answer(("short",), "AS")
    lforms.set_answer(("count",), "many")
    exported = lforms.response()
    lforms.watch.errors.clear()
    assert exported is not None
    assert Q.from_response(FORM, exported) == {"short": "AS"}
