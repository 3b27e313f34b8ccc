"""The one bound form: a form of `sonb.binding` shown with the generic renderer, kept in step
with the patient's case. Every step uses it; no view maps answers itself.

A change is written through the binding (one validation of the case) and saved as one
revision; when it cannot be saved, the field says why and so does the status line.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from sonb import InvalidInput, binding as B

from .parts import dispose, fixed_layout
from .questionnaire import QuestionnaireForm
from .session import CaseSession


class BoundForm(W.VBox):
    """The form `binding` for `target`, bound to the session's case.

    `autosave`: every valid change is saved at once (else call `save()`, e.g. from a Save
    button). `on_saved(case)` runs after each save."""

    def __init__(self, session: CaseSession, binding: B.Binding, target: B.Target = None,
                 autosave: bool = True, on_saved: Callable | None = None):
        super().__init__(layout=fixed_layout())  # never hidden on its own
        self.session, self.binding, self.target = session, binding, target
        self._autosave, self._on_saved = autosave, on_saved
        self.form: QuestionnaireForm | None = None
        self.refresh()

    @property
    def questionnaire(self) -> dict:
        return self.form.questionnaire

    @property
    def answers(self) -> dict:
        """The answers shown (of enabled items)."""
        return self.form.answers

    @property
    def problems(self) -> dict[str, str]:
        return self.form.problems

    def control(self, link_id: str):
        """The control of one item (tests use its `.widget` and `.value`)."""
        return self.form.control(link_id)

    def show(self, target: B.Target) -> None:
        """Show the form for another target (another doctor, another record)."""
        self.target = target
        self.refresh()

    def refresh(self) -> None:
        """Show what the case holds now; the form is built again only when it changed (for
        example: the case's options changed, or another kind of form was chosen)."""
        case = self.session.case
        questionnaire = self.binding.form(case, self.target)
        answers = self.binding.read(case, self.target)
        if self.form is None or self.form.questionnaire != questionnaire:
            old = self.form
            self.form = QuestionnaireForm(
                questionnaire, answers, on_change=self._changed if self._autosave else None,
                on_invalid=self._invalid)
            self.children = [self.form]
            if old is not None:
                dispose(old)
        elif self.form.answers != answers:
            self.form.set_answers(answers)

    def _changed(self, answers: dict) -> dict:
        return self.save(answers)

    def _invalid(self, problems: dict) -> None:
        """The renderer found a problem before saving: say so in the status line too."""
        self._say_not_saved()

    def save(self, answers: dict | None = None) -> dict[str, str]:
        """Write the answers (default: those shown) and save them. Returns the problems, shown
        beside their fields; empty when saved."""
        answers = self.form.answers if answers is None else answers
        try:
            case = self.binding.write(self.session.case, self.target, answers)
        except InvalidInput as exc:
            problems = exc.problems
        else:
            problems = self.session.save(case, checked=True)
        if problems:
            self.form.show_problems(problems)
            self._say_not_saved()
        elif self._on_saved is not None:
            self._on_saved(self.session.case)
        return problems

    def _say_not_saved(self) -> None:
        found = self.form.first_problem()
        if found is not None:
            question, problem = found
            self.session.not_saved(problem, question)
