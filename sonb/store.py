"""CaseStore: cases kept in an embedded SQLite database, with every revision.

Nothing is ever overwritten. Each save appends a new revision to `revisions`; the `cases`
table only points at the latest one and holds what `list()` shows. A save based on an older
revision than the stored one is refused (`ConflictError`), so two sessions editing one case
cannot silently undo each other's work. Writes run in `BEGIN IMMEDIATE` transactions in WAL
mode with `synchronous=FULL`, so a crash or power cut leaves the last committed revision.

Deleting is soft: `delete()` hides a case from `list()`, `load()` and `save()` but keeps all
its revisions; `restore()` brings it back and `import_file()` of its case file does too.
Only `purge()` removes a case for good, and leaves no text of it in the database files: every
connection runs with `secure_delete` (SQLite overwrites deleted content with zeros), and after
the delete the write-ahead log, whose frames keep older copies of pages, is checkpointed and
truncated to nothing (`wal_checkpoint(TRUNCATE)`).

Each revision records who saved it (`author`: "" for the patient, a navigator's name in a
clinic), so the patient can see what someone else changed. `move()` carries a case with all its
revisions from one store to another (the patient sharing it with a clinic, or taking it back).

Logs (logger "sonb.store") name events and a short fingerprint of the case id (`log_ref`),
never case contents: the case id is the patient's resume code, so it is not logged either.
"""

from __future__ import annotations

import builtins
import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from . import casefile
from ._datafiles import texts
from .errors import CaseNotFound, CaseTooLarge, ConflictError, SonbError
from .model import Case, DecisionKind, now

log = logging.getLogger("sonb.store")

DB_NAME = "cases.sqlite3"
STORE_FORMAT = "sonb-store"
STORE_VERSION = 1
BUSY_TIMEOUT_S = 30
# Emptying the log after a purge waits for other connections' reads to end: this many tries,
# each waiting up to CHECKPOINT_WAIT_S (then the store tries again on its next write and on close).
CHECKPOINT_TRIES = 20
CHECKPOINT_WAIT_S = 0.1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS cases (
    id       TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    created  TEXT NOT NULL,
    updated  TEXT NOT NULL,
    decision TEXT NOT NULL DEFAULT '',
    kind     TEXT,
    deleted  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS revisions (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    revision INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    event    TEXT NOT NULL,
    json     TEXT NOT NULL,
    author   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, revision)
);
"""
# Columns added after STORE_VERSION 1 first shipped; an older store gets them on opening.
_ADDED_COLUMNS = (("revisions", "author", "TEXT NOT NULL DEFAULT ''"),)


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case list."""

    id: str
    decision: str
    kind: DecisionKind | None
    revision: int
    created: dt.datetime
    updated: dt.datetime


@dataclass(frozen=True)
class RevisionInfo:
    """One saved revision of a case. `event` is "create", "save" or "import"; `author` who
    saved it ("" for the patient, else a navigator's name)."""

    revision: int
    saved_at: dt.datetime
    event: str
    author: str = ""


def default_folder() -> Path:
    """$SONB_HOME if set, else the user's data folder for sonb."""
    env = os.environ.get("SONB_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("sonb"))


def _message(key: str, **fields) -> str:
    """The patient text `key` of sonb/data/files.json ("store"), filled in."""
    return texts("files")["store"][key].format(**fields)


def log_ref(case_id: str) -> str:
    """A short fingerprint of a case id for logs (the id itself is a resume code)."""
    return hashlib.sha256(case_id.encode("utf-8")).hexdigest()[:10]


class CaseStore:
    """Cases in `folder`/cases.sqlite3. Use as a context manager, or call `close()`.

    `author` is written on every revision this store saves ("" for the patient). `shared`:
    the store's files are made readable and writable by the folder's group (a clinic's shared
    folder, whose group is the patient and the navigators); otherwise by the owner only."""

    def __init__(self, folder: str | os.PathLike | None = None, author: str = "",
                 shared: bool = False):
        self.folder = Path(folder).expanduser() if folder is not None else default_folder()
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = self.folder / DB_NAME
        self.author = author
        self._lock = threading.RLock()
        self._log_to_empty = False  # a purge could not empty the write-ahead log yet
        self._conn = _connect(self.path, 0o660 if shared else 0o600)
        try:
            self._init_schema()
        except BaseException:
            self._conn.close()
            raise
        log.info("store opened")

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            try:
                self._empty_log_if_due()
            except sqlite3.ProgrammingError:  # closed already
                pass
            self._conn.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CaseStore({str(self.folder)!r})"

    # -- writing -------------------------------------------------------------------------
    def create(self, case: Case | None = None) -> Case:
        """Store a new case as revision 1 and return the stored copy."""
        case = Case.parse((case if case is not None else Case()).model_dump(mode="json"))
        case = _fits_case_file(case)
        with self._transaction() as cur:
            if _row(cur, case.id) is not None:
                raise ConflictError(_message("already_stored"))
            stored = _append(cur, case, 1, "create", new=True, author=self.author)
        log.info("case created ref=%s", log_ref(case.id))
        return stored

    def save(self, case: Case, checked: bool = False) -> Case:
        """Store `case` as a new revision; it must be based on the latest stored revision.

        `checked`: the caller validated this very object just now (sonb.binding does), so
        it is not validated again; its size is always checked. Returns the stored copy
        (revision + 1, `updated` set). Raises ConflictError, and writes nothing, if the case
        was saved elsewhere since it was loaded."""
        case = _fits_case_file(case if checked else Case.parse(case.model_dump(mode="json")))
        with self._transaction() as cur:
            latest = self._latest(cur, case.id)
            if case.revision != latest:
                log.warning("save conflict ref=%s stored=%d base=%d",
                            log_ref(case.id), latest, case.revision)
                raise ConflictError(
                    _message("changed_elsewhere", latest=latest, base=case.revision)
                )
            stored = _append(cur, case, latest + 1, "save", new=False, author=self.author)
        log.info("case saved ref=%s revision=%d", log_ref(case.id), stored.revision)
        return stored

    def import_file(self, source: str | os.PathLike | bytes | bytearray | memoryview) -> Case:
        """Import a case file (a path, or its bytes) and return the stored case.

        A new case is stored as revision 1. A known case (even a deleted one, which is
        restored) gets the file's contents as a new revision on top of the latest; older
        revisions stay in history. A file that cannot be read changes nothing."""
        if isinstance(source, (bytes, bytearray, memoryview)):
            case = casefile.loads(source)
        else:
            case = casefile.read(source)
        with self._transaction() as cur:
            row = _row(cur, case.id)
            revision = 1 if row is None else row["revision"] + 1
            stored = _append(cur, case, revision, "import", new=row is None, author=self.author)
        log.info("case imported ref=%s revision=%d", log_ref(case.id), revision)
        return stored

    def delete(self, case_id: str) -> None:
        """Hide a case (soft delete). Its revisions are kept; `restore()` undoes this."""
        self._set_deleted(case_id, True)
        log.info("case deleted ref=%s", log_ref(case_id))

    def restore(self, case_id: str) -> None:
        """Bring back a case hidden by `delete()`."""
        self._set_deleted(case_id, False)
        log.info("case restored ref=%s", log_ref(case_id))

    def purge(self, case_id: str) -> None:
        """Remove a case and all its revisions for good (deleted or not), with no text of it
        left in the database files. The rows are gone when this returns. If another
        connection is reading just then, the log keeps old pages until that read ends: the
        store logs "purge checkpoint busy" and empties the log on its next write or on close."""
        with self._transaction() as cur:
            if _row(cur, case_id) is None:
                raise _not_found()
            cur.execute("DELETE FROM revisions WHERE case_id = ?", (case_id,))
            cur.execute("DELETE FROM cases WHERE id = ?", (case_id,))
        log.info("case purged ref=%s", log_ref(case_id))
        if not self._empty_log():
            log.warning("purge checkpoint busy")

    def move(self, case_id: str, to: CaseStore) -> Case:
        """Move a case with every revision into the store `to`, then purge it here; return
        the latest revision. If `to` has the case already (a move cut short), its copy is
        replaced by this one, which is the newer: nothing of it was saved there since."""
        with self._snapshot() as cur:
            self._latest(cur, case_id)
            rows = [tuple(r) for r in cur.execute(
                "SELECT revision, saved_at, event, json, author FROM revisions "
                "WHERE case_id = ? ORDER BY revision", (case_id,))]
            head = tuple(cur.execute(
                "SELECT revision, created, updated, decision, kind FROM cases WHERE id = ?",
                (case_id,)).fetchone())
        with to._transaction() as cur:
            cur.execute("DELETE FROM revisions WHERE case_id = ?", (case_id,))
            cur.execute("DELETE FROM cases WHERE id = ?", (case_id,))
            cur.execute("INSERT INTO cases (id, revision, created, updated, decision, kind) "
                        "VALUES (?, ?, ?, ?, ?, ?)", (case_id, *head))
            cur.executemany("INSERT INTO revisions (case_id, revision, saved_at, event, json, "
                            "author) VALUES (?, ?, ?, ?, ?, ?)",
                            [(case_id, *row) for row in rows])
        log.info("case moved ref=%s revisions=%d", log_ref(case_id), len(rows))
        self.purge(case_id)
        return to.load(case_id)

    # -- reading -------------------------------------------------------------------------
    def exists(self, case_id: str) -> bool:
        """True if the case is in the store and not deleted."""
        with self._lock:
            row = _row(self._conn, case_id)
        return row is not None and not row["deleted"]

    def load(self, case_id: str, revision: int | None = None) -> Case:
        """The latest revision of a case, or the given one."""
        with self._snapshot() as cur:
            latest = self._latest(cur, case_id)
            found = cur.execute(
                "SELECT json FROM revisions WHERE case_id = ? AND revision = ?",
                (case_id, latest if revision is None else revision),
            ).fetchone()
        if found is None:
            raise CaseNotFound(_message("no_revision", revision=revision, latest=latest))
        return Case.parse(json.loads(found["json"]), texts("files")["store"]["stored_what"])

    def list(self) -> list[CaseSummary]:
        """Summaries of the cases that are not deleted, most recently updated first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, decision, kind, revision, created, updated FROM cases "
                "WHERE deleted = 0 ORDER BY updated DESC, created DESC, id"
            ).fetchall()
        return [_summary(row) for row in rows]

    def table(self):
        """The case list as a pandas DataFrame indexed by case id."""
        import pandas as pd

        columns = ["id", "decision", "kind", "revision", "created", "updated"]
        records = [
            asdict(s) | {"kind": s.kind.value if s.kind else None} for s in self.list()
        ]
        return pd.DataFrame.from_records(records, columns=columns).set_index("id")

    def history(self, case_id: str) -> builtins.list[RevisionInfo]:
        """Every stored revision of a case, oldest first."""
        with self._snapshot() as cur:
            self._latest(cur, case_id)
            rows = cur.execute(
                "SELECT revision, saved_at, event, author FROM revisions WHERE case_id = ? "
                "ORDER BY revision",
                (case_id,),
            ).fetchall()
        return [RevisionInfo(r["revision"], _datetime(r["saved_at"]), r["event"], r["author"])
                for r in rows]

    def export(self, case_id: str, path: str | os.PathLike, revision: int | None = None) -> Path:
        """Write a case (latest revision unless given) to a case file; return its path."""
        written = casefile.write(self.load(case_id, revision), path)
        log.info("case exported ref=%s", log_ref(case_id))
        return written

    # -- internals -----------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        """A write transaction that holds the database's write lock from the start."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._empty_log_if_due()

    def _empty_log(self, tries: int = 0) -> bool:
        """Checkpoint the write-ahead log into the database file and truncate it to nothing,
        so no older copy of a page stays in it. Waits briefly for other connections' reads
        (`tries`, default CHECKPOINT_TRIES, each waiting up to CHECKPOINT_WAIT_S); True when
        done."""
        for attempt in range(tries or CHECKPOINT_TRIES):
            if attempt:
                time.sleep(CHECKPOINT_WAIT_S)  # without the lock: this store's other users go on
            with self._lock:
                self._conn.execute(f"PRAGMA busy_timeout={int(CHECKPOINT_WAIT_S * 1000)}")
                try:
                    busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                except sqlite3.OperationalError:  # locked: another connection checkpoints
                    busy = 1
                finally:
                    self._conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
            if not busy:
                self._log_to_empty = False
                return True
        self._log_to_empty = True
        return False

    def _empty_log_if_due(self) -> None:
        """Once, quickly: empty the log a purge could not empty (see `purge`)."""
        if self._log_to_empty and self._empty_log(tries=1):
            log.info("purge checkpoint done later")

    @contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Cursor]:
        """A read transaction: every query inside sees the same committed state."""
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN")
            try:
                yield cur
            finally:
                self._conn.execute("ROLLBACK")

    def _latest(self, conn, case_id: str) -> int:
        """The latest revision of a case that is not deleted, else CaseNotFound."""
        row = _row(conn, case_id)
        if row is None:
            raise _not_found()
        if row["deleted"]:
            raise CaseNotFound(_message("deleted"))
        return row["revision"]

    def _set_deleted(self, case_id: str, deleted: bool) -> None:
        with self._transaction() as cur:
            if _row(cur, case_id) is None:
                raise _not_found()
            cur.execute("UPDATE cases SET deleted = ? WHERE id = ?", (int(deleted), case_id))

    def _init_schema(self) -> None:
        """Refuse a database that is not a sonb store, then set it up (idempotent).

        The identity check only reads, so a foreign database is left exactly as it was."""
        try:
            _check_identity(self._conn, self.path)
            _configure(self._conn)
            with self._transaction() as cur:
                _check_identity(cur, self.path)  # another process may have won the race
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        cur.execute(statement)
                for table, column, decl in _ADDED_COLUMNS:
                    if column not in {r[1] for r in cur.execute(f"PRAGMA table_info({table})")}:
                        cur.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
                cur.executemany(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                    [("format", STORE_FORMAT), ("store_version", str(STORE_VERSION))],
                )
        except sqlite3.Error as exc:
            raise _cannot_open(self.path, exc) from None


def _connect(path: Path, mode: int = 0o600) -> sqlite3.Connection:
    fresh = not path.exists()
    _check_header(path)
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise _cannot_open(path, exc) from None
    conn.row_factory = sqlite3.Row
    if fresh:  # SQLite gives its -wal and -shm files the database file's mode
        os.chmod(path, mode)
    return conn


def _configure(conn: sqlite3.Connection) -> None:
    """WAL journal, full sync on commit, wait for locks, enforce references, and overwrite
    deleted content with zeros (so a purged case leaves no text in freed pages)."""
    mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
    if mode.lower() != "wal":
        log.warning("store could not switch to WAL mode (mode=%s)", mode)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA secure_delete=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
    conn.execute("PRAGMA foreign_keys=ON")


def _check_header(path: Path) -> None:
    """Refuse an existing file that is not an SQLite database before SQLite touches it."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise _not_a_store(path, "not an SQLite database")


def _check_identity(conn, path: Path) -> None:
    """An empty database is fine; anything else needs our meta table and a version we know."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if not tables:
        return
    if "meta" not in tables:
        raise _not_a_store(path, "no meta table")
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format") != STORE_FORMAT:
        raise _not_a_store(path, "meta format differs")
    version = meta.get("store_version", "")
    if not version.isdigit():
        raise _not_a_store(path, "store version unreadable")
    if int(version) > STORE_VERSION:
        raise SonbError(
            _message("newer_store", folder=path.parent, version=version, known=STORE_VERSION)
        )


def _not_a_store(path: Path, why: str) -> SonbError:
    log.error("not a sonb store (%s)", why)
    return SonbError(_message("not_a_store", path=path))


def _cannot_open(path: Path, exc: sqlite3.Error) -> SonbError:
    log.error("store could not be opened (%s)", exc)
    return SonbError(_message("cannot_open", path=path, error=exc))


def _row(conn, case_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT revision, deleted FROM cases WHERE id = ?", (case_id,)
    ).fetchone()


def _append(cur, case: Case, revision: int, event: str, new: bool, author: str = "") -> Case:
    """Insert `case` as `revision` and point the cases row at it; return the stored copy."""
    stored = case.model_copy(update={"revision": revision, "updated": now()})
    created, updated = _iso(stored.created), _iso(stored.updated)
    kind = stored.kind.value if stored.kind else None
    if new:
        cur.execute(
            "INSERT INTO cases (id, revision, created, updated, decision, kind) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (stored.id, revision, created, updated, stored.decision, kind),
        )
    else:
        cur.execute(
            "UPDATE cases SET revision = ?, created = ?, updated = ?, decision = ?, kind = ?, "
            "deleted = 0 WHERE id = ?",
            (revision, created, updated, stored.decision, kind, stored.id),
        )
    cur.execute(
        "INSERT INTO revisions (case_id, revision, saved_at, event, json, author) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (stored.id, revision, dt.datetime.now(dt.timezone.utc).isoformat(), event,
         stored.model_dump_json(), author),
    )
    return stored


def _fits_case_file(case: Case) -> Case:
    """The case, if it still fits a case file, so the patient can always take it with them.
    (Callers validate it again first unless they just did: assignments may bypass checks.)"""
    size = len(casefile.dumps(case).encode("utf-8"))
    if size > casefile.MAX_BYTES:
        raise CaseTooLarge(_message("too_large", size=size / 1e6, limit=casefile.MAX_BYTES / 1e6))
    return case


def _summary(row: sqlite3.Row) -> CaseSummary:
    return CaseSummary(
        id=row["id"],
        decision=row["decision"],
        kind=DecisionKind(row["kind"]) if row["kind"] else None,
        revision=row["revision"],
        created=_datetime(row["created"]),
        updated=_datetime(row["updated"]),
    )


def _iso(value: dt.datetime) -> str:
    """UTC ISO text, so stored times sort as text; a time without zone is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat()


def _datetime(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _not_found() -> CaseNotFound:
    return CaseNotFound(_message("not_found"))
