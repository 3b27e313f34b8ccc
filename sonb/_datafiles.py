"""Read the patient-facing texts and tables shipped in `sonb/data/` (cached, read-only)."""

from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from importlib import resources


def _read(name: str) -> str:
    return resources.files("sonb").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def texts(name: str) -> dict:
    """The JSON file `sonb/data/<name>.json`. Shared between callers: do not modify it."""
    return json.loads(_read(f"{name}.json"))


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `sonb/data/<name>.csv` as dicts of stripped strings."""
    rows = csv.DictReader(io.StringIO(_read(f"{name}.csv")))
    return tuple({k: (v or "").strip() for k, v in row.items()} for row in rows)
