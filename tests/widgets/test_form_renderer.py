"""QuestionnaireForm: every item type renders, answers bind both ways, bad input is flagged,
only the answers of shown items are checked, and every problem is shown where it can be fixed.
Which control each item gets, and what the renderer refuses: test_renderer_registry.py."""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as W
import pytest
from traitlets import TraitError

from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.model import Case, Factor, Option, Preferences
from sonb.widgets.questionnaire import QuestionnaireForm

from widget_tree import XSS, XSS_ESCAPED, button, error_text, html_values, item_box, plain, shown, walk

CASE = Case(
    options=[Option(id=f"o{n}", name=f"Choice {n}") for n in range(1, 5)]
    + [Option(id="o5", name=f"Choice {XSS}")],
    preferences=Preferences(factors=[Factor(id="less_pain", label="Less pain"),
                                     Factor(id="cost", label="Low cost")]),
)
GENERATED = {"opinion": lambda: Q.opinion_questionnaire(CASE),
             "preferences": lambda: Q.preferences_questionnaire(CASE),
             "decision": lambda: Q.decision_questionnaire(CASE)}
ALL_FORMS = {**{name: (lambda name=name: Q.load(name)) for name in Q.names()}, **GENERATED}
NUMBER = {"linkId": "count", "type": "integer", "text": "How many times?"}
PERCENT = {"linkId": "percent", "type": "integer", "text": "How many out of 100?", "extension": [
    {"url": Q.MIN_VALUE, "valueInteger": 0}, {"url": Q.MAX_VALUE, "valueInteger": 100}]}
NUMBERS = {"resourceType": "Questionnaire", "status": "active", "title": "Numbers",
           "item": [NUMBER, PERCENT]}


FORM_TEXT = texts("ui")["form"]
YES_NO = [(FORM_TEXT["yes"], True), (FORM_TEXT["no"], False)]
BLANK = FORM_TEXT["blank"]


def message(key: str, **values) -> str:
    """A message of sonb.questionnaire shown beside a field."""
    if hasattr(Q, "message"):
        return Q.message(key, **values)
    return Q.MESSAGES[key].format(**values)


class Recorder:
    """An on_change callback that remembers what it was called with."""

    def __init__(self, problems=None):
        self.calls: list[dict] = []
        self.problems = problems

    def __call__(self, answers: dict):
        self.calls.append(answers)
        return self.problems


def form_of(q: dict, answers=None):
    recorder = Recorder()
    return QuestionnaireForm(q, answers, on_change=recorder), recorder


def choice_labels(item: dict) -> list[tuple[str, str]]:
    return [(o["valueCoding"]["display"], o["valueCoding"]["code"]) for o in item["answerOption"]]


def integer_bounds(item: dict):
    found = {e["url"]: e["valueInteger"] for e in item.get("extension", [])}
    return found.get(Q.MIN_VALUE), found.get(Q.MAX_VALUE)


def check_control(item: dict, widget: W.Widget) -> None:
    """The widget fits the item's type (see CONTROLS and DEFAULT_CONTROL in
    widgets/questionnaire.py). Every control starts unanswered."""
    kind, label = item["type"], item["text"] + (" (required)" if item.get("required") else "")
    if kind == "string" and item.get("repeats"):
        assert isinstance(widget, W.VBox)
        assert label in plain(widget.children[0].value)
        assert [b.description for b in walk(widget) if isinstance(b, W.Button)] == ["Add one more"]
    elif kind == "choice" and item.get("repeats"):
        boxes = [w for w in walk(widget) if isinstance(w, W.Checkbox)]
        assert [b.description for b in boxes] == [text for text, _code in choice_labels(item)]
        assert not any(b.value for b in boxes)
    elif kind == "choice" and len(item["answerOption"]) > 5:  # a long list: a drop-down
        assert isinstance(widget, W.Dropdown) and widget.description == label
        assert list(widget.options) == [(BLANK, None), *choice_labels(item)] and widget.value is None
    elif kind == "choice":  # a short single choice: radio buttons, none chosen
        assert isinstance(widget, W.RadioButtons) and widget.description == label
        assert list(widget.options) == choice_labels(item)
        assert widget.value is None and widget.index is None
    elif kind == "boolean":
        assert isinstance(widget, W.RadioButtons) and widget.description == label
        assert list(widget.options) == YES_NO
        assert widget.value is None and widget.index is None
    elif kind == "integer" and None not in integer_bounds(item) and (
            integer_bounds(item)[1] - integer_bounds(item)[0] <= 10):
        lo, hi = integer_bounds(item)
        assert isinstance(widget, W.Dropdown) and widget.description == label
        assert list(widget.options) == [(BLANK, None), *[(str(n), n) for n in range(lo, hi + 1)]]
        assert widget.value is None
    else:
        expected = {"string": W.Text, "text": W.Textarea, "date": W.DatePicker,
                    "integer": W.Text}[kind]
        assert isinstance(widget, expected) and widget.description == label
        assert kind != "text" or not isinstance(widget, W.Text)
    assert "sonb-field" in widget._dom_classes or isinstance(widget, W.VBox)


@pytest.mark.parametrize("name", [*ALL_FORMS, "numbers"])
def test_every_item_of_every_form_renders(name):
    q = NUMBERS if name == "numbers" else ALL_FORMS[name]()
    form = QuestionnaireForm(q)
    headings = [plain(w.children[0].value) for w in walk(form)
                if "sonb-group" in getattr(w, "_dom_classes", ())]
    displays = [w.value for w in walk(form)
                if isinstance(w, W.HTML) and 'class="sonb-display"' in w.value]
    for item in Q.iter_items(q):
        if item["type"] == "group":
            assert html.escape(item["text"]) in headings
        elif item["type"] == "display":
            assert f'<p class="sonb-display">{html.escape(item["text"])}</p>' in displays
        else:
            check_control(item, form.control(item["linkId"]).widget)
            # a blank form shows what FHIR enables with no answers: no conditional item but
            # one asked unless a question is answered "yes" (medical_test's needed_anyway)
            assert shown(item_box(form, item["linkId"])) == Q.is_enabled(q, item["linkId"], {})
            assert Q.is_enabled(q, item["linkId"], {}) == ("enableWhen" not in item) or any(
                c["operator"] == "!=" for c in item["enableWhen"])
            assert error_text(form, item["linkId"]) == ""


def test_the_renderer_covers_every_item_type_and_both_layouts_of_choices_and_numbers():
    """The forms above (plus NUMBERS) hold every kind of control make_control can build."""
    seen = set()
    for q in [*(make() for make in ALL_FORMS.values()), NUMBERS]:
        for item in Q.iter_items(q):
            kind = item["type"]
            if kind == "choice":
                kind += "*" if item.get("repeats") else ("-list" if len(item["answerOption"]) > 5 else "")
            elif kind == "integer":
                lo, hi = integer_bounds(item)
                kind += "-list" if None not in (lo, hi) and hi - lo <= 10 else ""
            elif kind == "string" and item.get("repeats"):
                kind += "*"
            seen.add(kind)
    assert seen == {"string", "string*", "text", "boolean", "choice", "choice-list", "choice*",
                    "date", "integer", "integer-list", "group", "display"}


def test_a_whole_number_without_bounds_is_typed_and_a_letter_is_flagged_beside_it():
    form, on_change = form_of(NUMBERS)
    field = form.control("count").widget
    assert isinstance(field, W.Text)
    field.value = "12a"
    assert error_text(form, "count") == message("integer")
    assert on_change.calls == []
    assert error_text(form, "percent") == ""
    field.value = " 12 "
    assert error_text(form, "count") == ""
    assert on_change.calls == [{"count": 12}]


def test_a_number_outside_wide_bounds_is_flagged_beside_it():
    form, on_change = form_of(NUMBERS)
    form.control("percent").widget.value = "101"
    assert error_text(form, "percent") == "Enter a number from 0 to 100."
    assert on_change.calls == []
    form.control("percent").widget.value = "100"
    assert on_change.calls == [{"percent": 100}]


# -- two-way binding -------------------------------------------------------------------------

BINDINGS = [  # form, linkId, answer, what the widget holds
    ("clinician", "name", "Dr José Müller", "Dr José Müller"),
    ("surgery", "risks", "Infection\nBleeding", "Infection\nBleeding"),
    ("plan", "insurer_covers", False, False),
    ("plan", "visit_date", "2030-02-28", dt.date(2030, 2, 28)),
    ("clinician", "role", "first_opinion", "first_opinion"),
    ("opinion", "recommended_option", "o5", "o5"),
    ("preferences", "weight.cost", 0, 0),
]


@pytest.mark.parametrize(("name", "link_id", "answer", "shown_value"), BINDINGS,
                         ids=[f"{b[0]}-{b[1]}" for b in BINDINGS])
def test_set_answers_shows_them_without_calling_on_change(name, link_id, answer, shown_value):
    form, on_change = form_of(ALL_FORMS[name]())
    form.set_answers({link_id: answer, "not_a_question": "ignored"})
    assert form.control(link_id).widget.value == shown_value
    assert form.answers == {link_id: answer}
    assert on_change.calls == []
    form.set_answers({})
    assert form.control(link_id).widget.value in ("", None)
    assert form.answers == {}


@pytest.mark.parametrize(("name", "link_id", "answer", "shown_value"), BINDINGS,
                         ids=[f"{b[0]}-{b[1]}" for b in BINDINGS])
def test_a_widget_change_becomes_an_answer_and_calls_on_change(name, link_id, answer, shown_value):
    form, on_change = form_of(ALL_FORMS[name]())
    form.control(link_id).widget.value = shown_value
    assert form.answers == {link_id: answer}
    assert on_change.calls == [{link_id: answer}]


def test_checkboxes_bind_both_ways():
    item = next(i for i in Q.questions(Q.load("plan")) if i["linkId"] == "forms_chosen")
    codes = dict(choice_labels(item))  # label -> code, in form order
    form, on_change = form_of(Q.load("plan"), {"forms_chosen": ["surgery"]})
    boxes = {b.description: b for b in walk(form.control("forms_chosen").widget)
             if isinstance(b, W.Checkbox)}
    assert [codes[label] for label, box in boxes.items() if box.value] == ["surgery"]
    first = next(iter(boxes))
    assert codes[first] != "surgery"
    boxes[first].value = True
    assert on_change.calls[-1] == {"forms_chosen": [codes[first], "surgery"]}
    for box in boxes.values():
        box.value = False
    assert form.answers == {} and on_change.calls[-1] == {}


def test_repeating_texts_add_and_remove_rows():
    form, on_change = form_of(Q.load("surgery"), {"my_questions": ["First?", "Second?"]})
    control = form.control("my_questions")
    rows = control.widget.children[1]
    assert [row.children[0].value for row in rows.children] == ["First?", "Second?"]
    button(control.widget, "Add one more").click()
    assert len(rows.children) == 3 and rows.children[2].children[0].value == ""
    rows.children[2].children[0].value = "Third?"
    assert on_change.calls[-1] == {"my_questions": ["First?", "Second?", "Third?"]}
    remove = rows.children[0].children[1]
    assert remove.description == "Remove"
    remove.click()
    assert [row.children[0].value for row in rows.children] == ["Second?", "Third?"]
    assert on_change.calls[-1] == {"my_questions": ["Second?", "Third?"]}
    button(control.widget, "Add one more").click()  # an empty row is no answer
    assert form.answers == {"my_questions": ["Second?", "Third?"]}


def test_repeating_rows_are_numbered_again_after_a_remove():
    form, _ = form_of(Q.load("surgery"), {"my_questions": ["a", "b", "c"]})
    control = form.control("my_questions").widget
    rows = control.children[1]
    rows.children[0].children[1].click()
    button(control, "Add one more").click()
    label = "A question you want to ask"
    assert [row.children[0].description for row in rows.children] == [
        f"{label} 1", f"{label} 2", f"{label} 3"]
    assert [row.children[1].tooltip for row in rows.children] == [
        "Remove number 1", "Remove number 2", "Remove number 3"]


def test_the_something_else_choice_reads_something_else():
    form, _ = form_of(Q.decision_questionnaire(CASE))
    assert ("Something else", "other") in form.control("option").widget.options
    assert form.control("other").widget.description == "What else have you decided?"


def test_on_change_problems_are_shown_beside_their_fields():
    recorder = Recorder(problems={"name": "Another doctor has this name."})
    form = QuestionnaireForm(Q.load("clinician"), on_change=recorder)
    form.control("name").widget.value = "Dr Ng"
    assert error_text(form, "name") == "Another doctor has this name."
    assert form.problems == {"name": "Another doctor has this name."}
    recorder.problems = None
    form.control("specialty").widget.value = "Knees"
    assert error_text(form, "name") == "" and form.problems == {}


# -- enableWhen ------------------------------------------------------------------------------

def test_enable_when_shows_and_hides_the_explanation_on_the_medical_test_form():
    form, on_change = form_of(Q.load("medical_test"))
    explain = item_box(form, "changes_treatment_explain")
    assert not shown(explain)
    form.control("changes_treatment").widget.value = True
    assert shown(explain)
    form.control("changes_treatment_explain").widget.value = "No surgery if it is clear."
    assert on_change.calls[-1] == {"changes_treatment": True,
                                   "changes_treatment_explain": "No surgery if it is clear."}
    form.control("changes_treatment").widget.value = False
    assert not shown(explain)
    assert on_change.calls[-1] == {"changes_treatment": False}  # a hidden answer is not kept


def test_set_answers_applies_enable_when_too():
    form, _ = form_of(Q.load("medical_test"), {"changes_treatment": True})
    assert shown(item_box(form, "changes_treatment_explain"))
    form.set_answers({"changes_treatment": False, "changes_treatment_explain": "kept?"})
    assert not shown(item_box(form, "changes_treatment_explain"))
    assert form.answers == {"changes_treatment": False}


def test_the_emergency_message_shows_only_after_yes():
    form, _ = form_of(Q.load("assessment"))
    message = next(w for w in walk(form) if isinstance(w, W.HTML) and "Get care now" in w.value)
    assert not shown(message)
    form.control("emergency").widget.value = True
    assert shown(message)
    form.control("emergency").widget.value = False
    assert not shown(message)


# -- invalid input ---------------------------------------------------------------------------

@pytest.mark.parametrize(("link_id", "limit"), [("risks", "5,000"), ("name", "200")])
def test_a_100_kb_text_is_flagged_beside_its_field_and_not_passed_on(link_id, limit):
    form, on_change = form_of(Q.load("surgery"))
    form.control(link_id).widget.value = "x" * 100_000
    assert error_text(form, link_id) == f"This is too long. Use at most {limit} characters."
    assert on_change.calls == []
    assert [lid for lid in form._controls if error_text(form, lid)] == [link_id]
    form.control("benefits").widget.value = "Less pain"  # still nothing passed on
    assert on_change.calls == []
    form.control(link_id).widget.value = "short"
    assert error_text(form, link_id) == ""
    assert on_change.calls == [{link_id: "short", "benefits": "Less pain"}]


@pytest.mark.parametrize("sent", [{"year": 2025, "month": 1, "date": 30},
                                  {"year": 20255, "month": 2, "date": 3}])
def test_an_impossible_date_from_the_browser_is_flagged_beside_its_field(sent):
    form, on_change = form_of(Q.load("plan"), {"visit_date": "2030-01-02"})
    form.control("visit_date").widget.set_state({"value": sent})
    assert error_text(form, "visit_date")
    assert on_change.calls == []


def test_a_stored_date_that_is_not_on_the_calendar_is_not_shown_as_a_date():
    form, _ = form_of(Q.load("plan"), {"visit_date": "2025-02-30"})
    assert form.control("visit_date").widget.value is None
    assert form.answers == {}


# -- HTML in text ----------------------------------------------------------------------------

def test_html_in_option_names_and_answers_is_shown_escaped():
    form = QuestionnaireForm(Q.opinion_questionnaire(CASE), {"diagnosis": XSS}, show_title=True)
    shown_html = html_values(form)
    assert not any(XSS in value for value in shown_html)
    assert any(XSS_ESCAPED in value for value in shown_html)  # the group for Choice <img...>
    assert form.control("diagnosis").widget.value == XSS  # a text box shows text as typed


# -- radio groups ----------------------------------------------------------------------------

def test_a_yes_no_question_is_a_radio_group_that_starts_unanswered_and_round_trips():
    form, on_change = form_of(Q.load("assessment"))
    radios = form.control("emergency").widget
    assert isinstance(radios, W.RadioButtons) and list(radios.options) == YES_NO
    assert radios.index is None and form.answers == {}  # nothing looks chosen
    form.set_answers({"emergency": False})
    assert radios.value is False and radios.index == 1 and form.answers == {"emergency": False}
    assert on_change.calls == []
    radios.set_state({"index": 0})  # what the browser sends when "Yes" is clicked
    assert on_change.calls[-1] == {"emergency": True}
    form.set_answers({})  # back to unanswered, not to "No"
    assert radios.index is None and radios.value is None and form.answers == {}


def test_a_short_choice_is_a_radio_group_and_a_value_from_the_browser_is_still_checked():
    form, on_change = form_of(Q.load("clinician"))
    role = form.control("role").widget
    assert isinstance(role, W.RadioButtons) and role.value is None
    codes = [code for _label, code in role.options]
    form.set_answers({"role": codes[1]})
    assert role.index == 1 and form.answers == {"role": codes[1]}
    with pytest.raises(TraitError):  # an index the page never offered: ipywidgets refuses it
        role.set_state({"index": len(codes)})
    assert form.answers == {"role": codes[1]} and on_change.calls == []
    role.set_state({"index": 0})
    assert on_change.calls == [{"role": codes[0]}]


def test_the_0_to_5_scores_stay_drop_downs_that_start_blank():
    form, _ = form_of(Q.preferences_questionnaire(CASE))
    score = form.control("weight.cost").widget
    assert isinstance(score, W.Dropdown) and score.value is None
    assert score.options[0] == (BLANK, None)


# -- only the shown items are checked ------------------------------------------------------------

def test_a_hidden_invalid_answer_does_not_block_later_changes():
    """medical_test: Yes, then an explanation that is too long, then No. The explanation hides
    with its problem; its answer is dropped (FHIR), so the form keeps passing changes on."""
    form, on_change = form_of(Q.load("medical_test"))
    form.control("changes_treatment").widget.value = True
    form.control("changes_treatment_explain").widget.value = "x" * 6000
    assert error_text(form, "changes_treatment_explain") == message("too_long", max=5000)
    assert on_change.calls == [{"changes_treatment": True}]  # the long text is not passed on
    form.control("changes_treatment").widget.value = False
    assert not shown(item_box(form, "changes_treatment_explain"))
    assert form.problems == {} and error_text(form, "changes_treatment_explain") == ""
    assert on_change.calls[-1] == {"changes_treatment": False}
    form.control("name").widget.value = "Knee MRI"
    assert on_change.calls[-1] == {"changes_treatment": False, "name": "Knee MRI"}
    form.control("changes_treatment").widget.value = True  # shown again: checked again
    assert error_text(form, "changes_treatment_explain") == message("too_long", max=5000)
    assert on_change.calls[-1] == {"changes_treatment": False, "name": "Knee MRI"}


def test_on_invalid_hears_of_a_change_that_is_not_passed_on():
    heard = []
    form = QuestionnaireForm(Q.load("surgery"), on_change=Recorder(), on_invalid=heard.append)
    form.control("name").widget.value = "n" * 300
    assert heard == [{"name": message("too_long", max=200)}]
    assert form.first_problem() == ("What is the name of the surgery?", message("too_long", max=200))
    form.control("name").widget.value = "Knee surgery"
    assert len(heard) == 1 and form.first_problem() is None


# -- every problem is shown where it can be fixed ------------------------------------------------

def test_problems_of_no_field_are_shown_at_the_top_of_the_form():
    form, _ = form_of(Q.load("clinician"))
    form.show_problems({"(whole record)": "This case is too large to save.",
                        "opinions[0]": "must be a group of fields",
                        "name": "Another doctor has this name."})
    top = form.children[0]
    assert isinstance(top, W.HTML) and shown(top) and "sonb-form-problems" in top._dom_classes
    assert '<div class="sonb-error" role="alert">' in top.value
    assert "This case is too large to save." in plain(top.value)
    assert "opinions[0]: must be a group of fields" in plain(top.value)
    assert error_text(form, "name") == "Another doctor has this name."  # beside its field
    assert form.first_problem() == (Q.load("clinician")["title"], "This case is too large to save.")
    form.show_problems({})
    assert not shown(top) and form.first_problem() is None


def test_the_top_message_comes_after_the_title_and_escapes_html():
    form = QuestionnaireForm(Q.load("clinician"), show_title=True)
    form.show_problems({"(whole record)": f"Bad {XSS}"})
    title, top = form.children[:2]
    assert "<h3>" in title.value and "sonb-form-problems" in top._dom_classes
    assert XSS not in top.value and XSS_ESCAPED in top.value


def test_a_field_hidden_by_enable_when_is_shown_with_its_problem():
    form, _ = form_of(Q.load("medical_test"), {"changes_treatment": False})
    explain = item_box(form, "changes_treatment_explain")
    assert not shown(explain)
    form.show_problems({"changes_treatment_explain": "This is too long."})
    assert shown(explain) and error_text(form, "changes_treatment_explain") == "This is too long."
    form.show_problems({})
    assert not shown(explain)


NESTED = {"resourceType": "Questionnaire", "status": "active", "title": "Nested", "item": [
    {"linkId": "any", "type": "boolean", "text": "Any side effects?"},
    {"linkId": "more", "type": "group", "text": "About them", "enableWhen": [
        {"question": "any", "operator": "=", "answerBoolean": True}], "item": [
        {"linkId": "which", "type": "string", "text": "Which ones?"}]}]}


def test_a_field_in_a_hidden_group_is_shown_with_its_group():
    form, _ = form_of(NESTED)
    group = next(w for w in walk(form) if "sonb-group" in getattr(w, "_dom_classes", ()))
    assert not shown(group)
    form.show_problems({"which": "Say which ones."})
    assert shown(group) and shown(item_box(form, "which"))
    assert error_text(form, "which") == "Say which ones."


def test_the_first_problem_in_form_order_gets_the_focus_when_problems_are_shown(monkeypatch):
    form, _ = form_of(Q.load("clinician"))
    focused = []
    for link_id in ("name", "specialty", "role"):
        monkeypatch.setattr(form.control(link_id).widget, "focus",
                            lambda link_id=link_id: focused.append(link_id), raising=False)
    form.show_problems({"role": "Pick one.", "specialty": "Too long."})  # not in form order
    assert focused == ["specialty"]
    specialty = next(i for i in Q.questions(form.questionnaire) if i["linkId"] == "specialty")
    assert form.first_problem() == (specialty["text"], "Too long.")


def test_a_change_does_not_pull_the_focus_back_to_the_field_just_left(monkeypatch):
    recorder = Recorder()
    form = QuestionnaireForm(Q.load("clinician"), on_change=recorder)
    focused = []
    for link_id in ("name", "specialty"):
        monkeypatch.setattr(form.control(link_id).widget, "focus",
                            lambda link_id=link_id: focused.append(link_id), raising=False)
    form.control("name").widget.value = "n" * 300  # its own problem: the patient is there
    assert error_text(form, "name") and focused == []
    form.control("name").widget.value = "Dr Ng"
    recorder.problems = {"name": "Another doctor has this name."}
    form.control("specialty").widget.value = "Knees"  # the model finds a problem elsewhere
    assert focused == ["name"]
    form.control("specialty").widget.value = "Hips"  # the same problem again: no new jump
    assert focused == ["name"]


def test_the_words_around_the_questions_come_from_ui_json():
    form, _ = form_of(Q.load("surgery"), {"my_questions": ["First?"]})
    control = form.control("my_questions").widget
    add = button(control, FORM_TEXT["add_one_more"])
    assert add.tooltip == FORM_TEXT["add_tooltip"].format(label="A question you want to ask")
    remove = control.children[1].children[0].children[1]
    assert remove.description == FORM_TEXT["remove"]
    assert remove.tooltip == FORM_TEXT["remove_tooltip"].format(n=1)
