"""sonb.meaning: did two doctors say the same thing?

Two labelled sets of pairs, written by hand without looking at the code:
`tests/data/agreement_pairs.csv` (178 pairs; the data tables were extended after a first run on
it) and `tests/data/agreement_pairs_holdout.csv` (100 pairs, written later and never tuned on).
A wrong "same" is the worst mistake (the patient would think their doctors agree), so none is
allowed; a "check" (ask the patient) is allowed but counted.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from sonb.meaning import CHECK, DIFFER, SAME, read, same_meaning

DATA = Path(__file__).parent.parent / "data"


def _pairs(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def score(name: str) -> Counter:
    """(expected, verdict) -> count for one labelled set."""
    return Counter((row["expected"], same_meaning(row["first"], row["second"]).kind)
                   for row in _pairs(name))


@pytest.mark.parametrize("name, least_right, most_wrong_differ", [
    ("agreement_pairs.csv", 0.90, 0.0),
    ("agreement_pairs_holdout.csv", 0.70, 0.02),
])
def test_labelled_pairs(name, least_right, most_wrong_differ):
    found = score(name)
    total = sum(found.values())
    right = found[(SAME, SAME)] + found[(DIFFER, DIFFER)]
    print(f"{name}: {total} pairs, {right} right, {found[(DIFFER, SAME)]} wrong same, "
          f"{found[(SAME, DIFFER)]} wrong differ, {found[(SAME, CHECK)] + found[(DIFFER, CHECK)]} check")
    assert total >= 100
    assert found[(DIFFER, SAME)] == 0, "a difference was called the same"
    assert right / total >= least_right
    assert found[(SAME, DIFFER)] / total <= most_wrong_differ


def test_sets_are_balanced_and_cover_the_traps():
    rows = _pairs("agreement_pairs.csv") + _pairs("agreement_pairs_holdout.csv")
    labels = Counter(r["expected"] for r in rows)
    assert labels[SAME] >= 60 and labels[DIFFER] >= 60
    why = " ".join(r["why"] for r in rows).casefold()
    for trap in ("laterality", "stage", "type", "negation", "grade", "benign", "spine level"):
        assert trap in why


@pytest.mark.parametrize("a, b", [
    ("Herniated disc L4-5", "A herniated disc at L4-L5"),
    ("Herniated disc L4/L5", "L4-L5 disc herniation"),
    ("High blood pressure", "Hypertension"),
    ("Kidney stones", "Kidney stone"),
    ("Stage I breast cancer", "stage 1 breast cancer"),
    ("Type II diabetes", "type 2 diabetes"),
    ("heart attack", "Myocardial infarction (MI)"),
    ("TORN MENISCUS, RIGHT KNEE!", "right knee meniscus tear"),
    ("About $4,000 after insurance", "about $4,000 after insurance."),
])
def test_same_thing_in_other_words(a, b):
    assert same_meaning(a, b).kind == SAME
    assert same_meaning(b, a).kind == SAME


@pytest.mark.parametrize("a, b, why", [
    ("Left knee osteoarthritis", "Right knee osteoarthritis", "side"),
    ("Stage II colon cancer", "Stage 3 colon cancer", "stage"),
    ("Type 1 diabetes", "type 2 diabetes", "type"),
    ("Grade 1 sprain", "Grade 3 sprain", "grade"),
    ("Low risk prostate cancer", "High-risk prostate cancer", "risk"),
    ("Benign tumor of the liver", "Malignant tumor of the liver", "nature"),
    ("No fracture", "Fracture of the wrist", "negation"),
    ("Fracture ruled out", "Fracture", "negation"),
    ("Negative for strep", "Strep throat", "negation"),
    ("Herniated disc at L4-L5", "Herniated disc at L5-S1", "spine level"),
    ("Gallstones", "Kidney stones", "condition"),
    ("hypotension", "hypertension", "condition"),
])
def test_conflicts_are_differences(a, b, why):
    assert same_meaning(a, b) .kind == DIFFER
    assert same_meaning(a, b).why == why
    assert same_meaning(b, a).kind == DIFFER


@pytest.mark.parametrize("a, b", [
    ("Herniated disc", "Herniated disc with sciatica"),   # one says more
    ("Knee arthritis", "Left knee arthritis"),            # a side on one side only
    ("Possible torn meniscus", "Torn meniscus"),          # one is unsure
    ("Back pain from a disc", "Strained back muscle"),    # sonb does not know
    ("Infection, blood clots, nerve damage", "Infection and nerve damage"),
    ("Herniated disc at L4-L5", "A disc pressing on the L5 nerve root"),  # L5 is an end of L4-L5
])
def test_unsure_means_check(a, b):
    assert same_meaning(a, b).kind == CHECK


def test_a_long_text_is_not_called_different_on_a_loose_word():
    a = "No heavy lifting for 6 weeks, then slowly back to normal work and light exercise"
    b = "You can lift light things after 2 weeks and go back to work when the pain allows it"
    assert same_meaning(a, b).kind == CHECK


def test_misspelt_words_meet_known_ones_but_common_words_are_left_alone():
    assert same_meaning("Hernaited disc L4-L5", "herniated disc L4-L5").kind == SAME
    assert "abort" not in read("About $4,000 for me after insurance").core
