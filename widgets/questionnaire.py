"""The one generic questionnaire renderer: a FHIR Questionnaire -> ipywidgets, bound to answers.

Every form and check in the app goes through `QuestionnaireForm`; no form is laid out by hand.
Answers follow docs/CONVENTIONS.md: a dict linkId -> bool | int | str | list[str].

Each question's control comes from the registry in `controls.py`; a form that asks for anything
the renderer does not do (another item type, another control, an extension it does not know...)
is refused: see `refused.unsupported`.

Values from the browser are checked here, in the kernel, after the answers of hidden items are
dropped (as FHIR does); problems are shown beside the field they belong to, and problems that
belong to no field of the form at the top of the form.

Radio groups: ipywidgets' RadioButtons has no group name a screen reader can read. sonb's Voila
template adds one (role="radiogroup", named by the question) with a small script,
sonb/voila/share/voila/templates/sonb/radio_groups.js; without it (JupyterLab) the widgets
work as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as W

from sonb import questionnaire as Q
from sonb.errors import InvalidInput
from sonb.safe import esc

from .controls import make_control, question_text, text
from .group_list import GroupList, Scope
from .parts import fixed, fixed_layout
from .refused import unsupported

OnChange = Callable[[dict], "dict[str, str] | None"]
OnInvalid = Callable[[dict], None]

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
        super().__init__(layout=fixed_layout())  # never hidden on its own
        self.add_class("sonb-form")
        self.questionnaire = Q.prepare(questionnaire)
        self.on_change = on_change
        self.on_invalid = on_invalid
        self.problems: dict[str, str] = {}
        # every field is known by its key, Q.where(path): its linkId, or "group[n].linkId"
        self._controls: dict[str, object] = {}  # in form order
        self._items: dict[str, dict] = {}
        self._errors: dict[str, W.HTML] = {}  # made the first time a field has a problem
        self._boxes: dict[str, W.Widget] = {}
        self._conditional: dict[str, W.Widget] = {}  # the boxes that enableWhen shows or hides
        self._shown_by: dict[str, tuple[str, ...]] = {}  # key -> the enableWhen boxes around it
        self._read_only: dict[str, object] = {}  # key -> the value it keeps
        self._message: W.HTML | None = None  # problems of no field: made the first time
        self._quiet = False
        self._scope = Scope()
        children = self._build_all(self.questionnaire.get("item", []), (), self._scope, 3)
        if show_title and questionnaire.get("title"):
            children.insert(0, fixed(W.HTML, f"<h3>{esc(questionnaire['title'])}</h3>"))
        self._top = 1 if show_title and questionnaire.get("title") else 0
        self.children = children
        self.set_answers(Q.initial_answers(self.questionnaire) if answers is None else answers)

    # -- building ---------------------------------------------------------------------
    def _build_all(self, items: list, prefix: tuple, scope: Scope, level: int,
                   around: tuple[str, ...] = ()) -> list[W.Widget]:
        return [self._build(item, level, around, prefix, scope) for item in items]

    def _build(self, item: dict, level: int, around: tuple[str, ...], prefix: tuple,
               scope: Scope) -> W.Widget:
        link_id, kind = item["linkId"], item["type"]
        key = Q.where((*prefix, link_id))
        scope.keys.append(key)
        if item.get("enableWhen"):
            around = (*around, key)
        # a box that enableWhen hides needs a layout of its own; the others share one
        layout = W.Layout() if item.get("enableWhen") else fixed_layout()
        if kind == "group":
            heading = fixed(W.HTML, f'<h{level} class="sonb-group-title">'
                                    f'{esc(question_text(item))}</h{level}>')
            if item.get("repeats"):
                group = GroupList(
                    item, prefix, min(level, 4),
                    lambda items, pre, sc, lv, around=around: self._build_all(items, pre, sc, lv, around),
                    self._put, self._forget, self._changed)
                scope.groups[link_id] = group
                parts = [group.widget]
            else:
                parts = [self._build(child, min(level + 1, 5), around, prefix, scope)
                         for child in item.get("item", [])]
            box = W.VBox([heading, *parts], layout=layout).add_class("sonb-group")
        elif kind == "display":
            box = fixed(W.HTML, f'<p class="sonb-display">{esc(question_text(item))}</p>',
                        layout=layout)
        else:
            control = make_control(item)
            control.observe(lambda key=key: self._changed(key))
            self._controls[key], self._items[key] = control, item
            scope.controls[link_id] = (key, control)
            self._shown_by[key] = around
            box = W.VBox([control.widget], layout=layout).add_class("sonb-item")
        self._boxes[key] = box
        if item.get("enableWhen"):
            self._conditional[key] = box
        return box

    def _forget(self, keys: list[str]) -> None:
        """Drop the fields of a removed instance of a repeating group."""
        for book in (self._controls, self._items, self._errors, self._boxes, self._conditional,
                     self._shown_by, self._read_only):
            for key in keys:
                book.pop(key, None)

    def _put(self, key: str, control, value) -> None:
        control.value = value
        if self._items[key].get("readOnly"):
            self._read_only[key] = control.value

    # -- reading and writing -----------------------------------------------------------
    def _raw(self) -> dict:
        return self._scope.raw()

    @property
    def answers(self) -> dict:
        """The answers of enabled items, empty ones left out."""
        return Q.clean_answers(self.questionnaire, self._raw())

    def set_answers(self, answers: dict) -> None:
        """Show these answers (unknown linkIds are ignored) without firing on_change."""
        self._quiet = True
        try:
            self._scope.set(answers, self._put)
        finally:
            self._quiet = False
        self._refresh()

    def control(self, key: str):
        """The control of one item by its linkId (in a repeating group: "group[n].linkId");
        tests and views use its `.widget` and `.value`."""
        return self._controls[key]

    def _shown(self, raw: dict) -> dict[str, bool]:
        """Field key -> shown by enableWhen, for these answers."""
        return {Q.where(path): on for path, on in Q.shown_paths(self.questionnaire, raw).items()}

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
        raw = self._raw()
        shown = self._shown(raw)
        # hidden items' answers go; keys stay those of the fields (instances are not renumbered)
        problems = {key: message for key, message in Q.validate_answers(self.questionnaire, raw).items()
                    if shown.get(key, True)}
        answers = Q.clean_answers(self.questionnaire, raw)
        invalid = bool(problems)
        if not problems and self.on_change is not None:
            problems = self.on_change(answers) or {}
        self._refresh(problems, changed=link_id, shown=shown)
        if invalid and self.on_invalid is not None:
            self.on_invalid(dict(self.problems))

    def _refresh(self, problems: dict[str, str] | None = None, focus: bool = False,
                 changed: str | None = None, shown: dict[str, bool] | None = None) -> None:
        """Show or hide the boxes enableWhen governs (`shown`: key -> shown, worked out from
        the fields when not given) and the problems beside their fields."""
        before = self.problems
        self.problems = dict(problems or {})
        fields = [lid for lid in self._controls if lid in self.problems]  # in form order
        general = {k: v for k, v in self.problems.items() if k not in self._controls}
        enabled = shown if shown is not None else self._shown(self._raw())
        # a field with a problem is shown even where enableWhen hides it, so it can be fixed
        forced = {around for lid in fields for around in self._shown_by[lid]}
        for link_id, box in self._conditional.items():
            box.layout.display = None if enabled.get(link_id) or link_id in forced else "none"
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
        self._refresh(problems, focus=True)

    def first_problem(self) -> tuple[str, str] | None:
        """(question text, message) of the first problem shown, in form order: problems that
        belong to no field first (with the form's title, or "This form"). None when none."""
        for where, message in self.problems.items():
            if where not in self._controls:
                title = self.questionnaire.get("title") or text("this_form")
                return str(title), _general_text(where, message)
        for link_id in self._controls:
            if link_id in self.problems:
                return question_text(self._items[link_id]), self.problems[link_id]
        return None
