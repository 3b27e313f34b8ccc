"""The base of every step view: a title, a lazily built body, a refresh when shown."""

from __future__ import annotations

import ipywidgets as W

from .common import html, ui
from .session import CaseSession


class StepView:
    """One step of the journey. Subclasses set `key` and implement `build` and `refresh`."""

    key = ""
    needs: tuple[str, ...] = ()  # slow modules `build` imports (the app imports them ahead)

    def __init__(self, session: CaseSession):
        self.session = session
        self._body: W.Widget | None = None

    @property
    def title(self) -> str:
        return ui("steps", self.key, "title")

    @property
    def widget(self) -> W.Widget:
        """Built on first use, so the app shows its first step quickly."""
        if self._body is None:
            self._body = W.VBox([html(ui("steps", self.key, "intro")), self.build()]).add_class("sonb-step")
        return self._body

    def build(self) -> W.Widget:
        raise NotImplementedError

    def refresh(self) -> None:
        """Bring what is shown up to date with the session's case (called when shown)."""

    @property
    def case(self):
        return self.session.case
