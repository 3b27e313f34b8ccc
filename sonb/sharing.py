"""Sharing a case with a clinic's navigators: the patient's choice, and theirs to take back.

In a clinic (sonb/hub), each patient's server keeps their cases in their own store (SONB_HOME,
readable by them alone). Beside it is their share folder (SONB_SHARE_FOLDER), whose group is
the patient and the clinic's navigators. Sharing a case moves it, with every revision, into the
store in that folder; stopping moves it back and purges it there, leaving no text of it. So a
navigator can open exactly the cases that are shared now, and a navigator's change is a new
revision in the same store the patient's page uses, with the navigator's name on it.

`PatientStores` is what the patient's page uses: the CaseStore methods it needs, each going to
the store that holds the case. `shared_entries()` is what a navigator uses: every shared case
of every patient (one folder each under SONB_CLINIC_SHARED).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import CaseNotFound, SonbError
from .model import Case
from .store import CaseStore, CaseSummary, RevisionInfo, log_ref

log = logging.getLogger("sonb.sharing")

SHARE_FOLDER_ENV = "SONB_SHARE_FOLDER"  # the patient's own share folder
CLINIC_SHARED_ENV = "SONB_CLINIC_SHARED"  # navigators: the folder of every patient's share folder
AUTHOR_ENV = "SONB_AUTHOR"  # the name written on the revisions this server saves


class PatientStores:
    """The patient's own store and their share folder's store, as one store.

    New cases go to the own store; `share(id)` and `unshare(id)` move a case between the two.
    With no share folder (outside a clinic) it is just the own store and sharing is off."""

    def __init__(self, own: CaseStore, share_folder: str | os.PathLike | None = None):
        self.own = own
        self.shared = CaseStore(share_folder, shared=True) if share_folder else None
        self.folder = own.folder

    @classmethod
    def from_environment(cls) -> CaseStore | PatientStores:
        """The patient's stores as the clinic set them up (SONB_HOME, SONB_SHARE_FOLDER); a
        plain CaseStore outside a clinic."""
        folder = os.environ.get(SHARE_FOLDER_ENV)
        return cls(CaseStore(), folder) if folder else CaseStore()

    # -- sharing -------------------------------------------------------------------------
    def is_shared(self, case_id: str) -> bool:
        return self.shared is not None and self.shared.exists(case_id)

    def share(self, case_id: str) -> Case:
        """Let the clinic's navigators see and change this case; returns it as stored."""
        if self.shared is None:
            raise CaseNotFound("This server has no clinic to share with.")
        if self.is_shared(case_id):
            return self.shared.load(case_id)
        case = self.own.move(case_id, self.shared)
        log.info("case shared ref=%s", log_ref(case_id))
        return case

    def unshare(self, case_id: str) -> Case:
        """Take the case back: only the patient can see it again, and no copy of it is left
        in the share folder."""
        if not self.is_shared(case_id):
            return self.own.load(case_id)
        case = self.shared.move(case_id, self.own)
        log.info("case unshared ref=%s", log_ref(case_id))
        return case

    # -- the CaseStore methods the patient's page uses -------------------------------------
    def _holder(self, case_id: str) -> CaseStore:
        return self.shared if self.is_shared(case_id) else self.own

    def create(self, case: Case | None = None) -> Case:
        return self.own.create(case)

    def save(self, case: Case, checked: bool = False) -> Case:
        return self._holder(case.id).save(case, checked=checked)

    def load(self, case_id: str, revision: int | None = None) -> Case:
        return self._holder(case_id).load(case_id, revision)

    def exists(self, case_id: str) -> bool:
        return self.is_shared(case_id) or self.own.exists(case_id)

    def history(self, case_id: str) -> list[RevisionInfo]:
        return self._holder(case_id).history(case_id)

    def import_file(self, source) -> Case:
        """A case file comes in where its case is (shared or not); a new one in the own store."""
        from . import casefile

        if not isinstance(source, (bytes, bytearray, memoryview)):
            source = Path(source).read_bytes()
        return self._holder(casefile.loads(source).id).import_file(source)

    def purge(self, case_id: str) -> None:
        self._holder(case_id).purge(case_id)

    def delete(self, case_id: str) -> None:
        self._holder(case_id).delete(case_id)

    def list(self) -> list[CaseSummary]:
        stores = [self.own] + ([self.shared] if self.shared else [])
        summaries = [s for store in stores for s in store.list()]
        return sorted(summaries, key=lambda s: s.updated, reverse=True)

    def close(self) -> None:
        for store in (self.own, self.shared):
            if store is not None:
                store.close()

    def __enter__(self) -> PatientStores:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def changed_by_others(history: list[RevisionInfo]) -> list[RevisionInfo]:
    """The revisions someone else saved since the patient's own last save, oldest first."""
    since = [r for r in history if r.author]
    own = [r.revision for r in history if not r.author]
    last_own = max(own, default=0)
    return [r for r in since if r.revision > last_own]


# -- the navigator's side ----------------------------------------------------------------

@dataclass(frozen=True)
class SharedCase:
    """One case a patient shares: who, and the store it is in (opened as the navigator)."""

    patient: str
    case_id: str
    store: CaseStore

    def load(self) -> Case:
        return self.store.load(self.case_id)

    def history(self) -> list[RevisionInfo]:
        return self.store.history(self.case_id)


def clinic_shared_folder() -> Path | None:
    folder = os.environ.get(CLINIC_SHARED_ENV)
    return Path(folder) if folder else None


def shared_cases(root: str | os.PathLike | None = None,
                 author: str | None = None) -> Iterator[SharedCase]:
    """Every case shared now, patient by patient (`root`: SONB_CLINIC_SHARED). A share folder
    this navigator cannot open (a patient added since their server started, say) is skipped
    and logged by its patient's name only."""
    root = Path(root) if root is not None else clinic_shared_folder()
    if root is None or not root.is_dir():
        return
    author = author if author is not None else os.environ.get(AUTHOR_ENV, "navigator")
    for folder in sorted(root.iterdir()):
        try:
            if not (folder / "cases.sqlite3").exists():
                continue
            store = CaseStore(folder, author=author, shared=True)
        except (OSError, SonbError) as exc:  # one folder never hides the others
            log.warning("share folder of %s cannot be opened (%s)", folder.name,
                        type(exc).__name__)
            continue
        for summary in store.list():
            yield SharedCase(folder.name, summary.id, store)
