"""The controls of the form renderer, chosen from a registry.

How a question is shown is looked up in `CONTROLS`, keyed by (item type, repeats, the FHIR
itemControl code): a new kind of control is one entry there. An item without an itemControl
extension gets the default of `DEFAULT_CONTROL` for its (type, repeats): yes/no questions and
single choices of at most `SHORT_CHOICE` options are radio groups, longer lists and the 0-5
scores are drop-downs.

Radio groups: ipywidgets' RadioButtons has no group name a screen reader can read. sonb's Voila
template adds one (role="radiogroup", named by the question) with a small script,
sonb/voila/share/voila/templates/sonb/radio_groups.js; without it (JupyterLab) the widgets
work as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import NamedTuple

import ipywidgets as W
from traitlets import Unicode

from sonb import questionnaire as Q
from sonb._datafiles import texts
from sonb.errors import InvalidInput
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


def _text_or_none(value: str):
    return value if value.strip() else None


def _date_from_answer(answer):
    try:
        return dt.date.fromisoformat(answer)
    except (TypeError, ValueError):
        return None


class _DatePicker(W.DatePicker):
    """A DatePicker that keeps an impossible date from the browser (Feb 30, year 20255) as
    `bad_input` instead of failing inside ipywidgets, so validation can flag it."""

    bad_input = Unicode("")

    def set_state(self, sync_data):
        try:
            super().set_state(sync_data)
            self.bad_input = ""
        except (ValueError, OverflowError):
            self.bad_input = str(sync_data.get("value"))


class _DateControl(_Control):
    def __init__(self, widget: _DatePicker):
        super().__init__(widget, lambda d: d.isoformat() if d else None, _date_from_answer)

    @property
    def value(self):
        return self.widget.bad_input or super().value

    @value.setter
    def value(self, answer) -> None:
        self.widget.bad_input = ""
        _Control.value.fset(self, answer)

    def observe(self, callback) -> None:
        self.widget.observe(lambda _change: callback(), names=["value", "bad_input"])


def _int_or_text(value: str):
    """Parse a whole number typed by the patient; leave anything else for validation to flag."""
    text_ = value.strip()
    if not text_:
        return None
    try:
        return int(text_)
    except ValueError:
        return text_


def _bounds(item: Mapping) -> tuple[int, int] | None:
    """(minValue, maxValue) when both are set and close enough to pick from a list."""
    lo, hi = Q.int_range(item)
    if lo is not None and hi is not None and 0 <= hi - lo <= SHORT_RANGE:
        return lo, hi
    return None


def _choices(item: Mapping) -> list[tuple[str, str]]:
    """(shown text, code) of each answerOption (`unsupported` refuses any other kind)."""
    return [(coding.get("display") or code, code) for code, coding in Q.choice_codes(item).items()]


def _yes_no() -> list[tuple[str, bool]]:
    return [(text("yes"), True), (text("no"), False)]


def _one_line(item: dict) -> _Control:
    return _Control(_labelled(W.Text, _label(item), continuous_update=False), _text_or_none, blank="")


def _text_area(item: dict) -> _Control:
    return _Control(_labelled(W.Textarea, _label(item), continuous_update=False),
                    _text_or_none, blank="")


def _radio(label: str, options: list) -> _Control:
    """Radio buttons that start with none chosen (value None): an unanswered question never
    looks answered. The group's accessible name is added in the browser (radio_groups.js)."""
    return _Control(_labelled(W.RadioButtons, label, options=options, value=None))


def _drop_down(label: str, options: list) -> _Control:
    """A list with a blank first entry ("no answer"); its <label for> names it."""
    return _Control(_labelled(W.Dropdown, label, options=[(text("blank"), None), *options]))


def _number_box(item: dict) -> _Control:
    return _Control(_labelled(W.Text, _label(item), continuous_update=False),
                    _int_or_text, str, blank="")


def _numbers(item: Mapping) -> list[tuple[str, int]]:
    lo, hi = _bounds(item)
    return [(str(n), n) for n in range(lo, hi + 1)]


def _needs_bounds(item: Mapping) -> str | None:
    if _bounds(item):
        return None
    return (f"A list of numbers needs a minValue and a maxValue at most {SHORT_RANGE} apart. "
            "Leave out the itemControl to get a box to type the number in.")


class _Repeating:
    """A list of short texts (for example: my own questions), with add and remove buttons."""

    def __init__(self, item: dict):
        self._label = _label(item)
        self._callbacks: list = []
        self._disabled = False
        self._rows = fixed(W.VBox, [])
        self._add = fixed(W.Button, description=text("add_one_more"), icon="plus",
                          tooltip=text("add_tooltip", label=self._label))
        self._add.on_click(lambda _b: self._append(""))
        title = fixed(W.HTML, f'<div class="sonb-label">{esc(self._label)}</div>')
        self.widget = fixed(W.VBox, [title, self._rows, self._add])

    def _append(self, value: str, notify: bool = True) -> None:
        number = len(self._rows.children) + 1
        box = _labelled(W.Textarea, text("numbered", label=self._label, n=number), value=value,
                        continuous_update=False, rows=2, disabled=self._disabled)
        box.observe(lambda _c: self._notify(), names="value")
        remove = fixed(W.Button, description=text("remove"), icon="trash",
                       tooltip=text("remove_tooltip", n=number), disabled=self._disabled)
        row = fixed(W.HBox, [box, remove]).add_class("sonb-repeat")
        remove.on_click(lambda _b, row=row: self._remove(row))
        self._rows.children = (*self._rows.children, row)
        if notify:
            self._notify()

    def _remove(self, row) -> None:
        self._rows.children = tuple(r for r in self._rows.children if r is not row)
        dispose(row)
        for number, (box, remove) in enumerate((r.children for r in self._rows.children), 1):
            box.description = text("numbered", label=self._label, n=number)
            remove.tooltip = text("remove_tooltip", n=number)
        self._notify()

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback()

    @property
    def value(self):
        texts_ = [row.children[0].value for row in self._rows.children]
        texts_ = [t for t in texts_ if t.strip()]
        return texts_ or None

    @value.setter
    def value(self, answer) -> None:
        old, self._rows.children = self._rows.children, ()
        dispose(*old)
        for entry in answer or []:
            self._append(entry, notify=False)

    @property
    def focus_widget(self) -> W.Widget:
        rows = self._rows.children
        return rows[0].children[0] if rows else self._add

    def disable(self) -> None:
        self._disabled = self._add.disabled = True
        for row in self._rows.children:
            for part in row.children:
                part.disabled = True

    def observe(self, callback) -> None:
        self._callbacks.append(callback)


class _Checkboxes:
    """A choice item that repeats: one checkbox per option, in a group named by the question
    (radio_groups.js names `.sonb-choices` boxes in the browser)."""

    def __init__(self, item: dict):
        self._boxes = [(code, fixed(W.Checkbox, description=label, indent=False, value=False))
                       for label, code in _choices(item)]
        title = fixed(W.HTML, f'<div class="sonb-label">{esc(_label(item))}</div>')
        self.widget = fixed(W.VBox, [title, *[box for _code, box in self._boxes]])
        self.widget.add_class("sonb-choices")

    @property
    def value(self):
        chosen = [code for code, box in self._boxes if box.value]
        return chosen or None

    @value.setter
    def value(self, answer) -> None:
        for code, box in self._boxes:
            box.value = code in (answer or [])

    @property
    def focus_widget(self) -> W.Widget:
        return self._boxes[0][1] if self._boxes else self.widget

    def disable(self) -> None:
        for _code, box in self._boxes:
            box.disabled = True

    def observe(self, callback) -> None:
        for _code, box in self._boxes:
            box.observe(lambda _c: callback(), names="value")


# -- the registry ---------------------------------------------------------------------------------

class Renderer(NamedTuple):
    """One way to show a question: `make(item)` builds its control (an object with `.widget`,
    `.value`, `.observe(callback)`, `.disable()` and `.focus_widget`); `refuses(item)` says, in
    plain words, why it cannot show this item (None when it can)."""

    make: Callable[[dict], object]
    refuses: Callable[[Mapping], str | None] = lambda item: None


CONTROLS: dict[tuple[str, bool, str | None], Renderer] = {
    # (item type, repeats, itemControl code): how it is shown. None: the type has no code.
    ("string", False, "text-box"): Renderer(_one_line),
    ("string", True, "text-box"): Renderer(_Repeating),
    ("text", False, "text-box"): Renderer(_text_area),
    ("boolean", False, "radio-button"): Renderer(lambda item: _radio(_label(item), _yes_no())),
    ("boolean", False, "drop-down"): Renderer(lambda item: _drop_down(_label(item), _yes_no())),
    ("choice", False, "radio-button"): Renderer(lambda item: _radio(_label(item), _choices(item))),
    ("choice", False, "drop-down"): Renderer(lambda item: _drop_down(_label(item), _choices(item))),
    ("choice", True, "check-box"): Renderer(_Checkboxes),
    ("date", False, None): Renderer(lambda item: _DateControl(
        _labelled(_DatePicker, _label(item), value=None))),
    ("integer", False, "text-box"): Renderer(_number_box),
    ("integer", False, "drop-down"): Renderer(
        lambda item: _drop_down(_label(item), _numbers(item)), refuses=_needs_bounds),
}

DEFAULT_CONTROL: dict[tuple[str, bool], str | None | Callable[[Mapping], str | None]] = {
    # (item type, repeats): the itemControl code used when the item names none
    ("string", False): "text-box",
    ("string", True): "text-box",
    ("text", False): "text-box",
    ("boolean", False): "radio-button",
    ("choice", False): lambda item: (
        "radio-button" if len(item.get("answerOption") or []) <= SHORT_CHOICE else "drop-down"),
    ("choice", True): "check-box",
    ("date", False): None,
    ("integer", False): lambda item: "drop-down" if _bounds(item) else "text-box",
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
