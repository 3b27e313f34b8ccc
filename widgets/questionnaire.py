"""The one generic questionnaire renderer: a FHIR Questionnaire -> ipywidgets, bound to answers.

Every form and check in the app goes through `QuestionnaireForm`; no form is laid out by hand.
Answers follow docs/CONVENTIONS.md: a dict linkId -> bool | int | str | list[str].
Values from the browser are checked here, in the kernel, and problems are shown beside the
field they belong to.
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

import ipywidgets as W
from traitlets import Unicode

from sonb import questionnaire as Q
from sonb.safe import esc

from .parts import dispose, fixed, fixed_layout

OnChange = Callable[[dict], "dict[str, str] | None"]
_BLANK = "—"


def _label(item: dict) -> str:
    text = item.get("text") or item["linkId"]
    return f"{text} (required)" if item.get("required") else text


def _labelled(widget_class: type, label: str, **kwargs) -> W.Widget:
    """A control with its description on its own line above it (readable at phone width),
    sharing one layout and style with the other controls."""
    return fixed(widget_class, description=label, **kwargs).add_class("sonb-field")


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
    text = value.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def _bounds(item: dict) -> tuple[int, int] | None:
    found = {}
    for ext in item.get("extension", []):
        for key in ("minValue", "maxValue"):
            if ext.get("url", "").endswith("/" + key) and "valueInteger" in ext:
                found[key] = ext["valueInteger"]
    if len(found) == 2 and found["maxValue"] - found["minValue"] <= 10:
        return found["minValue"], found["maxValue"]
    return None


def _choices(item: dict) -> list[tuple[str, str]]:
    out = []
    for option in item.get("answerOption", []):
        coding = option.get("valueCoding")
        if coding:
            out.append((coding.get("display") or coding["code"], coding["code"]))
        elif "valueString" in option:
            out.append((option["valueString"], option["valueString"]))
    return out


class _Repeating:
    """A list of short texts (for example: my own questions), with add and remove buttons."""

    def __init__(self, item: dict):
        self._label = _label(item)
        self._callbacks: list = []
        self._rows = fixed(W.VBox, [])
        self._add = fixed(W.Button, description="Add one more", icon="plus",
                          tooltip=f"Add: {self._label}")
        self._add.on_click(lambda _b: self._append(""))
        title = fixed(W.HTML, f'<div class="sonb-label">{esc(self._label)}</div>')
        self.widget = fixed(W.VBox, [title, self._rows, self._add])

    def _append(self, text: str, notify: bool = True) -> None:
        number = len(self._rows.children) + 1
        box = _labelled(W.Textarea, f"{self._label} {number}", value=text,
                        continuous_update=False, rows=2)
        box.observe(lambda _c: self._notify(), names="value")
        remove = fixed(W.Button, description="Remove", icon="trash",
                       tooltip=f"Remove number {number}")
        row = fixed(W.HBox, [box, remove]).add_class("sonb-repeat")
        remove.on_click(lambda _b, row=row: self._remove(row))
        self._rows.children = (*self._rows.children, row)
        if notify:
            self._notify()

    def _remove(self, row) -> None:
        self._rows.children = tuple(r for r in self._rows.children if r is not row)
        dispose(row)
        for number, (box, remove) in enumerate((r.children for r in self._rows.children), 1):
            box.description, remove.tooltip = f"{self._label} {number}", f"Remove number {number}"
        self._notify()

    def _notify(self) -> None:
        for callback in self._callbacks:
            callback()

    @property
    def value(self):
        texts = [row.children[0].value for row in self._rows.children]
        texts = [t for t in texts if t.strip()]
        return texts or None

    @value.setter
    def value(self, answer) -> None:
        old, self._rows.children = self._rows.children, ()
        dispose(*old)
        for text in answer or []:
            self._append(text, notify=False)

    def observe(self, callback) -> None:
        self._callbacks.append(callback)


class _Checkboxes:
    """A choice item that repeats: one checkbox per option."""

    def __init__(self, item: dict):
        self._boxes = [(code, fixed(W.Checkbox, description=label, indent=False, value=False))
                       for label, code in _choices(item)]
        title = fixed(W.HTML, f'<div class="sonb-label">{esc(_label(item))}</div>')
        self.widget = fixed(W.VBox, [title, *[box for _code, box in self._boxes]])

    @property
    def value(self):
        chosen = [code for code, box in self._boxes if box.value]
        return chosen or None

    @value.setter
    def value(self, answer) -> None:
        for code, box in self._boxes:
            box.value = code in (answer or [])

    def observe(self, callback) -> None:
        for _code, box in self._boxes:
            box.observe(lambda _c: callback(), names="value")


def make_control(item: dict):
    """The control for one answerable item, chosen by its type."""
    kind, label = item["type"], _label(item)
    if kind == "string" and item.get("repeats"):
        return _Repeating(item)
    if kind == "choice" and item.get("repeats"):
        return _Checkboxes(item)
    if kind in ("string", "text"):
        cls = W.Text if kind == "string" else W.Textarea
        return _Control(_labelled(cls, label, continuous_update=False), _text_or_none, blank="")
    if kind in ("boolean", "choice"):
        # A dropdown, not radio buttons: its <label for> names it for screen readers, which
        # ipywidgets' radio groups cannot do (they have no group name).
        options = [("Yes", True), ("No", False)] if kind == "boolean" else _choices(item)
        return _Control(_labelled(W.Dropdown, label, options=[(_BLANK, None), *options]))
    if kind == "date":
        return _DateControl(_labelled(_DatePicker, label, value=None))
    if kind == "integer":
        bounds = _bounds(item)
        if bounds:
            numbers = [(str(n), n) for n in range(bounds[0], bounds[1] + 1)]
            return _Control(_labelled(W.Dropdown, label, options=[(_BLANK, None), *numbers]))
        return _Control(_labelled(W.Text, label, continuous_update=False),
                        _int_or_text, str, blank="")
    raise ValueError(f"Item {item['linkId']!r} has a type the renderer does not know: {kind!r}")


class QuestionnaireForm(W.VBox):
    """A questionnaire as widgets. `answers` reads them; `set_answers` writes them.

    `on_change(answers)` runs after every valid change; it may return extra problems
    (linkId -> message) found by the model, which are shown beside their fields.
    """

    def __init__(self, questionnaire: dict, answers: dict | None = None,
                 on_change: OnChange | None = None, show_title: bool = False):
        super().__init__()
        self.add_class("sonb-form")
        self.questionnaire = questionnaire
        self.on_change = on_change
        self.problems: dict[str, str] = {}
        self._controls: dict[str, object] = {}
        self._errors: dict[str, W.HTML] = {}  # made the first time a field has a problem
        self._boxes: dict[str, W.Widget] = {}
        self._conditional: dict[str, W.Widget] = {}  # the boxes that enableWhen shows or hides
        self._quiet = False
        children = [self._build(item, level=3) for item in questionnaire.get("item", [])]
        if show_title and questionnaire.get("title"):
            children.insert(0, fixed(W.HTML, f"<h3>{esc(questionnaire['title'])}</h3>"))
        self.children = children
        self.set_answers(answers or {})

    # -- building ---------------------------------------------------------------------
    def _build(self, item: dict, level: int) -> W.Widget:
        link_id, kind = item["linkId"], item["type"]
        # a box that enableWhen hides needs a layout of its own; the others share one
        layout = W.Layout() if item.get("enableWhen") else fixed_layout()
        if kind == "group":
            heading = fixed(W.HTML, f'<h{level} class="sonb-group-title">'
                                    f'{esc(item.get("text", ""))}</h{level}>')
            parts = [self._build(child, min(level + 1, 5)) for child in item.get("item", [])]
            box = W.VBox([heading, *parts], layout=layout).add_class("sonb-group")
        elif kind == "display":
            box = fixed(W.HTML, f'<p class="sonb-display">{esc(item.get("text", ""))}</p>',
                        layout=layout)
        else:
            control = make_control(item)
            control.observe(self._changed)
            self._controls[link_id] = control
            box = W.VBox([control.widget], layout=layout).add_class("sonb-item")
        self._boxes[link_id] = box
        if item.get("enableWhen"):
            self._conditional[link_id] = box
        return box

    # -- reading and writing -----------------------------------------------------------
    @property
    def answers(self) -> dict:
        """The answers of enabled items, empty ones left out."""
        raw = {lid: c.value for lid, c in self._controls.items() if c.value is not None}
        return Q.clean_answers(self.questionnaire, raw)

    def set_answers(self, answers: dict) -> None:
        """Show these answers (unknown linkIds are ignored) without firing on_change."""
        self._quiet = True
        try:
            for link_id, control in self._controls.items():
                control.value = answers.get(link_id)
        finally:
            self._quiet = False
        self._refresh(self.answers)

    def control(self, link_id: str):
        """The control of one item (tests and views use its `.widget` and `.value`)."""
        return self._controls[link_id]

    # -- reacting ----------------------------------------------------------------------
    def _changed(self) -> None:
        if self._quiet:
            return
        raw = {lid: c.value for lid, c in self._controls.items() if c.value is not None}
        problems = Q.validate_answers(self.questionnaire, raw)
        answers = Q.clean_answers(self.questionnaire, raw)
        if not problems and self.on_change is not None:
            problems = self.on_change(answers) or {}
        self._refresh(answers, problems)

    def _refresh(self, answers: dict, problems: dict[str, str] | None = None) -> None:
        self.problems = dict(problems or {})
        enabled = Q.enabled_items(self.questionnaire, answers)
        for link_id, box in self._conditional.items():
            box.layout.display = None if enabled[link_id] else "none"
        for link_id, message in self.problems.items():
            if link_id in self._controls and link_id not in self._errors:
                self._errors[link_id] = W.HTML("", layout=W.Layout(display="none"))
                box = self._boxes[link_id]
                box.children = (*box.children, self._errors[link_id])
        for link_id, html in self._errors.items():
            message = self.problems.get(link_id)
            html.value = (f'<div class="sonb-error" role="alert">{esc(message)}</div>'
                          if message else "")
            html.layout.display = None if message else "none"

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show problems found elsewhere (for example by the model) beside their fields."""
        self._refresh(self.answers, problems)
