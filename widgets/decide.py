"""Step 6: what matters (the patient's own list), how each option fits, readiness before and
after with what could help, how the patient wants to decide and who else is involved, and
the choice."""

from __future__ import annotations

import ipywidgets as W

from sonb import binding as B
from sonb import questionnaire as Q
from sonb import readiness as R
from sonb.fit_chart import fit_chart_html
from sonb.model import Factor, Person
from sonb.safe import esc

from .bound import BoundForm
from .common import html, ui
from .papers import report_buttons
from .parts import dispose, fixed
from .records import RecordList
from .step import StepView


def _t(key: str, **fmt) -> str:
    return ui("steps", "decide", key, **fmt)


class DecideView(StepView):
    key = "decide"
    needs = ("pandas",)  # the option fit is computed with pandas

    def build(self) -> W.Widget:
        self.factors = RecordList(self.session, B.FACTOR, describe=lambda f: f.label,
                                  add_label=_t("factors_add"), empty_text=_t("factors_none"),
                                  on_saved=lambda _c: self._factors_changed(), orderable=True)
        self.ideas = W.HBox().add_class("sonb-nav")
        self._ideas_shown: list[str] | None = None  # the suggestions the ideas show
        self.fit = W.HTML()
        self.weights = BoundForm(self.session, B.PREFERENCES, on_saved=lambda _c: self._show_fit())
        self.before = BoundForm(self.session, B.READINESS_BEFORE,
                                on_saved=lambda _c: self._show_readiness())
        self.after = BoundForm(self.session, B.READINESS_AFTER,
                               on_saved=lambda _c: self._show_readiness())
        self.readiness = W.HTML()
        self.deciding = BoundForm(self.session, B.DECIDING)
        self.people = RecordList(self.session, B.PERSON, describe=self._describe_person,
                                 add_label=_t("people_add"), empty_text=_t("people_none"))
        self.choice = BoundForm(self.session, B.CHOICE)
        self._show_ideas()
        self._show_fit()
        self._show_readiness()
        return W.VBox([
            html(_t("factors_title"), "h3"), html(_t("factors_help")), self.factors, self.ideas,
            html(_t("weights_title"), "h3"), self.weights,
            html(_t("fit_title"), "h3"), html(_t("fit_note")), self.fit,
            html(_t("before_title"), "h3"), self.before,
            html(_t("after_title"), "h3"), self.after,
            html(_t("readiness_title"), "h3"), self.readiness,
            html(_t("deciding_title"), "h3"), self.deciding,
            html(_t("people_title"), "h3"), html(_t("people_help")), self.people,
            html(_t("choice_title"), "h3"), self.choice,
            html(ui("files", "title"), "h3"), html(ui("files", "report_help")),
            *report_buttons(lambda: self.case),
        ])

    def refresh(self) -> None:
        for part in (self.factors, self.weights, self.before, self.after, self.deciding,
                     self.people, self.choice):
            part.refresh()
        self._show_ideas()
        self._show_fit()
        self._show_readiness()

    # -- what matters --------------------------------------------------------------------
    def _factors_changed(self) -> None:
        self.weights.refresh()  # its questions are the factors
        self._show_ideas()
        self._show_fit()

    def _show_ideas(self) -> None:
        """Buttons that add back a suggested factor the list does not have (by its words)."""
        have = {" ".join(f.label.split()).casefold() for f in self.factors.records}
        missing = [f for f in Q.default_factors(self.case.kind) if f.label.casefold() not in have]
        if [f.label for f in missing] == self._ideas_shown:
            return  # drawn already: no widgets made again
        self._ideas_shown = [f.label for f in missing]
        old = self.ideas.children
        buttons = []
        for factor in missing:
            button = fixed(W.Button, description=factor.label, icon="plus",
                           tooltip=_t("factors_add"))
            button.on_click(lambda _b, f=factor: self.add_idea(f))
            buttons.append(button)
        self.ideas.children = [html(_t("factors_ideas")), *buttons] if buttons else []
        dispose(*old)

    def add_idea(self, factor: Factor) -> None:
        """Add a suggested factor back to the patient's list."""
        self.factors.message.value = ""
        if not self.session.save(B.FACTOR.write(self.case, None, {"label": factor.label}),
                                 checked=True):
            self.factors.refresh()
            self._factors_changed()

    def _show_fit(self) -> None:
        self.fit.value = fit_chart_html(B.with_shown_preferences(self.case))

    # -- readiness -----------------------------------------------------------------------
    def _show_readiness(self) -> None:
        change = "".join(f"<li>{esc(line)}</li>" for line in R.change(self.case))
        ideas = "".join(
            f"<li><strong>{esc(h.what)}:</strong> {esc(h.text)}"
            + "".join(f" {esc(d)}" for d in h.details) + "</li>"
            for h in R.help_for(self.case))
        self.readiness.value = (
            f'<div class="sonb-box"><h4>{esc(_t("change_title"))}</h4>'
            f"<ul>{change}</ul>"
            f'<h4>{esc(_t("help_title"))}</h4>'
            f"<p>{esc(R.summary(self.case))}</p>{f'<ul>{ideas}</ul>' if ideas else ''}</div>")

    # -- people --------------------------------------------------------------------------
    def _describe_person(self, person: Person) -> str:
        parts = [person.name + (f" ({person.relation})" if person.relation else "")]
        names = {o.id: o.name for o in self.case.options}
        if person.prefers in names:
            parts.append(_t("people_prefers", option=names[person.prefers]))
        if person.presses:
            parts.append(_t("people_presses"))
        return " · ".join(parts)
