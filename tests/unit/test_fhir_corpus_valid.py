"""The corpus of standard FHIR R4 Questionnaires in tests/data/fhir_forms is itself valid.

Each Questionnaire and each case's QuestionnaireResponse is checked with an independent
library, fhir.resources (its R4B models, which match R4 for these two resources); the
features each form declares are the ones it has; every feature of the vocabulary in
FEATURES.md is covered; the cases' enabled paths and responses name only the form's items.
The refused forms (tests/data/fhir_forms/refused) name, in their expected.json, problems
that are really there.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

R4B_Q = pytest.importorskip("fhir.resources.R4B.questionnaire")
R4B_QR = pytest.importorskip("fhir.resources.R4B.questionnaireresponse")

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fhir_forms"
REFUSED = CORPUS / "refused"
FORMS = sorted(p for p in CORPUS.glob("*.json") if not p.name.endswith(".cases.json"))
REFUSED_FORMS = sorted(p for p in REFUSED.glob("*.json") if not p.name.endswith(".expected.json"))
EXT = "http://hl7.org/fhir/StructureDefinition/"
# features of the responses, not of the form's structure: checked only against the vocabulary
CASE_FEATURES = {"disabled-answer-ignored", "repeating-group:no-instances",
                 "enableWhen:unanswered"}
R4_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time",
            "string", "text", "url", "choice", "open-choice", "attachment", "reference",
            "quantity"}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def walk(items, chain=()):
    """(item, repeating groups above it) for every item, in document order."""
    for it in items:
        yield it, chain
        inner = chain + (it["linkId"],) if it["type"] == "group" and it.get("repeats") else chain
        yield from walk(it.get("item", []), inner)


def structural_features(q: dict) -> set[str]:
    """The vocabulary's features that can be seen in the Questionnaire itself."""
    found = set()
    entries = list(walk(q["item"]))
    defs = {it["linkId"]: it for it, _ in entries}
    order = {it["linkId"]: n for n, (it, _) in enumerate(entries)}
    chains = {it["linkId"]: chain for it, chain in entries}
    contained = {c["id"]: c for c in q.get("contained", [])}
    if "_title" in q:
        found.add("translation")
    for it, chain in entries:
        lid, t = it["linkId"], it["type"]
        found.add(f"type:{t}")
        if it.get("repeats"):
            found.add("repeating-group" if t == "group" else f"repeats:{t}")
            if t == "group" and chain:
                found.add("nested-repeating-group")
        for ew in it.get("enableWhen", []):
            qid, op = ew["question"], ew["operator"]
            if op == "exists":
                found.add(f"enableWhen:exists:{defs[qid]['type']}")
            else:
                key = next(k for k in ew if k.startswith("answer"))[len("answer"):]
                found.add(f"enableWhen:{op}:{key[0].lower()}{key[1:]}")
            if order[qid] > order[lid]:
                found.add("enableWhen:forward")
            qchain = chains[qid]
            if qchain and chain[:len(qchain)] == qchain:
                found.add("enableWhen:same-instance" if qchain == chain
                          else "enableWhen:ancestor-instance")
        if "enableBehavior" in it:
            found.add(f"enableBehavior:{it['enableBehavior']}")
        codings = []
        for opt in it.get("answerOption", []):
            key = next(k for k in opt if k.startswith("value"))
            found.add(f"answerOption:{key}")
            if opt.get("initialSelected"):
                found.add("initialSelected")
            if key == "valueCoding":
                codings.append(opt[key])
        vs = it.get("answerValueSet", "")
        if vs.startswith("#") and vs[1:] in contained:
            found.add("answerValueSet:contained")
            codings += contained[vs[1:]]["expansion"]["contains"]
        for c in codings:
            if "display" not in c:
                found.add("coding-without-display")
            if "system" not in c:
                found.add("coding-without-system")
        for init in it.get("initial", []):
            key = next(k for k in init if k.startswith("value"))[len("value"):]
            found.add(f"initial:{key[0].lower()}{key[1:]}")
        for flag in ("readOnly", "required"):
            if it.get(flag):
                found.add(flag)
        if "maxLength" in it:
            found.add("maxLength")
        elif t in ("string", "text"):
            found.add("no-maxLength")
        if it.get("prefix"):
            found.add("prefix")
        for ext in it.get("extension", []):
            for name in ("minValue", "maxValue"):
                if ext["url"] == EXT + name:
                    key = next(k for k in ext if k.startswith("value"))[len("value"):]
                    found.add(f"{name}:{key.lower()}")
            if ext["url"] == EXT + "questionnaire-itemControl":
                for c in ext["valueCodeableConcept"]["coding"]:
                    found.add(f"itemControl:{c['code']}")
        if "_text" in it and any(e["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
                                 for e in it["_text"].get("extension", [])):
            found.add("translation")
        if "/" in lid or ":" in lid:
            found.add("linkId:odd-characters")
    return found


def vocabulary() -> list[str]:
    text = (CORPUS / "FEATURES.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)` \|", text, flags=re.M)


def cases_of(form: Path) -> dict:
    return load(form.with_name(form.stem + ".cases.json"))


def response_link_ids(items):
    for r in items:
        yield r["linkId"]
        yield from response_link_ids(r.get("item", []))
        for a in r.get("answer", []):
            yield from response_link_ids(a.get("item", []))


def test_corpus_is_big_enough():
    assert len(FORMS) >= 18
    assert len(REFUSED_FORMS) >= 8
    for form in FORMS:
        assert 3 <= len(cases_of(form)["cases"]) <= 8, form.name


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.stem)
def test_questionnaire_is_valid_r4(form):
    q = load(form)
    R4B_Q.Questionnaire.model_validate(q)
    assert q["resourceType"] == "Questionnaire"
    assert q["id"] == form.stem
    assert q["url"] == f"http://example.org/fhir/Questionnaire/{q['id']}"
    assert q["status"] == "active" and q["title"] and q["item"]
    ids = [it["linkId"] for it, _ in walk(q["item"])]
    assert len(ids) == len(set(ids)), "duplicate linkIds"
    for it, _ in walk(q["item"]):
        assert it["type"] in R4_TYPES
        if len(it.get("enableWhen", [])) > 1:
            assert it["enableBehavior"] in ("any", "all")  # que-12
        for ew in it.get("enableWhen", []):
            assert ew["question"] in ids
        if it["type"] in ("choice", "open-choice"):
            assert "answerOption" in it or "answerValueSet" in it, it["linkId"]


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.stem)
def test_declared_features_are_there(form):
    declared = set(cases_of(form)["features"])
    found = structural_features(load(form))
    assert found <= declared, f"not declared: {sorted(found - declared)}"
    assert declared - found <= CASE_FEATURES, f"not in the form: {sorted(declared - found)}"
    assert declared <= set(vocabulary()), f"not in FEATURES.md: {sorted(declared - set(vocabulary()))}"


def test_every_feature_is_covered():
    covered = set()
    for form in FORMS:
        covered |= set(cases_of(form)["features"])
    vocab = vocabulary()
    assert len(vocab) == len(set(vocab))
    assert not set(vocab) - covered, sorted(set(vocab) - covered)


@pytest.mark.parametrize("form", FORMS, ids=lambda p: p.stem)
def test_cases_fit_the_form(form):
    q = load(form)
    entries = list(walk(q["item"]))
    defs = {it["linkId"]: it for it, _ in entries}
    chains = {it["linkId"]: chain for it, chain in entries}
    names = set()
    for case in cases_of(form)["cases"]:
        assert case["name"] not in names
        names.add(case["name"])
        r = case["response"]
        R4B_QR.QuestionnaireResponse.model_validate(r)
        assert r["resourceType"] == "QuestionnaireResponse"
        assert r["questionnaire"] == q["url"]
        assert r["status"] in ("completed", "in-progress")
        assert set(response_link_ids(r["item"])) <= set(defs), case["name"]
        enabled = [tuple(p) for p in case["enabled"]]
        assert len(enabled) == len(set(enabled)), case["name"]
        for path in enabled:
            lid = path[-1]
            assert lid in defs, (case["name"], path)
            # the path names each repeating group above the item, with an instance number
            assert list(path[:-1:2]) == list(chains[lid]), (case["name"], path)
            assert all(isinstance(i, int) and i >= 0 for i in path[1:-1:2]), (case["name"], path)
            # a repeating group's instance is listed only when the group itself is
            for k in range(0, len(path) - 1, 2):
                assert path[:k] + (path[k],) in enabled, (case["name"], path)


@pytest.mark.parametrize("form", REFUSED_FORMS, ids=lambda p: p.stem)
def test_refused_forms(form):
    q = load(form)
    assert q["resourceType"] == "Questionnaire" and q["id"] == form.stem
    problems = load(form.with_name(form.stem + ".expected.json"))["problems"]
    assert len(problems) >= 2, "each refused form has at least two independent problems"
    ids = {it["linkId"] for it, _ in walk(q["item"])}
    for p in problems:
        assert p == "(whole form)" or p in ids or p in json.dumps(q), p
