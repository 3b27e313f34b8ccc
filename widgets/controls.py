"""The controls of the form renderer, chosen from a registry.

How a question is shown is looked up in `CONTROLS`, keyed by (item type, repeats, the FHIR
itemControl code): a new kind of control is one entry there. An item without an itemControl
extension gets the default of `DEFAULT_CONTROL` for its (type, repeats): yes/no questions and
single choices of at most `SHORT_CHOICE` options are radio groups, longer lists and the 0-5
scores are drop-downs. Every FHIR R4 question type has a control, and any of them repeats
(`_Repeating`: a list of the single control); the answers are those of sonb.questionnaire.values.

Radio groups: ipywidgets' RadioButtons has no group name a screen reader can read. sonb's Voila
template adds one (role="radiogroup", named by the question) with a small script,
sonb/voila/share/voila/templates/sonb/radio_groups.js; without it (JupyterLab) the widgets
work as before.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Callable, Mapping
from typing import NamedTuple

import ipywidgets as W
from traitlets import Unicode

from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.errors import InvalidInput
from sonb.questionnaire.values import MAX_ATTACHMENT, check_single
from sonb.safe import esc

from .parts import dispose, fixed

ITEM_CONTROL = Q.ITEM_CONTROL
SHORT_CHOICE = 5  # a single choice with at most this many options is a radio group by default
SHORT_RANGE = 10  # whole numbers from minValue to maxValue at most this far apart: a list


def text(key: str, **fmt) -> str:
    """A text the renderer shows (sonb/data/ui.json, under "form")."""
    value = texts("ui")["form"][key]
    return value.format(**{k: str(v) for k, v in fmt.items()}) if fmt else value


def question_text(item: Mapping) -> str:
    """The item's text, after its prefix ("1.", "a)") when it has one."""
    words = item.get("text") or item["linkId"]
    return f"{item['prefix']} {words}" if item.get("prefix") else words


def _label(item: Mapping) -> str:
    words = question_text(item)
    return text("required", text=words) if item.get("required") else words


def _labelled(widget_class: type, label: str, **kwargs) -> W.Widget:
    """A control with its description on its own line above it (readable at phone width),
    sharing one layout and style with the other controls."""
    return fixed(widget_class, description=label, **kwargs).add_class("sonb-field")


# -- controls: one answerable item each ---------------------------------------------------------
# Each control has `.widget`, `.value` (the answer; None: unanswered), `.observe(callback)`,
# `.disable()`, `.focus_widget`, and `.relabel(words)` (a row of `_Repeating` is renumbered).

def _title(words: str) -> W.HTML:
    """The question's words above a control made of several widgets."""
    return fixed(W.HTML, f'<div class="sonb-label">{esc(words)}</div>')


def _same(a, b) -> bool:
    """Equal and of the same type (the option key 1 is not the answer True)."""
    return type(a) is type(b) and a == b


class _Control:
    """One answerable item: a widget plus conversion between widget value and answer."""

    def __init__(self, widget: W.Widget, to_answer=lambda v: v, from_answer=lambda a: a, blank=None):
        self.widget = widget
        self._to, self._from, self._blank = to_answer, from_answer, blank

    @property
    def value(self):
        return self._to(self.widget.value)

    @value.setter
    def value(self, answer) -> None:
        self.widget.value = self._blank if answer is None else self._from(answer)

    @property
    def focus_widget(self) -> W.Widget:
        """The widget that takes the keyboard focus when this item has a problem."""
        return self.widget

    def disable(self) -> None:
        self.widget.disabled = True

    def observe(self, callback) -> None:
        self.widget.observe(lambda _change: callback(), names="value")

    def relabel(self, words: str) -> None:
        self.widget.description = words


class _Callbacks:
    """observe() for a control that says itself when its answer changed (`_notify`)."""

    def observe(self, callback) -> None:
        self.__dict__.setdefault("_callbacks", []).append(callback)

    def _notify(self) -> None:
        for callback in self.__dict__.get("_callbacks", []):
            callback()


def _text_or_none(value: str):
    return value if value.strip() else None


def _int_or_text(value: str):
    """Parse a whole number typed by the patient; leave anything else for validation to flag."""
    text_ = value.strip()
    if not text_:
        return None
    try:
        return int(text_)
    except ValueError:
        return text_


def _number_or_text(value: str):
    """Parse a number typed by the patient (an int when whole: "3" -> 3, "2.5" -> 2.5); leave
    anything else, "abc" or "inf", as text for validation to flag."""
    text_ = value.strip()
    if not text_:
        return None
    for parse in (int, float):
        try:
            number = parse(text_)
        except ValueError:
            continue
        return number if math.isfinite(number) else text_
    return text_


def _one_line(item: dict) -> _Control:
    return _Control(_labelled(W.Text, _label(item), continuous_update=False), _text_or_none, blank="")


def _text_area(item: dict, **kwargs) -> _Control:
    return _Control(_labelled(W.Textarea, _label(item), continuous_update=False, **kwargs),
                    _text_or_none, blank="")


def _number_box(item: dict, parse=_int_or_text) -> _Control:
    return _Control(_labelled(W.Text, _label(item), continuous_update=False), parse, str, blank="")


def _decimal_box(item: dict) -> _Control:
    return _number_box(item, _number_or_text)


# -- choices

def _choices(item: Mapping) -> list[tuple[str, object]]:
    """(shown text, key) of each answerOption (`Q.options`: Codings, strings, numbers, dates,
    times, references)."""
    return [(o.label, o.key) for o in Q.options(item)]


def _yes_no() -> list[tuple[str, bool]]:
    return [(text("yes"), True), (text("no"), False)]


def _radio(label: str, options: list) -> _Control:
    """Radio buttons that start with none chosen (value None): an unanswered question never
    looks answered. The group's accessible name is added in the browser (radio_groups.js)."""
    return _Control(_labelled(W.RadioButtons, label, options=options, value=None))


class _Tick(_Callbacks):
    """A yes/no question as one checkbox (itemControl check-box). Unanswered until it is
    ticked, unticked or given an answer: an untouched box is no answer, not "no"."""

    def __init__(self, item: dict):
        self.widget = _labelled(W.Checkbox, _label(item), value=False, indent=False)
        self.focus_widget = self.widget
        self._answered = False
        self._quiet = False
        self.widget.observe(self._clicked, names="value")

    def _clicked(self, _change) -> None:
        if not self._quiet:
            self._answered = True
            self._notify()

    @property
    def value(self):
        return self.widget.value if self._answered else None

    @value.setter
    def value(self, answer) -> None:
        self._quiet = True
        try:
            self.widget.value = answer is True
        finally:
            self._quiet = False
        self._answered = isinstance(answer, bool)

    def disable(self) -> None:
        self.widget.disabled = True


def _drop_down(label: str, options: list) -> _Control:
    """A list with a blank first entry ("no answer"); its <label for> names it."""
    return _Control(_labelled(W.Dropdown, label, options=[(text("blank"), None), *options]))


def _choice_default(item: Mapping) -> str:
    return "radio-button" if len(item.get("answerOption") or []) <= SHORT_CHOICE else "drop-down"


class _Typed(_Control):
    """A choice typed in a box (a Combobox suggests the options' words). The answer is the
    key of the option whose words (or key) were typed, any case; other text stays as typed:
    an open choice takes it, a choice's validation flags it."""

    def __init__(self, item: dict, widget_class: type = W.Combobox):
        options = Q.options(item)
        keys: dict[str, object] = {}
        for words in ([o.label for o in options], [str(o.key) for o in options]):
            for o, word in zip(options, words):
                keys.setdefault(word.strip().casefold(), o.key)
        extra = {"options": [o.label for o in options],
                 "ensure_option": item["type"] == "choice"} if widget_class is W.Combobox else {}
        widget = _labelled(widget_class, _label(item), continuous_update=False, **extra)
        super().__init__(widget, lambda v: keys.get(v.strip().casefold(), _text_or_none(v)),
                         lambda a: next((o.label for o in options if _same(o.key, a)), str(a)), "")


class _OpenChoice(_Callbacks):
    """An open choice: the options (radio buttons or a drop-down, `pick`) and an "Other:" box.
    Picking an option empties the box and typing in it unpicks the option, so one holds the
    answer; if both hold one (set so by code), the typed text wins."""

    def __init__(self, item: dict, pick: Callable[[str, list], _Control]):
        self._options = Q.options(item)
        self._pick = pick(_label(item), _choices(item))
        self._other = _Control(_labelled(W.Text, text("other"), continuous_update=False),
                               _text_or_none, blank="")
        self.widget = fixed(W.VBox, [self._pick.widget, self._other.widget])
        self._pick.widget.observe(self._picked, names="value")
        self._other.widget.observe(self._typed, names="value")
        for part in (self._pick, self._other):
            part.observe(self._notify)

    def _picked(self, change) -> None:
        if change.new is not None:
            self._other.value = None

    def _typed(self, change) -> None:
        if change.new.strip():
            self._pick.value = None

    @property
    def value(self):
        typed = self._other.value
        return typed if typed is not None else self._pick.value

    @value.setter
    def value(self, answer) -> None:
        offered = any(_same(o.key, answer) for o in self._options)
        self._pick.value = answer if offered else None
        self._other.value = None if offered or answer is None else str(answer)

    @property
    def focus_widget(self) -> W.Widget:
        return self._pick.widget

    def disable(self) -> None:
        self._pick.disable()
        self._other.disable()

    def relabel(self, words: str) -> None:
        self._pick.relabel(words)


class _Checkboxes:
    """A choice item that repeats: one checkbox per option, in a group named by the question
    (radio_groups.js names `.sonb-choices` boxes in the browser)."""

    def __init__(self, item: dict):
        self._boxes = [(key, fixed(W.Checkbox, description=label, indent=False, value=False))
                       for label, key in _choices(item)]
        self.widget = fixed(W.VBox, [_title(_label(item)), *[box for _key, box in self._boxes]])
        self.widget.add_class("sonb-choices")

    def offers(self, answer) -> bool:
        return any(_same(key, answer) for key, _box in self._boxes)

    @property
    def value(self):
        chosen = [key for key, box in self._boxes if box.value]
        return chosen or None

    @value.setter
    def value(self, answer) -> None:
        for key, box in self._boxes:
            box.value = any(_same(key, a) for a in Q.values_of(answer))

    @property
    def focus_widget(self) -> W.Widget:
        return self._boxes[0][1] if self._boxes else self.widget

    def disable(self) -> None:
        for _key, box in self._boxes:
            box.disabled = True

    def observe(self, callback) -> None:
        for _key, box in self._boxes:
            box.observe(lambda _c: callback(), names="value")


class _CheckboxesAndOther:
    """An open choice that repeats: the options' checkboxes, then a list of other answers the
    patient types ("Something else"). The answer: the checked keys, then the typed texts."""

    def __init__(self, item: dict):
        self._checks = _Checkboxes(item)
        self._others = _Repeating(item, _one_line, label=text("other_many"))
        self.widget = fixed(W.VBox, [self._checks.widget, self._others.widget])
        self._parts = (self._checks, self._others)

    @property
    def value(self):
        found = [*(self._checks.value or []), *(self._others.value or [])]
        return found or None

    @value.setter
    def value(self, answer) -> None:
        values = Q.values_of(answer)
        self._checks.value = [v for v in values if self._checks.offers(v)]
        self._others.value = [str(v) for v in values if not self._checks.offers(v)]

    @property
    def focus_widget(self) -> W.Widget:
        return self._checks.focus_widget

    def disable(self) -> None:
        for part in self._parts:
            part.disable()

    def observe(self, callback) -> None:
        for part in self._parts:
            part.observe(callback)


# -- numbers

def _bounds(item: Mapping) -> tuple[int, int] | None:
    """(minValue, maxValue) when both are set and close enough to pick from a list."""
    lo, hi = Q.int_range(item)
    if lo is not None and hi is not None and 0 <= hi - lo <= SHORT_RANGE:
        return lo, hi
    return None


def _numbers(item: Mapping) -> list[tuple[str, int]]:
    lo, hi = _bounds(item)
    return [(str(n), n) for n in range(lo, hi + 1)]


def _needs_bounds(item: Mapping) -> str | None:
    if _bounds(item):
        return None
    return (f"A list of numbers needs a minValue and a maxValue at most {SHORT_RANGE} apart. "
            "Leave out the itemControl to get a box to type the number in.")


def _number_range(item: Mapping) -> tuple | None:
    """(minValue, maxValue) when both are numbers of the item's kind and lo < hi."""
    lo, hi = Q.value_range(item)
    kinds = (int,) if item.get("type") == "integer" else (int, float)
    if all(isinstance(v, kinds) and not isinstance(v, bool) for v in (lo, hi)) and lo < hi:
        return lo, hi
    return None


def _needs_range(item: Mapping) -> str | None:
    if _number_range(item):
        return None
    return ("A slider needs a minValue and a maxValue (numbers, the lower first). "
            "Leave out the itemControl to get a box to type the number in.")


class _Slider(_Control):
    """A slider from minValue to maxValue. A slider always sits somewhere, so it shows no
    number and the answer is None until the patient moves it (or an answer is set)."""

    def __init__(self, item: dict):
        lo, hi = _number_range(item)
        self._lo = lo
        whole = item["type"] == "integer"
        step = 1 if whole else 10 ** math.floor(math.log10((hi - lo) / 100))
        widget = _labelled(W.IntSlider if whole else W.FloatSlider, _label(item), min=lo, max=hi,
                           step=step, value=lo, readout=False, continuous_update=False)
        super().__init__(widget)
        self._moved = False
        widget.observe(lambda _c: self._show(True), names="value")

    def _show(self, moved: bool) -> None:
        self._moved = self.widget.readout = moved

    @property
    def value(self):
        return self.widget.value if self._moved else None

    @value.setter
    def value(self, answer) -> None:
        self.widget.value = self._lo if answer is None else answer
        self._show(answer is not None)


# -- dates and times

def _tolerant(picker: type) -> type:
    """`picker` that keeps an impossible value from the browser (Feb 30, year 20255) as
    `bad_input` instead of failing inside ipywidgets, so validation can flag it."""

    def set_state(self, sync_data):
        try:
            picker.set_state(self, sync_data)
            self.bad_input = ""
        except (ValueError, OverflowError):
            self.bad_input = str(sync_data.get("value"))

    return type(f"_{picker.__name__}", (picker,), {"bad_input": Unicode(""), "set_state": set_state})


_DatePicker = _tolerant(W.DatePicker)
_DatetimePicker = _tolerant(W.DatetimePicker)
_TimePicker = _tolerant(W.TimePicker)


def _parsed(parse):
    """`parse`, None where it fails."""
    def run(answer):
        try:
            return parse(answer)
        except (TypeError, ValueError):
            return None
    return run


def _aware(value: str) -> dt.datetime:
    found = dt.datetime.fromisoformat(value)
    if found.tzinfo is None or "T" not in value:
        raise ValueError("no time zone")  # a date alone, or no offset: not a picker's value
    return found


class _Picker(_Control):
    """A date, date-time or time picker. A valid answer it cannot show (a date of only a year,
    or a year and month; a dateTime without a time) is kept unchanged, and shown after the
    question's words, until the patient picks another; one that is no such value (Feb 30) is
    not kept. An answer shown and not changed comes back as it was written (a dateTime keeps
    its own offset, not the picker's UTC)."""

    def __init__(self, item: dict, picker: type, to_answer, from_answer):
        self._kind, self._words, self._kept = item["type"], _label(item), None
        self._given: tuple = (None, None)  # (the answer set, the picker's value for it)
        super().__init__(_labelled(picker, self._words, value=None), to_answer, _parsed(from_answer))
        self.widget.observe(lambda _c: self._keep(None), names=["value", "bad_input"])

    def _keep(self, answer) -> None:
        self._kept = answer
        self.relabel(self._words)

    def relabel(self, words: str) -> None:
        self._words = words
        self.widget.description = (words if self._kept is None
                                   else text("kept", label=words, value=self._kept))

    @property
    def value(self):
        if self.widget.bad_input:
            return self.widget.bad_input
        if self._kept is not None:
            return self._kept
        answer, shown = self._given
        if shown is not None and self.widget.value == shown:
            return answer
        return super().value

    @value.setter
    def value(self, answer) -> None:
        shown = None if answer is None else self._from(answer)
        self.widget.bad_input = ""
        self.widget.value = shown
        self._given = (answer, shown)
        valid = answer is not None and not check_single({"type": self._kind}, answer)
        self._keep(answer if shown is None and valid else None)

    def observe(self, callback) -> None:
        self.widget.observe(lambda _change: callback(), names=["value", "bad_input"])


def _date(item: dict) -> _Picker:
    return _Picker(item, _DatePicker, lambda d: d.isoformat() if d else None, dt.date.fromisoformat)


def _date_time(item: dict) -> _Picker:
    """ipywidgets' DatetimePicker, which is time-zone aware: the patient picks in the browser's
    own time, the kernel gets it in UTC, kept as "2026-03-14T08:30:00+00:00" (seconds and an
    offset, as FHIR requires). NaiveDatetimePicker would need an offset the kernel cannot know."""
    return _Picker(item, _DatetimePicker,
                   lambda d: d.isoformat(timespec="seconds") if d else None, _aware)


def _time(item: dict) -> _Picker:
    return _Picker(item, _TimePicker,
                   lambda t: t.isoformat(timespec="seconds") if t else None, dt.time.fromisoformat)


# -- quantity, attachment, reference

UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"


def _unit(item: Mapping) -> dict:
    """The unit the item asks for (SDC questionnaire-unit): {"unit", "system", "code"}."""
    for ext in item.get("extension") or []:
        coding = ext.get("valueCoding") if isinstance(ext, Mapping) and ext.get("url") == UNIT else None
        if isinstance(coding, Mapping):
            found = {"unit": coding.get("display") or coding.get("code"),
                     "system": coding.get("system"), "code": coding.get("code")}
            return {k: v for k, v in found.items() if isinstance(v, str)}
    return {}


class _Quantity:
    """A number box with the unit shown after it. The answer {"value", "unit", "system",
    "code"}: the unit of the answer set, else the item's; text that is no number comes back
    as that text, for validation to flag."""

    def __init__(self, item: dict):
        self._item_unit = self._unit = _unit(item)
        self._number = _decimal_box(item)
        self._shown = fixed(W.HTML, "")
        self.widget = fixed(W.HBox, [self._number.widget, self._shown]).add_class("sonb-quantity")
        self._show_unit()
        self.observe, self.disable, self.relabel = (
            self._number.observe, self._number.disable, self._number.relabel)

    def _show_unit(self) -> None:
        words = self._unit.get("unit") or self._unit.get("code") or ""
        self._shown.value = f'<span class="sonb-unit">{esc(words)}</span>' if words else ""

    @property
    def value(self):
        number = self._number.value
        return number if number is None or isinstance(number, str) else {"value": number, **self._unit}

    @value.setter
    def value(self, answer) -> None:
        if isinstance(answer, Mapping):
            self._unit = {k: v for k, v in answer.items() if k != "value"} or self._item_unit
            answer = answer.get("value")
        else:
            self._unit = self._item_unit
        self._number.value = answer
        self._show_unit()

    @property
    def focus_widget(self) -> W.Widget:
        return self._number.widget


def _size(n: int) -> str:
    return f"{n} B" if n < 1000 else f"{n / 1000:.0f} KB" if n < 1_000_000 else f"{n / 1e6:.3g} MB"


class _Attachment(_Callbacks):
    """One file (ipywidgets FileUpload), at most MAX_ATTACHMENT bytes: a larger one is not
    taken and the patient is told (the kernel checks again). The answer: {"contentType",
    "data" (base64), "title" (the file's name), "size"}; "Remove" takes it away."""

    def __init__(self, item: dict):
        self._answer = None
        self._title = _title(_label(item))
        self._upload = fixed(W.FileUpload, description=text("choose_file"), multiple=False)
        self._note = fixed(W.HTML, "")
        self._remove = fixed(W.Button, description=text("remove"), icon="trash")
        self.widget = fixed(W.VBox, [self._title, self._upload, self._note, self._remove])
        self._upload.observe(self._chosen, names="value")
        self._remove.on_click(lambda _b: self._take(None))
        self._disabled = False
        self._show()

    def _chosen(self, change) -> None:
        if not change.new:
            return
        file = change.new[0]
        self._upload.value = ()  # the same file can be chosen again after Remove
        if file["size"] > MAX_ATTACHMENT:
            self._take(None, text("file_too_big", size=_size(file["size"]), max=_size(MAX_ATTACHMENT)))
            return
        self._take({"contentType": file.get("type") or "application/octet-stream",
                    "data": base64.b64encode(bytes(file["content"])).decode("ascii"),
                    "title": file["name"], "size": int(file["size"])})

    def _take(self, answer, note: str | None = None) -> None:
        self._answer = answer
        self._show(note)
        self._notify()

    def _show(self, note: str | None = None) -> None:
        found = self._answer
        if note is None and isinstance(found, Mapping):
            name = found.get("title") or found.get("url") or ""
            size = found.get("size")
            note = text("file_chosen", name=f"{name} ({_size(size)})" if isinstance(size, int) else name)
        self._note.value = f'<div class="sonb-hint">{esc(note or text("file_limit", max=_size(MAX_ATTACHMENT)))}</div>'
        self._remove.disabled = self._disabled or found is None

    @property
    def value(self):
        return self._answer

    @value.setter
    def value(self, answer) -> None:
        self._answer = dict(answer) if isinstance(answer, Mapping) else answer
        self._show()

    @property
    def focus_widget(self) -> W.Widget:
        return self._upload

    def disable(self) -> None:
        self._disabled = self._upload.disabled = self._remove.disabled = True

    def relabel(self, words: str) -> None:
        self._title.value = _title(words).value


class _Reference(_Control):
    """A box for the reference ("Practitioner/123"). The answer {"reference"}, with the
    "display" of the answer set while its reference is not changed."""

    def __init__(self, item: dict):
        super().__init__(_labelled(W.Text, _label(item), continuous_update=False,
                                   placeholder=text("reference_example")))
        self._given: Mapping | None = None

    @property
    def value(self):
        typed = self.widget.value.strip()
        if not typed:
            return None
        given = self._given
        return dict(given) if given and given.get("reference") == typed else {"reference": typed}

    @value.setter
    def value(self, answer) -> None:
        self._given = answer if isinstance(answer, Mapping) else None
        shown = answer.get("reference") if self._given else answer
        self.widget.value = "" if shown is None else str(shown)


# -- repeats

class _Repeating(_Callbacks):
    """Any question that repeats: one row per answer (the question's own control, `single`,
    and a Remove button) and an "Add one more" button. The answer: the rows' answers, the
    unanswered left out."""

    def __init__(self, item: dict, single: Callable[[dict], object], label: str | None = None):
        self._item, self._single = item, single
        self._label = label or _label(item)
        self._controls: list = []  # one per row
        self._disabled = False
        self._rows = fixed(W.VBox, [])
        self._add = fixed(W.Button, description=text("add_one_more"), icon="plus",
                          tooltip=text("add_tooltip", label=self._label))
        self._add.on_click(lambda _b: self._append(None))
        self.widget = fixed(W.VBox, [_title(self._label), self._rows, self._add])

    def _row_words(self, number: int) -> str:
        return text("numbered", label=self._label, n=number)

    def _append(self, value, notify: bool = True) -> None:
        number = len(self._controls) + 1
        one = {**self._item, "repeats": False, "required": False, "prefix": None,
               "text": self._row_words(number)}
        control = self._single(one)
        if value is not None:
            control.value = value
        control.observe(self._notify)
        remove = fixed(W.Button, description=text("remove"), icon="trash",
                       tooltip=text("remove_tooltip", n=number))
        if self._disabled:
            control.disable()
            remove.disabled = True
        row = fixed(W.HBox, [control.widget, remove]).add_class("sonb-repeat")
        remove.on_click(lambda _b, row=row: self._remove(row))
        self._controls.append(control)
        self._rows.children = (*self._rows.children, row)
        if notify:
            self._notify()

    def _remove(self, row) -> None:
        place = self._rows.children.index(row)
        del self._controls[place]
        self._rows.children = tuple(r for r in self._rows.children if r is not row)
        dispose(row)
        for number, (control, row_) in enumerate(zip(self._controls, self._rows.children), 1):
            control.relabel(self._row_words(number))
            row_.children[1].tooltip = text("remove_tooltip", n=number)
        self._notify()

    @property
    def value(self):
        found = [c.value for c in self._controls]
        return [v for v in found if v is not None] or None

    @value.setter
    def value(self, answer) -> None:
        old, self._rows.children, self._controls = self._rows.children, (), []
        dispose(*old)
        for entry in Q.values_of(answer):
            self._append(entry, notify=False)

    @property
    def focus_widget(self) -> W.Widget:
        return self._controls[0].focus_widget if self._controls else self._add

    def disable(self) -> None:
        self._disabled = self._add.disabled = True
        for control, row in zip(self._controls, self._rows.children):
            control.disable()
            row.children[1].disabled = True


def _repeating(single: Callable[[dict], object]) -> Callable[[dict], _Repeating]:
    return lambda item: _Repeating(item, single)


# -- the registry ---------------------------------------------------------------------------------

class Renderer(NamedTuple):
    """One way to show a question: `make(item)` builds its control (an object with `.widget`,
    `.value`, `.observe(callback)`, `.disable()` and `.focus_widget`); `refuses(item)` says, in
    plain words, why it cannot show this item (None when it can)."""

    make: Callable[[dict], object]
    refuses: Callable[[Mapping], str | None] = lambda item: None


SINGLE: dict[tuple[str, str | None], Renderer] = {
    # (item type, itemControl code): how one answer is shown. None: the type has no code.
    ("string", "text-box"): Renderer(_one_line),
    ("text", "text-box"): Renderer(_text_area),
    ("url", "text-box"): Renderer(_one_line),
    ("boolean", "radio-button"): Renderer(lambda item: _radio(_label(item), _yes_no())),
    ("boolean", "drop-down"): Renderer(lambda item: _drop_down(_label(item), _yes_no())),
    ("boolean", "check-box"): Renderer(_Tick),
    ("choice", "radio-button"): Renderer(lambda item: _radio(_label(item), _choices(item))),
    ("choice", "drop-down"): Renderer(lambda item: _drop_down(_label(item), _choices(item))),
    ("choice", "autocomplete"): Renderer(_Typed),
    ("open-choice", "radio-button"): Renderer(lambda item: _OpenChoice(item, _radio)),
    ("open-choice", "drop-down"): Renderer(lambda item: _OpenChoice(item, _drop_down)),
    ("open-choice", "autocomplete"): Renderer(_Typed),
    ("open-choice", "text-box"): Renderer(lambda item: _Typed(item, W.Text)),
    ("date", None): Renderer(_date),
    ("dateTime", None): Renderer(_date_time),
    ("time", None): Renderer(_time),
    ("integer", "text-box"): Renderer(_number_box),
    ("integer", "drop-down"): Renderer(
        lambda item: _drop_down(_label(item), _numbers(item)), refuses=_needs_bounds),
    ("integer", "slider"): Renderer(_Slider, refuses=_needs_range),
    ("decimal", "text-box"): Renderer(_decimal_box),
    ("decimal", "slider"): Renderer(_Slider, refuses=_needs_range),
    ("quantity", None): Renderer(_Quantity),
    ("attachment", None): Renderer(_Attachment),
    ("reference", None): Renderer(_Reference),
}

CONTROLS: dict[tuple[str, bool, str | None], Renderer] = {
    # (item type, repeats, itemControl code): how it is shown. Repeats: a list of the single
    # control (`_Repeating`), except these, and no list of radio groups for a choice.
    **{(kind, False, code): r for (kind, code), r in SINGLE.items()},
    **{(kind, True, code): Renderer(_repeating(r.make), r.refuses) for (kind, code), r in SINGLE.items()
       if not (kind in ("choice", "open-choice") and code == "radio-button")},
    ("string", True, "text-box"): Renderer(_repeating(lambda item: _text_area(item, rows=2))),
    ("choice", True, "check-box"): Renderer(_Checkboxes),
    ("open-choice", True, "check-box"): Renderer(_CheckboxesAndOther),
}

_DEFAULT_SINGLE: dict[str, str | None | Callable[[Mapping], str | None]] = {
    "string": "text-box", "text": "text-box", "url": "text-box", "boolean": "radio-button",
    "choice": _choice_default, "open-choice": _choice_default,
    "date": None, "dateTime": None, "time": None,
    "integer": lambda item: "drop-down" if _bounds(item) else "text-box",
    "decimal": "text-box", "quantity": None, "attachment": None, "reference": None,
}

DEFAULT_CONTROL: dict[tuple[str, bool], str | None | Callable[[Mapping], str | None]] = {
    # (item type, repeats): the itemControl code used when the item names none
    **{(kind, False): code for kind, code in _DEFAULT_SINGLE.items()},
    **{(kind, True): code for kind, code in _DEFAULT_SINGLE.items()},
    ("choice", True): "check-box",
    ("open-choice", True): "check-box",
}


def item_control(item: Mapping) -> str | None:
    """The itemControl code an item asks for (None: it asks for none; "": it has the
    extension but no code)."""
    for ext in item.get("extension") or []:
        if isinstance(ext, Mapping) and ext.get("url") == ITEM_CONTROL:
            concept = ext.get("valueCodeableConcept")
            codings = concept.get("coding") if isinstance(concept, Mapping) else None
            coding = codings[0] if isinstance(codings, list) and codings else None
            code = coding.get("code") if isinstance(coding, Mapping) else None
            return code if isinstance(code, str) else ""
    return None


def control_key(item: Mapping) -> tuple[str, bool, str | None]:
    """The key of `CONTROLS` that shows this item: its own itemControl, or the default."""
    kind, repeats = item.get("type"), bool(item.get("repeats"))
    code = item_control(item)
    if code is None:
        default = DEFAULT_CONTROL.get((kind, repeats))
        code = default(item) if callable(default) else default
    return kind, repeats, code


def make_control(item: dict):
    """The control for one answerable item, chosen from `CONTROLS`."""
    problems = control_problems(item)
    if problems:
        raise InvalidInput({item["linkId"]: " ".join(problems)}, "The form")
    control = CONTROLS[control_key(item)].make(item)
    if item.get("readOnly"):
        control.disable()
    return control



def with_article(kind: object) -> str:
    """'a date', 'an integer'."""
    kind = str(kind)
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def control_problems(item: Mapping) -> list[str]:
    kind, repeats = item.get("type"), bool(item.get("repeats"))
    kinds = {(t, r) for t, r, _code in CONTROLS}
    if not any(t == kind for t, _r in kinds):
        return [f"Its type {kind!r} is not one this app can show."]
    if (kind, repeats) not in kinds:
        return [f"{with_article(kind).capitalize()} question that repeats is not one this app can show."
                if repeats else f"{with_article(kind).capitalize()} question must repeat here."]
    key = control_key(item)
    renderer = CONTROLS.get(key)
    if renderer is None:
        offered = sorted(code for t, r, code in CONTROLS if (t, r) == (kind, repeats) and code)
        asked = key[2]
        if not asked:
            return ["Its itemControl has no code."]
        also = f" It can show: {', '.join(offered)}." if offered else ""
        return [(f"It asks for the control {asked!r}, which this app does not offer for "
                 f"{with_article(kind)} question.{also}")]
    why = renderer.refuses(item)
    return [why] if why else []
