"""The renderer on the corpus of standard FHIR R4 forms (tests/data/fhir_forms/): each form is
shown, a case's answers are shown and read back, and enableWhen hides exactly the items the FHIR
rules hide (the `enabled` list of each case), in every instance of a repeating group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sonb import questionnaire as Q
from sonb.widgets.questionnaire import QuestionnaireForm
from sonb.widgets.refused import unsupported

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fhir_forms"
FORMS = sorted(p for p in CORPUS.glob("*.json") if not p.name.endswith(".cases.json"))
CASES = [pytest.param(form, case, id=f"{form.stem}/{case['name']}") for form in FORMS
         for case in json.loads(form.with_name(form.stem + ".cases.json").read_text())["cases"]]


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.stem)
def test_the_renderer_shows_every_standard_form(form):
    q = json.loads(form.read_text(encoding="utf-8"))
    assert unsupported(q) == {}
    shown = QuestionnaireForm(q)
    assert shown.answers == Q.clean_answers(shown.questionnaire, Q.initial_answers(shown.questionnaire))


@pytest.mark.parametrize(("form", "case"), CASES)
def test_answers_are_shown_and_read_back_and_the_right_items_hidden(form, case):
    q = Q.load_standard(json.loads(form.read_text(encoding="utf-8")))
    answers = Q.clean_answers(q, Q.read_response(q, case["response"]).answers)
    shown = QuestionnaireForm(q, answers)
    assert shown.answers == answers
    enabled = {Q.where(tuple(p)) for p in case["enabled"]}
    for key, box in shown._conditional.items():
        assert (box.layout.display != "none") == (key in enabled), key
