"""Another patient (or a script) opening page after page: the kernel cap holds, the server
stays up, and idle kernels are culled so the server recovers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from .conftest import TRIED, Server, http, wait_until

pytestmark = pytest.mark.browser

KERNEL_ID = re.compile(rb'"kernelId": "([0-9a-f-]{36})"')


def test_kernel_cap_refuses_the_third_page_and_stays_up(tmp_path):
    server = Server(tmp_path, None, "--CappedKernelManager.max_kernels=2",
                    "--CappedKernelManager.max_kernels_per_client=0")
    try:
        ids = []
        for _ in range(2):
            status, _h, body = http(server, "/")
            assert status == 200
            ids.append(KERNEL_ID.search(body).group(1).decode())
        for _ in range(3):  # more pages: all refused at once, none starts a kernel
            started = time.monotonic()
            status, headers, body = http(server, "/")
            assert status == 503
            assert time.monotonic() - started < 30
            assert b"The app is busy right now" in body
            assert b"Traceback" not in body and b"kernelId" not in body
        assert sorted(server.kernel_processes()) == sorted(ids)
        assert server.proc.poll() is None
        assert http(server, "/voila/static/voila.js")[0] == 200  # still serving
        assert server.log_text().count("Kernel cap of 2 reached") == 3
        TRIED["pages refused by the kernel cap"] += 3
    finally:
        server.stop()


def test_idle_kernel_is_culled_and_the_server_recovers(tmp_path):
    """A page opened and left (no websocket): its kernel is culled after the idle timeout,
    its process ends, and with the cap at 1 a new page can then start."""
    server = Server(tmp_path, None, "--CappedKernelManager.max_kernels=1",
                    "--MappingKernelManager.cull_idle_timeout=5",
                    "--MappingKernelManager.cull_interval=2", name="cull")
    try:
        status, _h, body = http(server, "/")
        assert status == 200
        kid = KERNEL_ID.search(body).group(1).decode()
        process = server.kernel_processes()[kid]
        wait_until(lambda: f"({kid})" in server.log_text()
                   and "Culling" in server.log_text(), 90, "the culling message")
        wait_until(lambda: not process.is_running() or process.status() == "zombie", 60,
                   "the culled kernel's process to end")
        assert kid not in server.kernel_processes()
        # the cap of 1 has room again once the kernel manager has let go of the culled kernel
        # (a moment after its process ends); until then a page gets the plain 503
        answers = []

        def page_served():
            status, _h, body = http(server, "/")
            answers.append(status)
            return body if status == 200 else None

        body = wait_until(page_served, 90, "a page after culling (the server did not recover)",
                          every=2)
        assert set(answers) <= {200, 503}
        assert KERNEL_ID.search(body).group(1).decode() != kid
        TRIED["kernels culled while idle"] += 1
    finally:
        server.stop()


def test_a_sigterm_to_the_app_stops_voila_and_its_kernels(tmp_path):
    """What a process supervisor sends: `python -m sonb app` is Voila itself (it used to run
    Voila as a child, which a SIGTERM to the app left running, orphaned, on the port)."""
    import signal
    import socket
    import subprocess
    import sys

    import psutil

    from sonb.serve import voila_env

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
    from voila_browser import free_port, wait_for_http

    port = free_port()
    env = voila_env()
    env["SONB_HOME"] = str(tmp_path)
    with open(tmp_path / "app.log", "w") as log:
        app = subprocess.Popen([sys.executable, "-m", "sonb", "app", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(f"http://127.0.0.1:{port}/voila/static/voila.js", 180, proc=app)
            server = type("Started", (), {"port": port})()
            assert http(server, "/")[0] == 200  # a page: one kernel
            family = [app.pid, *(p.pid for p in psutil.Process(app.pid).children(recursive=True))]
            assert len(family) >= 2
            app.send_signal(signal.SIGTERM)
            app.wait(30)
            wait_until(lambda: not [p for p in family if psutil.pid_exists(p)
                                    and psutil.Process(p).status() != psutil.STATUS_ZOMBIE],
                       30, "Voila and its kernels to stop")
            with socket.socket() as probe:
                assert probe.connect_ex(("127.0.0.1", port)) != 0  # the port is free
        finally:
            if app.poll() is None:
                app.kill()


def test_closed_and_reloaded_pages_give_their_kernels_back(tmp_path, browser):
    """A closed tab and a reload give their kernels back at once (Voila's own shutdown request
    on page close is accepted: the page has its `_xsrf` cookie); a killed browser's kernel goes
    within 60 s; a page left open (a patient reading) keeps its kernel."""
    from voila_browser import open_app, wait_for_app

    from .conftest import page_kernel_id

    server = Server(tmp_path, None)
    try:
        closed, closed_watch = open_app(browser, server)
        reading, _w = open_app(browser, server)
        reloaded, reloaded_watch = open_app(browser, server)
        ids = {name: page_kernel_id(page) for name, page in
               (("closed", closed), ("reading", reading), ("reloaded", reloaded))}
        assert set(ids.values()) <= set(server.kernel_processes())
        started = time.monotonic()
        closed.close(run_before_unload=True)  # the tab is closed
        reloaded.reload()                     # a reload: a new page, with a new kernel
        wait_for_app(reloaded)
        ids["new"] = page_kernel_id(reloaded)
        wait_until(lambda: set(server.kernel_processes()) == {ids["reading"], ids["new"]}, 60,
                   "the kernels of the closed and reloaded pages to go")
        gone_after = time.monotonic() - started
        print(f"closed and reloaded pages' kernels gone after {gone_after:.0f} s")
        assert gone_after < 25, "Voila's shutdown on page close was refused (grace period used)"
        assert "Kernel shutdown: " + ids["closed"] in server.log_text()
        refused = [e for w in (closed_watch, reloaded_watch) for e in w.errors if "403" in e]
        assert not refused, refused
        TRIED["kernels of closed pages reclaimed"] += 2
        reading.context.close()         # the browser is gone for this one (no unload events)
        wait_until(lambda: set(server.kernel_processes()) == {ids["new"]}, 60,
                   "the kernel of a page whose browser was closed to go")
        assert reloaded.locator(".sonb-app").is_visible()  # the open page still works
    finally:
        for page in (closed, reading, reloaded):
            try:
                page.context.close()
            except Exception:
                pass
        server.stop()


def _kernels_of(server, ids) -> set[str]:
    return set(server.kernel_processes()) & set(ids)


def test_one_client_opening_60_pages_does_not_lock_out_a_new_patient(tmp_path, browser):
    """A script at one address asks for 60 pages (more than the server's cap of 40) and never
    connects: each page is served, the client's own unused kernels are given back, and a new
    patient at another address then gets the app and starts a case."""
    from concurrent.futures import ThreadPoolExecutor

    from voila_browser import open_app

    server = Server(tmp_path, None)
    try:
        def get(_n):
            status, _h, body = http(server, "/", source="127.0.0.2")
            match = KERNEL_ID.search(body)
            return status, match.group(1).decode() if match else None

        with ThreadPoolExecutor(3) as pool:
            answers = list(pool.map(get, range(60)))
        assert [s for s, _k in answers] == [200] * 60, answers
        TRIED["pages asked for by one client"] += 60
        ids = [k for _s, k in answers if k]
        held = _kernels_of(server, ids)
        assert len(held) <= 6, f"one client holds {len(held)} kernels (its share is 6)"
        assert len(server.kernel_processes()) <= 6
        page, watch = open_app(browser, server)  # the new patient (127.0.0.1)
        page.get_by_role("button", name="Start a new case").click()
        page.get_by_text("Step 1 of 6").first.wait_for(timeout=60_000)
        assert not watch.errors, watch.errors
        page.context.close()
    finally:
        server.stop()


def test_a_page_that_never_connects_gives_its_kernel_back(tmp_path, browser):
    """A plain request (no browser) leaves a kernel whose page never connects: it is given back
    once the kernel has been idle `unconnected_grace` s; an open page keeps its kernel."""
    from voila_browser import open_app

    from .conftest import page_kernel_id

    server = Server(tmp_path, None, "--CappedKernelManager.unconnected_grace=5",
                    "--MappingKernelManager.cull_interval=2", name="unconnected")
    try:
        reading, _w = open_app(browser, server)
        kept = page_kernel_id(reading)
        status, _h, body = http(server, "/", source="127.0.0.2")
        assert status == 200
        gone = KERNEL_ID.search(body).group(1).decode()
        assert gone in server.kernel_processes()
        wait_until(lambda: gone not in server.kernel_processes(), 30,
                   "the kernel of the page that never connected to go")
        assert "its page never connected" in server.log_text()
        time.sleep(6)  # well past the grace: the open page keeps its kernel and still works
        assert kept in server.kernel_processes()
        reading.get_by_role("button", name="Start a new case").click()
        reading.get_by_text("Step 1 of 6").first.wait_for(timeout=60_000)
        TRIED["kernels of pages that never connected reclaimed"] += 1
        reading.context.close()
    finally:
        server.stop()


def test_too_many_open_pages_get_a_plain_page_that_retries_by_itself(tmp_path, browser):
    """One client with its share of pages open asks for another: a plain page says so (HTTP
    429) and loads the app by itself once the client closed a page; a full server answers a
    plain busy page (503) that retries the same way; other clients are not touched."""
    from voila_browser import Watch, open_app, wait_for_app

    from .conftest import page_kernel_id

    server = Server(tmp_path, None, "--CappedKernelManager.max_kernels=3",
                    "--CappedKernelManager.max_kernels_per_client=2",
                    "--CappedKernelManager.unconnected_grace=0", name="share")
    try:
        first, _w = open_app(browser, server)
        second, _w = open_app(browser, server)
        status, _h, body = http(server, "/", source="127.0.0.2")  # another client: served
        assert status == 200
        other = KERNEL_ID.search(body).group(1).decode()
        status, _h, body = http(server, "/", source="127.0.0.3")  # the server is full
        assert status == 503 and b"The app is busy right now" in body
        assert b'http-equiv="refresh"' in body
        context = browser.new_context()
        third = context.new_page()
        watch = Watch(third, "127.0.0.1")
        third.goto(server.url, wait_until="load")
        text = third.locator("body").inner_text()
        assert "Many pages of this app are open from your connection" in text and "try again by itself" in text
        assert third.locator(".sonb-app").count() == 0
        first.context.close()  # the patient closes a page: the waiting one loads by itself
        wait_for_app(third)
        assert other in server.kernel_processes()  # the other client's page was not touched
        assert page_kernel_id(second) in server.kernel_processes()
        errors = [e for e in watch.errors if "status of 429" not in e]
        assert not watch.foreign and not errors, (watch.foreign, errors)
        TRIED["pages refused by a client's share"] += 1
    finally:
        for page in (first, second):
            try:
                page.context.close()
            except Exception:
                pass
        server.stop()
