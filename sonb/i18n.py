"""Languages: the language a patient reads, and the translations of every patient text.

Every patient text is written once, in English, in `sonb/data/*.json|csv` and
`sonb/questionnaires/*.json`. Its translation is in a gettext catalog per source file,
`sonb/locale/<lang>/<source>.po` (msgid: the English text), read and written with Babel:

    python -m sonb.i18n update     # new English texts into every catalog, unused ones out,
                                   # and each form's FHIR translation extensions rewritten

A translator fills in the empty `msgstr`s (Poedit or any PO editor works), then runs `update`
again. The bundled Questionnaires carry their translations in the FHIR `translation`
extension (`_text`, `_title`, `_display`...), so any FHIR tool can use them; `localized()`
shows a form in one language. An English text
that changed is a new msgid, so it shows as missing until it is translated again; a fuzzy
entry counts as missing too. `tests/unit/test_translations.py` lists what is missing.

Why gettext catalogs and not a Spanish copy of each data file: one file per language that
every translation tool reads, the English beside each translation, missing and changed texts
found by the tools themselves, and the same text translated once per file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

LANGUAGES = {"en": "English", "es": "Español"}
"""The languages a patient can choose, by their code, each named in its own language."""
SOURCE_LANGUAGE = "en"

FORM_CODES = frozenset({
    "linkId", "code", "system", "url", "resourceType", "status", "type", "version", "name",
    "language", "operator", "question", "enableBehavior", "id"})
"""Keys of a FHIR Questionnaire whose values are codes, not patient text."""
DATA_CODES = frozenset({"_comment", "key", "source", "field", "id", "version", "written",
                        "checked"})
"""Keys of sonb's data files whose values are codes, comments or dates, not patient text."""
TABLE_CODES = frozenset({"kind", "topic", "keywords", "require", "exclude"})
"""Columns of sonb's data tables that hold codes and matching words, not patient text."""


def codes_of(source: str) -> frozenset[str]:
    """The keys (or columns) of a source file that are not patient text."""
    if source.startswith("form/"):
        return FORM_CODES
    return TABLE_CODES if source.endswith(".csv") else DATA_CODES

MATCHING_ONLY = frozenset({"data/qualifiers.json", "data/same_meaning.csv"})
NAVIGATOR_ONLY = frozenset({"data/caseload.json"})
"""Texts only navigators read, in JupyterLab (the caseload): not translated."""
"""Word lists sonb matches doctors' words against: never shown, so not translated (matching
Spanish words is a list of its own)."""

_current = SOURCE_LANGUAGE


def current() -> str:
    """The language texts are given in now (one patient per kernel: set when a case opens)."""
    return _current


def set_language(lang: str) -> None:
    """Give every text in `lang` from now on (one of LANGUAGES)."""
    global _current
    if lang not in LANGUAGES:
        raise ValueError(f"sonb has no language {lang!r}; it has: {', '.join(LANGUAGES)}.")
    _current = lang


@contextmanager
def language(lang: str) -> Iterator[None]:
    """`with language("es"):` texts in Spanish inside the block (a report, a printed form)."""
    before = _current
    set_language(lang)
    try:
        yield
    finally:
        set_language(before)


def decimal(value: float, digits: int = 1) -> str:
    """A number as the current language writes it, with at most `digits` decimals ("1.7",
    "1,7"; "4", not "4.0"; Babel)."""
    from babel.numbers import format_decimal

    return format_decimal(round(value, digits), format="0." + "#" * digits, locale=_current)


# -- the sources of patient text ------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str
    where: str  # the key path in its file, for the translator (a `#:` comment)


def _package() -> Path:
    return Path(str(resources.files("sonb")))


def sources() -> list[str]:
    """Every file of patient text, as "data/<name>" or "form/<name>", found on disk."""
    base = _package()
    found = [f"data/{p.name}" for p in sorted((base / "data").iterdir())
             if p.suffix in (".json", ".csv")]
    found += [f"form/{p.name}" for p in sorted((base / "questionnaires").iterdir())
              if p.suffix == ".json"]
    return [s for s in found if s not in MATCHING_ONLY | NAVIGATOR_ONLY]


def _path(source: str) -> Path:
    folder, name = source.split("/", 1)
    return _package() / ("data" if folder == "data" else "questionnaires") / name


def texts_of(source: str) -> list[Text]:
    """The patient texts of one source file, in file order (each text once)."""
    raw = _path(source).read_text(encoding="utf-8")
    if source.endswith(".csv"):
        found = [Text(v.strip(), f"row {n}.{k}")
                 for n, row in enumerate(csv.DictReader(io.StringIO(raw)), 1)
                 for k, v in row.items() if k not in TABLE_CODES and v and v.strip()]
    else:
        found = list(_walk(json.loads(raw), "", codes_of(source)))
    seen: dict[str, Text] = {}
    for t in found:
        seen.setdefault(t.text, t)
    return list(seen.values())


def _walk(value, where: str, codes: frozenset[str]) -> Iterator[Text]:
    if isinstance(value, dict):
        label = next((value[k] for k in ("linkId", "id", "key") if isinstance(value.get(k), str)),
                     None)
        for k, v in value.items():
            if k in codes or k.startswith("_") or k == "extension":
                continue  # codes; FHIR's _text/_display/... and extensions (made from catalogs)
            yield from _walk(v, f"{label}.{k}" if label else f"{where}.{k}", codes)
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _walk(v, f"{where}[{n}]", codes)
    elif isinstance(value, str) and value.strip():
        yield Text(value, where.lstrip("."))


# -- catalogs -------------------------------------------------------------------------------

def catalog_path(lang: str, source: str) -> Path:
    return _package() / "locale" / lang / (source.replace("/", "-").rsplit(".", 1)[0] + ".po")


@lru_cache(maxsize=None)
def catalog(lang: str, source: str) -> dict[str, str]:
    """English -> translation for one source file (untranslated and fuzzy entries left out)."""
    from babel.messages.pofile import read_po

    path = catalog_path(lang, source)
    if lang == SOURCE_LANGUAGE or not path.exists():
        return {}
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang)
    return {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}


def translate(text: str, source: str, lang: str | None = None) -> str:
    """`text` of `source` in `lang` (default: the current language); English when missing."""
    lang = lang or _current
    if lang == SOURCE_LANGUAGE:
        return text
    return catalog(lang, source).get(text, text)


def translated(value, source: str, lang: str | None = None):
    """A JSON value with every patient text in `lang` (codes and keys kept)."""
    lang = lang or _current
    if lang == SOURCE_LANGUAGE:
        return value
    if isinstance(value, dict):
        codes = codes_of(source)
        return {k: v if k in codes else translated(v, source, lang) for k, v in value.items()}
    if isinstance(value, list):
        return [translated(v, source, lang) for v in value]
    return translate(value, source, lang) if isinstance(value, str) else value


def missing(lang: str) -> list[tuple[str, str]]:
    """(source, English text) of every patient text `lang` has no translation for."""
    return [(source, t.text) for source in sources() for t in texts_of(source)
            if t.text not in catalog(lang, source)]


HEADER = ("# {language} texts of sonb: {source}.\n"
          "# Fill in each msgstr (plain, warm words; keep every {{placeholder}}).\n"
          "# Made and updated by `python -m sonb.i18n extract`; see sonb/i18n.py.")
STAMP = dt.datetime(2026, 12, 2, tzinfo=dt.timezone.utc)  # fixed: no churn on every extract


# -- translations in FHIR Questionnaires ------------------------------------------------------

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
TRANSLATED = ("title", "description", "text", "display", "prefix")
"""Fields of a Questionnaire, its items and its answer codings that carry patient text."""


def translation_of(element: dict | None, lang: str) -> str | None:
    for ext in (element or {}).get("extension", []):
        if ext.get("url") != TRANSLATION:
            continue
        parts = {e.get("url"): e for e in ext.get("extension", [])}
        if parts.get("lang", {}).get("valueCode") == lang and "content" in parts:
            return parts["content"].get("valueString")
    return None


def text_nodes(questionnaire: dict) -> Iterator[dict]:
    """The Questionnaire, each item (nested) and each answer coding: what holds its texts."""
    yield questionnaire
    stack = list(questionnaire.get("item", []))
    while stack:
        item = stack.pop(0)
        yield item
        for option in item.get("answerOption", []):
            if isinstance(option.get("valueCoding"), dict):
                yield option["valueCoding"]
        stack[:0] = item.get("item", [])


def with_translations(questionnaire: dict, lang: str, translate_text) -> dict:
    """A copy of an English Questionnaire whose texts carry their `lang` translation as FHIR
    `_text` (`_title`, `_display`...) translation extensions; `translate_text(english)` gives
    it (None: none yet). Other languages' translations are kept."""
    import copy

    q = copy.deepcopy(questionnaire)
    for node in text_nodes(q):
        for field in TRANSLATED:
            if not isinstance(node.get(field), str):
                continue
            text = translate_text(node[field])
            holder = node.setdefault(f"_{field}", {})
            others = [e for e in holder.get("extension", []) if not (
                e.get("url") == TRANSLATION and translation_of({"extension": [e]}, lang))]
            if text is not None:
                others.append({"url": TRANSLATION, "extension": [
                    {"url": "lang", "valueCode": lang}, {"url": "content", "valueString": text}]})
            if others:
                holder["extension"] = others
            else:
                node.pop(f"_{field}")
    return q


def localized(questionnaire: dict, lang: str | None = None) -> dict:
    """A copy of a Questionnaire shown in `lang` (default: the current language): each text
    replaced by its translation extension where it has one, and `language` set. The
    extensions stay, so the form keeps every language for other FHIR tools."""
    import copy

    lang = lang or _current
    q = copy.deepcopy(questionnaire)
    if lang == SOURCE_LANGUAGE:
        return q
    for node in text_nodes(q):
        for field in TRANSLATED:
            text = translation_of(node.get(f"_{field}"), lang)
            if isinstance(node.get(field), str) and text is not None:
                node[field] = text
    q["language"] = lang
    return q


def translate_forms() -> None:
    """Write each bundled form's translations (from its catalogs) into its JSON file."""
    for source in (s for s in sources() if s.startswith("form/")):
        path = _path(source)
        q = json.loads(path.read_text(encoding="utf-8"))
        for lang in (lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE):
            q = with_translations(q, lang, catalog(lang, source).get)
        path.write_text(json.dumps(q, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def update() -> dict[str, int]:
    """The translator's one command: catalogs brought up to date with the English (`extract`),
    then every form's translation extensions written from them. Returns what is missing."""
    counts = extract()
    translate_forms()
    return counts


def extract(langs: tuple[str, ...] | None = None) -> dict[str, int]:
    """Bring every catalog up to date with the English: new texts added (untranslated),
    texts no longer used dropped, translations kept. Returns texts missing per language."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    langs = langs or tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)
    for lang in langs:
        for source in sources():
            path = catalog_path(lang, source)
            old: dict[str, tuple[str, bool]] = {}
            if path.exists():
                with path.open("rb") as fh:
                    old = {m.id: (m.string, m.fuzzy) for m in read_po(fh, locale=lang) if m.id}
            po = Catalog(locale=lang, project="sonb", domain=source, fuzzy=False,
                         header_comment=HEADER.format(language=LANGUAGES[lang], source=source),
                         creation_date=STAMP, revision_date=STAMP,
                         last_translator="the sonb project", language_team=LANGUAGES[lang])
            for t in texts_of(source):
                string, fuzzy = old.get(t.text, ("", False))
                po.add(t.text, string, locations=[(t.where, None)],
                       flags=("fuzzy",) if fuzzy else ())
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            write_po(buffer, po, width=100, omit_header=False, sort_output=False,
                     include_lineno=False)
            path.write_bytes(buffer.getvalue())
    catalog.cache_clear()
    return {lang: len(missing(lang)) for lang in langs}


if __name__ == "__main__":
    import sys

    if sys.argv[1:] != ["update"]:
        sys.exit("usage: python -m sonb.i18n update")
    for lang, count in update().items():
        print(f"{lang}: {count} texts still to translate (see sonb/locale/{lang}/)")
