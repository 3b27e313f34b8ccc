"""Step 6: what matters, how each option fits, readiness before and after, and my choice."""

from __future__ import annotations

import ipywidgets as W

from sonb import binding as B
from sonb import compare as C

from .bound import BoundForm
from .common import html, table_html, ui
from .papers import report_buttons
from .step import StepView


class DecideView(StepView):
    key = "decide"
    needs = ("pandas",)  # the option fit table is a pandas DataFrame

    def build(self) -> W.Widget:
        self.fit = W.HTML()
        self.weights = BoundForm(self.session, B.PREFERENCES, on_saved=lambda _c: self._show_fit())
        self.before = BoundForm(self.session, B.READINESS_BEFORE)
        self.after = BoundForm(self.session, B.READINESS_AFTER)
        self.choice = BoundForm(self.session, B.CHOICE)
        self._show_fit()
        return W.VBox([
            html(ui("steps", "decide", "weights_title"), "h3"), self.weights,
            html(ui("steps", "decide", "fit_title"), "h3"), html(ui("steps", "decide", "fit_note")),
            self.fit,
            html(ui("steps", "decide", "before_title"), "h3"), self.before,
            html(ui("steps", "decide", "after_title"), "h3"), self.after,
            html(ui("steps", "decide", "choice_title"), "h3"), self.choice,
            html(ui("files", "title"), "h3"), html(ui("files", "report_help")),
            *report_buttons(lambda: self.case),
        ])

    def refresh(self) -> None:
        for form in (self.weights, self.before, self.after, self.choice):
            form.refresh()
        self._show_fit()

    def _show_fit(self) -> None:
        if not self.case.options:
            self.fit.value = ""
            return
        fit = C.option_fit(B.with_shown_preferences(self.case))
        fit["score"] = fit["score"].round(1)
        fit = fit.rename(columns={"score": ui("tables", "score"), "rank": ui("tables", "rank")})
        fit.index.name = ui("tables", "choice")
        self.fit.value = table_html(fit)
