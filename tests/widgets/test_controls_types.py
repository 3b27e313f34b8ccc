"""A control for every FHIR R4 question type, single and repeating: the answer set is the
answer read back, what the patient does in the browser becomes the answer sonb keeps
(sonb.questionnaire.values), typed text that is no value comes back as text, never an error."""

from __future__ import annotations

import base64
import datetime as dt

import ipywidgets as W
import pytest
from sonb.widgets.controls import (
    CONTROLS,
    DEFAULT_CONTROL,
    ITEM_CONTROL,
    UNIT,
    control_key,
    control_problems,
    make_control,
)
from widget_tree import XSS, XSS_ESCAPED, html_values, walk

from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.questionnaire.values import MAX_ATTACHMENT, check_single

FORM_TEXT = texts("ui")["form"]
CODINGS = [{"valueCoding": {"code": "a", "display": "Apple"}}, {"valueInteger": 3},
           {"valueDate": "2020-01-01"}, {"valueReference": {"reference": "Patient/1"}}]
RANGE = [{"url": Q.MIN_VALUE, "valueInteger": 0}, {"url": Q.MAX_VALUE, "valueInteger": 10}]
KG = {"url": UNIT, "valueCoding": {"system": "http://unitsofmeasure.org", "code": "kg",
                                   "display": "kilograms"}}


def control(code: str) -> dict:
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{"code": code}]}}


def item(kind: str, code: str | None = None, repeats: bool = False, **extra) -> dict:
    found = {"linkId": "q", "type": kind, "text": "The question?", "repeats": repeats, **extra}
    if kind in ("choice", "open-choice") and "answerOption" not in found:
        found["answerOption"] = CODINGS
    if code is not None:
        found["extension"] = [*found.get("extension", []), control(code)]
    return found


SAMPLE = {
    "boolean": False, "integer": 42, "decimal": 2.5, "string": "Hello", "text": "Two\nlines",
    "url": "https://example.org", "date": "2026-03-14", "dateTime": "2026-03-14T09:30:00+01:00",
    "time": "09:30:00", "choice": 3, "open-choice": "Something I typed",
    "quantity": {"value": 70, "unit": "kg"},
    "attachment": {"contentType": "text/plain", "data": "aGk=", "title": "a.txt", "size": 2},
    "reference": {"reference": "Practitioner/123", "display": "Dr Ng"},
}
OTHER = {"boolean": True, "integer": 7, "decimal": 3, "string": "Bye", "text": "Bye",
         "url": "https://example.com", "date": "2026-12-01",
         "dateTime": "2026-03-14T08:30:00+00:00", "time": "23:59:59", "choice": "a",
         "open-choice": "2020-01-01", "quantity": {"value": 1.5}, "attachment": SAMPLE["attachment"],
         "reference": {"reference": "Patient/1"}}

# every entry of the registry, picked by an item
ENTRIES = [item(kind, code, repeats, extension=[*(RANGE if kind in ("integer", "decimal") else []),
                                                *([control(code)] if code else [])])
           for kind, repeats, code in CONTROLS]


@pytest.mark.parametrize("kind", sorted(Q.QUESTION_TYPES))
def test_every_question_type_has_a_default_control_single_and_repeating(kind):
    for repeats in (False, True):
        assert (kind, repeats) in DEFAULT_CONTROL
        assert control_key(item(kind, repeats=repeats)) in CONTROLS
        assert control_problems(item(kind, repeats=repeats)) == []


@pytest.mark.parametrize("given", ENTRIES, ids=[str(k) for k in CONTROLS])
def test_every_entry_starts_unanswered_and_gives_back_the_answer_set(given):
    assert control_key(given) in CONTROLS and control_problems(given) == []
    built = make_control(given)
    assert built.value is None
    kind = given["type"]
    first, second = (7, 3) if kind in ("integer", "decimal") else (SAMPLE[kind], OTHER[kind])
    for answer in ([[first, second], [second]] if given["repeats"] else [first, second]):
        built.value = answer
        if control_key(given)[2] == "check-box" and given["repeats"]:  # in the options' order, then the typed
            assert sorted(map(repr, built.value)) == sorted(map(repr, answer))
        else:
            assert built.value == answer
        assert all(check_single(given, v) is None for v in Q.values_of(built.value))
    built.value = None
    assert built.value is None


@pytest.mark.parametrize("given", ENTRIES, ids=[str(k) for k in CONTROLS])
def test_disable_disables_every_part(given):
    built = make_control(given)
    kind = given["type"]
    sample = 7 if kind in ("integer", "decimal") else SAMPLE[kind]
    built.value = [sample, sample] if given["repeats"] else sample  # rows made before too
    built.disable()
    parts = [w for w in walk(built.widget) if "disabled" in w.keys]
    assert parts and all(w.disabled for w in parts)
    assert built.focus_widget in list(walk(built.widget))


# -- what the patient does in the browser -------------------------------------------------------

def fired(built) -> list:
    calls = []
    built.observe(lambda: calls.append(built.value))
    return calls


@pytest.mark.parametrize(("kind", "typed", "answer"), [
    ("integer", " 42 ", 42), ("integer", "4.5", "4.5"), ("integer", "", None),
    ("decimal", "2.5", 2.5), ("decimal", "3", 3), ("decimal", "-1e3", -1000.0),
    ("decimal", "abc", "abc"), ("decimal", "inf", "inf"), ("decimal", "nan", "nan"),
    ("decimal", "  ", None), ("string", "Hi", "Hi"), ("url", "https://x.org", "https://x.org"),
    ("text", " ", None),
])
def test_a_typed_value_becomes_the_answer_or_stays_text(kind, typed, answer):
    built = make_control(item(kind))
    calls = fired(built)
    built.widget.value = typed
    assert built.value == answer and type(built.value) is type(answer)
    assert calls == ([answer] if typed else [])  # "" -> "": no change


def test_a_date_picked_and_a_partial_date_kept():
    built = make_control(item("date"))
    calls = fired(built)
    built.widget.value = dt.date(2026, 3, 14)
    assert built.value == "2026-03-14" and calls == ["2026-03-14"]
    built.value = "2026-03"  # FHIR allows it; a picker cannot show it: kept, and said so
    assert built.value == "2026-03" and built.widget.value is None
    assert built.widget.description == FORM_TEXT["kept"].format(label="The question?", value="2026-03")
    built.widget.value = dt.date(2026, 4, 1)
    assert built.value == "2026-04-01" and built.widget.description == "The question?"
    built.value = "2025-02-30"  # on no calendar: not kept
    assert built.value is None


def test_a_date_time_from_the_browser_is_a_fhir_date_time():
    built = make_control(item("dateTime"))
    calls = fired(built)
    # the browser sends the instant in UTC (ipywidgets' DatetimePicker is time-zone aware)
    built.widget.set_state({"value": {"year": 2026, "month": 2, "date": 14, "hours": 8,
                                      "minutes": 30, "seconds": 0, "milliseconds": 0}})
    assert built.value == "2026-03-14T08:30:00+00:00" and calls == [built.value]
    assert check_single(item("dateTime"), built.value) is None
    built.widget.set_state({"value": {"year": 20255, "month": 0, "date": 1, "hours": 0,
                                      "minutes": 0, "seconds": 0, "milliseconds": 0}})
    assert isinstance(built.value, str) and check_single(item("dateTime"), built.value)
    for partial in ("2026", "2026-03", "2026-03-14"):  # no time: kept as given
        built.value = partial
        assert built.value == partial


def test_a_time_from_the_browser_has_seconds():
    built = make_control(item("time"))
    calls = fired(built)
    built.widget.value = dt.time(9, 5)
    assert built.value == "09:05:00" and calls == ["09:05:00"]


def test_a_choice_answers_with_the_options_key_of_any_kind():
    for code in ("radio-button", "drop-down"):
        built = make_control(item("choice", code))
        calls = fired(built)
        labels = dict(built.widget.options)
        assert {"Apple": "a", "3": 3, "2020-01-01": "2020-01-01", "Patient/1": "Patient/1"} \
            .items() <= labels.items()
        built.widget.value = 3
        assert built.value == 3 and calls == [3]


def test_autocomplete_maps_the_words_typed_to_the_key():
    built = make_control(item("choice", "autocomplete"))
    assert isinstance(built.widget, W.Combobox) and built.widget.ensure_option
    calls = fired(built)
    built.widget.value = "apple "
    assert built.value == "a" and calls == ["a"]
    built.widget.value = "3"
    assert built.value == 3
    built.widget.value = "Pear"  # no option: text, which validation flags
    assert built.value == "Pear" and check_single(item("choice"), "Pear")
    built.value = "2020-01-01"
    assert built.widget.value == "2020-01-01"
    opened = make_control(item("open-choice", "autocomplete"))
    assert not opened.widget.ensure_option
    opened.widget.value = "Pear"
    assert opened.value == "Pear" and check_single(item("open-choice"), "Pear") is None


def test_an_open_choice_takes_an_option_or_typed_text():
    built = make_control(item("open-choice"))
    calls = fired(built)
    pick, other = built.widget.children
    assert other.description == FORM_TEXT["other"]
    pick.value = "a"
    assert built.value == "a"
    other.value = "Pear"  # typing unpicks the option
    assert built.value == "Pear" and pick.value is None
    pick.value = 3  # picking empties the box
    assert built.value == 3 and other.value == ""
    assert calls[-1] == 3
    built.value = "Plum"
    assert (pick.value, other.value) == (None, "Plum")


def test_a_repeating_open_choice_is_checkboxes_and_other_answers():
    built = make_control(item("open-choice", repeats=True))
    calls = fired(built)
    checks, others = built.widget.children
    boxes = [w for w in walk(checks) if isinstance(w, W.Checkbox)]
    boxes[1].value = True
    next(w for w in walk(others) if isinstance(w, W.Button)).click()
    others.children[1].children[0].children[0].value = "Pear"
    assert built.value == [3, "Pear"] and calls[-1] == [3, "Pear"]
    built.value = ["a", "Plum", 3]
    assert built.value == ["a", 3, "Plum"]


def test_a_quantity_has_the_items_unit():
    built = make_control(item("quantity", extension=[KG]))
    calls = fired(built)
    box, unit = built.widget.children
    assert "kilograms" in unit.value
    box.value = "70.5"
    assert built.value == {"value": 70.5, "unit": "kilograms", "system": "http://unitsofmeasure.org",
                           "code": "kg"}
    assert calls == [built.value] and check_single(item("quantity"), built.value) is None
    box.value = "seventy"
    assert built.value == "seventy" and check_single(item("quantity"), built.value)
    built.value = {"value": 3, "unit": "lb"}  # an answer's own unit is kept and shown
    assert built.value == {"value": 3, "unit": "lb"} and "lb" in unit.value


def upload(name: str, data: bytes, kind: str = "text/plain") -> tuple:
    """FileUpload.value as ipywidgets 8 gives it: a tuple of dicts, content a memoryview."""
    return ({"name": name, "type": kind, "size": len(data), "content": memoryview(data),
             "last_modified": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},)


def test_an_uploaded_file_is_the_attachment_and_remove_takes_it_away():
    built = make_control(item("attachment"))
    calls = fired(built)
    chooser = next(w for w in walk(built.widget) if isinstance(w, W.FileUpload))
    remove = next(w for w in walk(built.widget) if isinstance(w, W.Button))
    assert not chooser.multiple and remove.disabled
    assert any("1 MB" in h for h in html_values(built.widget))  # the limit is said
    chooser.value = upload(f"{XSS}.txt", b"hello")
    assert built.value == {"contentType": "text/plain", "data": base64.b64encode(b"hello").decode(),
                           "title": f"{XSS}.txt", "size": 5}
    assert calls == [built.value] and check_single(item("attachment"), built.value) is None
    assert any(XSS_ESCAPED in h and "5 B" in h for h in html_values(built.widget))
    assert not any(XSS in h for h in html_values(built.widget))
    remove.click()
    assert built.value is None and calls[-1] is None and remove.disabled


def test_a_file_over_the_limit_is_not_taken():
    built = make_control(item("attachment"))
    chooser = next(w for w in walk(built.widget) if isinstance(w, W.FileUpload))
    chooser.value = upload("big.bin", b"x" * (MAX_ATTACHMENT + 1), "")
    assert built.value is None
    assert any("too big" in h for h in html_values(built.widget))


def test_a_reference_is_typed_and_keeps_its_display_while_unchanged():
    built = make_control(item("reference"))
    calls = fired(built)
    built.widget.value = " Practitioner/9 "
    assert built.value == {"reference": "Practitioner/9"} and calls == [built.value]
    built.value = SAMPLE["reference"]
    assert built.widget.value == "Practitioner/123" and built.value == SAMPLE["reference"]
    built.widget.value = "Practitioner/124"
    assert built.value == {"reference": "Practitioner/124"}


def test_a_slider_is_unanswered_until_moved():
    built = make_control(item("decimal", "slider", extension=RANGE))
    calls = fired(built)
    assert isinstance(built.widget, W.FloatSlider) and not built.widget.readout
    built.widget.value = 7.5
    assert built.value == 7.5 and built.widget.readout and calls == [7.5]
    assert isinstance(make_control(item("integer", "slider", extension=RANGE)).widget, W.IntSlider)
    assert "minValue" in control_problems(item("decimal", "slider"))[0]


# -- repeats -----------------------------------------------------------------------------------

def rows(built):
    return built.widget.children[1].children


def add(built):
    built.widget.children[2].click()


@pytest.mark.parametrize(("kind", "set_row", "answer"), [
    ("decimal", lambda w: setattr(w, "value", "1.5"), 1.5),
    ("date", lambda w: setattr(w, "value", dt.date(2026, 1, 2)), "2026-01-02"),
    ("boolean", lambda w: setattr(w, "value", True), True),
    ("quantity", lambda w: setattr(w.children[0], "value", "2"), {"value": 2}),
    ("reference", lambda w: setattr(w, "value", "Group/1"), {"reference": "Group/1"}),
])
def test_any_type_repeats_with_add_and_remove(kind, set_row, answer):
    built = make_control(item(kind, repeats=True))
    calls = fired(built)
    add(built)
    add(built)
    assert len(rows(built)) == 2 and built.value is None  # empty rows are no answer
    set_row(rows(built)[1].children[0])
    assert built.value == [answer] and calls[-1] == [answer]
    rows(built)[0].children[1].click()  # remove the first
    assert len(rows(built)) == 1 and built.value == [answer]
    assert rows(built)[0].children[1].tooltip == FORM_TEXT["remove_tooltip"].format(n=1)


def test_a_repeating_number_row_with_text_gives_the_text():
    built = make_control(item("decimal", repeats=True))
    built.value = [1, 2]
    rows(built)[1].children[0].value = "two"
    assert built.value == [1, "two"]


def test_rows_are_numbered_again_after_a_remove_for_any_control():
    built = make_control(item("attachment", repeats=True))
    built.value = [SAMPLE["attachment"]] * 3
    rows(built)[0].children[1].click()
    titles = [next(w for w in walk(r.children[0]) if isinstance(w, W.HTML)).value
              for r in rows(built)]
    assert "The question? 1" in titles[0] and "The question? 2" in titles[1]


# -- what cannot be shown ----------------------------------------------------------------------

def test_an_unknown_control_code_lists_the_codes_it_can_show():
    problems = control_problems(item("decimal", "spinner"))
    assert len(problems) == 1
    assert "'spinner'" in problems[0] and "slider, text-box" in problems[0]
    assert "check-box" in control_problems(item("choice", "spinner", repeats=True))[0]
    assert control_problems(item("date", "text-box"))  # a date is a picker, no box


def test_a_yes_no_question_as_one_checkbox_is_unanswered_until_touched():
    from sonb.widgets.controls import make_control
    tick = make_control({"linkId": "q", "type": "boolean", "text": "Ready?", "extension": [
        {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{"code": "check-box"}]}}]})
    assert isinstance(tick.widget, W.Checkbox) and tick.value is None
    calls = []
    tick.observe(lambda: calls.append(tick.value))
    tick.widget.value = True
    tick.widget.value = False
    assert calls == [True, False] and tick.value is False
    tick.value = None
    assert tick.value is None and not tick.widget.value
    tick.value = True
    assert tick.value is True and calls == [True, False]  # set by the form: no change fired
    tick.disable()
    assert tick.widget.disabled
