"""The reading grade of what a patient reads on each step of the example case (and the start
screen): Flesch-Kincaid grade of the visible text, at most 8 (DESIGN.md: aim at grade 6-8).

The text is what the page shows (Playwright inner_text): the step's title and content, with the
example's own notes in the tables. Each line, table cell or list item is a unit of its own, and
a unit that does not end a sentence gets a full stop, so that headings and labels are not glued
into one endless sentence. Units of one or two words (Yes, No, Edit, dropdown numbers, short
cells) are left out, as tests/unit/test_plain_texts.py does: they would pull the grade down
without being read as sentences. The texts live in sonb/data/ui.json, sonb/data/*.json and
sonb/questionnaires/*.json.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from sonb_ui import click, go_to_step, step_text, wait_for_step
from voila_browser import DESKTOP, open_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_spanish_everywhere import _typed  # noqa: E402  (every text the patient typed)

pytestmark = pytest.mark.browser

LIMIT = 8
EASE_LIMIT = 70  # Spanish: Fernández Huerta 70-80 is "fairly easy" (conftest reports the same)
WHERE = {0: "start screen", 1: "1. Is a second opinion a good idea?", 2: "2. Find the second doctor",
         3: "3. Get ready", 4: "4. Notes from each visit", 5: "5. Compare what they said",
         6: "6. Make your choice"}


def prose(text: str) -> str:
    """Visible text -> sentences: every line or table cell of 3 words or more, ending a sentence."""
    units = [u.strip() for u in re.split(r"[\n\t]+", text) if len(u.split()) > 2]
    return " ".join(u if u[-1] in ".?!" else u + "." for u in units)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text) if re.search(r"[A-Za-z]", s)]


def measure(textstat, text: str) -> dict:
    text = prose(text)
    hard = sorted(((textstat.flesch_kincaid_grade(s), len(s.split()), s) for s in set(sentences(text))),
                  key=lambda h: (h[1], h[0]), reverse=True)[:8]
    return {"grade": textstat.flesch_kincaid_grade(text), "words": textstat.lexicon_count(text),
            "sentences": textstat.sentence_count(text), "hard": hard}


@pytest.fixture(scope="module")
def pages(browser, voila):
    """Two pages for the module: the start screen, and the example case."""
    start, _ = open_app(browser, voila, DESKTOP)
    example, _ = open_app(browser, voila, DESKTOP)
    click(example, "Try the back pain example")
    wait_for_step(example, 1)
    yield start, example
    start.context.close()
    example.context.close()


def visible_text(pages, step: int) -> str:
    start, example = pages
    if step == 0:
        return start.locator(".sonb-app").inner_text()
    go_to_step(example, step)
    return step_text(example)


@pytest.mark.parametrize("step", list(WHERE), ids=[f"step{n}" if n else "start" for n in WHERE])
def test_reading_grade_at_most_8(pages, step, textstat_offline, reading_grades):
    found = measure(textstat_offline, visible_text(pages, step))
    reading_grades[WHERE[step]] = found
    hardest = "\n".join(f"  ({g:.1f}, {w} words) {s}" for g, w, s in found["hard"])
    assert found["grade"] <= LIMIT, (
        f"{WHERE[step]}: Flesch-Kincaid grade {found['grade']:.1f} > {LIMIT}. "
        f"The longest sentences (grade, words):\n{hardest}")


# -- the same steps in Spanish ---------------------------------------------------------------

WHERE_ES = {0: "página de inicio", 1: "1. ¿Le conviene una segunda opinión?", 2: "2. Buscar al segundo médico",
            3: "3. Prepárese", 4: "4. Notas de cada cita", 5: "5. Comparar lo que dijeron",
            6: "6. Tome su decisión"}


@pytest.fixture(scope="module")
def pages_es(pages):
    """The same two pages, switched to Spanish with the language picker (the server's share of
    kernels per client is kept for the other tests: no new pages)."""
    from playwright.sync_api import expect

    start, example = pages
    for page in pages:
        page.get_by_label("Language / Idioma").select_option(label="Español")
    expect(start.get_by_role("heading", name="Le damos la bienvenida")).to_be_visible(timeout=30_000)
    expect(example.get_by_text(re.compile(r"^\s*Paso \d de 6\s*$"))).to_be_visible(timeout=30_000)
    yield pages
    for page in pages:
        page.get_by_label("Idioma / Language").select_option(label="English")


@pytest.mark.parametrize("step", list(WHERE_ES), ids=[f"es-step{n}" if n else "es-start" for n in WHERE_ES])
def test_spanish_reading_ease_at_least_fairly_easy(pages_es, step, reading_ease):
    """Fernández Huerta >= 70 ("fairly easy") for sonb's own words on each Spanish step. The
    example's notes are the patient's words (in English here), so they are left out."""
    from sonb.examples import load_example

    textstat = pytest.importorskip("textstat")
    pytest.importorskip("pyphen")
    typed = [" ".join(t.split()) for t in _typed(load_example("back_pain")) if len(t.split()) > 2]
    text = visible_text(pages_es, step)
    units = [u.strip() for u in re.split(r"[\n\t]+", text)
             if len(u.split()) > 2 and not any(t and (t in u or u in t) for t in typed)]
    spanish = " ".join(u if u[-1] in ".?!:" else u + "." for u in units)
    textstat.set_lang("es")
    try:
        ease = textstat.fernandez_huerta(spanish)
    finally:
        textstat.set_lang("en_US")
    reading_ease[WHERE_ES[step]] = {"ease": ease, "words": len(spanish.split())}
    assert ease >= EASE_LIMIT, f"{WHERE_ES[step]}: Fernández Huerta {ease:.1f} < {EASE_LIMIT}"
