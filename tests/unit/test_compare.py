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


GENERAL = [a["label"] for a in TEXT["aspects"] if a["source"] == "opinion"]
OVERALL = TEXT["general_topic"]


def status(case: Case, key: str, option: str | None = None) -> str:
    return compare.agreement(case).loc[(option or OVERALL, LABEL[key]), "status"]


def detail(case: Case, key: str, option: str | None = None) -> str:
    return compare.agreement(case).loc[(option or OVERALL, LABEL[key]), "detail"]


def judged(case: Case, about: str, verdict: str, who=("d0", "d1")) -> Case:
    from sonb import binding as B

    return B.JUDGEMENT.write(case, f"{about}|{who[0]}|{who[1]}", {"same": verdict})


# -- the two examples ----------------------------------------------------------------------

def test_back_pain_surgeons_name_the_same_problem_and_suggest_different_choices():
    case = load_example("back_pain")
    pair = compare.pairs(case)["diagnosis|dr-hughes|dr-okafor"]
    assert (pair.first.text, pair.second.text) == (
        "Herniated disc at L4-L5 with sciatica", "Sciatica from an L4/5 disc herniation")
    assert pair.auto == "same" and pair.verdict == "same"
    assert status(case, "recommendation") == "differ"
    assert status(case, "diagnosis") == "check"  # the physical therapist says less: ask
    detail_ = detail(case, "recommendation")
    assert "Dr. Tom Hughes (First opinion): Spinal fusion surgery" in detail_
    assert "Dr. Grace Okafor (Second opinion): Physical therapy" in detail_
    lines = compare.guidance(case)
    assert lines[0] == GUIDE["diagnosis_group"].format(
        who="Dr. Tom Hughes and Dr. Grace Okafor", what=": “Herniated disc at L4-L5 with sciatica”")
    assert lines[1] == GUIDE["diagnosis_check_one"].format(
        who="Sam Lindqvist", others="Dr. Tom Hughes and Dr. Grace Okafor")
    assert GUIDE["recommendation_differ"] in lines
    assert "Dr. Tom Hughes suggests: Spinal fusion surgery." in lines
    assert "Dr. Grace Okafor and Sam Lindqvist suggest: Physical therapy." in lines
    assert GUIDE["talk_to_primary_named"].format(name="Dr. Maya Patel") in lines
    assert any(line.startswith("A physical therapist") for line in lines)
    assert lines[-1] == GUIDE["your_choice"]


def test_the_patient_decides_what_sonb_cannot_tell_and_can_overrule_it():
    case = load_example("back_pain")
    pt = "diagnosis|dr-hughes|pt-lindqvist", "diagnosis|dr-okafor|pt-lindqvist"
    from sonb import binding as B

    for target in pt:
        case = B.JUDGEMENT.write(case, target, {"same": "same"})
    assert status(case, "diagnosis") == "agree"
    lines = compare.guidance(case)
    assert lines[0].startswith("Dr. Tom Hughes, Dr. Grace Okafor and Sam Lindqvist name the same problem")
    assert "You said Dr. Tom Hughes and Sam Lindqvist said the same thing." in detail(case, "diagnosis")
    # sonb's own "same" is overruled too, and "not sure" gives sonb's verdict back
    case = B.JUDGEMENT.write(case, "diagnosis|dr-hughes|dr-okafor", {"same": "differ"})
    assert status(case, "diagnosis") == "differ"
    assert GUIDE["diagnosis_differ_one"].format(  # you said Okafor differs from Hughes
        who="Dr. Grace Okafor", others="Dr. Tom Hughes and Sam Lindqvist") in compare.guidance(case)
    case = B.JUDGEMENT.write(case, "diagnosis|dr-hughes|dr-okafor", {"same": "unsure"})
    assert status(case, "diagnosis") == "agree"


def test_a_judgement_holds_only_while_the_answers_stay_the_same():
    case = judged(case_with(dict(diagnosis="Back strain"), dict(diagnosis="Pulled muscle in my back")),
                  "diagnosis", "same")
    assert status(case, "diagnosis") == "agree"
    changed = case.model_copy(update={"opinions": [
        case.opinions[0], case.opinions[1].model_copy(update={"diagnosis": "Broken vertebra"})]})
    assert status(changed, "diagnosis") != "agree"
    assert compare.pairs(changed)["diagnosis|d0|d1"].yours is None


def test_knee_doctors_agree():
    case = load_example("knee_mri")
    assert status(case, "diagnosis") == "agree"
    assert status(case, "recommendation") == "agree"
    assert detail(case, "recommendation") == TEXT["agreement"]["agree"].format(what="MRI of the knee")
    assert compare.guidance(case)[-1] == GUIDE["agree"]
    assert compare.guidance(case)[0].startswith("Dr. Rosa Alvarez and Dr. Ben Carter name the same problem")


def test_back_pain_comparison_table():
    table = compare.comparison_table(load_example("back_pain"))
    assert list(table.index) == GENERAL
    assert list(table.columns) == [
        "Dr. Tom Hughes (First opinion)",
        "Dr. Grace Okafor (Second opinion)",
        "Sam Lindqvist (Another kind of professional)",
    ]  # the primary doctor gave no opinion
    hughes = table["Dr. Tom Hughes (First opinion)"]
    assert hughes[LABEL["recommendation"]] == "Spinal fusion surgery"
    assert hughes[LABEL["confidence"]] == "Very sure"


# -- per-option aspects compare the same option across doctors -----------------------------

def test_each_option_is_compared_across_the_doctors_who_talked_about_it():
    case = case_with(
        dict(recommended_option="pt", views={"surgery": OptionView(risks="Infection"),
                                             "pt": OptionView(risks="Sore muscles")}),
        dict(recommended_option="surgery", views={"surgery": OptionView(risks="infection."),
                                                  "pt": OptionView(risks="Sore muscles for a week")}),
        dict(views={"pt": OptionView(cost="$30 a visit")}),
    )
    assert status(case, "risks", "Surgery") == "agree"      # the same option, the same words
    assert status(case, "risks", "Physical therapy") == "check"
    assert status(case, "recommendation") == "differ"
    assert status(case, "cost", "Physical therapy") == "not asked"  # A and B talked of it, not its cost
    table = compare.options_table(case)
    a, b, c = "Dr A (Second opinion)", "Dr B (Second opinion)", "Dr C (Second opinion)"
    assert table.loc[("Surgery", LABEL["risks"]), a] == "Infection"
    assert table.loc[("Surgery", LABEL["risks"]), b] == "infection."
    assert table.loc[("Surgery", TEXT["options_fields"]["recommended"]), b] == "Yes"
    assert table.loc[("Surgery", TEXT["options_fields"]["recommended"]), c] is pd.NA
    assert table.loc[("Physical therapy", LABEL["cost"]), c] == "$30 a visit"
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


def test_a_right_to_left_name_keeps_its_place_beside_its_role():
    case = case_with(dict(diagnosis="x"), clinicians=[
        Clinician(id="d0", name="د. سارة", role=Role.other_professional)])
    assert list(compare.comparison_table(case).columns) == [
        "\u2068د. سارة\u2069 (Another kind of professional)"]


def test_latest_opinion_of_a_clinician_counts():
    case = case_with(dict(diagnosis="old"), dict(diagnosis="new", clinician_id="d0"),
                     clinicians=[Clinician(id="d0", name="Dr A")])
    assert list(compare.comparison_table(case).loc[LABEL["diagnosis"]]) == ["new"]


def test_no_opinions_gives_empty_tables():
    case = case_with()
    assert compare.comparison_table(case).shape == (len(GENERAL), 0)
    assert compare.options_table(case).shape == (0, 0)
    assert set(compare.agreement(case)["status"]) == {"not asked"}
    assert compare.guidance(case) == [GUIDE["not_enough"], GUIDE["your_choice"]]


# -- agreement -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Herniated disc, L4-L5.", "herniated  disc L4 L5", "agree"),
        ("Torn meniscus", "TORN MENISCUS!", "agree"),
        ("High blood pressure", "Hypertension", "agree"),
        ("Torn meniscus", "Gout", "differ"),
        ("Left knee arthritis", "Right knee arthritis", "differ"),
        ("Herniated disc", "Herniated disc with sciatica", "check"),
        ("Torn meniscus", "", "not asked"),
        ("", "", "not asked"),
    ],
)
def test_diagnosis_compared_by_meaning(first, second, expected):
    assert status(case_with(dict(diagnosis=first), dict(diagnosis=second)), "diagnosis") == expected


def test_recommendation_compared_by_option_id():
    same_name = [Option(id="a", name="Rest"), Option(id="b", name="Rest")]
    differ = case_with(dict(recommended_option="a"), dict(recommended_option="b"), options=same_name)
    assert status(differ, "recommendation") == "differ"
    agree = case_with(dict(recommended_option="a"), dict(recommended_option="a"), options=same_name)
    assert status(agree, "recommendation") == "agree"
    assert not [t for t in compare.pairs(agree) if t.startswith("recommendation")]  # not asked


def test_a_difference_shows_even_when_someone_did_not_answer():
    case = case_with(dict(diagnosis="Gallstones"), dict(diagnosis="Kidney stones"), dict())
    assert status(case, "diagnosis") == "differ"
    assert detail(case, "diagnosis") == (
        "Dr A (Second opinion): Gallstones\nDr B (Second opinion): Kidney stones\n"
        "Dr C (Second opinion): did not say")
    assert GUIDE["diagnosis_missing"].format(who="Dr C") in compare.guidance(case)


def test_only_one_opinion():
    case = case_with(dict(diagnosis="Flu"))
    assert status(case, "diagnosis") == "only one opinion"
    assert detail(case, "diagnosis") == "Only Dr A (Second opinion) gave an opinion: Flu"
    assert compare.guidance(case) == [GUIDE["not_enough"], GUIDE["your_choice"]]


def test_confidence_and_cost_compared():
    case = case_with(
        dict(confidence="very_sure", recommended_option="pt", views={"pt": OptionView(cost="$30", risks="Sore")}),
        dict(confidence="very_sure", recommended_option="pt", views={"pt": OptionView(cost="$ 30.", risks="Pain")}),
    )
    assert status(case, "confidence") == "agree"
    assert status(case, "cost", "Physical therapy") == "agree"
    assert status(case, "risks", "Physical therapy") in ("check", "differ")
    assert (OVERALL, LABEL["recovery"]) not in compare.agreement(case).index  # nobody said


def test_guidance_when_recommendation_is_missing():
    case = case_with(dict(diagnosis="Flu"), dict(diagnosis="flu", recommended_option="pt"))
    lines = compare.guidance(case)
    assert GUIDE["recommendation_missing"].format(who="Dr A") in lines
    assert lines[-2:] == [GUIDE["incomplete"], GUIDE["your_choice"]]


def test_guidance_without_a_primary_doctor():
    lines = compare.guidance(case_with(dict(diagnosis="Gout"), dict(diagnosis="Lupus"),
                                       kind=DecisionKind.new_medicine))
    assert GUIDE["talk_to_primary"] in lines
    assert any(line.startswith("A pharmacist") for line in lines)


# -- other professionals: tests/unit/test_suggestions.py (sonb.suggest) ---------------------

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
    assert list(table.columns) == ["Less pain", "Cost", "Fun", "score"]  # no ranking
    # surgery: (5*4 + 1*1 + 0*5) / 6 = 3.5; pt: (5*3 + 1*4) / 6 = 19/6
    assert table.loc["Surgery", "score"] == pytest.approx(3.5)
    assert table.loc["Physical therapy", "score"] == pytest.approx(19 / 6)
    assert math.isnan(table.loc["Wait", "score"])     # only a factor of weight 0 rated
    assert math.isnan(table.loc["Unrated", "score"])
    assert list(table.index) == ["Surgery", "Physical therapy", "Wait", "Unrated"]  # case order
    assert table.loc["Physical therapy", "Fun"] is pd.NA


def test_option_fit_labels_never_collide():
    factors = [Factor(id="a", label="score", weight=2), Factor(id="b", label="score", weight=2)]
    table = compare.option_fit(fit_case(factors, {"surgery": {"a": 2, "b": 4}, "pt": {"a": 3, "b": 3}}))
    assert list(table.columns) == ["score #2", "score #3", "score"]
    assert list(table["score"]) == [3.0, 3.0]


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
    assert options.loc[("Opération du genou", "Risks"), column] == attack
    assert list(options.index.get_level_values(0).unique()) == ["Opération du genou", "物理治疗"]
    assert list(compare.option_fit(intl_case).columns[:1]) == ["Pouvoir marcher 🚶"]
    assert "半月板撕裂" in compare.agreement(intl_case).loc[(OVERALL, LABEL["diagnosis"]), "detail"]
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
    assert compare.comparison_table(case).shape == (len(GENERAL), 20)
    assert compare.options_table(case).shape == (10 * 5, 20)  # suggested?, benefits, risks, daily now, cost
    assert status(case, "diagnosis") == "differ"
    assert compare.guidance(case)[-1] == GUIDE["your_choice"]
    assert compare.option_fit(case).shape == (10, 8 + 1)  # each factor, and the score
    assert len(compare.pairs(case)) == 190 * (1 + 4 * 10)  # 20 doctors: 190 pairs per text
    assert time.perf_counter() - start < 20.0  # a bound against blow-ups; speed is in benchmarks/
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
    # he answered every question the form had when the example was written (not those added
    # to it since: how long in hospital, who operates, what if it fails, help at home) ...
    assert {link for link in hughes if "." not in link} == {
        "hospital_stay", "who_operates", "if_not_working", "help_at_home"}
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
    assert links == ["date", "recommended_option", "confidence", "what_if_wait",
                     "where_done", "needed_anyway", "after_result", "can_say_no", "need_driver"]
    # the explanation is hidden when the answer is "no", and "why have it anyway?" is asked
    # (the example answers neither, nor the other questions added since); nothing about a
    # choice was said
    assert compare.unanswered_table(case_with()).empty
