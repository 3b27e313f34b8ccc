"""sonb.suggest: other kinds of professional that fit the decision (data/other_professionals.csv).

Each decision below is written for this test, with the professionals that would be sensible to
ask about it (`ok`) and some that would be wrong (`never`). A suggestion outside `ok` is wrong,
unless it is one of the generic lines (rows with no keywords) or an always-added row (`*`). A
decision counts as sensible when at least one suggestion is a topical one from `ok`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sonb._datafiles import table, texts
from sonb.model import Case, Clinician, DecisionKind, Opinion, Option
from sonb.suggest import suggested_professionals

# The start of each professional's name in the csv (an acceptable or a forbidden suggestion).
PT = "A physical therapist"
PHYSIATRIST = "A physiatrist"
PAIN = "A pain specialist"
SPORTS = "A sports medicine doctor"
RHEUM = "A rheumatologist"
CARDIO = "A cardiologist"
CARDIAC_REHAB = "A cardiac rehab team"
DIET = "A registered dietitian"
OBESITY = "An obesity medicine doctor"
COUNSELOR = "A counselor or therapist"
GI = "A gastroenterologist"
PCP = "A primary care doctor"
GYN = "A gynecologist"
IR = "An interventional radiologist"
PELVIC_PT = "A pelvic floor physical therapist"
MED_ONC = "A medical oncologist"
RAD_ONC = "A radiation oncologist"
PALLIATIVE = "A palliative care team"
SURVEILLANCE = "A doctor who offers active surveillance"
PEDIATRICIAN = "A pediatrician"
PED_AUDIOLOGIST = "A pediatric audiologist"
SPEECH = "A speech and language therapist"
AUDIOLOGIST = "An audiologist"
PED_SLEEP = "A pediatric sleep doctor"
PED_PT = "A pediatric physical therapist"
PED_SPORTS = "A pediatric sports medicine doctor"
ORTHOTIST = "An orthotist"
PED_CARDIO = "A pediatric cardiologist"
PED_ONC = "A pediatric oncologist"
CHILD_PSYCH = "A child psychiatrist"
NEPHRO = "A nephrologist"
OPTOMETRIST = "An optometrist"
ENDOCRINE = "An endocrinologist"
DERMATOLOGIST = "A dermatologist"
NEURO = "A neurologist"
PSYCHIATRIST = "A psychiatrist"
SLEEP = "A sleep specialist"
DENTIST = "A dentist"
DIABETES_ED = "A diabetes educator"
GENETIC = "A genetic counselor"
RADIOLOGIST = "A radiologist"
MFM = "A maternal-fetal medicine doctor"
KIDNEY_TEAM = "A kidney care team"
OT = "An occupational therapist"
UROLOGIST = "A urologist"
PHARMACIST = "A pharmacist"

ADULT_BACK_AND_JOINT = {PT, PHYSIATRIST, PAIN, SPORTS}


@dataclass
class Decision:
    kind: str | None
    decision: str
    ok: set[str]
    never: set[str] = field(default_factory=set)
    diagnosis: str = ""
    options: tuple[str, ...] = ()

    def case(self) -> Case:
        opinions = [Opinion(clinician_id="d1", diagnosis=self.diagnosis)] if self.diagnosis else []
        return Case(kind=self.kind, decision=self.decision, opinions=opinions,
                    clinicians=[Clinician(id="d1", name="Dr A")] if opinions else [],
                    options=[Option(name=name) for name in self.options])


S, M, T, X = (DecisionKind.surgery.value, DecisionKind.new_medicine.value,
              DecisionKind.medical_test.value, DecisionKind.special_treatment.value)

DECISIONS = {
    # -- surgery ------------------------------------------------------------------------------
    "herniated disc": Decision(S, "Should I have surgery for the herniated disc in my lower back?",
                               {PT, PHYSIATRIST, PAIN}, {PHARMACIST, MED_ONC},
                               options=("Spinal fusion surgery", "Microdiscectomy", "Wait and see")),
    "spinal fusion": Decision(S, "Spinal fusion for my lower back?", {PT, PHYSIATRIST, PAIN}, {PHARMACIST}),
    "back by diagnosis only": Decision(S, "Surgery?", {PT, PHYSIATRIST, PAIN}, diagnosis="Herniated disc"),
    "hernia, back to work": Decision(S, "Hernia repair so I can get back to work sooner?", {PCP},
                                     ADULT_BACK_AND_JOINT),
    "hernia under spinal anesthesia": Decision(S, "Inguinal hernia repair under spinal anesthesia", {PCP},
                                               ADULT_BACK_AND_JOINT),
    "heart bypass": Decision(S, "Heart bypass surgery or more stents?", {CARDIO, CARDIAC_REHAB},
                             {DIET, OBESITY, COUNSELOR, PT}),
    "heart bypass, short": Decision(S, "Heart bypass", {CARDIO, CARDIAC_REHAB}, {PT}),
    "heart valve replacement": Decision(S, "Heart valve replacement", {CARDIO, CARDIAC_REHAB}, {PT, SPORTS}),
    "pacemaker": Decision(S, "Should I get a pacemaker for my slow heart rhythm?", {CARDIO, CARDIAC_REHAB}),
    "gastric bypass": Decision(S, "Gastric bypass surgery to lose weight", {DIET, OBESITY, COUNSELOR},
                               {CARDIO, CARDIAC_REHAB}),
    "sleeve, heart set on it": Decision(S, "A gastric sleeve. My heart is set on it.",
                                        {DIET, OBESITY, COUNSELOR}, {CARDIO, CARDIAC_REHAB}),
    "bariatric with bmi": Decision(S, "Bariatric surgery? My body mass index is 41.",
                                   {DIET, OBESITY, COUNSELOR}, {MED_ONC, RAD_ONC, CARDIO}),
    "knee replacement, body mass index": Decision(S, "Knee replacement. My body mass index is 34.",
                                                  {PT, SPORTS}, {MED_ONC, RAD_ONC, PHYSIATRIST}),
    "knee replacement": Decision(S, "Knee replacement", {PT, SPORTS}, {PHYSIATRIST}),
    "hip replacement, kneel": Decision(S, "Hip replacement? I can't kneel or walk far.", {PT, SPORTS}),
    "rotator cuff": Decision(S, "Rotator cuff repair for my shoulder", {PT, SPORTS}),
    "knee, keep up with my kids": Decision(S, "Knee replacement so I can keep up with my kids",
                                           {PT, SPORTS}, {PEDIATRICIAN, PED_PT}),
    "hip, grandchildren": Decision(S, "Hip replacement so I can play with my grandchildren",
                                   {PT, SPORTS}, {PEDIATRICIAN}),
    "gallbladder, lump of stones": Decision(S, "Take out my gallbladder? The scan showed a lump of stones.",
                                            {GI, DIET, PCP}, {MED_ONC, RAD_ONC, NEPHRO}),
    "gallbladder": Decision(S, "Remove my gallbladder", {GI, DIET, PCP}),
    "gallstones": Decision(S, "Surgery for gallstones", {GI, DIET, PCP}, {NEPHRO, MED_ONC}),
    "fibroids, benign mass": Decision(S, "Hysterectomy for fibroids", {GYN, IR},
                                      {MED_ONC, RAD_ONC, PALLIATIVE},
                                      diagnosis="Fibroids, a benign mass in the uterus"),
    "fibroid tumor": Decision(S, "Myomectomy for a fibroid tumor", {GYN, IR}, {MED_ONC, RAD_ONC}),
    "endometriosis": Decision(S, "Surgery for endometriosis", {GYN, PELVIC_PT}, {MED_ONC, PT}),
    "breast cancer": Decision(S, "Lumpectomy for breast cancer", {MED_ONC, RAD_ONC}, {GYN, PEDIATRICIAN}),
    "benign liver tumor": Decision(S, "Remove a benign tumor in my liver", set(), {MED_ONC, RAD_ONC}),
    "non-cancerous nodule": Decision(S, "Surgery for a non-cancerous thyroid nodule", {ENDOCRINE},
                                     {MED_ONC, RAD_ONC}),
    "lung tumor": Decision(S, "Remove a tumor in my lung", {MED_ONC, RAD_ONC}),
    "suspicious mass": Decision(S, "Surgery for a suspicious mass in my pancreas", {MED_ONC, RAD_ONC}),
    "enlarged prostate": Decision(S, "TURP surgery for an enlarged prostate", {PCP, IR},
                                  {MED_ONC, RAD_ONC, SURVEILLANCE}),
    "prostate cancer surgery": Decision(S, "Radical prostatectomy for prostate cancer",
                                        {MED_ONC, RAD_ONC, SURVEILLANCE}, {IR}),
    "kidney stone": Decision(S, "Laser surgery for a kidney stone", {NEPHRO, DIET}, {GI}),
    "tonsil stones (adult)": Decision(S, "Tonsil stones: should I have my tonsils out?", {PCP},
                                      {NEPHRO, PEDIATRICIAN}),
    "cataract": Decision(S, "Cataract surgery on my left eye", {OPTOMETRIST}),
    "goiter": Decision(S, "Thyroid surgery for a goiter", {ENDOCRINE}),
    "lipoma on shoulder": Decision(S, "Remove a fatty lump (lipoma) on my shoulder", {DERMATOLOGIST},
                                   {PT, SPORTS, MED_ONC}),
    "hiatal hernia": Decision(S, "Hiatal hernia repair for reflux", {GI, DIET}, {PT, PCP}),
    "sleep apnea surgery": Decision(S, "Surgery for sleep apnea", {SLEEP, DENTIST}),
    "appendix (nothing topical)": Decision(S, "Should I have my appendix out or take antibiotics?", set(),
                                           ADULT_BACK_AND_JOINT),
    # -- children -------------------------------------------------------------------------------
    "ear tubes, 4-year-old": Decision(S, "Ear tubes for my 4-year-old son", {PEDIATRICIAN, PED_AUDIOLOGIST, SPEECH},
                                      ADULT_BACK_AND_JOINT | {AUDIOLOGIST}),
    "tonsils, daughter": Decision(S, "Should my daughter have her tonsils out?", {PEDIATRICIAN, PED_SLEEP},
                                  ADULT_BACK_AND_JOINT | {PCP}),
    "adenoids, toddler snores": Decision(S, "Remove the adenoids? Our toddler snores a lot.",
                                         {PEDIATRICIAN, PED_SLEEP}, ADULT_BACK_AND_JOINT | {SLEEP, DENTIST}),
    "acl, 15-year-old": Decision(S, "ACL surgery for my 15-year-old", {PEDIATRICIAN, PED_PT, PED_SPORTS},
                                 ADULT_BACK_AND_JOINT),
    "scoliosis, daughter": Decision(S, "Scoliosis surgery for my daughter",
                                    {PEDIATRICIAN, PED_PT, PED_SPORTS, ORTHOTIST}, ADULT_BACK_AND_JOINT),
    "baby's heart": Decision(S, "Heart surgery for my baby's heart defect", {PEDIATRICIAN, PED_CARDIO},
                             {CARDIO, CARDIAC_REHAB}),
    "baby's hernia": Decision(S, "Umbilical hernia repair for my baby", {PEDIATRICIAN}, {PCP, PT}),
    "hearing test, 2-year-old": Decision(T, "Hearing test for my 2-year-old daughter",
                                         {PEDIATRICIAN, PED_AUDIOLOGIST, SPEECH}, {AUDIOLOGIST, PT}),
    "adhd, 8-year-old": Decision(M, "ADHD medicine for my 8-year-old", {PEDIATRICIAN, COUNSELOR, CHILD_PSYCH},
                                 {PSYCHIATRIST}),
    "son's leukemia": Decision(X, "Chemo for my son's leukemia", {PEDIATRICIAN, PED_ONC},
                               {MED_ONC, RAD_ONC}),
    # -- new medicines --------------------------------------------------------------------------
    "blood pressure pill": Decision(M, "A new pill for blood pressure", {DIET}, {PT, CARDIAC_REHAB}),
    "statin": Decision(M, "A statin for high cholesterol", {DIET}),
    "metformin": Decision(M, "Metformin for type 2 diabetes", {DIET, DIABETES_ED}),
    "weight loss shots": Decision(M, "Weight loss shots (semaglutide)", {DIET, COUNSELOR}, {CARDIO}),
    "sleeping pills": Decision(M, "Sleeping pills", {COUNSELOR, SLEEP}),
    "antidepressant": Decision(M, "An antidepressant for depression and anxiety", {COUNSELOR, PSYCHIATRIST}),
    "opioids for knee pain": Decision(M, "Opioid pills for my knee pain after a fall", {PAIN, PT, SPORTS}),
    "blood thinner": Decision(M, "A blood thinner for atrial fibrillation", {CARDIO, DIET}),
    "migraine": Decision(M, "Medicine to prevent migraines", {PAIN, NEURO}),
    "levothyroxine": Decision(M, "Thyroid pills (levothyroxine)", {ENDOCRINE}),
    "glaucoma drops": Decision(M, "Eye drops for glaucoma", {OPTOMETRIST}),
    "heartburn": Decision(M, "A new medicine for heartburn", {GI, DIET}, {CARDIO, CARDIAC_REHAB}),
    "rheumatoid arthritis": Decision(M, "A new medicine for rheumatoid arthritis", {RHEUM}),
    "kidney stone pills": Decision(M, "Pills to stop kidney stones", {NEPHRO, DIET}),
    # -- medical tests -------------------------------------------------------------------------
    "mri of the back": Decision(T, "MRI of my lower back", {PT, PHYSIATRIST, RADIOLOGIST}),
    "mri of the knee": Decision(T, "Should I get an MRI scan of my right knee?", {PT, SPORTS, RADIOLOGIST},
                                diagnosis="Possible torn meniscus"),
    "x-ray of the shoulder": Decision(T, "An x-ray of my shoulder", {PT, SPORTS, RADIOLOGIST}),
    "bone density, kneeling": Decision(T, "A bone density scan, since kneeling is hard now", {RADIOLOGIST},
                                       {PT, SPORTS}),
    "brca": Decision(T, "BRCA gene test", {GENETIC}),
    "stress test": Decision(T, "A stress test for chest pain", {CARDIO, PCP}, {COUNSELOR}),
    "echo, heart set on": Decision(T, "An echocardiogram. My heart is set on running again.", {CARDIO, PCP}),
    "ct of the belly": Decision(T, "A CT scan of my belly", {RADIOLOGIST}),
    "colon cancer screening": Decision(T, "Colonoscopy or a stool test to screen for colon cancer", {PCP},
                                       {MED_ONC, RAD_ONC, SURVEILLANCE}),
    "mammogram": Decision(T, "A mammogram every year or every two years?", {PCP, RADIOLOGIST}),
    "psa test": Decision(T, "A PSA test to check for prostate cancer", {PCP}, {SURVEILLANCE, MED_ONC}),
    "sleep study": Decision(T, "A sleep study at home or in a lab? I snore.", {SLEEP, DENTIST}),
    "amniocentesis": Decision(T, "Amniocentesis at 16 weeks of pregnancy", {MFM, GENETIC}, {PEDIATRICIAN}),
    "cell-free dna": Decision(T, "A cell-free DNA test for my baby during pregnancy", {MFM, GENETIC},
                              {PEDIATRICIAN}),
    "lumbar puncture": Decision(T, "A lumbar puncture to check for meningitis", set(), ADULT_BACK_AND_JOINT),
    # -- special treatments ---------------------------------------------------------------------
    "chemotherapy": Decision(X, "Chemotherapy", {PALLIATIVE, MED_ONC, RAD_ONC}),
    "radiation for prostate cancer": Decision(X, "Radiation for prostate cancer",
                                              {PALLIATIVE, MED_ONC, RAD_ONC, SURVEILLANCE}),
    "dialysis": Decision(X, "Dialysis for kidney failure", {KIDNEY_TEAM, PALLIATIVE, DIET}),
    "ivf": Decision(X, "IVF to get pregnant", {COUNSELOR, UROLOGIST, GENETIC}, {MFM, PEDIATRICIAN}),
    "epidural steroid shot": Decision(X, "An epidural steroid shot for sciatica", {PT, PHYSIATRIST}),
    "cortisone shot in the knee": Decision(X, "A cortisone shot in my knee", {PT, SPORTS}),
    "rehab after stroke": Decision(X, "Inpatient rehab after a stroke", {PHYSIATRIST, OT}),
    "rehab after hip replacement": Decision(X, "Rehab after my hip replacement", {PHYSIATRIST, OT, PT, SPORTS}),
    # -- no kind given --------------------------------------------------------------------------
    "back, no kind": Decision(None, "My back hurts", {PT, PHYSIATRIST, PAIN}, {PHARMACIST}),
    "nothing topical, no kind": Decision(None, "Something else entirely", set()),
}

TEMPLATE = texts("aspects")["suggestion"]
GENERIC = {TEMPLATE.format(**r) for r in table("other_professionals") if not r["keywords"]}
ALWAYS = {TEMPLATE.format(**r) for r in table("other_professionals") if r["keywords"] == "*"}


def judge(decision: Decision) -> tuple[list[str], list[str], list[str]]:
    """(all suggestions, the wrong ones, the sensible topical ones) for one decision."""
    found = suggested_professionals(decision.case())
    topical = [s for s in found if s not in GENERIC | ALWAYS]
    wrong = [s for s in topical if not s.startswith(tuple(decision.ok))]
    wrong += [s for s in found if s.startswith(tuple(decision.never)) and s not in wrong]
    sensible = [s for s in topical if s.startswith(tuple(decision.ok))]
    return found, wrong, sensible


def summary() -> dict[str, int]:
    """How the table does on the decisions above: how many, how many with a wrong suggestion,
    how many with at least one sensible topical suggestion."""
    judged = [judge(d) for d in DECISIONS.values()]
    return {"decisions": len(judged), "wrong": sum(bool(w) for _, w, _ in judged),
            "sensible": sum(bool(s) for _, _, s in judged)}


@pytest.mark.parametrize("name", DECISIONS)
def test_no_wrong_suggestion(name):
    found, wrong, _ = judge(DECISIONS[name])
    assert found and len(found) == len(set(found))
    assert not wrong, (wrong, found)


@pytest.mark.parametrize("name", [n for n, d in DECISIONS.items() if d.ok])
def test_a_sensible_topical_suggestion(name):
    _, _, sensible = judge(DECISIONS[name])
    assert sensible


def test_summary_counts(capsys):
    counts = summary()
    with capsys.disabled():
        print(f"\nsuggestions: {counts['decisions']} decisions, {counts['wrong']} with a wrong suggestion, "
              f"{counts['sensible']} with a sensible topical one "
              f"({counts['sensible'] / counts['decisions']:.0%})")
    assert counts["decisions"] >= 45
    assert counts["wrong"] == 0
    assert counts["sensible"] >= 0.9 * counts["decisions"]


# -- the table and the rules --------------------------------------------------------------

def test_every_row_is_well_formed():
    rows = table("other_professionals")
    topics = {r["topic"] for r in rows}
    kinds = {k.value for k in DecisionKind} | {"any"}
    for row in rows:
        assert row["kind"] in kinds and row["topic"] and row["professional"] and row["why"], row
        cells = [row["require"], row["exclude"]] + ([row["keywords"]] if row["keywords"] != "*" else [])
        for phrase in (p for cell in cells if cell for p in cell.split("|")):
            assert phrase and phrase == phrase.strip() and phrase != "*", (phrase, row)
            assert not phrase.startswith("@") or phrase[1:] in topics, (phrase, row)
    assert {r["kind"] for r in rows if not r["keywords"]} >= {"any", "surgery"}


def test_general_lines_name_no_specialty():
    assert GENERIC and not any("therapist" in line or "ologist" in line for line in GENERIC)
    surgery = suggested_professionals(Case(kind="surgery", decision="Feedback on discussion"))
    assert surgery == [TEMPLATE.format(**r) for r in table("other_professionals")
                       if not r["keywords"] and r["kind"] == "surgery"]


def test_phrases_are_whole_stemmed_words_in_order():
    def suggests(start: str, decision: str) -> bool:
        return any(s.startswith(start) for s in suggested_professionals(Case(kind="surgery", decision=decision)))

    assert suggests(PT, "Surgery on both knees")  # "knees" -> "knee"
    assert not suggests(PT, "Surgery so I can kneel again")  # "kneel" is not "knee"
    assert not suggests(PT, "Surgery to get back to work")  # "back" alone is no topic
    assert suggests(GI, "Surgery for gall stones")  # a phrase of two words, in order
    assert not suggests(GI, "Surgery for stones; gall is a word I like")


def test_diagnoses_and_option_names_count():
    case = Case(kind="surgery", decision="Surgery?", clinicians=[Clinician(id="d1", name="Dr A")],
                opinions=[Opinion(clinician_id="d1", diagnosis="Herniated disc")])
    assert any(s.startswith(PHYSIATRIST) for s in suggested_professionals(case))
    case = Case(kind="surgery", decision="What should I do?", options=[Option(name="Gastric sleeve")])
    assert any(s.startswith(DIET) for s in suggested_professionals(case))


def test_a_pharmacist_for_every_new_medicine_and_each_professional_once():
    found = suggested_professionals(Case(kind="new_medicine", decision="Metformin for diabetes and weight loss"))
    assert any(s.startswith(PHARMACIST) for s in found)
    assert len({s.split(" (")[0].split(".")[0] for s in found}) == len(found)


def test_the_most_specific_topic_comes_first():
    found = suggested_professionals(Case(kind="surgery", decision="Herniated disc in my lower back, spinal "
                                                                   "stenosis; my hip muscles are weak"))
    assert found[0].startswith(PT) and found[1].startswith(PHYSIATRIST)


def test_the_back_pain_example_gets_back_experts():
    from sonb.examples import load_example

    found = suggested_professionals(load_example("back_pain"))
    assert found[0].startswith(PT + ".") and found[1].startswith(PHYSIATRIST)
    # "weak core and hip muscles" in one note is a side remark, not a joint problem
    assert not any("joint" in line for line in found)


if __name__ == "__main__":  # python tests/unit/test_suggestions.py: the numbers only
    print(summary())
