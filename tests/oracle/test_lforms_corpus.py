"""The corpus of standard FHIR R4 Questionnaires (tests/data/fhir_forms/) in LHC-Forms and sonb.

For each form and each case (a QuestionnaireResponse and the items the FHIR rules enable for
it):
- LHC-Forms, shown the response, enables the same items as the rules, and so does sonb;
- round trip 1: LHC-Forms' exported response, read by sonb, holds sonb's answers;
- round trip 2: sonb's response, shown in LHC-Forms and exported again, is the same response
  (compared as FHIR means it: fhir_trees.normal).
LHC-Forms 40.1.3 gets some of R4 wrong; each bug is shown on its own, as a strict xfail, in
test_lforms_operators.py and below, and the corpus comparison leaves out only the items it
touches (`lforms_blind`, `without_codings`); sonb follows the specification there, and
tests/unit/test_fhir_corpus_sonb.py checks sonb on every item of every case without a browser:
- it never enables an item whose condition is on an answered date, dateTime or time (any
  operator), nor `>`, `<`, `>=`, `<=` on a string; nor one on the answer to a choice whose
  options are not Codings, because
- it does not read such answers (valueString, valueInteger, valueDate, valueTime,
  valueReference options) from a response, and exports a picked one as a Coding with only a
  display ({"display": 2} for the whole number 2), where R4 wants the option's own value[x];
  nor does it read the answer of a url or reference question (valueUri, valueReference);
- it cannot show a form with a valueReference option at all, and throws while merging a
  response into diet-intake's open-choice questions (`CRASHES`).
An item depending on one of those (through enableWhen or the group around it) is shown or
hidden by LHC-Forms on wrong grounds, and it drops such items' answers from its export.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sonb import questionnaire as Q

from fhir_trees import normal

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fhir_forms"
FORMS = sorted(p for p in CORPUS.glob("*.json") if not p.name.endswith(".cases.json"))
NOT_CODINGS = ("LHC-Forms 40.1.3 does not read a choice answered with an option that is not a "
               "Coding, and exports it as a Coding with only a display; R4 wants the option's "
               "own value (Questionnaire.item.answerOption.value[x])")


def _cases() -> list[tuple[Path, dict]]:
    found = []
    for form in FORMS:
        cases = json.loads(form.with_name(form.stem + ".cases.json").read_text(encoding="utf-8"))
        found += [(form, case) for case in cases["cases"]]
    return found


CASES = _cases()


def _id(form: Path, case: dict) -> str:
    return f"{form.stem}/{case['name']}"


CRASHES = {
    "specialist-referral": "LHC-Forms 40.1.3 cannot show a form with a valueReference "
                           "answerOption ('Unable to handle data type in answerOption')",
    "diet-intake": "LHC-Forms 40.1.3 throws while merging any answer to this form's "
                   "open-choice questions (coded or typed) from a QuestionnaireResponse",
}
BLIND_TYPES = frozenset({"date", "dateTime", "time"})


def lforms_blind(q: dict) -> frozenset:
    """The linkIds LHC-Forms shows or hides on wrong grounds: a condition it gets wrong, on a
    question it cannot read, or on one of these, or inside one of these."""
    items = Q.index(q)
    parents = {child["linkId"]: item["linkId"] for item in Q.iter_items(q)
               for child in item.get("item") or []}
    lost = unread(q)

    def wrong(condition) -> bool:
        target, op = items[condition["question"]], condition["operator"]
        return condition["question"] in lost or op != "exists" and (
            target["type"] in BLIND_TYPES
            or (target["type"] in ("string", "text") and op in ("<", ">", "<=", ">=")))

    blind: set[str] = set()
    while True:
        more = {link for link, item in items.items() if link not in blind and (
            parents.get(link) in blind or any(wrong(c) or c["question"] in blind
                                               for c in item.get("enableWhen") or []))}
        if not more:
            return frozenset(blind)
        blind |= more


def unread(q: dict) -> frozenset:
    """The questions whose answers LHC-Forms does not read from a response: url, reference,
    and choices whose options are not Codings."""
    return without_codings(q) | {i["linkId"] for i in Q.questions(q) if i["type"] in ("url", "reference")}


def without_codings(q: dict) -> frozenset:
    """The linkIds of the choice questions whose options are not Codings."""
    return frozenset(i["linkId"] for i in Q.questions(q) if i["type"] in ("choice", "open-choice")
                     and any("valueCoding" not in o for o in i.get("answerOption") or []))


def _ready(form: Path, case: dict):
    q = Q.load_standard(json.loads(form.read_text(encoding="utf-8")))
    return q, Q.clean_answers(q, Q.read_response(q, case["response"]).answers)


def _param(form: Path, case: dict):
    reason = CRASHES.get(form.stem) if form.stem != "diet-intake" or case["response"].get("item") else None
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(form, case, id=_id(form, case), marks=marks)


def seen(paths, blind: frozenset) -> set:
    return {p for p in paths if p[-1] not in blind}


@pytest.mark.parametrize(("form", "case"), [_param(f, c) for f, c in CASES])
def test_lforms_and_sonb_enable_what_fhir_enables_and_answers_go_round(lforms, form, case):
    q, answers = _ready(form, case)
    expected = {tuple(p) for p in case["enabled"]}
    assert Q.enabled_paths(q, answers) == expected

    lforms.render(q, case["response"])
    blind = lforms_blind(q)
    assert seen(lforms.enabled_paths(), blind) == seen(expected, blind)

    leave_out = unread(q) | blind
    sent = Q.to_response(q, answers)
    exported = lforms.response()
    assert exported is not None, "LHC-Forms gave no QuestionnaireResponse"
    reading = Q.read_response(q, exported)
    # problems only where LHC-Forms' own bug is (keys: "linkId" or "group[n].linkId")
    assert not [k for k in reading.problems
                if not any(k == link or k.endswith("." + link) for link in leave_out)]
    assert normal(Q.to_response(q, Q.clean_answers(q, reading.answers)), q, leave_out) == \
        normal(sent, q, leave_out)  # round trip 1

    lforms.render(q, sent)
    assert normal(lforms.response(), q, leave_out) == normal(sent, q, leave_out)  # round trip 2


def _has_answer_without_coding(form: Path, case: dict) -> bool:
    """Whether the case picks an option that is not a Coding (typed text in an open-choice
    LHC-Forms keeps)."""
    q, answers = _ready(form, case)
    return any(path[-1] in without_codings(q) and any(
        o.key == v and "valueCoding" not in o.fhir for o in Q.options(item) for v in Q.values_of(value))
        for path, item, value in Q.walk_answers(q, answers))


@pytest.mark.xfail(strict=True, reason=NOT_CODINGS)
@pytest.mark.parametrize(("form", "case"), [pytest.param(f, c, id=_id(f, c)) for f, c in CASES
                                            if _has_answer_without_coding(f, c)])
def test_lforms_keeps_answers_of_choices_without_codings(lforms, form, case):
    q, answers = _ready(form, case)
    sent = Q.to_response(q, answers)
    lforms.render(q, sent)
    assert normal(lforms.response(), q) == normal(sent, q)


def test_the_corpus_counts():
    """The numbers for the note, and a floor under them."""
    features = set()
    for form in FORMS:
        features |= set(json.loads(form.with_name(form.stem + ".cases.json").read_text())["features"])
    paths = sum(len(c["enabled"]) for _f, c in CASES)
    left = sum(len(c["enabled"]) - len(seen(map(tuple, c["enabled"]), lforms_blind(_ready(f, c)[0])))
               for f, c in CASES)
    print(f"\nLHC-Forms corpus: {len(FORMS)} forms, {len(features)} features, {len(CASES)} cases, "
          f"{paths} enabled items, {left} of them left out of the LHC-Forms comparison")
    assert len(FORMS) >= 15 and len(CASES) >= 3 * len(FORMS)
