"""Small pieces shared by the views: UI text, escaped HTML, tables, a list editor."""

from __future__ import annotations

from importlib import resources
from typing import Callable, Sequence

import ipywidgets as W

from sonb._datafiles import texts
from sonb.errors import InvalidInput
from sonb.safe import esc, paragraphs

from .parts import dispose, fixed, label_style
from .questionnaire import QuestionnaireForm


def ui(*keys: str, **fmt) -> str:
    """A text from sonb/data/ui.json, e.g. ui('steps', 'plan', 'title')."""
    value = texts("ui")
    for key in keys:
        value = value[key]
    return value.format(**{k: str(v) for k, v in fmt.items()}) if fmt else value


def style_widget() -> W.HTML:
    """sonb's stylesheet as a widget (works the same in Voila and JupyterLab)."""
    css = resources.files("sonb.widgets").joinpath("style.css").read_text(encoding="utf-8")
    return W.HTML(f"<style>{css}</style>", layout=W.Layout(display="none"))


def html(text: str, tag: str = "p", css: str = "") -> W.HTML:
    """Escaped text in one HTML element (a fixed text: it shares its layout and style)."""
    cls = f' class="{esc(css)}"' if css else ""
    return fixed(W.HTML, f"<{tag}{cls}>{esc(text)}</{tag}>")


def bullet_list(items: Sequence[str], css: str = "") -> str:
    """Escaped items as an HTML list (empty string for none)."""
    if not items:
        return ""
    cls = f' class="{esc(css)}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def _blank(value) -> bool:
    if value is None or type(value).__name__ == "NAType":  # pandas' NA, without importing pandas
        return True
    return isinstance(value, float) and value != value  # NaN


def rows_html(columns: Sequence[str], rows: Sequence[Sequence], cell_classes=None,
              caption: str = "") -> str:
    """An escaped HTML table in a box that scrolls sideways (reachable by keyboard). The first
    cell of each row is its header; `cell_classes(row_label, column, value)` may add a class."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    body = []
    for label, *values in rows:
        cells = [f'<th scope="row">{esc(label)}</th>']
        for column, value in zip(columns[1:], values):
            css = cell_classes(label, column, value) if cell_classes else ""
            cls = f' class="{esc(css)}"' if css else ""
            cells.append(f"<td{cls}>{'' if _blank(value) else paragraphs(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    name = esc(caption or ui("tables", "scroll"))
    return (f'<div class="sonb-scroll" tabindex="0" role="region" aria-label="{name}">'
            f'<table class="sonb-table">{cap}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def table_html(df, cell_classes=None, caption: str = "") -> str:
    """A DataFrame as `rows_html` (MultiIndex columns joined with ' / ')."""
    columns = [df.index.name or "", *(" / ".join(map(str, c)) if isinstance(c, tuple) else c
                                      for c in df.columns)]
    rows = [[label, *row] for label, row in zip(df.index, df.itertuples(index=False))]
    if cell_classes is None:
        return rows_html(columns, rows, caption=caption)
    by_name = dict(zip(columns[1:], df.columns))
    return rows_html(columns, rows, lambda r, c, v: cell_classes(r, by_name[c], v), caption)


class RecordList(W.VBox):
    """A list of records (clinicians, options) with add, edit and remove, via one questionnaire.

    `apply(record_or_None, answers)` returns the new record or raises InvalidInput;
    `commit(records)` stores the new list and returns problems (empty when saved).
    The editor is built once and shown or hidden; the list is drawn again only when it changes.
    """

    def __init__(self, questionnaire: dict, records: list, describe: Callable[[object], str],
                 to_answers: Callable, apply: Callable, commit: Callable[[list], dict],
                 add_label: str, empty_text: str):
        super().__init__()
        self.q, self.records = questionnaire, list(records)
        self._describe, self._to_answers, self._apply, self._commit = describe, to_answers, apply, commit
        self._empty_text = empty_text
        self._editing: int | None = None
        self._drawn: list | None = None  # the records the list shows
        self.items = W.VBox([])
        self.add_button = W.Button(description=add_label, icon="plus", button_style="primary")
        self.add_button.on_click(lambda _b: self.edit(None))
        self.form = QuestionnaireForm(self.q)
        save = fixed(W.Button, description="Save", button_style="primary", icon="check")
        cancel = fixed(W.Button, description="Cancel")
        save.on_click(lambda _b: self.save_editor())
        cancel.on_click(lambda _b: self.close_editor())
        self.editor = W.VBox([self.form, fixed(W.HBox, [save, cancel]).add_class("sonb-nav")],
                             layout=W.Layout(display="none")).add_class("sonb-editor")
        self.message = W.HTML("")
        self.children = [self.items, self.message, self.add_button, self.editor]
        self._render()

    @property
    def editing(self) -> bool:
        """Whether the editor is open."""
        return self.editor.layout.display != "none"

    def set_records(self, records: list) -> None:
        self.records = list(records)
        self._render()

    def _render(self) -> None:
        if self._drawn == self.records:
            return
        self._drawn = list(self.records)
        old = self.items.children
        rows = []
        for i, record in enumerate(self.records):
            edit = fixed(W.Button, description="Edit", tooltip=f"Edit {self._describe(record)}")
            remove = fixed(W.Button, description="Remove", button_style="danger",
                           tooltip=f"Remove {self._describe(record)}")
            edit.on_click(lambda _b, i=i: self.edit(i))
            remove.on_click(lambda _b, i=i: self.remove(i))
            label = W.HTML(f"<span>{esc(self._describe(record))}</span>",
                           layout=W.Layout(flex="1 1 auto"), style=label_style(W.HTML))
            rows.append(fixed(W.HBox, [label, edit, remove]).add_class("sonb-row"))
        self.items.children = rows or [html(self._empty_text)]
        dispose(*old)

    def edit(self, index: int | None) -> None:
        """Open the editor for a new record (None) or an existing one."""
        self._editing = index
        current = None if index is None else self.records[index]
        self.form.set_answers({} if current is None else self._to_answers(current))
        self.editor.layout.display = None
        self.add_button.layout.display = "none"

    def save_editor(self) -> bool:
        """Validate and keep the edited record. Problems are shown beside their fields."""
        current = None if self._editing is None else self.records[self._editing]
        problems = self.form.problems
        if not problems:
            try:
                record = self._apply(current, self.form.answers)
            except InvalidInput as exc:
                problems = exc.problems
        if problems:
            self.form.show_problems(problems)
            return False
        records = list(self.records)
        if self._editing is None:
            records.append(record)
        else:
            records[self._editing] = record
        problems = self._commit(records)
        if problems:
            self.form.show_problems({k.split(".")[-1]: v for k, v in problems.items()})
            return False
        self.records = records
        self.close_editor()
        return True

    def close_editor(self) -> None:
        self.editor.layout.display = "none"
        self._editing = None
        self.add_button.layout.display = None
        self._render()

    def remove(self, index: int) -> None:
        records = [r for i, r in enumerate(self.records) if i != index]
        problems = self._commit(records)
        if problems:  # the record is still used elsewhere in the case
            self.message.value = f'<p class="sonb-error" role="alert">{esc(ui("case_bar", "in_use"))}</p>'
            return
        self.message.value = ""
        self.records = records
        self.close_editor()
