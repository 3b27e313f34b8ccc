"""Every patient text sonb ships (sonb/data and the forms): plain, short, our own."""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

import pytest

from sonb import i18n
from sonb._datafiles import table

import guide_fingerprint
from guide_fingerprint import copied_runs  # tests/unit/guide_fingerprint.py

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plain_language"))
from offline_textstat import pronunciations  # noqa: E402,F401  (a fixture, shared with tests/plain_language)

DATA = resources.files("sonb") / "data"


def _word_list(name: str) -> list[str]:
    if name.endswith(".json"):
        return _strings(json.loads((DATA / name).read_text(encoding="utf-8")))
    return [v for row in table(name.removesuffix(".csv")) for k, v in row.items() if k != "key" and v]


def _strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for k, v in data.items() if k != "_comment" for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


# Every file of patient text, found on disk by the same walk that lists texts to translate
# (sonb.i18n), so a new file, or a new text, is checked without anyone adding it here.
SOURCES = {
    **{source: (lambda source=source: [t.text for t in i18n.texts_of(source)])
       for source in i18n.sources()},
    **{source: (lambda source=source: _word_list(source.removeprefix("data/")))
       for source in sorted(i18n.MATCHING_ONLY)},
}


# Word lists sonb matches against (medical names, with their lay names): never shown as prose,
# so their reading grade means nothing; they are checked to hold names only.
WORD_LISTS = i18n.MATCHING_ONLY


def test_every_data_file_and_form_is_checked():
    assert {"data/ui.json", "data/forms.json", "data/other_professionals.csv", "data/factors.json",
            "form/surgery.json", "form/clinician.json"} <= set(SOURCES)
    assert all(SOURCES[source]() for source in SOURCES)  # each holds words to check


@pytest.mark.parametrize("source", SOURCES)
def test_sentences_are_short_and_never_push_a_choice(source):
    for text in SOURCES[source]():
        for sentence in re.split(r"(?<=[.?!:])\s+", text):
            assert len(sentence.split()) <= 20, sentence
            if not sentence.rstrip().endswith("?"):  # asking "the best choice for you?" is fine
                assert not re.search(r"\byou should\b|\bwe recommend\b|\bbest choice\b",
                                     sentence, re.I), sentence


@pytest.mark.parametrize("source", SOURCES)
def test_no_run_of_seven_words_from_the_guide(source):
    """Checked against the guide's fingerprint (tests/data/guide_7grams.txt), never skipped."""
    for text in SOURCES[source]():
        assert not copied_runs(text), text


def test_guide_fingerprint_is_well_formed_and_up_to_date():
    lines = [line for line in guide_fingerprint.FINGERPRINT.read_text(encoding="ascii").splitlines()
             if not line.startswith("#")]
    assert len(lines) > 500  # the guide has about 1,100 words
    assert lines == sorted(set(lines))
    assert all(re.fullmatch(r"[0-9a-f]{16}", line) for line in lines)
    guide = guide_fingerprint.FINGERPRINT.parents[3] / "shared" / "seed" / "second-opinion-guide.txt"
    if guide.exists():  # beside a checkout that has the guide: the fingerprint must match it
        assert lines == guide_fingerprint.fingerprint_of(guide.read_text(encoding="utf-8")), (
            "the guide changed: run tests/data/make_guide_fingerprint.py")


def test_copied_runs_finds_a_seven_word_run_whatever_the_case_and_punctuation(tmp_path, monkeypatch):
    source = "One two three four five six seven eight. Nine ten."
    fingerprint = tmp_path / "fp.txt"
    fingerprint.write_text("# made here\n" + "\n".join(guide_fingerprint.fingerprint_of(source)))
    monkeypatch.setattr(guide_fingerprint, "FINGERPRINT", fingerprint)
    guide_fingerprint.guide_digests.cache_clear()
    try:
        assert copied_runs("Say: TWO, three -- four five six seven eight!") == [
            "two three four five six seven eight"]
        assert copied_runs("two three four five six seven nine") == []
        assert copied_runs("one two three") == []
    finally:
        guide_fingerprint.guide_digests.cache_clear()


@pytest.mark.parametrize("source", SOURCES)
def test_reading_grade_at_most_8(source, pronunciations, monkeypatch):
    if source in WORD_LISTS:
        names = [n for t in SOURCES[source]() for n in t.split("|")]
        assert not [n for n in names if len(n.split()) > 8]  # names, never prose
        return
    textstat = pytest.importorskip("textstat")
    syllables = pytest.importorskip("textstat.backend.counts._count_syllables")
    monkeypatch.setattr(syllables, "get_cmudict", lambda lang: pronunciations)  # stay offline
    units = [t.strip() for t in SOURCES[source]() if len(t.split()) > 2]
    prose = " ".join(u if u[-1] in ".?!:" else u + "." for u in units)  # a label is a unit
    assert textstat.flesch_kincaid_grade(prose) <= 8
