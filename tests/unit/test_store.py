"""CaseStore: revisions, conflicts, soft delete, import/export, crash safety."""

from __future__ import annotations

import logging
import random
import sqlite3
import subprocess
import sys
import time

import pytest

from sonb import casefile
from sonb.errors import CaseNotFound, ConflictError, InvalidInput, SonbError
from sonb.model import Case, Clinician, DecisionKind
from sonb.store import DB_NAME, CaseStore, log_ref


@pytest.fixture
def store(tmp_path):
    with CaseStore(tmp_path / "store") as s:
        yield s


# -- create, save, load ----------------------------------------------------------------------


def test_create_stores_revision_one(store):
    case = store.create()
    assert case.revision == 1
    assert store.exists(case.id)
    assert store.load(case.id) == case


def test_create_refuses_an_existing_id(store, intl_case):
    store.create(intl_case)
    with pytest.raises(ConflictError, match="already in the store"):
        store.create(intl_case)
    assert [r.revision for r in store.history(intl_case.id)] == [1]


def test_save_appends_a_revision_and_keeps_history(store, intl_case):
    first = store.create(intl_case)
    first.decision = "Changed my mind"
    second = store.save(first)

    assert (first.revision, second.revision) == (1, 2)  # the argument is not changed
    assert second.updated >= first.updated
    assert store.load(intl_case.id) == second
    assert store.load(intl_case.id, revision=1).decision == intl_case.decision
    events = [(r.revision, r.event) for r in store.history(intl_case.id)]
    assert events == [(1, "create"), (2, "save")]


def test_save_revalidates_the_whole_case(store):
    case = store.create()
    # mutating a list in place bypasses the model's assignment checks
    case.clinicians.extend(Clinician(name=f"Dr {i}") for i in range(51))
    with pytest.raises(InvalidInput, match="clinicians: has too many entries"):
        store.save(case)
    assert [r.revision for r in store.history(case.id)] == [1]


def test_save_of_an_unknown_case_is_refused(store):
    with pytest.raises(CaseNotFound, match="no case with this code"):
        store.save(Case())
    assert store.list() == []


@pytest.mark.parametrize("action", ["load", "history", "delete", "restore", "purge"])
def test_unknown_case(store, action):
    assert not store.exists("no-such-case")
    with pytest.raises(CaseNotFound, match="no case with this code"):
        getattr(store, action)("no-such-case")


def test_load_of_a_missing_revision(store):
    case = store.create()
    with pytest.raises(CaseNotFound, match="no revision 7 .the latest is 1"):
        store.load(case.id, revision=7)


def test_list_and_table_newest_first(store, intl_case, monkeypatch):
    older = store.create(intl_case)
    time.sleep(1.01)  # `updated` has one-second resolution
    newer = store.create(Case(decision="Knee"))

    assert [s.id for s in store.list()] == [newer.id, older.id]
    summary = store.list()[1]
    assert (summary.decision, summary.kind) == (older.decision, DecisionKind.surgery)
    assert summary.revision == 1
    assert summary.created == older.created

    table = store.table()
    assert list(table.columns) == ["decision", "kind", "revision", "created", "updated"]
    assert list(table.index) == [newer.id, older.id]
    assert table.loc[older.id, "kind"] == "surgery"


def test_empty_table_has_the_columns(store):
    table = store.table()
    assert table.empty
    assert table.index.name == "id"
    assert list(table.columns) == ["decision", "kind", "revision", "created", "updated"]


# -- delete, restore, purge ------------------------------------------------------------------


def test_delete_is_soft_and_can_be_undone(store):
    case = store.save(store.create())
    store.delete(case.id)

    assert not store.exists(case.id)
    assert store.list() == []
    for action in (store.load, store.history):
        with pytest.raises(CaseNotFound, match="deleted"):
            action(case.id)
    with pytest.raises(CaseNotFound, match="deleted"):
        store.save(case)

    store.restore(case.id)
    assert store.load(case.id) == case
    assert [r.revision for r in store.history(case.id)] == [1, 2]


def test_purge_removes_everything(store):
    case = store.create()
    store.purge(case.id)
    assert not store.exists(case.id)
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT count(*) FROM revisions").fetchone() == (0,)
    store.create(case)  # the id is free again


# -- two sessions on one case ----------------------------------------------------------------


def test_conflicting_save_is_refused_and_both_versions_kept(tmp_path, intl_case):
    folder = tmp_path / "shared"
    with CaseStore(folder) as a, CaseStore(folder) as b:
        case_id = a.create(intl_case).id
        mine, theirs = a.load(case_id), b.load(case_id)
        mine.decision, theirs.decision = "Version A", "Version B"

        saved = a.save(mine)
        with pytest.raises(ConflictError) as raised:
            b.save(theirs)

        assert "saved revision 2, yours is based on 1" in str(raised.value)
        assert "Nothing was overwritten" in str(raised.value)
        assert b.load(case_id) == saved
        assert [r.revision for r in b.history(case_id)] == [1, 2]
        assert b.load(case_id, 1).decision == intl_case.decision
        # the refused session recovers: it can keep its text in a file, reload and save on top
        latest = b.load(case_id)
        latest.decision = theirs.decision
        assert b.save(latest).revision == 3


# -- import and export -----------------------------------------------------------------------


def test_export_import_round_trip_into_a_new_store(store, intl_case, tmp_path):
    stored = store.save(store.create(intl_case))
    path = store.export(stored.id, tmp_path / "my case.json")

    with CaseStore(tmp_path / "elsewhere") as other:
        imported = other.import_file(path)
        assert imported.revision == 1
        assert imported.model_dump(exclude={"revision", "updated"}) == stored.model_dump(
            exclude={"revision", "updated"}
        )
        assert other.load(stored.id) == imported
        assert [(r.revision, r.event) for r in other.history(stored.id)] == [(1, "import")]


def test_import_of_a_known_case_appends_a_revision(store, intl_case, tmp_path):
    first = store.create(intl_case)
    path = store.export(first.id, tmp_path / "case.json")
    edited = store.save(first.model_copy(update={"decision": "Edited after export"}))

    imported = store.import_file(path.read_bytes())

    assert imported.revision == 3
    assert imported.decision == intl_case.decision
    assert store.load(first.id, revision=2) == edited  # nothing overwritten
    assert [r.event for r in store.history(first.id)] == ["create", "save", "import"]


def test_import_brings_back_a_deleted_case(store, tmp_path):
    case = store.create()
    path = store.export(case.id, tmp_path / "case.json")
    store.delete(case.id)
    assert store.import_file(path).revision == 2
    assert store.exists(case.id)


def test_export_of_an_older_revision(store, tmp_path):
    first = store.create(Case(decision="first"))
    store.save(first.model_copy(update={"decision": "second"}))
    path = store.export(first.id, tmp_path / "old.json", revision=1)
    assert casefile.read(path).decision == "first"


# -- opening the store -----------------------------------------------------------------------


def test_sonb_home_is_honoured(tmp_path, monkeypatch):
    home = tmp_path / "home" / "sonb"
    monkeypatch.setenv("SONB_HOME", str(home))
    with CaseStore() as store:
        case = store.create()
    assert store.folder == home
    assert (home / DB_NAME).is_file()
    assert home.stat().st_mode & 0o777 == 0o700
    with CaseStore(home) as again:  # reopening is idempotent and keeps the data
        assert again.exists(case.id)


def test_store_uses_wal(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert dict(db.execute("SELECT key, value FROM meta")) == {
            "format": "sonb-store", "store_version": "1"
        }
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def foreign_sqlite(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE users (name TEXT)")
    sqlite3.connect(path).close()


def future_store(path):
    CaseStore(path.parent).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'store_version'")


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b"my notes, not a database" * 100), "is not a sonb case store"),
        (foreign_sqlite, "is not a sonb case store"),
        (future_store, "newer version of sonb"),
    ],
)
def test_refuses_a_file_that_is_not_a_sonb_store(tmp_path, make, expected):
    path = tmp_path / DB_NAME
    make(path)
    before = path.read_bytes()
    with pytest.raises(SonbError, match=expected):
        CaseStore(tmp_path)
    assert path.read_bytes() == before


def test_logs_hold_no_health_data_or_resume_code(store, intl_case, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="sonb.store")
    case = store.save(store.create(intl_case))
    store.import_file(store.export(case.id, tmp_path / "c.json"))
    with pytest.raises(ConflictError):
        store.save(case)
    store.delete(case.id)

    assert len(caplog.records) >= 5
    assert log_ref(case.id) in caplog.text
    for secret in (case.id, "opérer", "李明", "ليلى", "onerror"):
        assert secret not in caplog.text


# -- a writer killed in the middle of saves --------------------------------------------------

WRITER = """
import sys
from sonb.model import Case, Option
from sonb.store import CaseStore

store = CaseStore(sys.argv[1])
listed = store.list()
if listed:
    case = store.load(listed[0].id)
else:
    options = [Option(name=f"Option {i}", description="膝" * 4000) for i in range(25)]
    case = store.create(Case(decision="start", options=options))
print("ready", flush=True)
while True:
    case = store.save(case.model_copy(update={"decision": f"save {case.revision}"}))
"""


def kill_writer_at_random(folder, rng: random.Random) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
    finally:
        proc.kill()  # SIGKILL: no cleanup, no atexit
        proc.wait()


def test_writer_killed_mid_save_leaves_a_consistent_store(tmp_path):
    folder = tmp_path / "crash"
    rng = random.Random()
    for _ in range(3):
        kill_writer_at_random(folder, rng)

    with CaseStore(folder) as store:
        (summary,) = store.list()
        history = store.history(summary.id)
        latest = store.load(summary.id)
        assert latest.revision == history[-1].revision == summary.revision
        assert [r.revision for r in history] == list(range(1, len(history) + 1))
        assert len(history) > 3
        for info in history:
            assert store.load(summary.id, info.revision).revision == info.revision
        with sqlite3.connect(store.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
