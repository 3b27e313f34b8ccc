"""The patient's choice to share their open case with the clinic's navigators (sonb.sharing),
and a note of what someone else changed since the patient's own last save."""

from __future__ import annotations

import logging

import ipywidgets as W

from sonb.errors import SonbError
from sonb.safe import esc
from sonb.sharing import PatientStores, changed_by_others
from sonb.store import log_ref

from .common import ui
from .parts import label_style
from .session import CaseSession

log = logging.getLogger("sonb.app")


def can_share(store) -> bool:
    """Whether this page's store has a clinic to share with."""
    return isinstance(store, PatientStores) and store.shared is not None


class SharePanel(W.VBox):
    """A checkbox: shared or not. Moving the case keeps every revision; a failure changes
    nothing and says so."""

    def __init__(self, store: PatientStores, session: CaseSession):
        super().__init__()
        self.add_class("sonb-share")
        self.store, self.session = store, session
        shared = store.is_shared(session.case.id)
        self.toggle = W.Checkbox(value=shared, description=ui("sharing", "label"),
                                 indent=False, style=label_style(W.Checkbox))
        self.status = W.HTML()
        self._reverting = False
        self.toggle.observe(lambda change: self.set_shared(change["new"]), names="value")
        help_text = W.HTML(f'<p class="sonb-help">{esc(ui("sharing", "help"))}</p>')
        self.children = [self.toggle, help_text, self.status]
        self._say(shared)

    def set_shared(self, shared: bool) -> None:
        if self._reverting:
            return
        case_id = self.session.case.id
        try:
            (self.store.share if shared else self.store.unshare)(case_id)
        except (SonbError, OSError) as exc:
            log.warning("sharing not changed ref=%s: %s", log_ref(case_id), type(exc).__name__)
            self._reverting = True
            self.toggle.value = not shared
            self._reverting = False
            self.status.value = (f'<p class="sonb-error" role="alert">'
                                 f'{esc(ui("sharing", "failed"))}</p>')
            return
        log.info("sharing changed ref=%s shared=%s", log_ref(case_id), shared)
        self._say(shared)

    def _say(self, shared: bool) -> None:
        text = ui("sharing", "shared" if shared else "private")
        self.status.value = f'<p class="sonb-status" role="status">{esc(text)}</p>'


def changes_notice(store, case_id: str) -> str:
    """HTML: who else changed the case since the patient's own last save, or ""."""
    try:
        others = changed_by_others(store.history(case_id))
    except SonbError:
        return ""
    if not others:
        return ""
    who = ", ".join(dict.fromkeys(r.author for r in others)) or ui("sharing", "someone")
    versions = ", ".join(str(r.revision) for r in others)
    text = ui("sharing", "changed_by", who=who, versions=versions)
    return f'<div class="sonb-notice" role="status">{esc(text)}</div>'
