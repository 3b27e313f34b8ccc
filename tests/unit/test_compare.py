"""sonb.compare: doctors side by side, agreement, guidance, other professionals, option fit."""

from __future__ import annotations

import math
import time

import pandas as pd
import pytest

from sonb import compare
from sonb._datafiles import texts
from sonb.examples import load_example
from sonb.model import Case, Clinician, DecisionKind, Factor, Opinion, Option, OptionView, Preferences, Role

TEXT = texts("aspects")
ASPECTS = [a["label"] for a in TEXT["aspects"]]
LABEL = {a["key"]: a["label"] for a in TEXT["aspects"]}
GUIDE = TEXT["guidance"]
OPTIONS = [Option(id="surgery", name="Surgery"), Option(id="pt", name="Physical therapy")]


def case_with(*opinions: dict, clinicians=None, options=OPTIONS, **fields) -> Case:
    """A case with one clinician per opinion (ids d0, d1, ...) unless clinicians are given."""
    clinicians = clinicians or [
        Clinician(id=f"d{i}", name=f"Dr {chr(65 + i)}") for i in range(len(opinions))
    ]
    built = [Opinion(clinician_id=op.pop("clinician_id", f"d{i}"), **op)
             for i, op in enumerate(dict(o) for o in opinions)]
    return Case(clinicians=clinicians, options=options, opinions=built, **fields)


def status(case: Case, key: str) -> str:
    return compare.agreement(case).loc[LABEL[key], "status"]


# -- the two examples ----------------------------------------------------------------------

def test_back_pain_doctors_differ_and_guidance_names_other_professionals():
    case = load_example("back_pain")
    table = compare.agreement(case)
    assert table.loc[LABEL["diagnosis"], "status"] == "differ"
    assert table.loc[LABEL["recommendation"], "status"] == "differ"
    detail = table.loc[LABEL["recommendation"], "detail"]
    assert "Dr. Tom Hughes (First opinion): Spinal fusion surgery" in detail
    assert "Dr. Grace Okafor (Second opinion): Physical therapy" in detail
    lines = compare.guidance(case)
    assert GUIDE["talk_to_primary_named"].format(name="Dr. Maya Patel") in lines
    assert any(line.startswith("A physical therapist") for line in lines)
    assert any(line.startswith("A physiatrist") for line in lines)
    assert lines[-1] == GUIDE["your_choice"]


def test_back_pain_comparison_table():
    table = compare.comparison_table(load_example("back_pain"))
    assert list(table.index) == ASPECTS
    assert list(table.columns) == [
        "Dr. Tom Hughes (First opinion)",
        "Dr. Grace Okafor (Second opinion)",
        "Sam Lindqvist (Another kind of professional)",
    ]  # the primary doctor gave no opinion
    hughes = table["Dr. Tom Hughes (First opinion)"]
    assert hughes[LABEL["recommendation"]] == "Spinal fusion surgery"
    assert hughes[LABEL["confidence"]] == "Very sure"
    assert hughes[LABEL["cost"]] == "About $4,000 for me after insurance."  # the fusion view
    assert table.loc[LABEL["recovery"], "Dr. Grace Okafor (Second opinion)"] == "No time off work."


def test_knee_doctors_agree():
    case = load_example("knee_mri")
    table = compare.agreement(case)
    assert table.loc[LABEL["diagnosis"], "status"] == "agree"
    assert table.loc[LABEL["recommendation"], "status"] == "agree"
    assert table.loc[LABEL["recommendation"], "detail"] == TEXT["agreement"]["agree"].format(what="MRI of the knee")
    assert compare.guidance(case) == [GUIDE["agree"]]


# -- comparison_table ----------------------------------------------------------------------

def test_views_follow_the_recommendation_else_the_only_view_else_missing():
    case = case_with(
        dict(recommended_option="pt", views={"surgery": OptionView(risks="bleeding"),
                                             "pt": OptionView(risks="sore muscles")}),
        dict(views={"surgery": OptionView(risks="infection")}),           # only view
        dict(views={"surgery": OptionView(risks="x"), "pt": OptionView(risks="y")}),  # no pick
    )
    table = compare.comparison_table(case)
    assert list(table.loc[LABEL["risks"]].fillna("-")) == ["sore muscles", "infection", "-"]
    assert table.loc[LABEL["recommendation"]].iloc[1] is pd.NA
    assert all(dtype == "string" for dtype in table.dtypes)


def test_blank_answers_are_missing():
    table = compare.comparison_table(case_with(dict(diagnosis="   ", what_if_wait="")))
    assert table.isna().all().all()


def test_duplicate_clinician_labels_are_told_apart():
    same = [Clinician(id=f"d{i}", name="Dr Smith") for i in range(3)]
    other = Clinician(id="d3", name="Dr Smith", role=Role.primary)
    case = case_with(*[dict(diagnosis="x")] * 4, clinicians=[*same, other])
    assert list(compare.comparison_table(case).columns) == [
        "Dr Smith (Second opinion)", "Dr Smith (Second opinion) #2",
        "Dr Smith (Second opinion) #3", "Dr Smith (My primary doctor)",
    ]


def test_latest_opinion_of_a_clinician_counts():
    case = case_with(dict(diagnosis="old"), dict(diagnosis="new", clinician_id="d0"),
                     clinicians=[Clinician(id="d0", name="Dr A")])
    assert list(compare.comparison_table(case).loc[LABEL["diagnosis"]]) == ["new"]


def test_no_opinions_gives_empty_tables():
    case = case_with()
    assert compare.comparison_table(case).shape == (len(ASPECTS), 0)
    assert compare.options_table(case).shape == (2, 0)
    assert set(compare.agreement(case)["status"]) == {"not asked"}
    assert compare.guidance(case) == [GUIDE["not_enough"], GUIDE["your_choice"]]


# -- options_table -------------------------------------------------------------------------

def test_options_table():
    case = case_with(
        dict(recommended_option="pt", views={"pt": OptionView(benefits="stronger", daily_now="2 visits a week",
                                                               daily_later="home exercises"),
                                             "surgery": OptionView(daily_later="stiff back")}),
        dict(views={"surgery": OptionView(risks="infection")}),
    )
    table = compare.options_table(case)
    fields = TEXT["options_fields"]
    assert list(table.index) == ["Surgery", "Physical therapy"]
    assert table.columns.nlevels == 2
    assert list(table.columns.get_level_values(1)[:4]) == list(fields.values())
    a, b = "Dr A (Second opinion)", "Dr B (Second opinion)"
    assert table.loc["Physical therapy", (a, fields["recommended"])] == "Yes"
    assert table.loc["Surgery", (a, fields["recommended"])] == "No"
    assert table.loc["Surgery", (b, fields["recommended"])] is pd.NA  # B recommended nothing
    assert table.loc["Physical therapy", (a, fields["daily"])] == "Now: 2 visits a week\nLater: home exercises"
    assert table.loc["Surgery", (a, fields["daily"])] == "Later: stiff back"
    assert table.loc["Surgery", (b, fields["risks"])] == "infection"
    assert table.loc["Physical therapy", (b, fields["benefits"])] is pd.NA


# -- agreement -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Herniated disc, L4-L5.", "herniated  disc L4 L5", "agree"),
        ("Torn meniscus", "TORN MENISCUS!", "agree"),
        ("Torn meniscus", "Arthritis", "differ"),
        ("Torn meniscus", "", "not asked"),
        ("", "", "not asked"),
    ],
)
def test_diagnosis_compared_after_normalizing(first, second, expected):
    assert status(case_with(dict(diagnosis=first), dict(diagnosis=second)), "diagnosis") == expected


def test_recommendation_compared_by_option_id():
    same_name = [Option(id="a", name="Rest"), Option(id="b", name="Rest")]
    differ = case_with(dict(recommended_option="a"), dict(recommended_option="b"), options=same_name)
    assert status(differ, "recommendation") == "differ"
    agree = case_with(dict(recommended_option="a"), dict(recommended_option="a"), options=same_name)
    assert status(agree, "recommendation") == "agree"


def test_a_difference_shows_even_when_someone_did_not_answer():
    case = case_with(dict(diagnosis="A"), dict(diagnosis="B"), dict())
    table = compare.agreement(case)
    assert table.loc[LABEL["diagnosis"], "status"] == "differ"
    assert table.loc[LABEL["diagnosis"], "detail"] == (
        "Dr A (Second opinion): A\nDr B (Second opinion): B\nDr C (Second opinion): did not say"
    )


def test_only_one_opinion():
    table = compare.agreement(case_with(dict(diagnosis="Flu")))
    assert table.loc[LABEL["diagnosis"], "status"] == "only one opinion"
    assert table.loc[LABEL["diagnosis"], "detail"] == "Only Dr A (Second opinion) gave an opinion: Flu"
    assert table.loc[LABEL["risks"], "status"] == "not asked"
    assert compare.guidance(case_with(dict(diagnosis="Flu"))) == [GUIDE["not_enough"], GUIDE["your_choice"]]


def test_option_aspects_and_confidence_compared():
    case = case_with(
        dict(confidence="very_sure", recommended_option="pt", views={"pt": OptionView(cost="$30", risks="Sore")}),
        dict(confidence="very_sure", recommended_option="pt", views={"pt": OptionView(cost="$ 30.", risks="Pain")}),
    )
    assert status(case, "confidence") == "agree"
    assert status(case, "cost") == "agree"
    assert status(case, "risks") == "differ"
    assert status(case, "recovery") == "not asked"


def test_guidance_when_recommendation_is_missing():
    case = case_with(dict(diagnosis="Flu"), dict(diagnosis="flu", recommended_option="pt"))
    assert compare.guidance(case) == [GUIDE["incomplete"], GUIDE["your_choice"]]


def test_guidance_without_a_primary_doctor():
    lines = compare.guidance(case_with(dict(diagnosis="A"), dict(diagnosis="B"), kind=DecisionKind.new_medicine))
    assert GUIDE["talk_to_primary"] in lines
    assert any(line.startswith("A pharmacist") for line in lines)


# -- other professionals -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("kind", "decision", "expected", "not_expected"),
    [
        ("surgery", "Spinal fusion for my lower back?", ["A physical therapist", "A physiatrist"], ["A pharmacist"]),
        ("surgery", "Knee replacement", ["A sports medicine doctor"], ["A physiatrist"]),
        ("surgery", "Heart bypass", ["A cardiologist"], ["A physical therapist"]),
        ("surgery", "Remove a tumor in my lung", ["A medical oncologist"], []),
        ("surgery", "Remove my gallbladder", ["A doctor who treats this problem without surgery"], []),
        ("new_medicine", "A new pill for blood pressure", ["A pharmacist"], []),
        ("new_medicine", "Sleeping pills", ["A counselor"], []),
        ("medical_test", "BRCA gene test", ["A genetic counselor"], []),
        ("medical_test", "A CT scan of my belly", ["A radiologist"], []),
        ("special_treatment", "Chemotherapy", ["A palliative care team"], []),
        (None, "Something else entirely", ["A doctor in a different field"], []),
        (None, "My back hurts", ["A physiatrist"], ["A pharmacist"]),
    ],
)
def test_suggested_professionals(kind, decision, expected, not_expected):
    found = compare.suggested_professionals(Case(kind=kind, decision=decision))
    assert found and len(found) == len(set(found))
    for start in expected:
        assert any(s.startswith(start) for s in found), (start, found)
    for start in not_expected:
        assert not any(s.startswith(start) for s in found), (start, found)


def test_keywords_are_whole_words_and_diagnoses_count():
    assert not any("physiatrist" in s for s in
                   compare.suggested_professionals(Case(kind="surgery", decision="Feedback on discussion")))
    case = case_with(dict(diagnosis="Herniated disc"), kind=DecisionKind.surgery, decision="Surgery?")
    assert any(s.startswith("A physiatrist") for s in compare.suggested_professionals(case))


# -- option_fit ----------------------------------------------------------------------------

def fit_case(factors, fit, options=OPTIONS) -> Case:
    return Case(options=options, preferences=Preferences(factors=factors, fit=fit))


def test_option_fit_math_by_hand():
    factors = [Factor(id="pain", label="Less pain", weight=5), Factor(id="cost", label="Cost", weight=1),
               Factor(id="fun", label="Fun", weight=0)]
    options = [*OPTIONS, Option(id="wait", name="Wait"), Option(id="none", name="Unrated")]
    fit = {"surgery": {"pain": 4, "cost": 1, "fun": 5}, "pt": {"pain": 3, "cost": 4},
           "wait": {"fun": 5}}
    table = compare.option_fit(fit_case(factors, fit, options))
    assert list(table.columns) == ["Less pain", "Cost", "Fun", "score", "rank"]
    # surgery: (5*4 + 1*1 + 0*5) / 6 = 3.5; pt: (5*3 + 1*4) / 6 = 19/6
    assert table.loc["Surgery", "score"] == pytest.approx(3.5)
    assert table.loc["Physical therapy", "score"] == pytest.approx(19 / 6)
    assert math.isnan(table.loc["Wait", "score"])     # only a factor of weight 0 rated
    assert math.isnan(table.loc["Unrated", "score"])
    assert list(table["rank"].astype(object).fillna(0)) == [1, 2, 0, 0]
    assert table.loc["Physical therapy", "Fun"] is pd.NA


def test_option_fit_ties_share_a_rank_and_labels_never_collide():
    factors = [Factor(id="a", label="score", weight=2), Factor(id="b", label="score", weight=2)]
    table = compare.option_fit(fit_case(factors, {"surgery": {"a": 2, "b": 4}, "pt": {"a": 3, "b": 3}}))
    assert list(table.columns) == ["score #2", "score #3", "score", "rank"]
    assert list(table["score"]) == [3.0, 3.0]
    assert list(table["rank"]) == [1, 1]


# -- text kept verbatim, purity, size ------------------------------------------------------

def test_international_and_html_text_kept_verbatim(intl_case):
    before = intl_case.model_dump()
    table = compare.comparison_table(intl_case)
    column = "李明 (Second opinion)"
    assert list(table.columns) == [column]
    assert table.loc[LABEL["diagnosis"], column] == "半月板撕裂 — déchirure méniscale"
    assert table.loc[LABEL["recommendation"], column] == "物理治疗"
    options = compare.options_table(intl_case)
    attack = intl_case.opinions[0].views["o1"].risks
    assert "<img" in attack
    assert options.loc["Opération du genou", (column, "Risks")] == attack
    assert list(options.index) == ["Opération du genou", "物理治疗", "الانتظار"]
    assert list(compare.option_fit(intl_case).columns[:1]) == ["Pouvoir marcher 🚶"]
    assert "半月板撕裂" in compare.agreement(intl_case).loc[LABEL["diagnosis"], "detail"]
    assert intl_case.model_dump() == before


def big_case(n_clinicians=20, n_options=10) -> Case:
    options = [Option(id=f"o{j}", name=f"Option {j}") for j in range(n_options)]
    views = {o.id: OptionView(benefits=f"helps {o.id}", risks="some", daily_now="busy", cost="$")
             for o in options}
    opinions = [dict(diagnosis=f"Diagnosis {i % 3}", recommended_option=f"o{i % n_options}",
                     confidence="fairly_sure", views=views) for i in range(n_clinicians)]
    factors = [Factor(id=f"f{k}", label=f"Factor {k}", weight=k % 6) for k in range(8)]
    fit = {o.id: {f.id: (j + k) % 6 for k, f in enumerate(factors)} for j, o in enumerate(options)}
    return case_with(*opinions, options=options, kind=DecisionKind.surgery, decision="Back surgery",
                     preferences=Preferences(factors=factors, fit=fit))


def test_twenty_clinicians_ten_options_fast_and_pure():
    case = big_case()
    before = case.model_dump()
    start = time.perf_counter()
    assert compare.comparison_table(case).shape == (len(ASPECTS), 20)
    assert compare.options_table(case).shape == (10, 20 * 4)
    assert status(case, "diagnosis") == "differ"
    assert compare.guidance(case)[-1] == GUIDE["your_choice"]
    assert compare.option_fit(case).shape == (10, 8 + 2)
    assert time.perf_counter() - start < 2.0
    assert case.model_dump() == before


# -- questions left unanswered (uses sonb.questionnaire) -----------------------------------

def test_unanswered_questions_of_the_back_pain_example():
    from sonb import binding as B
    from sonb.questionnaire import index

    case = load_example("back_pain")
    table = compare.unanswered_table(case)
    cols = TEXT["unanswered_columns"]
    assert list(table.columns) == [cols["clinician"], cols["question"], cols["link_id"]]
    by_who = table.groupby(cols["clinician"])[cols["link_id"]].apply(set)
    hughes = by_who["Dr. Tom Hughes (First opinion)"]
    assert all("." in link for link in hughes)  # he answered every question of the form ...
    assert "spinal-fusion.cost" not in hughes and "microdiscectomy.cost" in hughes  # ... not each choice's
    assert {"insurance", "surgeon_experience", "spinal-fusion.cost"} <= by_who[
        "Dr. Grace Okafor (Second opinion)"]
    assert not any(link.startswith("wait-and-see.") for link in by_who["Sam Lindqvist "
                                                                       "(Another kind of professional)"])
    assert "my_questions" not in set(table[cols["link_id"]])
    names = {o.id: o.name for o in case.options}
    for link, question in zip(table[cols["link_id"]], table[cols["question"]]):
        text = index(B.OPINION.form(case, "dr-okafor"))[link]["text"]
        option = link.split(".")[0] if "." in link else None
        assert question == (f"{names[option]}: {text}" if option else text)


def test_unanswered_follows_enable_when():
    base = load_example("knee_mri").opinions[0].answers
    answers = {**base, "changes_treatment": False}
    answers.pop("changes_treatment_explain")
    case = case_with(dict(form_kind="medical_test", answers=answers, diagnosis="Torn meniscus"))
    links = list(compare.unanswered_table(case)[TEXT["unanswered_columns"]["link_id"]])
    assert links == ["date", "recommended_option", "confidence", "what_if_wait"]
    # the explanation is hidden when the answer is "no"; nothing about a choice was said
    assert compare.unanswered_table(case_with()).empty
