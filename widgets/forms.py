"""Step 4: notes from each visit. What each clinician said, and the form for this decision."""

from __future__ import annotations

import ipywidgets as W

from sonb import DecisionKind, InvalidInput, Opinion, Role
from sonb import questionnaire as Q
from sonb.model import DECISION_KIND_LABELS

from .common import html, ui
from .doctors import describe
from .papers import forms_button
from .parts import dispose, label_style
from .questionnaire import QuestionnaireForm
from .step import StepView


class FormsView(StepView):
    key = "forms"

    def build(self) -> W.Widget:
        self._quiet = False
        self._shown: tuple | None = None  # what the forms on screen were built for
        self.picker = W.Dropdown(description=ui("steps", "forms", "pick"),
                                 style=label_style(W.Dropdown))
        self.picker.observe(lambda _c: self._picked(), names="value")
        self.kind = W.Dropdown(description=ui("steps", "forms", "form_kind"),
                               options=[(label, k.value) for k, label in DECISION_KIND_LABELS.items()],
                               style=label_style(W.Dropdown))  # its own layout: it hides
        self.kind.observe(lambda _c: self._quiet or self._show_forms(), names="value")
        for control in (self.picker, self.kind):
            control.add_class("sonb-field")
        self.body = W.VBox([])
        self.refresh()
        return W.VBox([self.picker, self.kind, self.body])

    def refresh(self) -> None:
        choices = [(describe(c), c.id) for c in self.case.clinicians]
        current = self.picker.value
        self._quiet = True
        self.picker.options = choices
        self.picker.value = current if current in [cid for _, cid in choices] else self._first()
        self._quiet = False
        self._picked()

    def _first(self) -> str | None:
        """Open on the first person who is not the primary doctor (they give the opinions)."""
        people = sorted(self.case.clinicians, key=lambda c: c.role == Role.primary)
        return people[0].id if people else None

    def _picked(self) -> None:
        """A clinician was picked: show the form kind used for them before, or the default."""
        if self._quiet:
            return
        opinion = self.case.opinion_of(self.picker.value) if self.picker.value else None
        self._quiet = True
        self.kind.value = self._default_kind(opinion)
        self._quiet = False
        self._show_forms()

    def _default_kind(self, opinion: Opinion | None) -> str:
        if opinion is not None and opinion.form_kind is not None:
            return opinion.form_kind.value
        chosen = self.case.plan.forms_chosen
        kind = chosen[0] if chosen else self.case.kind
        return (kind or DecisionKind.surgery).value

    def _show_forms(self) -> None:
        clinician_id = self.picker.value
        self.kind.layout.display = None if clinician_id else "none"
        if clinician_id is None:
            old, self._shown = self.body.children, None
            self.body.children = [html(ui("steps", "forms", "need_people"))]
            dispose(*old)
            return
        shown = (clinician_id, self.kind.value, tuple((o.id, o.name) for o in self.case.options))
        if shown == self._shown:
            return  # this view is the only one that edits opinions: the forms are up to date
        self._shown = shown
        old = self.body.children
        opinion = self.case.opinion_of(clinician_id)
        self.said = QuestionnaireForm(
            Q.opinion_questionnaire(self.case),
            Q.opinion_answers(opinion) if opinion else {}, on_change=self._said_changed)
        self.form = QuestionnaireForm(
            Q.load(Q.FORM_FOR_KIND[DecisionKind(self.kind.value)]),
            opinion.answers if opinion else {}, on_change=self._form_changed)
        printable = forms_button("form_pdf", lambda: {
            "kind": self.kind.value, "case": self.case, "clinician_id": self.picker.value})
        self.body.children = [html(ui("steps", "forms", "said_title"), "h3"), self.said,
                              html(ui("steps", "forms", "form_title"), "h3"), self.form, printable]
        dispose(*old)

    def _opinion(self) -> Opinion:
        return (self.case.opinion_of(self.picker.value)
                or Opinion(clinician_id=self.picker.value))

    def _store(self, opinion: Opinion) -> dict:
        opinions = list(self.case.opinions)
        ids = [o.id for o in opinions]
        if opinion.id in ids:
            opinions[ids.index(opinion.id)] = opinion
        else:
            opinions.append(opinion)
        problems = self.save(opinions=opinions)
        return {k.split(".")[-1]: v for k, v in problems.items()}

    def _said_changed(self, answers: dict) -> dict:
        try:
            opinion = Q.apply_opinion_answers(self._opinion(), answers)
        except InvalidInput as exc:
            return exc.problems
        return self._store(opinion)

    def _form_changed(self, answers: dict) -> dict:
        opinion = self._opinion()
        shown = {item["linkId"] for item in Q.questions(self.form.questionnaire)}
        kept = {k: v for k, v in opinion.answers.items() if k not in shown}  # other forms' answers
        try:
            opinion = Opinion.parse({**opinion.model_dump(mode="json"),
                                     "answers": {**kept, **answers}, "form_kind": self.kind.value})
        except InvalidInput as exc:
            return {k.split(".")[-1]: v for k, v in exc.problems.items()}
        return self._store(opinion)
