"""`CaseStore.purge` deletes for real: no text of the case is left in the database files.

A purged case must not linger in the SQLite file (freed pages and free space in pages keep
old bytes unless `secure_delete` is on), nor in the write-ahead log (its frames keep every
page ever written until the log is checkpointed and truncated), nor in the -shm index.
Each test first shows the marker texts ARE in the files, so it can fail.
"""

from __future__ import annotations

import logging
import secrets

import pytest

from sonb import store as store_module
from sonb.errors import CaseNotFound
from sonb.model import Case, Clinician, Option
from sonb.store import DB_NAME, CaseStore

SUFFIXES = ("", "-wal", "-shm")
LONG = 4800  # characters: a revision this long needs overflow pages of its own


def marker(name: str) -> str:
    return f"zq{name}-{secrets.token_hex(8)}"


def files(folder) -> dict[str, bytes]:
    """The bytes of the store's database file, its -wal and its -shm (those that exist)."""
    found = {}
    for suffix in SUFFIXES:
        path = folder / (DB_NAME + suffix)
        if path.exists():
            found[suffix or "db"] = path.read_bytes()
    return found


def where(text: str, folder) -> list[str]:
    """Which of the database files hold `text`."""
    return [name for name, data in files(folder).items() if text.encode("utf-8") in data]


def revised(case: Case, n: int, markers: list[str]) -> Case:
    """The case with new texts for revision `n`, each a new marker (kept in `markers`); the
    note is long, with its marker at both ends, so one copy sits on an overflow page."""
    decision, doctor, note = marker(f"decision{n}"), marker(f"doctor{n}"), marker(f"note{n}")
    markers += [decision, doctor, note]
    return case.model_copy(update={
        "decision": decision,
        "clinicians": [Clinician(id="dr-one", name=doctor)],
        "options": [Option(id="wait", name="Wait and see",
                           description=f"{note} {'x' * LONG} {note}")],
    })


def fill(store: CaseStore, revisions: int = 5) -> tuple[Case, list[str], Case, str]:
    """A case saved over several revisions, each with its own markers, and a bystander case
    saved between them (so both share pages). Returns (case, markers, bystander, its text)."""
    markers: list[str] = []
    case = store.create(revised(Case(), 0, markers))
    kept = marker("bystander")
    bystander = store.create(Case(decision=kept))
    for n in range(1, revisions + 1):
        case = store.save(revised(case, n, markers))
        bystander = store.save(bystander.model_copy(update={"decision": f"{kept} {n}"}))
        if n == 2:  # some pages reach the database file itself, the rest stay in the log
            store._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    return case, markers, bystander, kept


def assert_in_files_before(folder, case: Case, markers: list[str]) -> None:
    missing = [m for m in markers if not where(m, folder)]
    assert not missing, f"the test cannot see what it looks for: {missing}"
    assert "db" in where(markers[0], folder)  # checkpointed into the database file
    assert "-wal" in where(markers[-1], folder)  # still only in the write-ahead log
    assert where(case.id, folder)


def assert_gone(folder, case: Case, markers: list[str]) -> None:
    left = {m: where(m, folder) for m in [*markers, case.id] if where(m, folder)}
    assert not left, f"purged text still in the database files: {left}"


def test_purge_leaves_no_text_of_the_case_in_the_database_files(tmp_path):
    folder = tmp_path / "store"
    with CaseStore(folder) as store:
        case, markers, bystander, kept = fill(store)
        assert_in_files_before(folder, case, markers)

        store.purge(case.id)

        assert_gone(folder, case, markers)
        assert not store.exists(case.id)
        with pytest.raises(CaseNotFound):
            store.load(case.id)
        assert store.load(bystander.id).decision == f"{kept} 5"  # the other case is untouched
        assert [r.revision for r in store.history(bystander.id)] == [1, 2, 3, 4, 5, 6]
    assert_gone(folder, case, markers)


def test_purge_with_a_second_store_open_on_the_same_folder(tmp_path):
    """Another kernel has the same store open, has read the case and saved it too."""
    folder = tmp_path / "store"
    with CaseStore(folder) as store, CaseStore(folder) as other:
        case, markers, _bystander, _kept = fill(store)
        seen = other.load(case.id)
        seen = other.save(revised(seen, 99, markers))  # frames written by the other connection
        assert_in_files_before(folder, case, markers)

        store.purge(case.id)

        assert_gone(folder, case, markers)
        assert not other.exists(case.id)
        with pytest.raises(CaseNotFound):
            other.load(case.id)
        with pytest.raises(CaseNotFound):  # the other kernel's next save is refused
            other.save(revised(seen, 100, markers[:0]))
        assert_gone(folder, case, markers)
    assert_gone(folder, case, markers)


def test_a_purge_while_another_store_reads_finishes_the_cleanup_later(tmp_path, monkeypatch,
                                                                    caplog):
    """A reader holding an old snapshot keeps the log from being emptied: the purge still
    removes the case at once, says so in the log (by event only), and empties the log as soon
    as it can: on the store's next write (and else on close)."""
    monkeypatch.setattr(store_module, "CHECKPOINT_TRIES", 2, raising=False)  # quick here
    caplog.set_level(logging.INFO, logger="sonb.store")
    folder = tmp_path / "store"
    with CaseStore(folder) as store, CaseStore(folder) as other:
        case, markers, bystander, kept = fill(store)
        with other._snapshot() as cur:  # another kernel in the middle of a read
            cur.execute("SELECT count(*) FROM revisions").fetchone()
            store.purge(case.id)
            assert not store.exists(case.id)
        assert "purge checkpoint busy" in caplog.text

        store.save(bystander.model_copy(update={"decision": f"{kept} later"}))
        assert "purge checkpoint done later" in caplog.text
        assert_gone(folder, case, markers)  # both stores still open
        assert case.id not in caplog.text and not any(m in caplog.text for m in markers)
    assert_gone(folder, case, markers)


def test_purge_logs_the_event_only(tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="sonb.store")
    with CaseStore(tmp_path / "store") as store:
        case, markers, _bystander, _kept = fill(store, revisions=2)
        store.purge(case.id)
    assert "case purged ref=" in caplog.text
    assert case.id not in caplog.text and not any(m in caplog.text for m in markers)
