"""sonb on the corpus of standard FHIR R4 Questionnaires (tests/data/fhir_forms/): each form is
taken, each case's response is read whole, sonb enables exactly the items the FHIR rules enable
(the `enabled` list written for each case), and the answers go round; each form of `refused/`
is refused with every problem it was built with named.

LHC-Forms checks the same corpus in the browser: tests/oracle/test_lforms_corpus.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sonb import questionnaire as Q
from sonb.errors import InvalidInput
from sonb.questionnaire import standard

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fhir_forms"
FORMS = sorted(p for p in CORPUS.glob("*.json") if not p.name.endswith(".cases.json"))
REFUSED = sorted(p for p in (CORPUS / "refused").glob("*.json")
                 if not p.name.endswith(".expected.json"))


def cases_of(form: Path) -> list[dict]:
    return json.loads(form.with_name(form.stem + ".cases.json").read_text(encoding="utf-8"))["cases"]


CASES = [pytest.param(form, n, id=f"{form.stem}/{case['name']}")
         for form in FORMS for n, case in enumerate(cases_of(form))]


def load(form: Path) -> dict:
    return json.loads(form.read_text(encoding="utf-8"))


def test_the_corpus_is_there():
    assert len(FORMS) >= 15 and len(CASES) >= 3 * len(FORMS) and len(REFUSED) >= 8


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.stem)
def test_each_standard_form_is_taken(form):
    assert standard.problems(load(form)) == {}
    assert Q.read_form_file(form)["url"] == load(form)["url"]


@pytest.mark.parametrize(("form", "n"), CASES)
def test_sonb_enables_what_fhir_enables_and_the_answers_go_round(form, n):
    q = Q.load_standard(load(form))
    case = cases_of(form)[n]
    reading = Q.read_response(q, case["response"])
    assert reading.problems == {}
    assert Q.enabled_paths(q, reading.answers) == {tuple(p) for p in case["enabled"]}
    kept = Q.clean_answers(q, reading.answers)
    assert Q.validate_answers(q, kept) == {}
    sent = Q.to_response(q, kept)
    assert Q.read_response(q, sent) == (kept, {})
    assert Q.to_response(q, Q.read_response(q, sent).answers) == sent


@pytest.mark.parametrize("form", REFUSED, ids=lambda p: p.stem)
def test_each_form_sonb_cannot_honour_is_refused_with_every_problem(form):
    expected = json.loads(form.with_name(form.stem + ".expected.json").read_text(encoding="utf-8"))
    found = standard.problems(load(form))
    assert set(expected["problems"]) <= set(found), found
    assert all(messages and all(m[:1].isupper() for m in messages) for messages in found.values())
    with pytest.raises(InvalidInput):
        Q.read_form_file(form)
