"""Step 3: get ready. The guide's steps with dates, a checklist and warnings from the dates."""

from __future__ import annotations

import ipywidgets as W

from sonb import binding as B
from sonb.plan import checklist_rows, warnings
from sonb.safe import esc

from .bound import BoundForm
from .common import html, rows_html, safety_box, ui
from .papers import chosen_kinds, forms_button
from .step import StepView


class PlanView(StepView):
    key = "plan"

    def build(self) -> W.Widget:
        self.form = BoundForm(self.session, B.PLAN, on_saved=lambda _c: self._show())
        self.checklist = W.HTML()
        self.warnings = W.HTML()
        self._show()
        return W.VBox([
            html(ui("steps", "plan", "warnings_title"), "h3"), self.warnings, safety_box(),
            self.form,
            html(ui("steps", "plan", "checklist_title"), "h3"), self.checklist,
            html(ui("files", "blank_help")),
            forms_button("blank_forms", lambda: {"kind": chosen_kinds(self.case)}),
        ])

    def refresh(self) -> None:
        self.form.refresh()
        self._show()

    def _show(self) -> None:
        found = warnings(self.case.plan)
        self.warnings.value = "".join(
            f'<div class="sonb-warning {esc(w.level)}" role="status">{esc(w.message)}</div>'
            for w in found) or f'<p>{esc(ui("steps", "plan", "no_warnings"))}</p>'
        names, _keys, rows = checklist_rows(self.case.plan)
        self.checklist.value = rows_html(names, rows)
