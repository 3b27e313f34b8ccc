"""Faults: nothing a patient saved is lost when the kernel or the server dies mid-save, and two
windows on one case cannot silently overwrite each other."""

from __future__ import annotations

import base64
import sqlite3

import pytest

from sonb import casefile
from sonb.store import CaseStore

from .conftest import TRIED, WAIT, Server, open_app, page_kernel_id, sonb_ui, start_new_case, wait_until

pytestmark = pytest.mark.browser

DECISION = "What do you need to decide? Say it in your own words."


def _decision_box(page):
    return sonb_ui().item(page, DECISION).locator("textarea, input[type=text]").first


def _stored(home, code):
    with CaseStore(home) as store:
        return store.load(code)


def _resume(page, code: str) -> None:
    """Type the resume code on the start page and open the case."""
    ui = sonb_ui()
    box = page.get_by_label("Resume code", exact=True)
    box.fill(code)
    box.press("Tab")
    page.locator("button:visible").filter(has_text="Open my case").click()
    ui.wait_for_step(page, 1)
    assert ui.resume_code(page) == code


def _status(page):
    return page.locator(".widget-html.sonb-status").first


def test_kill_kernel_mid_autosave_then_crash_server_then_resume(browser, tmp_path):
    from playwright.sync_api import expect

    ui = sonb_ui()
    first = Server(tmp_path, None, name="first")
    try:
        page, _watch = open_app(browser, first)
        code = start_new_case(page)
        ui.fill(page, DECISION, "saved before the crash")
        wait_until(lambda: _stored(tmp_path, code).decision == "saved before the crash", 60,
                   "the first autosave")
        saved_before = _stored(tmp_path, code).revision

        # a burst of autosaves; the kernel is killed while it still works through them
        kid = page_kernel_id(page)
        kernel = first.kernel_processes()[kid]
        box = _decision_box(page)
        sent = []
        for i in range(12):
            text = f"burst {i}"
            box.fill(text)
            box.press("Tab")
            sent.append(text)
            if i == 5:
                kernel.kill()
                TRIED["faults injected: kernel SIGKILL mid-autosave"] += 1
        kernel.wait(30)
        first.crash()  # SIGKILL: no clean shutdown of the server either
        TRIED["faults injected: Voila server SIGKILL"] += 1
        page.context.close()
    finally:
        if first.proc.poll() is None:
            first.stop()

    # the store is whole: integrity check, consecutive revisions, the last one readable
    with sqlite3.connect(tmp_path / "cases.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with CaseStore(tmp_path) as store:
        latest = store.load(code)
        revisions = [r.revision for r in store.history(code)]
    assert revisions == list(range(1, latest.revision + 1))
    assert latest.revision >= saved_before
    assert latest.decision in ["saved before the crash", *sent[:6]], latest.decision
    print(f"after the crash the store holds revision {latest.revision}: {latest.decision!r}")

    second = Server(tmp_path, None, name="second")
    try:
        page, watch = open_app(browser, second)
        _resume(page, code)
        expect(_decision_box(page)).to_have_value(latest.decision, timeout=WAIT)
        ui.fill(page, DECISION, "saved after the restart")
        wait_until(lambda: _stored(tmp_path, code).decision == "saved after the restart", 60,
                   "a save after the restart")
        assert _stored(tmp_path, code).revision == latest.revision + 1
        watch.check(page)
        page.context.close()
    finally:
        second.stop()


def test_two_windows_on_one_case_conflict_and_both_versions_survive(browser, voila):
    from playwright.sync_api import expect

    ui = sonb_ui()
    page_a, watch_a = open_app(browser, voila)
    page_b, watch_b = open_app(browser, voila)
    try:
        code = start_new_case(page_a)
        ui.fill(page_a, DECISION, "first words")
        wait_until(lambda: _stored(voila.home, code).decision == "first words", 60, "a save")
        _resume(page_b, code)
        expect(_decision_box(page_b)).to_have_value("first words", timeout=WAIT)

        ui.fill(page_a, DECISION, "window A's version")
        wait_until(lambda: _stored(voila.home, code).decision == "window A's version", 60,
                   "window A's save")
        ui.fill(page_b, DECISION, "window B's version")
        expect(_status(page_b)).to_contain_text("changed in another window", timeout=WAIT)
        expect(_status(page_a)).to_contain_text("Saved", timeout=WAIT)

        # the store kept A's version; B's is in B's case file link; history is whole
        with CaseStore(voila.home) as store:
            latest = store.load(code)
            history = store.history(code)
            kept = [store.load(code, r.revision).decision for r in history]
        assert latest.decision == "window A's version"
        assert "window B's version" not in kept
        assert kept[-2:] == ["first words", "window A's version"]
        ui.click(page_b, "Get my case file")  # B's case file holds B's version
        href = page_b.locator('a.sonb-download[download^="sonb-case-"]').get_attribute("href")
        from_b = casefile.loads(base64.b64decode(href.split(",", 1)[1]))
        assert from_b.id == code and from_b.decision == "window B's version"

        # B keeps refusing to save over A; A keeps saving
        ui.fill(page_b, DECISION, "window B again")
        expect(_status(page_b)).to_contain_text("changed in another window", timeout=WAIT)
        ui.fill(page_a, DECISION, "window A again")
        wait_until(lambda: _stored(voila.home, code).decision == "window A again", 60, "A's save")
        assert "window B" not in _stored(voila.home, code).decision
        TRIED["faults injected: conflicting saves from a second window"] += 2

        # B's version can be brought back: its case file imports as a new revision on top
        with CaseStore(voila.home) as store:
            restored = store.import_file(base64.b64decode(href.split(",", 1)[1]))
            assert restored.revision == len(history) + 2
            assert store.load(code, restored.revision - 1).decision == "window A again"
        log = voila.log_text()
        print("conflict in the server log:", "save conflict" in log)
        assert code not in log, "the resume code (the case id) reached the server log"
        watch_a.check(page_a)
        watch_b.check(page_b)
    finally:
        page_a.context.close()
        page_b.context.close()
