"""The case store on disk: only the user running sonb can read it (SONB_HOME 0700, files 0600)."""

from __future__ import annotations

import os
import stat

from sonb import Case, CaseStore


def test_store_folder_and_files_are_private(tmp_path):
    old = os.umask(0o022)  # a typical umask that would make new files world-readable
    try:
        folder = tmp_path / "home" / "sonb"
        with CaseStore(folder) as store:
            stored = store.create(Case(decision="private"))
            store.save(stored)
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        os.umask(old)
    assert {"cases.sqlite3", "cases.sqlite3-wal", "cases.sqlite3-shm"} <= set(modes)
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
