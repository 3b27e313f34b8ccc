"""Everything sonb makes, made in Spanish: the report, the printed forms, the comparison, the
FHIR Bundle, the CLI. Code must never look a text up by its English words (a column named
"score" is "puntaje" in Spanish), and no English sentence of sonb's may show."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sonb import compare, i18n, report
from sonb.examples import load_example, names
from sonb.fhir import case_from_fhir_bundle, fhir_bundle
from sonb.printable import forms_html, referral_script_html

from report_helpers import Page

TODAY = dt.date(2025, 3, 20)


@pytest.fixture(autouse=True)
def spanish():
    with i18n.language("es"):
        yield


def english_sentences() -> set[str]:
    """Every English text of sonb of four words or more (placeholders cut out): one of these
    on a Spanish page is an untranslated sentence."""
    found = set()
    for source in i18n.sources():
        for t in i18n.texts_of(source):
            for part in re.split(r"\{[^{}]*\}", t.text):
                if len(part.split()) >= 4:
                    found.add(" ".join(part.split()))
    return found


ENGLISH = english_sentences()


def english_in(text: str, allowed: str = "") -> list[str]:
    flat = " ".join(text.split())
    return [s for s in ENGLISH if s in flat and s not in allowed]


@pytest.mark.parametrize("name", names())
def test_the_report_is_spanish(name):
    case = load_example(name)
    page = Page(report.report_html(case, TODAY))
    typed = " ".join(" ".join(str(v).split()) for v in _typed(case))  # the patient's own words
    assert 'lang="es"' in report.report_html(case, TODAY)[:300]
    assert not english_in(page.text.replace("\x00", " "), typed)
    assert "20 de marzo de 2025" in page.text


@pytest.mark.parametrize("kind", [None, "surgery", "medical_test", "new_medicine", "special_treatment"])
def test_the_printed_forms_are_spanish(kind):
    page = Page(forms_html(kind=kind))
    assert not english_in(page.text.replace("\x00", " "))
    assert not english_in(Page(referral_script_html()).text.replace("\x00", " "))


@pytest.mark.parametrize("name", names())
def test_the_comparison_and_the_bundle_work_in_spanish(name):
    case = load_example(name)
    for table in (compare.comparison_table(case), compare.options_table(case),
                  compare.agreement(case), compare.unanswered_table(case), compare.option_fit(case)):
        assert table is not None
    assert not english_in(" ".join(compare.guidance(case)), " ".join(_typed(case)))
    bundle = fhir_bundle(case)
    assert {e["resource"].get("language") for e in bundle["entry"]} == {"es"}
    assert case_from_fhir_bundle(bundle, case) == case


def test_the_cli_writes_spanish_papers(tmp_path):
    from sonb.__main__ import main

    with i18n.language("en"):
        assert main(["report", "--example", "back_pain", "--lang", "es", "-o", str(tmp_path / "r.html")]) == 0
        assert main(["forms", "--kind", "surgery", "--lang", "es", "-o", str(tmp_path / "f.html")]) == 0
        assert i18n.current() == "en"  # the CLI's language does not stay
    assert "Mis preguntas" in (tmp_path / "r.html").read_text() or 'lang="es"' in (tmp_path / "r.html").read_text()
    assert 'lang="es"' in (tmp_path / "f.html").read_text()


def _typed(case) -> list[str]:
    """Every text the patient typed into the case (kept as typed, in any language)."""
    out = []

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str):
            out.append(v)
    walk(case.model_dump(mode="json"))
    return out


def test_a_comparison_made_in_english_is_not_shown_in_spanish():
    """compare keeps its last results: the language is part of what they were made for."""
    case = load_example("back_pain")
    with i18n.language("en"):
        english = {c.label for c in compare.compared(case)}
    spanish = {c.label for c in compare.compared(case)}
    assert "What if I wait" in english and not english & spanish - {"Diagnóstico"}
