"""Step 1: is a second opinion a good idea? The assessment, its advice, and the choices."""

from __future__ import annotations

import ipywidgets as W

from sonb import DecisionKind, Option
from sonb import questionnaire as Q
from sonb.assessment import assess
from sonb.safe import esc

from .common import RecordList, bullet_list, html, ui
from .questionnaire import QuestionnaireForm
from .step import StepView

CASE_FIELDS = ("decision", "kind")


def _new_or_updated(record, answers):
    return Q.apply_answers(record, answers) if record is not None else Option.parse(answers)


class AssessmentView(StepView):
    key = "assess"

    def build(self) -> W.Widget:
        self.form = QuestionnaireForm(Q.load("assessment"), self._answers(), on_change=self._changed)
        self.advice = W.HTML()
        self.options = RecordList(
            Q.load("option"), self.case.options, describe=lambda o: o.name,
            to_answers=Q.record_answers, apply=_new_or_updated,
            commit=lambda options: self._prefixed(self.save(options=options)),
            add_label="Add a choice", empty_text="No choices added yet.")
        self._show_advice()
        return W.VBox([
            self.form,
            html(ui("steps", "assess", "advice_title"), "h3"), self.advice,
            html(ui("steps", "assess", "options_title"), "h3"),
            html(ui("steps", "assess", "options_help")), self.options,
        ])

    def refresh(self) -> None:
        self.options.set_records(self.case.options)
        self._show_advice()

    def _answers(self) -> dict:
        case = self.case
        answers = dict(case.assessment)
        if case.decision:
            answers["decision"] = case.decision
        if case.kind is not None:
            answers["kind"] = case.kind.value
        return answers

    def _changed(self, answers: dict) -> dict:
        rest = {k: v for k, v in answers.items() if k not in CASE_FIELDS}
        kind = DecisionKind(answers["kind"]) if answers.get("kind") else None  # not a bare str
        problems = self.save(decision=answers.get("decision", ""), kind=kind, assessment=rest)
        self._show_advice()
        return self._prefixed(problems)

    @staticmethod
    def _prefixed(problems: dict) -> dict:
        """Model problems ('assessment.x', 'options[0].name') -> the linkId they concern."""
        return {key.split(".")[-1]: msg for key, msg in problems.items()}

    def _show_advice(self) -> None:
        advice = assess(self.case.assessment)
        self.advice.value = (
            f'<div class="sonb-box sonb-advice-{esc(advice.level)}" role="status">'
            f"<strong>{esc(advice.title)}</strong>{bullet_list(advice.reasons)}</div>")
