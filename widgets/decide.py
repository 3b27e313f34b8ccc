"""Step 6: what matters, how each option fits, readiness before and after, and my choice."""

from __future__ import annotations

import ipywidgets as W

from sonb import InvalidInput, Preferences
from sonb import compare as C
from sonb import questionnaire as Q

from .common import html, table_html, ui
from .parts import dispose
from .papers import report_buttons
from .questionnaire import QuestionnaireForm
from .step import StepView


class DecideView(StepView):
    key = "decide"
    needs = ("pandas",)  # the option fit table is a pandas DataFrame

    def build(self) -> W.Widget:
        self.weights_box = W.VBox([])
        self.fit = W.HTML()
        self.choice_box = W.VBox([])
        readiness = Q.load("readiness")
        self.before = QuestionnaireForm(readiness, Q.record_answers(self.case.readiness_before),
                                        on_change=lambda a: self._readiness("readiness_before", a))
        self.after = QuestionnaireForm(readiness, Q.record_answers(self.case.readiness_after),
                                       on_change=lambda a: self._readiness("readiness_after", a))
        self._options_seen = None
        self.refresh()
        return W.VBox([
            html(ui("steps", "decide", "weights_title"), "h3"), self.weights_box,
            html(ui("steps", "decide", "fit_title"), "h3"), html(ui("steps", "decide", "fit_note")),
            self.fit,
            html(ui("steps", "decide", "before_title"), "h3"), self.before,
            html(ui("steps", "decide", "after_title"), "h3"), self.after,
            html(ui("steps", "decide", "choice_title"), "h3"), self.choice_box,
            html(ui("files", "title"), "h3"), html(ui("files", "report_help")),
            *report_buttons(lambda: self.case),
        ])

    def _shown(self):
        """The case as this step shows it: with the default weights for its kind of decision
        while the patient has set none (kept only once they change one: looking never saves)."""
        case = self.case
        if case.preferences.factors:
            return case
        return case.model_copy(update={
            "preferences": Preferences(factors=Q.default_factors(case.kind))})

    def refresh(self) -> None:
        case = self._shown()
        shape = ([(o.id, o.name) for o in case.options], [f.id for f in case.preferences.factors])
        if shape != self._options_seen:  # the forms depend on the options: rebuild them
            self._options_seen = shape
            self.weights = QuestionnaireForm(Q.preferences_questionnaire(case),
                                             Q.preferences_answers(case.preferences),
                                             on_change=self._weights_changed)
            self.choice = QuestionnaireForm(Q.decision_questionnaire(self.case),
                                            Q.record_answers(self.case.choice),
                                            on_change=self._choice_changed)
            old = (*self.weights_box.children, *self.choice_box.children)
            self.weights_box.children = [self.weights]
            self.choice_box.children = [self.choice]
            dispose(*old)
        self.before.set_answers(Q.record_answers(self.case.readiness_before))
        self.after.set_answers(Q.record_answers(self.case.readiness_after))
        self._show_fit()

    def _show_fit(self) -> None:
        if not self.case.options:
            self.fit.value = ""
            return
        fit = C.option_fit(self._shown())
        fit["score"] = fit["score"].round(1)
        fit = fit.rename(columns={"score": ui("tables", "score"), "rank": ui("tables", "rank")})
        fit.index.name = ui("tables", "choice")
        self.fit.value = table_html(fit)

    def _weights_changed(self, answers: dict) -> dict:
        try:
            prefs = Q.apply_preferences_answers(self._shown().preferences, answers)
        except InvalidInput as exc:
            return exc.problems
        problems = self.save(preferences=prefs)
        self._show_fit()
        return problems

    def _readiness(self, field: str, answers: dict) -> dict:
        try:
            readiness = Q.apply_answers(getattr(self.case, field), answers)
        except InvalidInput as exc:
            return exc.problems
        return self.save(**{field: readiness})

    def _choice_changed(self, answers: dict) -> dict:
        try:
            choice = Q.apply_answers(self.case.choice, answers)
        except InvalidInput as exc:
            return exc.problems
        return self.save(choice=choice)
