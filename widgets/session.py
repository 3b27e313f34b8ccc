"""One patient's open case: the current Case, autosave to the store, a visible save status."""

from __future__ import annotations

import logging
from typing import Callable

import ipywidgets as W

from sonb import Case, CaseStore, ConflictError, InvalidInput, SonbError
from sonb.errors import CaseNotFound, CaseTooLarge
from sonb.store import log_ref
from sonb.safe import esc

from .common import ui

log = logging.getLogger("sonb.app")


class CaseSession:
    """Holds the case being edited. `save(case)` saves a revision, says so, and notifies.

    A save that conflicts with a newer revision writes nothing; the page keeps the patient's
    changes and says so (they can download their case file). So does a save of a case that was
    deleted meanwhile (in another window): it is never said to be saved.
    """

    def __init__(self, store: CaseStore, case: Case):
        self.store = store
        self.case = case
        self.conflict = False
        self.deleted = False  # the case was deleted (in another window): nothing more is saved
        self.status = W.HTML().add_class("sonb-status")
        self._listeners: list[Callable[[Case], None]] = []
        self._show(ui("case_bar", "saved"))

    def on_change(self, listener: Callable[[Case], None]) -> None:
        self._listeners.append(listener)

    def save(self, case: Case, checked: bool = False) -> dict[str, str]:
        """Save `case` as a new revision. `checked`: the case was validated just now (as
        `sonb.binding` does), so the store need not validate it again. Returns problems
        (field -> message); empty when saved. The status line says what happened."""
        if not checked:
            try:
                case = Case.parse(case.model_dump(mode="json"), "Your case")
            except InvalidInput as exc:  # nothing changes; the caller shows the problems
                self.not_saved(next(iter(exc.problems.values())))
                return exc.problems
        previous, self.case = self.case, case
        if not (self.conflict or self.deleted):
            try:
                self.case = self.store.save(case, checked=True)
            except ConflictError:
                self.conflict = True
                log.warning("save conflict ref=%s", log_ref(case.id))
            except CaseNotFound:
                self.deleted = True
                log.warning("save refused, case deleted ref=%s", log_ref(case.id))
            except CaseTooLarge as exc:
                self.case = previous
                self._show(str(exc), error=True)
                return {"(whole record)": str(exc)}
        if self.deleted:
            self._show(ui("case_bar", "deleted"), error=True)
        elif self.conflict:
            self._show(self._conflict_text(), error=True)
        else:
            self._show(ui("case_bar", "saved_version", n=self.case.revision))
        for listener in self._listeners:
            listener(self.case)
        return {}

    def _conflict_text(self) -> str:
        """Who changed the case meanwhile, when it was someone of the clinic (sonb.sharing)."""
        try:
            author = self.store.history(self.case.id)[-1].author
        except (SonbError, IndexError):
            author = ""
        if author:
            return ui("case_bar", "conflict_by", who=author)
        return ui("case_bar", "conflict")

    def not_saved(self, problem: str, question: str | None = None) -> None:
        """Say in the status line that the last change was not saved, and why."""
        if question:
            self._show(ui("case_bar", "not_saved_field", question=question, problem=problem), True)
        else:
            self._show(ui("case_bar", "not_saved_because", problem=problem), True)

    def _show(self, text: str, error: bool = False) -> None:
        css = "sonb-error" if error else "sonb-status"
        self.status.value = f'<span class="{css}" role="status">{esc(text)}</span>'
