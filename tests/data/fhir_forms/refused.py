"""Forms a renderer without internet access or an expression engine cannot honour.

Each has at least two independent problems; `problems` lists the linkIds (or
"(whole form)") that a loader must name when it refuses the form.
"""

from __future__ import annotations

from _engine import EXT, item as I, questionnaire

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"


def r(id_, title, items, problems, **kw):
    q = questionnaire(id_, title, items, **kw)
    return q, problems


def ew(q, op, key, value):
    return {"question": q, "operator": op, key: value}


def expr(name, expression):
    return {"url": SDC + name, "valueExpression": {"language": "text/fhirpath",
                                                   "expression": expression}}


def build():
    out = []
    out.append(r("external-valuesets", "Country and ethnicity", [
        {**I("country", "choice", "Country of birth"),
         "answerValueSet": "http://hl7.org/fhir/ValueSet/iso3166-1-2"},
        I("city", "string", "Town of birth"),
        {**I("ethnicity", "open-choice", "Ethnicity"),
         "answerValueSet": "http://example.org/fhir/ValueSet/ethnicity"},
    ], ["country", "ethnicity"]))

    q = questionnaire("modifier-extensions", "Consent", [
        {**I("consent", "boolean", "I agree"),
         "modifierExtension": [{"url": "http://example.org/fhir/StructureDefinition/"
                                "consent-is-inverted", "valueBoolean": True}]},
        I("name", "string", "Your name"),
    ])
    q["modifierExtension"] = [{"url": "http://example.org/fhir/StructureDefinition/"
                               "research-only", "valueBoolean": True}]
    out.append((q, ["consent", "(whole form)"]))

    out.append(r("sdc-expressions", "Body mass index", [
        I("weight", "decimal", "Weight (kg)"),
        I("height", "decimal", "Height (m)"),
        {**I("bmi", "decimal", "BMI", read_only=True), "extension": [expr(
            "calculatedExpression", "%resource.item.where(linkId='weight').answer.value / "
            "(%resource.item.where(linkId='height').answer.value).power(2)")]},
        {**I("obese-advice", "display", "Advice about weight"), "extension": [expr(
            "enableWhenExpression", "%resource.item.where(linkId='bmi').answer.value > 30")]},
        {**I("today", "date", "Today"), "extension": [expr("initialExpression", "today()")]},
    ], ["bmi", "obese-advice", "today"]))

    out.append(r("missing-enablewhen-target", "Follow-up", [
        I("seen-before", "boolean", "Have we seen you before?"),
        {**I("last-visit", "date", "When?"), "enableWhen": [ew("seen-before-typo", "=",
                                                              "answerBoolean", True)]},
        {**I("why", "text", "Why are you here?"), "enableWhen": [ew("reason", "exists",
                                                                   "answerBoolean", True)]},
    ], ["last-visit", "why"]))

    out.append(r("enablewhen-loop", "Loop and mismatch", [
        {**I("a", "boolean", "Question A"), "enableWhen": [ew("b", "=", "answerBoolean", True)]},
        {**I("b", "boolean", "Question B"), "enableWhen": [ew("a", "=", "answerBoolean", True)]},
        I("age", "integer", "Age"),
        {**I("c", "string", "Question C"), "enableWhen": [ew("age", ">", "answerString", "18")]},
    ], ["a", "b", "c"]))

    out.append(r("wrong-answer-types", "Answer types that do not fit", [
        I("smoker", "boolean", "Do you smoke?"),
        {**I("packs", "decimal", "Packs a day"),
         "enableWhen": [ew("smoker", "=", "answerCoding", {"system": "http://snomed.info/sct",
                                                           "code": "77176002"})]},
        I("visit-date", "date", "Visit date"),
        {**I("late", "display", "Late visit"),
         "enableWhen": [ew("visit-date", ">", "answerQuantity", {"value": 3, "unit": "d"})]},
        {**I("ordered-bool", "display", "Ordered on a boolean"),
         "enableWhen": [ew("smoker", ">", "answerBoolean", True)]},
    ], ["packs", "late", "ordered-bool"]))

    out.append(r("unknown-item-types", "Types not in R4", [
        I("q1", "question", "Old-style question type"),
        I("ok", "string", "A fine question"),
        I("q2", "choice-multi", "Not an R4 type"),
    ], ["q1", "q2"]))

    out.append(r("duplicate-linkids", "Duplicates and empty choices", [
        I("dup", "string", "First"),
        I("g", "group", "Group", items=[I("dup", "integer", "Second with the same linkId")]),
        I("pick", "choice", "Pick one (no options given)"),
    ], ["dup", "pick"]))

    out.append(r("choice-without-options", "Choices without options", [
        I("colour", "choice", "Favourite colour"),
        I("size", "choice", "Size", control="drop-down"),
        I("note", "string", "Note"),
    ], ["colour", "size"]))

    uncontained = questionnaire("valueset-needs-expansion", "Value sets without expansion", [
        {**I("condition", "choice", "Condition"), "answerValueSet": "#conditions"},
        {**I("drug", "choice", "Medicine"), "extension": [expr(
            "answerExpression", "%terminologies.expand('http://example.org/vs/drugs')")]},
    ], contained=[{"resourceType": "ValueSet", "id": "conditions", "status": "active",
                   "compose": {"include": [{"system": "http://snomed.info/sct", "filter": [
                       {"property": "concept", "op": "is-a", "value": "404684003"}]}]}}])
    out.append((uncontained, ["condition", "drug"]))

    out.append(r("mixed-problems", "Several kinds of problem", [
        {**I("region", "choice", "Region"),
         "answerValueSet": "http://example.org/fhir/ValueSet/regions"},
        {**I("g", "group", "Only for some", items=[I("x", "string", "X")]),
         "extension": [expr("enableWhenExpression", "%resource.item.count() > 2")]},
        {**I("y", "string", "Y"), "enableWhen": [ew("nowhere", "exists", "answerBoolean", True)]},
        {**I("z", "string", "Z"), "enableWhen": [ew("y", "exists", "answerBoolean", True),
                                                 ew("x", "exists", "answerBoolean", True)]},
    ], ["region", "g", "y", "z"]))
    return out


REFUSED = build()
