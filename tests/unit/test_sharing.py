"""Sharing a case with a clinic (sonb.sharing): the case moves with every revision, nothing of
it stays behind, a navigator's change is a revision with their name, and each call goes to
the store that holds the case."""

from __future__ import annotations

import sqlite3
import stat

import pytest
from test_store_purge import marker, where  # tests/unit/test_store_purge.py

from sonb import casefile
from sonb.errors import CaseNotFound, ConflictError
from sonb.model import Case
from sonb.sharing import PatientStores, changed_by_others, shared_cases
from sonb.store import DB_NAME, CaseStore


@pytest.fixture
def stores(tmp_path):
    with PatientStores(CaseStore(tmp_path / "own"), tmp_path / "shared" / "ana") as s:
        yield s


def _saved_twice(stores, text):
    case = stores.create(Case(decision=text))
    case = stores.save(case.model_copy(update={"decision": text + " again"}))
    return case


def test_sharing_moves_every_revision_and_leaves_no_text_behind(stores):
    text = marker("knee")
    case = _saved_twice(stores, text)
    assert where(text, stores.own.folder)  # the test can see the text where it is
    shared = stores.share(case.id)
    assert stores.is_shared(case.id) and shared.revision == 2
    assert [r.revision for r in stores.shared.history(case.id)] == [1, 2]
    assert not stores.own.exists(case.id) and where(text, stores.own.folder) == []
    back = stores.unshare(case.id)
    assert not stores.is_shared(case.id) and back.decision == text + " again"
    assert [r.event for r in stores.own.history(case.id)] == ["create", "save"]
    assert where(text, stores.shared.folder) == []


def test_calls_go_to_the_store_that_holds_the_case(stores):
    private = stores.create(Case(decision="private"))
    shared = stores.share(stores.create(Case(decision="shared")).id)
    saved = stores.save(shared.model_copy(update={"decision": "shared, changed"}))
    assert stores.shared.load(shared.id).decision == "shared, changed" and saved.revision == 2
    assert {s.id for s in stores.list()} == {private.id, shared.id}
    assert stores.exists(shared.id) and stores.load(private.id).decision == "private"
    again = stores.import_file(casefile.dumps(saved).encode())
    assert stores.is_shared(again.id) and again.revision == 3
    stores.purge(shared.id)
    assert not stores.exists(shared.id)
    with pytest.raises(CaseNotFound):
        stores.load(shared.id)


def test_a_navigators_change_is_a_revision_with_their_name(stores):
    case = stores.share(stores.create(Case(decision="hip")).id)
    with CaseStore(stores.shared.folder, author="nora", shared=True) as navigator:
        navigator.save(navigator.load(case.id).model_copy(update={"decision": "hip, left"}))
    history = stores.history(case.id)
    assert [(r.revision, r.author) for r in history] == [(1, ""), (2, "nora")]
    assert [r.revision for r in changed_by_others(history)] == [2]
    with pytest.raises(ConflictError):  # the patient's page, still on revision 1
        stores.save(case.model_copy(update={"decision": "hip, right"}))
    mine = stores.save(stores.load(case.id).model_copy(update={"decision": "hip, both"}))
    assert changed_by_others(stores.history(mine.id)) == []


def test_a_move_cut_short_is_finished_by_the_next_one(stores):
    case = _saved_twice(stores, "shoulder")
    with pytest.MonkeyPatch.context() as mp:  # the copy lands, then the purge fails
        mp.setattr(CaseStore, "purge", lambda self, case_id: (_ for _ in ()).throw(OSError()))
        with pytest.raises(OSError):
            stores.share(case.id)
    assert stores.own.exists(case.id) and stores.shared.exists(case.id)
    assert stores.is_shared(case.id)  # the shared copy wins: it is the same, and the newer home
    assert stores.unshare(case.id).revision == 2
    assert not stores.shared.exists(case.id) and stores.own.exists(case.id)


def test_file_modes(stores):
    stores.share(stores.create(Case()).id)
    assert stat.S_IMODE((stores.own.folder / DB_NAME).stat().st_mode) == 0o600
    for suffix in ("", "-wal", "-shm"):
        path = stores.shared.folder / (DB_NAME + suffix)
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o660, suffix


def test_outside_a_clinic_there_is_nothing_to_share(tmp_path, monkeypatch):
    monkeypatch.setenv("SONB_HOME", str(tmp_path))
    monkeypatch.delenv("SONB_SHARE_FOLDER", raising=False)
    assert isinstance(PatientStores.from_environment(), CaseStore)
    monkeypatch.setenv("SONB_SHARE_FOLDER", str(tmp_path / "share"))
    clinic = PatientStores.from_environment()
    assert isinstance(clinic, PatientStores) and clinic.shared is not None
    plain = PatientStores(CaseStore(tmp_path / "plain"))
    with pytest.raises(CaseNotFound):
        plain.share(plain.create(Case()).id)


def test_an_older_store_gets_the_author_column(tmp_path):
    folder = tmp_path / "old"
    CaseStore(folder).close()
    conn = sqlite3.connect(folder / DB_NAME)  # as a store made before authors were kept
    conn.executescript("ALTER TABLE revisions DROP COLUMN author;")
    conn.close()
    with CaseStore(folder, author="nora") as store:
        case = store.create(Case())
        assert [r.author for r in store.history(case.id)] == ["nora"]


def test_navigators_see_every_shared_case_and_skip_what_they_cannot_open(tmp_path):
    root = tmp_path / "shared"
    for patient, count in (("ana", 2), ("ben", 1), ("cy", 0)):
        with PatientStores(CaseStore(tmp_path / patient), root / patient) as s:
            for _ in range(count):
                s.share(s.create(Case(decision=patient)).id)
            s.create(Case(decision=f"{patient} private"))
    (root / "dee").mkdir()
    (root / "dee" / DB_NAME).write_bytes(b"not a database at all, not at all")
    found = list(shared_cases(root, author="nora"))
    assert sorted(c.patient for c in found) == ["ana", "ana", "ben"]
    assert all("private" not in c.load().decision for c in found)
    assert found[0].store.author == "nora"


def test_no_shared_folder_means_no_shared_cases(tmp_path, monkeypatch):
    monkeypatch.delenv("SONB_CLINIC_SHARED", raising=False)
    assert list(shared_cases()) == []
    assert list(shared_cases(tmp_path / "not-made-yet")) == []
