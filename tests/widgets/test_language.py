"""The patient's language: chosen on the page or in the address, kept with the case, and
switching it redraws everything where the patient is, losing nothing."""

from __future__ import annotations

import pytest

from sonb import Case, i18n
from sonb.widgets.app import SecondOpinionApp

from journey import answer
from widget_tree import button, html_values, plain


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    i18n.set_language("en")


def page_text(app) -> str:
    return " ".join(plain(h) for h in html_values(app))


def test_the_address_can_ask_for_spanish(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=es")
    app = SecondOpinionApp(store)
    assert app.language.value == "es" and 'data-sonb-lang="es"' in app.header.value
    assert "segunda opinión" in page_text(app)
    button(app, "Empezar un caso nuevo").click()
    assert app.session.case.language == "es" and "Paso 1 de 6" in page_text(app)


def test_an_unknown_language_in_the_address_gives_english(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "lang=xx&other=1")
    assert SecondOpinionApp(store).language.value == "en"


def test_switching_keeps_the_step_and_what_was_typed_and_is_stored(store, stored):
    app = SecondOpinionApp(store)
    app.new_button.click()
    answer(app.view(0).form, decision="Knee surgery or not")  # step 1, typed
    app.go(2)
    app.language.value = "es"
    case_id = app.session.case.id
    assert app.index == 2 and stored(case_id).language == "es"
    app.go(0)
    assert app.view(0).form.control("decision").widget.value == "Knee surgery or not"
    app.go(2)
    titles = " ".join(b.description for b in app.step_buttons)
    assert "segundo médico" in titles.lower()
    assert 'data-sonb-lang="es"' in app.header.value
    app.language.value = "en"
    assert app.index == 2 and stored(case_id).language == "en"
    assert "second doctor" in " ".join(b.description for b in app.step_buttons).lower()


def test_a_case_opens_in_its_own_language(store):
    case = store.create(Case(language="es"))
    app = SecondOpinionApp(store)
    app.resume(case.id)
    assert app.language.value == "es" and i18n.current() == "es"
    assert "Paso 1 de 6" in page_text(app)


def test_no_english_sentence_of_sonb_on_any_spanish_step(store):
    """Every step of the example, the About page and the delete question, drawn in Spanish:
    no English sentence of sonb's shows (the example's own notes are the patient's words)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
    from test_spanish_everywhere import _typed, english_in
    from widget_tree import walk

    app = SecondOpinionApp(store, language="es")
    app.example_button.click()
    shown = []
    for index in range(6):
        app.go(index)
        shown.append(page_text(app))
        shown += [w.description for w in walk(app) if getattr(w, "description", "")]
        shown += [str(o) for w in walk(app) for o in getattr(w, "_options_labels", ())]
    app.show_about()
    shown.append(page_text(app))
    app.close_about()
    app.ask_delete()
    shown.append(page_text(app))
    typed = " ".join(" ".join(t.split()) for t in _typed(app.session.case))
    found = english_in(" ".join(shown), typed)
    assert not found, found[:5]
