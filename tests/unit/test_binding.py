"""The binding table: one declaration per form, read and write round-trip, errors by linkId."""

from __future__ import annotations

import ast
import pathlib

import pytest

from sonb import Clinician, DecisionKind, InvalidInput, Role
from sonb import binding as B
from sonb import questionnaire as Q
from sonb.examples import load_example

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(params=["back_pain", "knee_mri"])
def example(request):
    return load_example(request.param)


def test_every_form_reads_and_writes_back_the_same_case(example):
    for binding in B.BINDINGS.values():
        for target in binding.targets(example):
            answers = binding.read(example, target)
            assert not Q.validate_answers(binding.form(example, target), answers)
            again = binding.write(example, target, answers)
            assert again == example, (binding.key, target)


def test_answers_of_hidden_items_are_dropped_before_validation(example):
    cid = example.clinicians[-1].id
    switched = B.switch_opinion_form(example, cid, "medical_test").case
    answers = {**B.OPINION.read(switched, cid), "changes_treatment": False,
               "changes_treatment_explain": "x" * 9000}
    case = B.OPINION.write(switched, cid, answers)
    assert "changes_treatment_explain" not in case.opinion_of(cid).answers


def test_model_errors_come_back_by_linkid():
    case = load_example("back_pain")
    with pytest.raises(InvalidInput) as err:
        B.PLAN.write(case, None, {"insurer_reference": "x" * 201})
    assert set(err.value.problems) == {"insurer_reference"}
    cid = case.opinions[0].clinician_id
    with pytest.raises(InvalidInput) as err:
        B.OPINION.write(case, cid, {"spinal-fusion.risks": 5})
    assert set(err.value.problems) == {"spinal-fusion.risks"}
    with pytest.raises(InvalidInput) as err:
        B.OPINION.write(case, cid, {"no_such_question": "x"})
    assert set(err.value.problems) == {"no_such_question"}


def test_a_record_needs_its_required_answers():
    case = load_example("back_pain")
    with pytest.raises(InvalidInput) as err:
        B.CLINICIAN.write(case, None, {"name": "Dr Ng"})
    assert set(err.value.problems) == {"role"}
    added = B.CLINICIAN.write(case, None, {"name": "Dr Ng", "role": "second_opinion"})
    assert added.clinicians[-1].name == "Dr Ng" and added.clinicians[-1].id not in {
        c.id for c in case.clinicians}


def test_a_record_still_in_use_cannot_be_removed():
    case = load_example("back_pain")
    with pytest.raises(InvalidInput):
        B.without_record(case, B.CLINICIAN, case.opinions[0].clinician_id)
    unused = next(c.id for c in case.clinicians if case.opinion_of(c.id) is None)
    assert unused not in {c.id for c in B.without_record(case, B.CLINICIAN, unused).clinicians}


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_the_opinion_form_asks_each_question_once(kind):
    case = load_example("back_pain")
    form = Q.opinion_questionnaire(case, kind)
    links = [item["linkId"] for item in Q.questions(form)]
    assert len(links) == len(set(links))
    texts = [(item["linkId"].split(".")[0], item["text"]) for item in Q.questions(form)]
    assert len(texts) == len(set(texts))  # no question twice in one part of the form
    top_level = {link for link in links if "." not in link}
    assert not top_level & (Q.ASPECTS - {"if_delay"}) and "if_delay" not in top_level
    wording = Q.index(Q.load(Q.FORM_FOR_KIND[kind]))
    assert Q.index(form)["spinal-fusion.risks"]["text"] == wording["risks"]["text"]


def test_switching_forms_sets_aside_and_brings_back():
    case = load_example("back_pain")
    cid = case.opinions[0].clinician_id
    before = case.opinion_of(cid).answers
    away = B.switch_opinion_form(case, cid, "new_medicine")
    assert away.set_aside and set(away.case.opinion_of(cid).answers) < set(before)
    assert B.set_aside_answers(away.case, cid)
    back = B.switch_opinion_form(away.case, cid, "surgery")
    assert back.case.opinion_of(cid).answers == before
    assert back.case.opinion_of(cid).set_aside == {}


def test_a_doctor_without_notes_gets_the_form_chosen_for_the_visit():
    case = load_example("back_pain").model_copy(update={"clinicians": [
        Clinician(id="dr-x", name="Dr X", role=Role.second_opinion)], "opinions": []})
    case = case.model_copy(update={"plan": case.plan.model_copy(
        update={"forms_chosen": [DecisionKind.medical_test]})})
    assert B.opinion_kind(case, "dr-x") == DecisionKind.medical_test
    switched = B.switch_opinion_form(case, "dr-x", "new_medicine").case
    assert switched.opinion_of("dr-x").form_kind == DecisionKind.new_medicine


def test_no_view_maps_answers_itself():
    """The widget layer goes through sonb.binding: no view builds records from answers or
    maps model paths back to linkIds."""
    for path in (ROOT / "widgets").glob("*.py"):
        if path.name in ("session.py", "app.py"):  # they open and save whole cases
            continue
        source = path.read_text()
        assert 'split(".")' not in source, path.name
        assert "model_copy(update=" not in source, path.name
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"parse", "apply_answers", "record_answers"}, path.name


def test_every_form_of_the_app_is_declared(example):
    assert list(B.BINDINGS) == ["assessment", "option", "clinician", "plan", "opinion", "judgement",
                                "factor", "preferences", "readiness_before", "readiness_after",
                                "deciding", "person", "choice"]
    for binding in B.BINDINGS.values():
        for target in binding.targets(example):
            Q.check(binding.form(example, target))


def test_answers_an_older_version_kept_twice_are_set_aside_on_the_first_save():
    """Case files from before one form per doctor hold 'risks', 'cost'... in the form's answers
    too. They are never dropped: the first save puts them aside, where the patient sees them."""
    case = load_example("back_pain")
    old = case.opinion_of("dr-okafor").model_copy(update={"answers": {
        **case.opinion_of("dr-okafor").answers, "risks": "Infection.", "cost": "$4,000"}})
    case = case.model_copy(update={"opinions": [old if o.id == old.id else o
                                                for o in case.opinions]})
    assert "risks" not in B.OPINION.read(case, "dr-okafor")  # asked per choice now
    saved = B.OPINION.write(case, "dr-okafor", B.OPINION.read(case, "dr-okafor"))
    opinion = saved.opinion_of("dr-okafor")
    assert "risks" not in opinion.answers
    assert opinion.set_aside[DecisionKind.surgery] == {"risks": "Infection.", "cost": "$4,000"}
    shown = B.set_aside_answers(saved, "dr-okafor")
    assert ("Surgery: questions for your doctor", "How much will it cost you?", "$4,000") in shown
