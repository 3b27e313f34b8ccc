"""The one generic questionnaire renderer: a FHIR Questionnaire -> ipywidgets, bound to answers.

Every form and check in the app goes through `QuestionnaireForm`; no form is laid out by hand.
Answers follow docs/CONVENTIONS.md: a dict linkId -> bool | int | str | list[str].

How a question is shown is looked up in `CONTROLS`, keyed by (item type, repeats, the FHIR
itemControl code): a new kind of control is one entry there. An item without an itemControl
extension gets the default of `DEFAULT_CONTROL` for its (type, repeats): yes/no questions and
single choices of at most `SHORT_CHOICE` options are radio groups, longer lists and the 0-5
scores are drop-downs. A form that asks for anything the renderer does not do (another item
type, another control, an extension it does not know...) is refused: see `unsupported`.

Values from the browser are checked here, in the kernel, after the answers of hidden items are
dropped (as FHIR does); problems are shown beside the field they belong to, and problems that
belong to no field of the form at the top of the form.

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

from .parts import dispose, fixed, fixed_layout

OnChange = Callable[[dict], "dict[str, str] | None"]
OnInvalid = Callable[[dict], None]

ITEM_CONTROL = Q.ITEM_CONTROL
SHORT_CHOICE = 5  # a single choice with at most this many options is a radio group by default
SHORT_RANGE = 10  # whole numbers from minValue to maxValue at most this far apart: a list
WHOLE_FORM = "(whole form)"  # where `unsupported` puts what concerns the form, not one item


def text(key: str, **fmt) -> str:
    """A text the renderer shows (sonb/data/ui.json, under "form")."""
    value = texts("ui")["form"][key]
    return value.format(**{k: str(v) for k, v in fmt.items()}) if fmt else value


def _question_text(item: Mapping) -> str:
    """The item's text, after its prefix ("1.", "a)") when it has one."""
    words = item.get("text") or item["linkId"]
    return f"{item['prefix']} {words}" if item.get("prefix") else words


def _label(item: Mapping) -> str:
    words = _question_text(item)
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
    problems = _control_problems(item)
    if problems:
        raise InvalidInput({item["linkId"]: " ".join(problems)}, "The form")
    control = CONTROLS[control_key(item)].make(item)
    if item.get("readOnly"):
        control.disable()
    return control


# -- what the renderer refuses ----------------------------------------------------------------------

SHOWN_KEYS = frozenset({"linkId", "text", "type", "item", "required", "repeats", "readOnly",
                        "maxLength", "answerOption", "enableWhen", "enableBehavior", "extension",
                        "prefix"})
"""The parts of an item the renderer honours."""
QUIET_KEYS = frozenset({"definition", "code", "_text", "_prefix"})
"""Parts that change nothing on screen: where an item comes from, the comparison aspect it
covers, translations of its text (the form's own text is shown)."""
OPERATORS = frozenset({"=", "!=", "exists"})


def _a(kind: object) -> str:
    """'a date', 'an integer'."""
    kind = str(kind)
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def unsupported(questionnaire: Mapping) -> dict[str, str]:
    """What this form asks for that the renderer would not do, by linkId (WHOLE_FORM for the
    form itself), in plain words; {} when the renderer can show all of it."""
    found: dict[str, list[str]] = {}

    def add(where: str, message: str) -> None:
        found.setdefault(where, []).append(message)

    if not isinstance(questionnaire, Mapping):
        return {WHOLE_FORM: "A form must be a JSON object."}
    if questionnaire.get("modifierExtension"):
        add(WHOLE_FORM, "The form has a modifierExtension, which this app cannot follow.")
    if not isinstance(questionnaire.get("item") or [], list):
        add(WHOLE_FORM, "The form's items must be a list.")
        return {k: " ".join(v) for k, v in found.items()}
    earlier: dict[str, Mapping] = {}
    for item in _all_items(questionnaire.get("item") or [], add):
        link = item.get("linkId")
        if not isinstance(link, str) or not link:
            add(WHOLE_FORM, "An item has no linkId.")
            continue
        if link in earlier:
            add(link, "More than one item uses this linkId.")
            continue
        for message in _item_problems(item, earlier):
            add(link, message)
        earlier[link] = item
    return {where: " ".join(messages) for where, messages in found.items()}


def _all_items(items: list, add):
    for item in items:
        if not isinstance(item, Mapping):
            add(WHOLE_FORM, "Every item must be a JSON object.")
            continue
        yield item
        children = item.get("item") or []
        if isinstance(children, list):
            yield from _all_items(children, add)
        else:
            add(str(item.get("linkId")), "Its items must be a list.")


def _item_problems(item: Mapping, earlier: Mapping[str, Mapping]):
    kind = item.get("type")
    unknown = sorted(set(item) - SHOWN_KEYS - QUIET_KEYS)
    if unknown:
        listed = unknown[0] if len(unknown) == 1 else f"{', '.join(unknown[:-1])} and {unknown[-1]}"
        yield f"It uses {listed}, which this app does not show."
    if kind in ("group", "display"):
        yield from _frame_problems(item, kind)
    else:
        yield from _control_problems(item)
        yield from _answer_problems(item, kind)
    yield from _extension_problems(item, kind)
    yield from _enable_problems(item, earlier)


def _frame_problems(item: Mapping, kind: str):
    """Groups and display texts: only enableWhen and prefix change how they are shown."""
    for flag in ("repeats", "required", "readOnly"):
        if item.get(flag):
            yield f"{_a(kind).capitalize()} item cannot be {'repeating' if flag == 'repeats' else flag} here."
    for key in ("maxLength", "answerOption"):
        if key in item:
            yield f"{_a(kind).capitalize()} item takes no {key}."
    if kind == "group" and not item.get("item"):
        yield "This group has no items."
    if kind == "display" and item.get("item"):
        yield "A display item cannot hold other items."
    code = item_control(item)
    if code is not None:
        yield f"It asks for the control {code!r}, which this app does not offer for {_a(kind)}."


def _control_problems(item: Mapping) -> list[str]:
    kind, repeats = item.get("type"), bool(item.get("repeats"))
    kinds = {(t, r) for t, r, _code in CONTROLS}
    if not any(t == kind for t, _r in kinds):
        return [f"Its type {kind!r} is not one this app can show."]
    if (kind, repeats) not in kinds:
        return [f"{_a(kind).capitalize()} question that repeats is not one this app can show."
                if repeats else f"{_a(kind).capitalize()} question must repeat here."]
    key = control_key(item)
    renderer = CONTROLS.get(key)
    if renderer is None:
        offered = sorted(code for t, r, code in CONTROLS if (t, r) == (kind, repeats) and code)
        asked = key[2]
        if not asked:
            return ["Its itemControl has no code."]
        also = f" It can show: {', '.join(offered)}." if offered else ""
        return [(f"It asks for the control {asked!r}, which this app does not offer for "
                 f"{_a(kind)} question.{also}")]
    why = renderer.refuses(item)
    return [why] if why else []


def _answer_problems(item: Mapping, kind: str):
    if "maxLength" in item and kind not in ("string", "text"):
        yield "Only text questions can have a maxLength."
    if item.get("item"):
        yield "A question cannot hold other items here."
    if kind != "choice":
        if "answerOption" in item:
            yield "Only choice questions can have an answerOption."
        return
    options = item.get("answerOption")
    if not isinstance(options, list) or not options:
        yield "This choice question has no choices (answerOption)."
        return
    for option in options:
        coding = option.get("valueCoding") if isinstance(option, Mapping) else None
        if (set(option) if isinstance(option, Mapping) else None) != {"valueCoding"} or not (
                isinstance(coding, Mapping) and isinstance(coding.get("code"), str)):
            yield ("Each choice must be a valueCoding with a code, and nothing else "
                   "(no initialSelected, no valueString).")
            return


def _extension_problems(item: Mapping, kind: str):
    extensions = item.get("extension") or []
    if not isinstance(extensions, list):
        yield "Its extension must be a list."
        return
    for ext in extensions:
        url = ext.get("url") if isinstance(ext, Mapping) else None
        if url == ITEM_CONTROL:
            continue  # checked with the control
        if url in (Q.MIN_VALUE, Q.MAX_VALUE):
            value = ext.get("valueInteger")
            if kind != "integer" or not isinstance(value, int) or isinstance(value, bool):
                yield f"{url.rsplit('/', 1)[-1]} works here only as a whole number on an integer question."
        else:
            yield f"It has an extension this app does not know: {url}."


def _enable_problems(item: Mapping, earlier: Mapping[str, Mapping]):
    conditions = item.get("enableWhen")
    if conditions is None:
        return
    if not isinstance(conditions, list) or not conditions:
        yield "Its enableWhen must be a list of conditions."
        return
    if item.get("enableBehavior") not in (None, "all", "any"):
        yield "Its enableBehavior must be 'all' or 'any'."
    for condition in conditions:
        if not isinstance(condition, Mapping):
            yield "Each enableWhen condition must be a JSON object."
            continue
        target = earlier.get(condition.get("question"))
        if target is None or not Q.is_question(target):
            yield (f"It depends on {condition.get('question')!r}, which is not a question "
                   "earlier in the form.")
        if condition.get("operator") not in OPERATORS:
            yield (f"It uses the operator {condition.get('operator')!r}; this app understands "
                   "only =, != and exists.")


# -- the form ---------------------------------------------------------------------------------------

def _form_name(questionnaire: Mapping) -> str:
    return str(questionnaire.get("title") or questionnaire.get("id") or questionnaire.get("name")
               or "without a name")


def _general_text(where: str, message: str) -> str:
    """A problem that belongs to no field: a sentence stands alone, a fragment ("is too long")
    says what it is about."""
    message = str(message)
    if not message or message[:1].isupper():
        return message
    return text("problem_at", where=where, message=message)


class QuestionnaireForm(W.VBox):
    """A questionnaire as widgets. `answers` reads them; `set_answers` writes them.

    `on_change(answers)` runs after every valid change; it may return extra problems
    (linkId -> message) found by the model, which are shown beside their fields.
    `on_invalid(problems)` (optional) runs when a change is not passed on because the form
    itself found problems. Only the answers of enabled items are checked and passed on.
    A form that asks for something the renderer does not do raises InvalidInput.
    """

    def __init__(self, questionnaire: dict, answers: dict | None = None,
                 on_change: OnChange | None = None, show_title: bool = False,
                 on_invalid: OnInvalid | None = None):
        problems = unsupported(questionnaire)
        if problems:
            raise InvalidInput(problems, f"The form {_form_name(questionnaire)!r}")
        super().__init__()
        self.add_class("sonb-form")
        self.questionnaire = questionnaire
        self.on_change = on_change
        self.on_invalid = on_invalid
        self.problems: dict[str, str] = {}
        self._controls: dict[str, object] = {}  # in form order
        self._items: dict[str, dict] = {}
        self._errors: dict[str, W.HTML] = {}  # made the first time a field has a problem
        self._boxes: dict[str, W.Widget] = {}
        self._conditional: dict[str, W.Widget] = {}  # the boxes that enableWhen shows or hides
        self._shown_by: dict[str, tuple[str, ...]] = {}  # linkId -> the enableWhen boxes around it
        self._read_only: dict[str, object] = {}  # linkId -> the value it keeps
        self._message: W.HTML | None = None  # problems of no field: made the first time
        self._quiet = False
        children = [self._build(item, 3, ()) for item in questionnaire.get("item", [])]
        if show_title and questionnaire.get("title"):
            children.insert(0, fixed(W.HTML, f"<h3>{esc(questionnaire['title'])}</h3>"))
        self._top = 1 if show_title and questionnaire.get("title") else 0
        self.children = children
        self.set_answers(answers or {})

    # -- building ---------------------------------------------------------------------
    def _build(self, item: dict, level: int, around: tuple[str, ...]) -> W.Widget:
        link_id, kind = item["linkId"], item["type"]
        if item.get("enableWhen"):
            around = (*around, link_id)
        # a box that enableWhen hides needs a layout of its own; the others share one
        layout = W.Layout() if item.get("enableWhen") else fixed_layout()
        if kind == "group":
            heading = fixed(W.HTML, f'<h{level} class="sonb-group-title">'
                                    f'{esc(_question_text(item))}</h{level}>')
            parts = [self._build(child, min(level + 1, 5), around) for child in item.get("item", [])]
            box = W.VBox([heading, *parts], layout=layout).add_class("sonb-group")
        elif kind == "display":
            box = fixed(W.HTML, f'<p class="sonb-display">{esc(_question_text(item))}</p>',
                        layout=layout)
        else:
            control = make_control(item)
            control.observe(lambda link_id=link_id: self._changed(link_id))
            self._controls[link_id], self._items[link_id] = control, item
            self._shown_by[link_id] = around
            box = W.VBox([control.widget], layout=layout).add_class("sonb-item")
        self._boxes[link_id] = box
        if item.get("enableWhen"):
            self._conditional[link_id] = box
        return box

    # -- reading and writing -----------------------------------------------------------
    def _raw(self) -> dict:
        return {lid: c.value for lid, c in self._controls.items() if c.value is not None}

    @property
    def answers(self) -> dict:
        """The answers of enabled items, empty ones left out."""
        return Q.clean_answers(self.questionnaire, self._raw())

    def set_answers(self, answers: dict) -> None:
        """Show these answers (unknown linkIds are ignored) without firing on_change."""
        self._quiet = True
        try:
            for link_id, control in self._controls.items():
                control.value = answers.get(link_id)
                if self._items[link_id].get("readOnly"):
                    self._read_only[link_id] = control.value
        finally:
            self._quiet = False
        self._refresh(self.answers)

    def control(self, link_id: str):
        """The control of one item (tests and views use its `.widget` and `.value`)."""
        return self._controls[link_id]

    # -- reacting ----------------------------------------------------------------------
    def _changed(self, link_id: str | None = None) -> None:
        if self._quiet:
            return
        if link_id in self._read_only:  # the browser changed a read-only item: put it back
            self._quiet = True
            try:
                self._controls[link_id].value = self._read_only[link_id]
            finally:
                self._quiet = False
            return
        answers = Q.clean_answers(self.questionnaire, self._raw())  # hidden items' answers go
        problems = Q.validate_answers(self.questionnaire, answers)
        invalid = bool(problems)
        if not problems and self.on_change is not None:
            problems = self.on_change(answers) or {}
        self._refresh(answers, problems, changed=link_id)
        if invalid and self.on_invalid is not None:
            self.on_invalid(dict(self.problems))

    def _refresh(self, answers: dict, problems: dict[str, str] | None = None,
                 focus: bool = False, changed: str | None = None) -> None:
        before = self.problems
        self.problems = dict(problems or {})
        fields = [lid for lid in self._controls if lid in self.problems]  # in form order
        general = {k: v for k, v in self.problems.items() if k not in self._controls}
        enabled = Q.enabled_items(self.questionnaire, answers)
        # a field with a problem is shown even where enableWhen hides it, so it can be fixed
        forced = {around for lid in fields for around in self._shown_by[lid]}
        for link_id, box in self._conditional.items():
            box.layout.display = None if enabled[link_id] or link_id in forced else "none"
        for link_id in fields:
            if link_id not in self._errors:
                self._errors[link_id] = W.HTML("", layout=W.Layout(display="none"))
                box = self._boxes[link_id]
                box.children = (*box.children, self._errors[link_id])
        for link_id, html in self._errors.items():
            message = self.problems.get(link_id)
            html.value = (f'<div class="sonb-error" role="alert">{esc(message)}</div>'
                          if message else "")
            html.layout.display = None if message else "none"
        self._show_general(general)
        if fields and (focus or (fields[0] not in before and fields[0] != changed)):
            self._focus(fields[0])

    def _show_general(self, general: dict[str, str]) -> None:
        """Problems that belong to no field of this form, in one box at the top of the form."""
        if not general and self._message is None:
            return
        if self._message is None:
            self._message = W.HTML("", layout=W.Layout(display="none")).add_class("sonb-form-problems")
            children = list(self.children)
            children.insert(self._top, self._message)
            self.children = children
        lines = [esc(_general_text(where, message)) for where, message in general.items()]
        if not lines:
            body = ""
        elif len(lines) == 1:
            body = f"<p>{lines[0]}</p>"
        else:
            body = "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
        self._message.value = f'<div class="sonb-error" role="alert">{body}</div>' if body else ""
        self._message.layout.display = None if body else "none"

    def _focus(self, link_id: str) -> None:
        """Move the keyboard focus (and so the page) to the field with a problem."""
        control = self._controls[link_id]
        widget = getattr(control, "focus_widget", control.widget)
        focus = getattr(widget, "focus", None)
        if callable(focus):
            focus()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Show problems found elsewhere (for example by the model) beside their fields; those
        that belong to no field at the top of the form. The first field with a problem gets
        the keyboard focus."""
        self._refresh(self.answers, problems, focus=True)

    def first_problem(self) -> tuple[str, str] | None:
        """(question text, message) of the first problem shown, in form order: problems that
        belong to no field first (with the form's title, or "This form"). None when none."""
        for where, message in self.problems.items():
            if where not in self._controls:
                title = self.questionnaire.get("title") or text("this_form")
                return str(title), _general_text(where, message)
        for link_id in self._controls:
            if link_id in self.problems:
                return _question_text(self._items[link_id]), self.problems[link_id]
        return None
