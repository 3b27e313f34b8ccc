"""Step 4: notes from each visit. One form per doctor: what they said, in the words of the
form for this kind of decision."""

from __future__ import annotations

import ipywidgets as W

from sonb import Role
from sonb import binding as B
from sonb.model import DECISION_KIND_LABELS
from sonb.safe import esc

from .bound import BoundForm
from .common import bullet_list, html, ui
from .doctors import describe
from .papers import forms_button
from .parts import label_style
from .step import StepView


class FormsView(StepView):
    key = "forms"

    def build(self) -> W.Widget:
        self._quiet = False
        self.picker = W.Dropdown(description=ui("steps", "forms", "pick"),
                                 style=label_style(W.Dropdown))
        self.picker.observe(lambda _c: self._quiet or self._picked(), names="value")
        self.kind = W.Dropdown(description=ui("steps", "forms", "form_kind"),
                               options=[(label, k.value) for k, label in DECISION_KIND_LABELS.items()],
                               style=label_style(W.Dropdown))  # its own layout: it hides
        self.kind.observe(lambda _c: self._quiet or self._switched(), names="value")
        for control in (self.picker, self.kind):
            control.add_class("sonb-field")
        self.need_people = W.HTML(f'<p>{esc(ui("steps", "forms", "need_people"))}</p>')  # it hides
        self.notice = W.HTML()
        self.aside = W.HTML()
        self.form = None
        self.body = W.VBox([])
        self.refresh()
        return W.VBox([self.picker, self.need_people, self.kind, self.notice, self.body])

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
        """Show the picked person's form, of the kind used for them before (or the default)."""
        clinician_id = self.picker.value
        someone = clinician_id is not None
        for part, shown in ((self.kind, someone), (self.body, someone),
                            (self.need_people, not someone)):
            part.layout.display = None if shown else "none"
        if not someone:
            return
        self._quiet = True
        self.kind.value = B.opinion_kind(self.case, clinician_id).value
        self._quiet = False
        if self.form is None:
            self.form = BoundForm(self.session, B.OPINION, clinician_id)
            printable = forms_button("form_pdf", lambda: {
                "kind": self.kind.value, "case": self.case, "clinician_id": self.picker.value})
            self.body.children = [html(ui("steps", "forms", "form_title"), "h3"), self.form,
                                  self.aside, printable]
        else:
            self.form.show(clinician_id)
        self._show_aside()

    def _switched(self) -> None:
        """Another kind of form for this person: keep what fits, set the rest aside."""
        switched = B.switch_opinion_form(self.case, self.picker.value, self.kind.value)
        if self.session.save(switched.case, checked=True):
            return
        notes = []
        if switched.set_aside:
            notes.append(esc(ui("steps", "forms", "set_aside")) + bullet_list(switched.set_aside))
        if switched.brought_back:
            notes.append(esc(ui("steps", "forms", "brought_back"))
                         + bullet_list(switched.brought_back))
        self.notice.value = (f'<div class="sonb-warning" role="status">{"".join(notes)}</div>'
                             if notes else "")
        self.form.refresh()
        self._show_aside()

    def _show_aside(self) -> None:
        found = B.set_aside_answers(self.case, self.picker.value)
        if not found:
            self.aside.value = ""
            return
        rows = [ui("steps", "forms", "aside_row", form=form, question=question,
                   answer=", ".join(map(str, answer)) if isinstance(answer, list) else answer)
                for form, question, answer in found]
        self.aside.value = (f'<details class="sonb-box"><summary>'
                            f'{esc(ui("steps", "forms", "aside_title", n=len(found)))}</summary>'
                            f"{bullet_list(rows)}</details>")
