"""sonb.report.fhir_bundle / case_from_fhir_bundle: the filled forms as FHIR, and back."""

from __future__ import annotations

import copy
import json
import uuid

import pytest

from sonb import questionnaire as qn
from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.model import Readiness
from sonb.report import (
    FORM_SYSTEM,
    OPINION_SYSTEM,
    case_from_fhir_bundle,
    fhir_bundle,
    read_fhir_bundle,
    write_fhir_bundle,
)

R4B = pytest.importorskip("fhir.resources.R4B.bundle")


@pytest.fixture
def case():
    return load_example("back_pain")


def targets(bundle: dict) -> list[tuple[str, str]]:
    return [(e["resource"]["identifier"]["system"], e["resource"]["identifier"]["value"])
            for e in bundle["entry"]]


def blanked(case):
    """The case with every form it exports emptied out."""
    return case.model_copy(deep=True, update={
        "decision": "", "kind": None, "assessment": {},
        "readiness_before": Readiness(), "readiness_after": Readiness(),
        "opinions": [op.model_copy(update={"answers": {}, "form_kind": None}) for op in case.opinions],
    })


# -- export --------------------------------------------------------------------------------

def test_bundle_holds_one_response_per_filled_form(case):
    bundle = fhir_bundle(case)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert targets(bundle) == [
        (FORM_SYSTEM, "assessment"), (FORM_SYSTEM, "readiness_before"),  # "after" is unanswered
        *((OPINION_SYSTEM, op.id) for op in case.opinions),
    ]
    questionnaires = [e["resource"]["questionnaire"] for e in bundle["entry"]]
    assert questionnaires == [qn.URL_PREFIX + "assessment", qn.URL_PREFIX + "readiness",
                              *([qn.URL_PREFIX + "surgery"] * 3)]


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
    response = fhir_bundle(case)["entry"][2]["resource"]
    assert response["author"] == {"identifier": {"system": "urn:sonb:clinician", "value": "dr-hughes"},
                                  "display": "Dr. Tom Hughes"}
    assert response["authored"] == "2025-02-20"
    answers = qn.from_response(qn.load("surgery"), response)
    assert answers == case.opinions[0].answers


def test_a_case_with_no_answers_gives_an_empty_bundle(case):
    bundle = fhir_bundle(blanked(case))
    assert bundle["entry"] == []
    R4B.Bundle.model_validate(bundle)


def test_answers_that_do_not_fit_their_form_name_the_doctor(case):
    case.opinions[0].answers = {"no_such_question": "x"}
    with pytest.raises(SonbError, match="Dr. Tom Hughes"):
        fhir_bundle(case)


# -- import --------------------------------------------------------------------------------

def test_round_trip_gives_the_same_case(case, intl_case):
    for source in (case, intl_case):
        text = json.dumps(fhir_bundle(source), ensure_ascii=False)
        assert case_from_fhir_bundle(json.loads(text), source) == source


def test_import_fills_a_blanked_case_back_in(case):
    bundle = fhir_bundle(case)
    empty = blanked(case)
    restored = case_from_fhir_bundle(bundle, empty)
    assert restored == case.model_copy(update={"readiness_after": Readiness()})
    assert empty == blanked(case)  # the case given is not changed


def test_import_replaces_only_the_parts_in_the_bundle(case):
    bundle = fhir_bundle(case)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["identifier"]["value"] == "op-okafor"]
    changed = case.model_copy(deep=True)
    changed.opinions[1].answers = {"name": "Something else"}
    changed.decision = "Kept as it is"
    restored = case_from_fhir_bundle(bundle, changed)
    assert restored.opinions[1].answers == case.opinions[1].answers
    assert restored.decision == "Kept as it is"


def _bad(mutate):
    def make(case):
        bundle = copy.deepcopy(fhir_bundle(case))
        mutate(bundle)
        return bundle
    return make


def _set_answer(bundle, value):
    bundle["entry"][2]["resource"]["item"][0]["item"][0]["answer"] = [value]


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
    "unknown opinion": (_bad(lambda b: b["entry"][3]["resource"]["identifier"].update(value="op-x")),
                        "Entry 4 of the FHIR Bundle: It holds answers for an opinion that is not"),
    "unknown form": (_bad(lambda b: b["entry"][2]["resource"].update(questionnaire="urn:x")),
                     "Entry 3 of the FHIR Bundle: It holds answers to a form sonb does not know"),
    "wrong form": (_bad(lambda b: b["entry"][0]["resource"].update(questionnaire=qn.URL_PREFIX + "plan")),
                   "Entry 1 of the FHIR Bundle: These answers belong to another form"),
    "wrong value kind": (_bad(lambda b: _set_answer(b, {"valueBoolean": True})),
                         "Entry 3 of the FHIR Bundle: The answers to"),
    "too long": (_bad(lambda b: _set_answer(b, {"valueString": "x" * 201})), "at most 200"),
    "twice": (_bad(lambda b: b["entry"].append(copy.deepcopy(b["entry"][2]))),
              "Entry 6 of the FHIR Bundle repeats answers"),
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
