"""A malicious or broken case file uploaded on the patient page: a clear message, nothing stored,
and the app keeps working; a good file with hostile text opens and shows the text literally."""

from __future__ import annotations

import json

import pytest

from sonb import casefile
from sonb.model import Case
from sonb.store import CaseStore

from .conftest import TRIED, WAIT, sonb_ui

pytestmark = pytest.mark.browser


def _file(case: Case, fields: dict | None = None, **envelope) -> bytes:
    """The case file of `case`, with some of the case's `fields` and envelope keys changed."""
    env = json.loads(casefile.dumps(case))
    env.update(envelope)
    env["case"].update(fields or {})
    return json.dumps(env, ensure_ascii=False).encode("utf-8")


def bad_files() -> list[tuple[str, bytes, str]]:
    """(file name, bytes, part of the message the page must show), each message different
    from the one before so the test can tell the page has answered."""
    case = Case(decision="Knee surgery")
    return [
        ("letter.json", b"Dear Dr Smith, my knee hurts.", "not readable JSON"),
        ("future.json", _file(case, schema_version=99), "newer version of sonb"),
        ("deep.json", b'{"format": "sonb-case", "case": ' + b"[" * 5000 + b"]" * 5000 + b"}",
         "nested more than 20 levels"),
        ("patient.json", b'{"resourceType": "Patient", "id": "p1"}', "not a sonb case file"),
        ("huge.json", b'{"format": "sonb-case", "pad": "' + b"x" * (3 * 1024 * 1024) + b'"}',
         "too large to be a case file"),
        ("long.json", _file(case, {"decision": "x" * 6000}), "decision: is too long"),
        ("image.png.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
         "not plain text (UTF-8)"),
        ("types.json", _file(case, {"revision": "two", "clinicians": "Dr Who"}),
         "revision: must be a whole number"),
        ("script.json", b"<script>alert('sonb-upload-xss')</script>", "not readable JSON"),
        ("ids.json", _file(case, {"id": "../../etc/passwd"}), "problem(s)"),
    ]


def test_bad_uploads_get_a_message_and_change_nothing(app, voila):
    page, watch = app
    button = page.locator(".sonb-app button.widget-upload")

    def upload(name: str, data: bytes) -> None:
        """ipywidgets' FileUpload opens a file chooser from a detached <input type=file>."""
        with page.expect_file_chooser(timeout=WAIT) as chooser:
            button.click()
        chooser.value.set_files(files=[{"name": name, "mimeType": "application/json",
                                        "buffer": data}])

    message = page.locator(".sonb-app [role=alert]")
    from playwright.sync_api import expect

    with CaseStore(voila.home) as store:
        before = [(c.id, c.revision) for c in store.list()]
    shown = []
    for name, data, expected in bad_files():
        upload(name, data)
        expect(message).to_contain_text(expected, timeout=WAIT)
        text = message.inner_text()
        shown.append(text)
        for word in ("Traceback", "pydantic", "Error:", "/tmp/", "site-packages", "sonb-upload"):
            assert word not in text, f"{name}: the message shows {word!r}: {text}"
        TRIED["bad case files uploaded through the page"] += 1
    with CaseStore(voila.home) as store:
        assert [(c.id, c.revision) for c in store.list()] == before, "a bad upload stored something"

    # the page still works: a good file with hostile text opens, and shows the text as typed
    hostile = "<img src=x onerror=alert('sonb-upload-ok')> \u202eevil\u202c {{7*7}}"
    good = Case(decision=hostile)
    upload("mine.json", casefile.dumps(good).encode())
    ui = sonb_ui()
    ui.wait_for_step(page, 1)
    assert ui.resume_code(page) == good.id
    decision = page.locator(".sonb-item textarea, .sonb-item input[type=text]").first
    expect(decision).to_have_value(hostile, timeout=WAIT)
    assert page.locator(".sonb-app img").count() == 0
    with CaseStore(voila.home) as store:
        assert store.load(good.id).decision == hostile
    watch.check(page)
    print("\n".join(shown))
