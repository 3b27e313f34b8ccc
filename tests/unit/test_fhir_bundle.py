"""sonb.fhir.fhir_bundle / case_from_fhir_bundle: the filled forms as FHIR, and back."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from sonb import binding as B
from sonb import questionnaire as qn
from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.fhir import (
    FORM_SYSTEM,
    case_from_fhir_bundle,
    fhir_bundle,
    read_fhir_bundle,
    write_fhir_bundle,
)

R4B = pytest.importorskip("fhir.resources.R4B.bundle")


@pytest.fixture
def case():
    return load_example("back_pain")


def parts(bundle: dict) -> list[str]:
    assert {e["resource"]["identifier"]["system"] for e in bundle["entry"]} <= {FORM_SYSTEM}
    return [e["resource"]["identifier"]["value"] for e in bundle["entry"]]


def at(bundle: dict, part: str) -> int:
    """The index of the entry for one part of the case."""
    return parts(bundle).index(part)


def blanked(case):
    """The case with every form it exports emptied out (nothing is left to export)."""
    return case.model_copy(deep=True, update={
        "decision": "", "kind": None, "assessment": {}, "clinicians": [], "options": [],
        "opinions": [], "plan": B.PLAN.write(case, None, {}).plan,
        "preferences": B.PREFERENCES.write(case, None, {}).preferences.model_copy(
            update={"factors": []}),
        "readiness_before": B.READINESS_BEFORE.write(case, None, {}).readiness_before,
        "readiness_after": B.READINESS_AFTER.write(case, None, {}).readiness_after,
        "deciding": B.DECIDING.write(case, None, {}).deciding, "people": [],
        "choice": B.CHOICE.write(case, None, {}).choice,
    })


# -- export --------------------------------------------------------------------------------

def test_bundle_holds_one_response_per_filled_form(case):
    bundle = fhir_bundle(case)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert parts(bundle) == [
        "assessment", *(f"option/{o.id}" for o in case.options),
        *(f"clinician/{c.id}" for c in case.clinicians), "plan",
        *(f"opinion/{op.clinician_id}" for op in case.opinions),
        *(f"factor/{f.id}" for f in case.preferences.factors), "preferences",
        "readiness_before", "readiness_after", "deciding", *(f"person/{p.id}" for p in case.people),
    ]  # the choice is unanswered
    questionnaires = [e["resource"]["questionnaire"] for e in bundle["entry"]]
    assert questionnaires[at(bundle, "assessment")] == qn.URL_PREFIX + "assessment"
    assert questionnaires[at(bundle, "readiness_before")] == qn.URL_PREFIX + "readiness"
    assert questionnaires[at(bundle, "opinion/dr-okafor")] == qn.URL_PREFIX + "opinion.surgery"


def test_bundle_validates_as_fhir_r4b(case, intl_case):
    for source in (case, intl_case):
        parsed = R4B.Bundle.model_validate(fhir_bundle(source))
        assert parsed.type == "collection"
        assert {type(e.resource).__name__ for e in parsed.entry} == {"QuestionnaireResponse"}


def test_full_urls_are_stable_uuid5_and_unique(case):
    first, again = fhir_bundle(case), fhir_bundle(case.model_copy(deep=True))
    urls = [e["fullUrl"] for e in first["entry"]]
    assert urls == [e["fullUrl"] for e in again["entry"]]
    assert len(set(urls)) == len(urls)
    for entry in first["entry"]:
        value = uuid.UUID(entry["fullUrl"].removeprefix("urn:uuid:"))
        assert value.version == 5 and str(value) == entry["resource"]["id"]
    other = fhir_bundle(case.model_copy(update={"id": "another-case-id"}))
    assert not set(urls) & {e["fullUrl"] for e in other["entry"]}


def test_the_resume_code_never_leaves_in_the_bundle(case):
    assert case.id not in json.dumps(fhir_bundle(case))


def test_opinion_responses_name_the_doctor_and_the_date(case):
    bundle = fhir_bundle(case)
    response = bundle["entry"][at(bundle, "opinion/dr-hughes")]["resource"]
    assert response["author"] == {"identifier": {"system": "urn:sonb:clinician", "value": "dr-hughes"},
                                  "display": "Dr. Tom Hughes"}
    assert response["authored"] == "2025-02-20"
    answers = qn.from_response(B.OPINION.form(case, "dr-hughes"), response)
    assert answers == B.OPINION.read(case, "dr-hughes")
    assert answers["spinal-fusion.risks"] == case.opinions[0].views["spinal-fusion"].risks


def test_a_case_with_no_answers_gives_an_empty_bundle(case):
    bundle = fhir_bundle(blanked(case))
    assert bundle["entry"] == []
    R4B.Bundle.model_validate(bundle)


def test_answers_another_form_gave_are_not_exported_and_not_lost(case):
    switched = B.switch_opinion_form(case, "dr-hughes", "medical_test").case
    bundle = fhir_bundle(switched)
    response = bundle["entry"][at(bundle, "opinion/dr-hughes")]["resource"]
    assert response["questionnaire"] == qn.URL_PREFIX + "opinion.medical_test"
    assert "Spinal fusion at L4-L5" not in json.dumps(response)  # the surgery's name: set aside
    restored = case_from_fhir_bundle(bundle, switched)
    assert restored == switched and restored.opinion_of("dr-hughes").set_aside


# -- import --------------------------------------------------------------------------------

def test_round_trip_gives_the_same_case(case, intl_case):
    for source in (case, intl_case):
        text = json.dumps(fhir_bundle(source), ensure_ascii=False)
        assert case_from_fhir_bundle(json.loads(text), source) == source


def test_import_fills_the_answers_back_in(case):
    bundle = fhir_bundle(case)
    emptied = case.model_copy(deep=True, update={"decision": "", "assessment": {},
                                                 "readiness_before": B.READINESS_AFTER.write(
                                                     case, None, {}).readiness_after})
    emptied = B.OPINION.write(emptied, "dr-okafor", {})
    before = emptied.model_copy(deep=True)
    restored = case_from_fhir_bundle(bundle, emptied)
    assert restored == case
    assert emptied == before  # the case given is not changed


def test_import_replaces_only_the_parts_in_the_bundle(case):
    bundle = fhir_bundle(case)
    bundle["entry"] = [e for e in bundle["entry"]
                       if e["resource"]["identifier"]["value"] == "opinion/dr-okafor"]
    changed = B.OPINION.write(case, "dr-okafor", {"name": "Something else"})
    changed = changed.model_copy(update={"decision": "Kept as it is"})
    restored = case_from_fhir_bundle(bundle, changed)
    assert restored.opinion_of("dr-okafor") == case.opinion_of("dr-okafor")
    assert restored.decision == "Kept as it is"


def _bad(mutate):
    def make(case):
        bundle = copy.deepcopy(fhir_bundle(case))
        mutate(bundle)
        return bundle
    return make


def _opinion(bundle) -> dict:
    return bundle["entry"][at(bundle, "opinion/dr-hughes")]["resource"]


def _set_answer(bundle, value):
    """Change the answer to the surgery's name in Dr Hughes's notes."""
    about = next(i for i in _opinion(bundle)["item"] if i["linkId"] == "about")
    about["item"][0]["answer"] = [value]


BAD_BUNDLES = {
    "not a dict": (lambda case: ["Bundle"], "not a FHIR Bundle that sonb can read"),
    "other resource": (_bad(lambda b: b.update(resourceType="Patient")), "holds something else"),
    "not a collection": (_bad(lambda b: b.update(type="transaction")), "type is not collection"),
    "no case named": (_bad(lambda b: b.pop("identifier")), "which case it came from"),
    "another case": (_bad(lambda b: b["identifier"].update(value="urn:uuid:" + str(uuid.uuid4()))),
                     "made from a different case"),
    "entries not a list": (_bad(lambda b: b.update(entry={})), "entries are not a list"),
    "not a response": (_bad(lambda b: b["entry"][1]["resource"].update(resourceType="Observation")),
                       "Entry 2 of the FHIR Bundle: It is not a QuestionnaireResponse"),
    "no identifier": (_bad(lambda b: b["entry"][0]["resource"].pop("identifier")),
                      "Entry 1 of the FHIR Bundle: It does not say which part"),
    "unknown part": (_bad(lambda b: b["entry"][0]["resource"]["identifier"].update(value="diary")),
                     "Entry 1 of the FHIR Bundle: It does not say which part"),
    "unknown opinion": (_bad(lambda b: _opinion(b)["identifier"].update(value="opinion/dr-x")),
                        "Entry 11 of the FHIR Bundle: It holds answers for an opinion that is not"),
    "unknown record": (_bad(lambda b: b["entry"][1]["resource"]["identifier"].update(
                           value="option/no-such-option")),
                       "Entry 2 of the FHIR Bundle: It holds answers for a choice or a person"),
    "unknown form": (_bad(lambda b: _opinion(b).update(questionnaire="urn:x")),
                     "Entry 11 of the FHIR Bundle: It holds answers to a form sonb does not know"),
    "wrong form": (_bad(lambda b: b["entry"][0]["resource"].update(questionnaire=qn.URL_PREFIX + "plan")),
                   "Entry 1 of the FHIR Bundle: These answers belong to another form"),
    "wrong value kind": (_bad(lambda b: _set_answer(b, {"valueBoolean": True})),
                         "Entry 11 of the FHIR Bundle: The answers to"),
    "too long": (_bad(lambda b: _set_answer(b, {"valueString": "x" * 201})), "at most 200"),
    "twice": (_bad(lambda b: b["entry"].append(copy.deepcopy(b["entry"][at(b, "opinion/dr-hughes")]))),
              "Entry 25 of the FHIR Bundle repeats answers"),
}


@pytest.mark.parametrize("name", BAD_BUNDLES)
def test_bad_bundles_are_refused_with_a_plain_message(case, name):
    make, message = BAD_BUNDLES[name]
    with pytest.raises(SonbError, match=message.replace("(", r"\(")) as caught:
        case_from_fhir_bundle(make(case), case)
    assert "Traceback" not in str(caught.value)


# -- files ---------------------------------------------------------------------------------

def test_bundle_file_round_trip(case, tmp_path):
    path = write_fhir_bundle(case, tmp_path / "bundle.json")
    assert case_from_fhir_bundle(read_fhir_bundle(path), case) == case


@pytest.mark.parametrize("content, message", [
    (b"{not json", "not readable JSON"),
    (b"[" * 100_000 + b"]" * 100_000, "not readable JSON"),
    (b"\xff\xfe", "not readable JSON"),
])
def test_unreadable_bundle_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bundle.json"
    path.write_bytes(content)
    with pytest.raises(SonbError, match=message):
        read_fhir_bundle(path)


def test_missing_bundle_file_and_wrong_suffix(case, tmp_path):
    with pytest.raises(SonbError, match="Could not open nope.json"):
        read_fhir_bundle(tmp_path / "nope.json")
    with pytest.raises(SonbError, match="End the name bundle.xml with .json"):
        write_fhir_bundle(case, tmp_path / "bundle.xml")


@pytest.mark.parametrize("name", ["wrong value kind", "too long"])
def test_an_answer_that_does_not_fit_is_left_out_and_named_and_the_rest_kept(case, name):
    """The first import dropped every answer of a Bundle when one of them did not fit."""
    from sonb.fhir import import_fhir_bundle

    bundle = BAD_BUNDLES[name][0](case)
    diagnosis = next(i for i in _opinion(bundle)["item"] if i["linkId"] == "diagnosis")
    diagnosis["answer"] = [{"valueString": "A slipped disc, in new words"}]
    kept, left_out = import_fhir_bundle(bundle, case)
    assert len(left_out) == 1
    where, why = next(iter(left_out.items()))
    assert where.startswith("entry 11: ") and why
    hughes = [o for o in kept.opinions if o.clinician_id == "dr-hughes"][-1]
    assert hughes.diagnosis == "A slipped disc, in new words"  # the rest of the entry is kept
    assert kept.plan == case.plan and kept.choice == case.choice
    with pytest.raises(SonbError):
        case_from_fhir_bundle(bundle, case)  # the all-or-nothing import still refuses it
