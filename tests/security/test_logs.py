"""No health data in logs: sonb's loggers name events and a fingerprint of the case, never what
a patient typed, and never the case id (it is the patient's resume code)."""

from __future__ import annotations

import logging

import pytest

from sonb import Case, CaseStore, ConflictError
from sonb.errors import CaseFileError

from .conftest import TRIED

SECRET = "sonb-secret-typed <b>knee</b> Müller"


def _messages(caplog) -> str:
    return "\n".join(f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records)


def test_store_logs_events_not_contents(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    with CaseStore(tmp_path / "store") as store:
        stored = store.create(Case(decision=SECRET))
        newer = store.save(stored.model_copy(update={"decision": SECRET + " 2"}))
        with pytest.raises(ConflictError):
            store.save(stored)
        path = store.export(newer.id, tmp_path / "case.json")
        store.import_file(path)
        with pytest.raises(CaseFileError):
            store.import_file(b'{"format": "sonb-case", "case": {"decision": "' + SECRET.encode() + b'"}}')
        store.delete(newer.id)
        store.restore(newer.id)
        store.purge(newer.id)
    text = _messages(caplog)
    assert "case created ref=" in text and "save conflict ref=" in text  # events are logged
    assert newer.id not in text, "the resume code reached the log"
    assert "sonb-secret" not in text and "knee" not in text
    TRIED["log-producing operations checked for health data"] += 8


def _app_with_conflict(tmp_path):
    """The patient's app, a save from another window, then the patient's own save."""
    from sonb.widgets.app import SecondOpinionApp

    store = CaseStore(tmp_path / "store")
    app = SecondOpinionApp(store)
    app.new_case()
    code = app.session.case.id
    store.save(store.load(code).model_copy(update={"decision": "from another window"}))
    problems = app.session.save(app.session.case.model_copy(update={"decision": SECRET}))
    assert problems == {} and app.session.conflict
    app._uploaded({"new": [{"content": memoryview(b"not a case file " + SECRET.encode())}]})
    return store, code


def test_app_conflict_log_has_no_resume_code(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    store, code = _app_with_conflict(tmp_path)
    store.close()
    assert code not in _messages(caplog), "the resume code reached the log"


def test_app_logs_no_typed_text(caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    store, _code = _app_with_conflict(tmp_path)
    store.close()
    text = _messages(caplog)
    assert "case file refused" in text
    assert "sonb-secret" not in text and "knee" not in text
    TRIED["log-producing operations checked for health data"] += 3
