"""The renderer's registry: which control each (type, repeats, itemControl) gets, the defaults,
what an item's readOnly, prefix and required change, and what the renderer refuses."""

from __future__ import annotations

import ipywidgets as W
import pytest

from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.errors import InvalidInput
from sonb.widgets import controls as R
from sonb.widgets.controls import CONTROLS, ITEM_CONTROL, control_key, make_control
from sonb.widgets.questionnaire import QuestionnaireForm
from sonb.widgets.refused import WHOLE_FORM, unsupported

from widget_tree import walk

FORM_TEXT = texts("ui")["form"]
YES_NO = [(FORM_TEXT["yes"], True), (FORM_TEXT["no"], False)]


def control(code: str) -> dict:
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
        {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": code}]}}


def options(n: int) -> list[dict]:
    return [{"valueCoding": {"system": Q.CODE_SYSTEM, "code": f"c{i}", "display": f"Choice {i}"}}
            for i in range(1, n + 1)]


def item(kind: str, code: str | None = None, **extra) -> dict:
    found = {"linkId": "q", "type": kind, "text": "The question?", **extra}
    if kind == "choice" and "answerOption" not in found:
        found["answerOption"] = options(3)
    if code is not None:
        found["extension"] = [*found.get("extension", []), control(code)]
    return found


def form(*items: dict, **extra) -> dict:
    return {"resourceType": "Questionnaire", "status": "active", "title": "Test form",
            "item": list(items), **extra}


SCORE = [{"url": Q.MIN_VALUE, "valueInteger": 0}, {"url": Q.MAX_VALUE, "valueInteger": 5}]
WIDE = [{"url": Q.MIN_VALUE, "valueInteger": 0}, {"url": Q.MAX_VALUE, "valueInteger": 100}]

# item -> the CONTROLS key and the widget that shows it
PICKS = [
    ("string", item("string"), ("string", False, "text-box"), W.Text),
    ("string text-box", item("string", "text-box"), ("string", False, "text-box"), W.Text),
    ("string repeating", item("string", repeats=True), ("string", True, "text-box"), W.VBox),
    ("text", item("text"), ("text", False, "text-box"), W.Textarea),
    ("boolean", item("boolean"), ("boolean", False, "radio-button"), W.RadioButtons),
    ("boolean drop-down", item("boolean", "drop-down"), ("boolean", False, "drop-down"), W.Dropdown),
    ("choice of 3", item("choice"), ("choice", False, "radio-button"), W.RadioButtons),
    ("choice of 5", item("choice", answerOption=options(5)), ("choice", False, "radio-button"),
     W.RadioButtons),
    ("choice of 6", item("choice", answerOption=options(6)), ("choice", False, "drop-down"),
     W.Dropdown),
    ("choice of 3 drop-down", item("choice", "drop-down"), ("choice", False, "drop-down"), W.Dropdown),
    ("choice of 8 radio-button", item("choice", "radio-button", answerOption=options(8)),
     ("choice", False, "radio-button"), W.RadioButtons),
    ("choice repeating", item("choice", repeats=True), ("choice", True, "check-box"), W.VBox),
    ("choice repeating check-box", item("choice", "check-box", repeats=True),
     ("choice", True, "check-box"), W.VBox),
    ("date", item("date"), ("date", False, None), W.DatePicker),
    ("integer", item("integer"), ("integer", False, "text-box"), W.Text),
    ("integer 0-5", item("integer", extension=SCORE), ("integer", False, "drop-down"), W.Dropdown),
    ("integer 0-100", item("integer", extension=WIDE), ("integer", False, "text-box"), W.Text),
    ("integer 0-5 text-box", item("integer", "text-box", extension=SCORE),
     ("integer", False, "text-box"), W.Text),
]


@pytest.mark.parametrize(("given", "key", "widget_class"), [p[1:] for p in PICKS],
                         ids=[p[0] for p in PICKS])
def test_the_registry_picks_the_control(given, key, widget_class):
    assert control_key(given) == key
    assert key in CONTROLS
    built = make_control(given)
    assert type(built.widget) is widget_class or isinstance(built.widget, widget_class)
    assert unsupported(form(given)) == {}
    assert built.value is None  # every control starts unanswered


def test_the_picks_above_are_entries_of_the_registry():
    """(test_controls_types.py builds an item for every entry and checks each one is picked.)"""
    assert {p[2] for p in PICKS} <= set(CONTROLS)


def test_a_new_control_is_one_entry(monkeypatch):
    slider = R.Renderer(lambda it: R._Control(W.IntSlider(min=0, max=5, description=it["text"]),
                                              blank=0))
    monkeypatch.setitem(CONTROLS, ("integer", False, "slider"), slider)
    given = item("integer", "slider", extension=SCORE)
    assert unsupported(form(given)) == {}
    built = QuestionnaireForm(form(given)).control("q")
    assert isinstance(built.widget, W.IntSlider)


def test_yes_no_radio_buttons_and_drop_downs_offer_the_same_answers():
    radios = make_control(item("boolean")).widget
    listed = make_control(item("boolean", "drop-down")).widget
    assert list(radios.options) == YES_NO and radios.index is None
    assert list(listed.options) == [(FORM_TEXT["blank"], None), *YES_NO] and listed.value is None


def test_read_only_prefix_and_required_are_shown():
    q = form(item("boolean", readOnly=True, prefix="1.", required=True),
             {"linkId": "g", "type": "group", "text": "More", "prefix": "B.",
              "item": [{"linkId": "d", "type": "display", "text": "Read this.", "prefix": "(a)"}]},
             {"linkId": "names", "type": "string", "repeats": True, "readOnly": True,
              "text": "Names"},
             {"linkId": "picks", "type": "choice", "repeats": True, "readOnly": True,
              "text": "Picks", "answerOption": options(2)})
    shown = QuestionnaireForm(q, {"q": True, "names": ["Ann"], "picks": ["c1"]})
    radios = shown.control("q").widget
    assert radios.disabled and radios.description == FORM_TEXT["required"].format(text="1. The question?")
    html = [w.value for w in walk(shown) if isinstance(w, W.HTML)]
    assert any("B. More" in h for h in html) and any("(a) Read this." in h for h in html)
    parts = [w for name in ("names", "picks") for w in walk(shown.control(name).widget)
             if isinstance(w, (W.Textarea, W.Button, W.Checkbox))]
    assert parts and all(w.disabled for w in parts)


def test_a_read_only_answer_changed_by_the_browser_is_put_back():
    calls = []
    shown = QuestionnaireForm(form(item("boolean", readOnly=True)), {"q": True},
                              on_change=calls.append)
    shown.control("q").widget.set_state({"index": 1})  # a page that ignores `disabled`
    assert shown.control("q").value is True and shown.answers == {"q": True}
    assert calls == []


def test_the_forms_of_sonb_ask_for_nothing_the_renderer_refuses():
    case_forms = [Q.opinion_questionnaire, Q.preferences_questionnaire, Q.decision_questionnaire]
    from sonb.model import Case, Option
    case = Case(options=[Option(id="a", name="A"), Option(id="b", name="B")])
    for q in [*(Q.load(name) for name in Q.names()), *(make(case) for make in case_forms)]:
        assert unsupported(q) == {}, q.get("id")


REFUSED = form(
    item("integer", "drop-down") | {"linkId": "age"},  # a list of numbers needs close bounds
    item("date", "text-box") | {"linkId": "when"},
    item("string", answerValueSet="http://example.org/vs", maxLength=0) | {"linkId": "town"},
    {"linkId": "far", "type": "choice", "text": "Where?", "answerValueSet": "http://example.org/vs"},
    item("choice", answerOption=[{"valueString": "red", "valueInteger": 1}]) | {"linkId": "colour"},
    item("string", extension=[{"url": "http://example.org/unknown", "valueString": "x"}])
    | {"linkId": "odd"},
    item("string", enableWhen=[{"question": "ghost", "operator": "=", "answerString": "x"}])
    | {"linkId": "why"},
    item("string", enableWhen=[{"question": "age", "operator": "=", "answerString": "3"},
                               {"question": "age", "operator": "~", "answerInteger": 3}])
    | {"linkId": "kind"},
    item("string", enableWhen=[{"question": "b", "operator": "exists", "answerBoolean": True}])
    | {"linkId": "a"},
    item("string", enableWhen=[{"question": "a", "operator": "exists", "answerBoolean": True}])
    | {"linkId": "b"},
    {"linkId": "table", "type": "group", "text": "A table", "repeats": True,
     "extension": [control("table")], "item": [item("string") | {"linkId": "cell"}]},
    item("string") | {"linkId": "later"},
    item("text") | {"linkId": "later"},
    modifierExtension=[{"url": "http://example.org/must-understand", "valueBoolean": True}],
)


def test_every_feature_the_renderer_does_not_honour_is_refused_and_listed():
    found = unsupported(REFUSED)
    assert set(found) == {WHOLE_FORM, "age", "when", "town", "far", "colour", "odd", "why",
                          "kind", "a", "b", "table", "later"}
    assert "minValue" in found["age"]
    assert "'text-box'" in found["when"]
    assert "answerValueSet" in found["town"] and "maxLength" in found["town"]  # both listed
    assert "offline" in found["far"]
    assert "exactly one value" in found["colour"]
    assert "http://example.org/unknown" in found["odd"]
    assert "'ghost'" in found["why"]
    assert "answerString" in found["kind"] and "'~'" in found["kind"]  # every condition
    assert "circle" in found["a"] and "circle" in found["b"]
    assert "'table'" in found["table"]
    assert "more than one item" in found["later"].lower()
    assert "modifierExtension" in found[WHOLE_FORM]
    assert all(message.strip() and message[0].isupper() for message in found.values())


def test_the_standard_features_the_old_renderer_refused_are_shown():
    """Each of these alone made the first renderer refuse the whole form."""
    accepted = form(
        item("integer") | {"linkId": "pain"},
        item("choice", answerOption=[{"valueString": "red"}, {"valueString": "blue"}])
        | {"linkId": "colour"},
        item("choice", answerOption=[{"valueCoding": {"code": "a"}, "initialSelected": True},
                                     {"valueCoding": {"code": "b", "display": "B"}}])
        | {"linkId": "first"},
        item("string", enableWhen=[{"question": "pain", "operator": ">", "answerInteger": 3}])
        | {"linkId": "why"},
        item("string", enableWhen=[{"question": "later", "operator": "exists",
                                    "answerBoolean": True}]) | {"linkId": "before"},
        item("string") | {"linkId": "later"},
        item("string") | {"linkId": "a/b:c"},
        {"linkId": "meds", "type": "group", "text": "A medicine", "repeats": True,
         "item": [item("string") | {"linkId": "name"}]},
    )
    assert unsupported(accepted) == {}
    shown = QuestionnaireForm(accepted)
    assert shown.answers == {"first": "a"}  # initialSelected
    shown.control("pain").widget.value = "4"
    assert shown._conditional["why"].layout.display is None
    shown.control("pain").widget.value = "2"
    assert shown._conditional["why"].layout.display == "none"


def test_a_form_with_unsupported_features_cannot_be_built():
    with pytest.raises(InvalidInput) as refused:
        QuestionnaireForm(REFUSED)
    assert refused.value.problems == unsupported(REFUSED)
    assert str(refused.value).startswith("The form 'Test form' has 13 problem(s)")


def test_make_control_refuses_an_item_it_cannot_show():
    with pytest.raises(InvalidInput) as refused:
        make_control(item("integer", "slider"))
    assert list(refused.value.problems) == ["q"]
