"""Every patient text has its Spanish, the Spanish keeps what code fills in, the forms carry it
as FHIR translations that match the catalogs, and the Spanish reads easily."""

from __future__ import annotations

import re

import pytest

from sonb import binding as B
from sonb import i18n
from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.examples import load_example

LANGS = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@pytest.mark.parametrize("lang", LANGS)
def test_no_text_lacks_its_translation(lang):
    missing = i18n.missing(lang)
    assert not missing, (f"{len(missing)} texts have no {i18n.LANGUAGES[lang]} yet (run "
                         f"`python -m sonb.i18n update`, then fill in sonb/locale/{lang}/): "
                         + "; ".join(f"{s}: {t[:60]!r}" for s, t in missing[:10]))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("source", i18n.sources())
def test_each_translation_keeps_the_placeholders_and_the_spaces(lang, source):
    found = i18n.catalog(lang, source)
    for english, translated in found.items():
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(english)), \
            (english, translated)
        assert translated[:1].isspace() == english[:1].isspace(), (english, translated)
        assert translated[-1:].isspace() == english[-1:].isspace(), (english, translated)


@pytest.mark.parametrize("source", [s for s in i18n.sources() if s.startswith("form/")])
def test_each_form_carries_its_catalog_as_fhir_translations(source):
    """`python -m sonb.i18n update` was run: the form's translation extensions are exactly what
    its catalogs say, for every text of the form."""
    name = source.removeprefix("form/").removesuffix(".json")
    on_disk = Q.schema._read(name)
    remade = on_disk
    for lang in LANGS:
        remade = i18n.with_translations(remade, lang, i18n.catalog(lang, source).get)
    assert remade == on_disk, "the form's translations differ from its catalog: run update"
    for lang in LANGS:
        shown = i18n.localized(on_disk, lang)
        assert shown["language"] == lang
        for node, english in zip(i18n.text_nodes(shown), i18n.text_nodes(on_disk)):
            for field in i18n.TRANSLATED:
                if isinstance(english.get(field), str):
                    assert node[field] == i18n.catalog(lang, source)[english[field]]


def test_a_translation_extension_is_the_fhir_one():
    ext = Q.schema._read("readiness")["item"][1]["_text"]["extension"][0]
    assert ext["url"] == "http://hl7.org/fhir/StructureDefinition/translation"
    assert [e["url"] for e in ext["extension"]] == ["lang", "content"]
    assert ext["extension"][0] == {"url": "lang", "valueCode": "es"}


@pytest.mark.parametrize("lang", LANGS)
def test_forms_built_from_a_case_are_shown_in_the_language_and_carry_the_others(lang):
    case = load_example("back_pain")
    english = {b.key: b.form(case, t) for b in B.BINDINGS.values() for t in list(b.targets(case))[:1]}
    with i18n.language(lang):
        shown = {b.key: b.form(case, t) for b in B.BINDINGS.values() for t in list(b.targets(case))[:1]}
    user_text = {o.name for o in case.options} | {f.label for f in case.preferences.factors}
    for key, form in shown.items():
        assert form["language"] == lang, key
        for node, en in zip(i18n.text_nodes(form), i18n.text_nodes(english[key])):
            for field in i18n.TRANSLATED:
                if isinstance(en.get(field), str) and not any(u in en[field] for u in user_text):
                    assert node[field] != en[field] or en[field] in ("", "sonb"), (key, en[field])
                    assert i18n.translation_of(en.get(f"_{field}"), lang) == node[field], (key, field)


def test_texts_follow_the_language_and_the_codes_stay():
    english = texts("ui")["steps"]["decide"]["title"]
    with i18n.language("es"):
        spanish = texts("ui")["steps"]["decide"]["title"]
        aspects = texts("aspects")["general"] if "general" in texts("aspects") else None
    assert spanish != english and texts("ui")["steps"]["decide"]["title"] == english
    if aspects:
        assert [a.get("key") for a in aspects] == [a.get("key") for a in texts("aspects")["general"]]
    with pytest.raises(ValueError, match="no language"):
        i18n.set_language("xx")


@pytest.mark.parametrize("lang", LANGS)
def test_no_translation_copies_the_guide(lang):
    """The guide's fingerprint check (tests/unit/guide_fingerprint.py) covers the translations."""
    from guide_fingerprint import copied_runs

    copied = [t for s in i18n.sources() for t in i18n.catalog(lang, s).values() if copied_runs(t)]
    assert not copied, copied[:3]


def test_numbers_follow_the_language():
    assert i18n.decimal(4.3333) == "4.3" and i18n.decimal(4.0) == "4"
    with i18n.language("es"):
        assert i18n.decimal(4.3333) == "4,3"
        from sonb.fit_chart import fit_chart_html

        assert "4,3 de 5" in fit_chart_html(load_example("back_pain"))


# -- the Spanish reads easily ------------------------------------------------------------------

@pytest.fixture
def spanish_textstat():
    textstat = pytest.importorskip("textstat")
    pytest.importorskip("pyphen")  # its dictionaries ship in the package: offline
    textstat.set_lang("es")
    yield textstat
    textstat.set_lang("en_US")


@pytest.mark.parametrize("source", i18n.sources())
def test_the_spanish_is_short_and_fairly_easy(source, spanish_textstat):
    """Sentences of at most 20 words, never pushing a choice; each file at least "fairly
    easy": Fernández Huerta >= 70 (the English files are checked at US grade 8 or less)."""
    found = i18n.catalog("es", source)
    units = [PLACEHOLDER.sub("Ana", t).strip() for t in found.values() if len(t.split()) > 2]
    for unit in units:
        for sentence in re.split(r"(?<=[.?!:])\s+", unit):
            assert len(sentence.split()) <= 20, sentence
            if not sentence.rstrip().endswith("?"):
                assert not re.search(r"\bdebería\b|\ble recomendamos\b|\bla mejor opción\b",
                                     sentence, re.I), sentence
    if not units:
        return
    prose = " ".join(u if u[-1] in ".?!:" else u + "." for u in units)
    assert spanish_textstat.fernandez_huerta(prose) >= 70, source
