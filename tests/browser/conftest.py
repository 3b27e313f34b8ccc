"""Browser tests: real standalone Voila on a free loopback port, headless Debian Chromium.

Every page records console errors, page errors, widget errors and requests to other hosts;
a test fails on any of them (see `watch`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sonb.serve import NOTEBOOK, voila_command, voila_env

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"Voila did not answer at {url} within {timeout} s")


class VoilaServer:
    """A standalone Voila process serving `notebook` with sonb's configuration."""

    def __init__(self, home: Path, notebook: Path = NOTEBOOK, *extra: str):
        self.home, self.port = home, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = voila_env()
        env["SONB_HOME"] = str(home)
        self.log = open(home / "voila.log", "w")
        self.proc = subprocess.Popen(voila_command(notebook, self.port, *extra), env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for_http(self.url + "voila/static/voila.js")
        except TimeoutError:
            self.stop()
            raise

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def log_text(self) -> str:
        return (self.home / "voila.log").read_text(errors="replace")


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("sonb-home"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run ./run test (it installs it) or set CHROMIUM")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Watch:
    """What a page did wrong: console errors, page errors and requests to other hosts."""

    def __init__(self, page, allowed_host: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", self._request)
        self.allowed_host = allowed_host

    def _request(self, request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("data", "blob", "about"):
            return
        if url.hostname != self.allowed_host:
            self.foreign.append(request.url)

    def check(self, page) -> None:
        widget_errors = page.locator(".jupyter-widgets-error-widget").count()
        text = page.locator("body").inner_text()
        assert widget_errors == 0 and "Error displaying widget" not in text, "widget error on page"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, f"console or page errors: {self.errors}"


def open_app(browser, voila, viewport=DESKTOP):
    """A new page on the app, waited until the first widget is usable. Returns (page, watch)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(voila.url, wait_until="domcontentloaded")
    page.wait_for_selector(".sonb-app button", state="visible", timeout=90_000)
    page.wait_for_selector("#loading", state="hidden", timeout=90_000)
    return page, watch


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
