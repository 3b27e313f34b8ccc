"""Small pieces shared by the views: UI text, escaped HTML, tables."""

from __future__ import annotations

from importlib import resources
from typing import Sequence

import ipywidgets as W

from sonb._datafiles import texts
from sonb.questionnaire import is_blank
from sonb.safe import esc, paragraphs

from .parts import fixed


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


def styled(*widgets: W.Widget) -> W.VBox:
    """Widgets shown outside the app (a navigator's own form in JupyterLab) with the app's look:
    its stylesheet, and the frame its styles apply in."""
    return W.VBox([style_widget(), *widgets]).add_class("sonb-app")


def html(text: str, tag: str = "p", css: str = "") -> W.HTML:
    """Escaped text in one HTML element (a fixed text: it shares its layout and style)."""
    cls = f' class="{esc(css)}"' if css else ""
    return fixed(W.HTML, f"<{tag}{cls}>{esc(text)}</{tag}>")


def safety_box() -> W.HTML:
    """What to do and not do while waiting for a second opinion (shown on steps 1 and 3)."""
    return fixed(W.HTML, f'<div class="sonb-box sonb-safety"><h3>{esc(ui("safety", "title"))}</h3>'
                         f'{bullet_list(ui("safety", "items"))}</div>')


def bullet_list(items: Sequence[str], css: str = "") -> str:
    """Escaped items as an HTML list (empty string for none)."""
    if not items:
        return ""
    cls = f' class="{esc(css)}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


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
            cells.append(f"<td{cls}>{'' if is_blank(value) else paragraphs(value)}</td>")
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
