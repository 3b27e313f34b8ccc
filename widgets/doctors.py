"""Step 2: find the second doctor. Clinicians, an independence warning, other kinds of experts."""

from __future__ import annotations

import ipywidgets as W

from sonb import Clinician, Role
from sonb import binding as B
from sonb.suggest import suggested_professionals
from sonb.model import ROLE_LABELS
from sonb.safe import esc

from .common import bullet_list, html, ui
from .papers import script_button
from .parts import fixed
from .records import RecordList
from .step import StepView


def describe(c: Clinician) -> str:
    parts = [c.name, c.specialty, ROLE_LABELS[c.role]]
    return " · ".join(p for p in parts if p)


class DoctorsView(StepView):
    key = "doctors"

    def build(self) -> W.Widget:
        self.people = RecordList(self.session, B.CLINICIAN, describe=describe,
                                 add_label=ui("steps", "doctors", "add"),
                                 empty_text=ui("steps", "doctors", "none"),
                                 on_saved=lambda _c: self._show_notes())
        self.warnings = W.HTML()
        self.suggestions = W.HTML()
        self.refresh()
        script = fixed(W.HTML, f'<div class="sonb-box"><h3>{esc(ui("steps", "doctors", "script_title"))}'
                               f'</h3>{bullet_list(ui("steps", "doctors", "script"))}</div>')
        self.print_script = script_button()
        return W.VBox([
            html(ui("steps", "doctors", "reassure"), css="sonb-box"),
            html(ui("steps", "doctors", "how_to_find"), css="sonb-box"), script, self.print_script,
            html(ui("steps", "doctors", "list_title"), "h3"), self.people, self.warnings,
            self.suggestions,
        ])

    def refresh(self) -> None:
        self.people.refresh()
        self._show_notes()

    def _show_notes(self) -> None:
        connected = [c for c in self.case.clinicians
                     if c.connected_to_first and c.role in (Role.second_opinion, Role.other_professional)]
        self.warnings.value = "".join(
            f'<div class="sonb-warning" role="status">'
            f'{bullet_list([ui("steps", "doctors", "connected_warning", name=c.name)])}</div>'
            for c in connected)
        others = suggested_professionals(self.case)
        self.suggestions.value = (
            f'<h3>{esc(ui("steps", "doctors", "other_kinds"))}</h3>{bullet_list(others)}'
            if others else "")
