"""Read the patient-facing texts and tables shipped in `sonb/data/` (cached, read-only), in
the current language (`sonb.i18n`)."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources

from . import i18n


def _read(name: str) -> str:
    return resources.files("sonb").joinpath("data", name).read_text(encoding="utf-8")


def texts(name: str) -> dict:
    """The JSON file `sonb/data/<name>.json`, its texts in the current language. Shared
    between callers: do not modify it."""
    return _texts(name, i18n.current())


@lru_cache(maxsize=None)
def _texts(name: str, lang: str) -> dict:
    return i18n.translated(json.loads(_read(f"{name}.json")), f"data/{name}.json", lang)


def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `sonb/data/<name>.csv` as dicts of stripped strings, in the current
    language."""
    return _table(name, i18n.current())


@lru_cache(maxsize=None)
def _table(name: str, lang: str) -> tuple[dict[str, str], ...]:
    rows = csv.DictReader(io.StringIO(_read(f"{name}.csv")))
    source, codes = f"data/{name}.csv", i18n.TABLE_CODES
    return tuple({k: (v or "").strip() if k in codes else i18n.translate((v or "").strip(), source, lang)
                  for k, v in row.items()} for row in rows)
