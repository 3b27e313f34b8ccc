"""A list of records of the case (the choices, the people) with add, edit and remove, each
record edited in one bound form with a Save button."""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from sonb import InvalidInput, binding as B
from sonb.safe import esc

from .bound import BoundForm
from .common import html, ui
from .parts import dispose, fixed, label_style
from .session import CaseSession


class RecordList(W.VBox):
    """The records of `binding` (B.OPTION, B.CLINICIAN) in the session's case.

    `describe(record)` is the text of a row; `on_saved(case)` runs after each change;
    `orderable` adds Up and Down to each row. The editor is built once and shown or hidden;
    the list is drawn again only when what it shows changes.
    """

    def __init__(self, session: CaseSession, binding: B.Binding, describe: Callable,
                 add_label: str, empty_text: str, on_saved: Callable | None = None,
                 orderable: bool = False):
        super().__init__()
        self.session, self.binding, self.orderable = session, binding, orderable
        self._describe, self._empty_text, self._on_saved = describe, empty_text, on_saved
        self._drawn: list | None = None  # the records the list shows
        self.items = W.VBox([])
        self.add_button = W.Button(description=add_label, icon="plus", button_style="primary")
        self.add_button.on_click(lambda _b: self.edit(None))
        self.editor_form = BoundForm(session, binding, None, autosave=False, on_saved=self._saved)
        save = fixed(W.Button, description=ui("records", "save"), button_style="primary",
                     icon="check")
        cancel = fixed(W.Button, description=ui("records", "cancel"))
        save.on_click(lambda _b: self.save_editor())
        cancel.on_click(lambda _b: self.close_editor())
        self.editor = W.VBox([self.editor_form, fixed(W.HBox, [save, cancel]).add_class("sonb-nav")],
                             layout=W.Layout(display="none")).add_class("sonb-editor")
        self.message = W.HTML("")
        self.children = [self.items, self.message, self.add_button, self.editor]
        self.refresh()

    @property
    def records(self) -> list:
        return list(self.binding.records(self.session.case))

    @property
    def form(self):
        """The editor's questionnaire form (tests set its controls)."""
        return self.editor_form.form

    @property
    def editing(self) -> bool:
        """Whether the editor is open."""
        return self.editor.layout.display != "none"

    def refresh(self) -> None:
        records = self.records
        drawn = [(r.id, self._describe(r)) for r in records]
        if self._drawn == drawn:
            return
        self._drawn = drawn
        old = self.items.children
        rows = []
        for n, record in enumerate(records):
            edit = fixed(W.Button, description=ui("records", "edit"),
                         tooltip=ui("records", "edit_one", name=self._describe(record)))
            remove = fixed(W.Button, description=ui("records", "remove"), button_style="danger",
                           tooltip=ui("records", "remove_one", name=self._describe(record)))
            edit.on_click(lambda _b, rid=record.id: self.edit(rid))
            remove.on_click(lambda _b, rid=record.id: self.remove(rid))
            label = W.HTML(f"<span>{esc(self._describe(record))}</span>",
                           layout=W.Layout(flex="1 1 auto"), style=label_style(W.HTML))
            buttons = [edit, remove]
            if self.orderable:
                buttons += [self._move_button(record, -1, n == 0),
                            self._move_button(record, 1, n == len(records) - 1)]
            rows.append(fixed(W.HBox, [label, *buttons]).add_class("sonb-row"))
        self.items.children = rows or [html(self._empty_text)]
        dispose(*old)

    def _move_button(self, record, step: int, at_end: bool) -> W.Button:
        key = "up" if step < 0 else "down"
        button = fixed(W.Button, description=ui("records", key), disabled=at_end,
                       tooltip=ui("records", f"{key}_one", name=self._describe(record)))
        button.on_click(lambda _b, rid=record.id: self.move(rid, step))
        return button

    def move(self, record_id: str, step: int) -> None:
        """Move a record `step` places down the list (up when negative) and save."""
        if self.session.save(B.moved_record(self.session.case, self.binding, record_id, step),
                             checked=True):
            return
        self.refresh()
        if self._on_saved is not None:
            self._on_saved(self.session.case)

    def edit(self, record_id: str | None) -> None:
        """Open the editor for a new record (None) or an existing one: every question starts
        as the record has it, a new record's unanswered."""
        self.editor_form.show(record_id)
        self.editor_form.form.set_answers(self.binding.read(self.session.case, record_id))
        self.editor.layout.display = None
        self.add_button.layout.display = "none"

    def save_editor(self) -> bool:
        """Save the edited record. Problems are shown beside their fields."""
        return not self.editor_form.save()

    def _saved(self, case) -> None:
        self.close_editor()
        if self._on_saved is not None:
            self._on_saved(case)

    def close_editor(self) -> None:
        self.editor.layout.display = "none"
        self.add_button.layout.display = None
        self.refresh()

    def remove(self, record_id: str) -> None:
        try:
            case = B.without_record(self.session.case, self.binding, record_id)
        except InvalidInput:  # the record is still used elsewhere in the case
            self.message.value = (f'<p class="sonb-error" role="alert">'
                                  f'{esc(ui("case_bar", "in_use"))}</p>')
            return
        if self.session.save(case, checked=True):
            return
        self.message.value = ""
        self.close_editor()
        if self._on_saved is not None:
            self._on_saved(self.session.case)
