"""Step 1: is a second opinion a good idea? The assessment, its advice, and the choices."""

from __future__ import annotations

import ipywidgets as W

from sonb import binding as B
from sonb.assessment import assess
from sonb.safe import esc

from .bound import BoundForm
from .common import bullet_list, html, safety_box, ui
from .records import RecordList
from .step import StepView


class AssessmentView(StepView):
    key = "assess"

    def build(self) -> W.Widget:
        self.form = BoundForm(self.session, B.ASSESSMENT, on_saved=lambda _c: self._show_advice())
        self.advice = W.HTML()
        self.options = RecordList(self.session, B.OPTION, describe=lambda o: o.name,
                                  add_label=ui("steps", "assess", "add"),
                                  empty_text=ui("steps", "assess", "none"))
        self._show_advice()
        return W.VBox([
            self.form,
            html(ui("steps", "assess", "advice_title"), "h3"), self.advice, safety_box(),
            html(ui("steps", "assess", "options_title"), "h3"),
            html(ui("steps", "assess", "options_help")), self.options,
        ])

    def refresh(self) -> None:
        self.form.refresh()
        self.options.refresh()
        self._show_advice()

    def _show_advice(self) -> None:
        advice = assess(self.case.assessment)
        still_open = (f'<p>{esc(ui("steps", "assess", "unanswered"))}</p>'
                      f"{bullet_list(advice.unanswered)}" if advice.unanswered else "")
        self.advice.value = (
            f'<div class="sonb-box sonb-advice-{esc(advice.level)}" role="status">'
            f"<strong>{esc(advice.title)}</strong>{bullet_list(advice.reasons)}{still_open}</div>")
