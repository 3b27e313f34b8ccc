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
    server = Server(tmp_path, None, "--CappedKernelManager.max_kernels=2")
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
            assert b"The app is busy. Please try again in a few minutes." in body
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
    """A closed tab, a killed browser and a reload leave no kernel behind after 60 s; a page
    left open (a patient reading) keeps its kernel."""
    from voila_browser import open_app, wait_for_app

    from .conftest import page_kernel_id

    server = Server(tmp_path, None)
    try:
        closed, _w = open_app(browser, server)
        reading, _w = open_app(browser, server)
        reloaded, _w = open_app(browser, server)
        ids = {name: page_kernel_id(page) for name, page in
               (("closed", closed), ("reading", reading), ("reloaded", reloaded))}
        assert set(ids.values()) <= set(server.kernel_processes())
        closed.close()                  # the tab is closed
        reloaded.reload()               # a reload: a new page, with a new kernel
        wait_for_app(reloaded)
        ids["new"] = page_kernel_id(reloaded)
        started = time.monotonic()
        wait_until(lambda: set(server.kernel_processes()) == {ids["reading"], ids["new"]}, 60,
                   "the kernels of the closed and reloaded pages to go")
        TRIED["kernels of closed pages reclaimed"] += 2
        print(f"closed pages' kernels gone after {time.monotonic() - started:.0f} s")
        reading.context.close()         # the browser is gone for this one
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
