"""One patient's open case: the current Case, autosave to the store, a visible save status."""

from __future__ import annotations

import logging
from typing import Callable

import ipywidgets as W

from sonb import Case, CaseStore, ConflictError, InvalidInput
from sonb.errors import CaseTooLarge
from sonb.store import log_ref
from sonb.safe import esc

from .common import ui

log = logging.getLogger("sonb.app")


class CaseSession:
    """Holds the case being edited. `update(case)` validates, saves a revision and notifies.

    A save that conflicts with a newer revision writes nothing; the page keeps the patient's
    changes and says so (they can download their case file).
    """

    def __init__(self, store: CaseStore, case: Case):
        self.store = store
        self.case = case
        self.conflict = False
        self.status = W.HTML().add_class("sonb-status")
        self._listeners: list[Callable[[Case], None]] = []
        self._show(ui("case_bar", "saved"))

    def on_change(self, listener: Callable[[Case], None]) -> None:
        self._listeners.append(listener)

    def update(self, case: Case) -> dict[str, str]:
        """Validate and save `case`. Returns problems (field -> message); empty when saved."""
        try:
            case = Case.parse(case.model_dump(mode="json"), "Your case")
        except InvalidInput as exc:  # nothing changes; the caller shows the problems
            return exc.problems
        previous, self.case = self.case, case
        if not self.conflict:
            try:
                self.case = self.store.save(case)
            except ConflictError:
                self.conflict = True
                log.warning("save conflict ref=%s", log_ref(case.id))
            except CaseTooLarge as exc:
                self.case = previous
                self._show(str(exc), error=True)
                return {"(whole record)": str(exc)}
        if self.conflict:
            self._show(ui("case_bar", "conflict"), error=True)
        else:
            self._show(ui("case_bar", "saved_version", n=self.case.revision))
        for listener in self._listeners:
            listener(self.case)
        return {}

    def _show(self, text: str, error: bool = False) -> None:
        css = "sonb-error" if error else "sonb-status"
        self.status.value = f'<span class="{css}" role="status">{esc(text)}</span>'
