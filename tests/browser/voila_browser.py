"""The machinery of sonb's browser tests: real standalone Voila on a free loopback port, headless
Debian Chromium, and a watch on what each page does wrong.

Both tests/browser and tests/plain_language use it (their conftest.py import the fixtures
`voila` and `browser` from here). One pytest session starts one Voila server and one Chromium,
however many conftest files ask for them.
"""

from __future__ import annotations

import os
import re
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
APP_WAIT = 90_000  # ms for a page to become usable (a cold kernel plus ~5 MB of JavaScript)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, timeout: float = 120, proc: subprocess.Popen | None = None) -> None:
    """Wait until `url` answers (any status below 500); fail at once if `proc` has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"Voila exited (code {proc.returncode}) before answering at {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"Voila did not answer at {url} within {timeout} s")


class VoilaServer:
    """A standalone Voila process serving `notebook` with sonb's command line, configuration
    and environment (sonb.serve), cases kept in `home`, its output in `home/<name>.log` (a
    restarted server on the same home keeps the first one's log if it has another name)."""

    def __init__(self, home: Path, notebook: Path = NOTEBOOK, *extra: str, name: str = "voila",
                 timeout: float = 120):
        self.home, self.name, self.port = home, name, free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = voila_env()
        env["SONB_HOME"] = str(home)
        self.log_path = home / f"{name}.log"
        self.log = open(self.log_path, "w")
        self.command = voila_command(notebook, self.port, *extra)
        self.proc = subprocess.Popen(self.command, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        try:
            wait_for_http(self.url + "voila/static/voila.js", timeout, proc=self.proc)
        except (TimeoutError, RuntimeError) as exc:
            self.stop()
            raise RuntimeError(f"{exc}\n{self.log_tail()}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, n: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-n:])


# -- one server and one browser per session, shared by every conftest that imports the fixtures
_shared: dict[str, list] = {}  # name -> [object, number of fixtures using it]


def _acquire(name: str, make):
    if name not in _shared:
        _shared[name] = [make(), 0]
    _shared[name][1] += 1
    return _shared[name][0]


def _release(name: str, close) -> None:
    entry = _shared[name]
    entry[1] -= 1
    if entry[1] == 0:
        del _shared[name]
        close(entry[0])


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    server = _acquire("voila", lambda: VoilaServer(tmp_path_factory.mktemp("sonb-home")))
    yield server
    _release("voila", VoilaServer.stop)


def _launch():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run ./run test (it installs it) or set CHROMIUM")
    playwright = sync_api.sync_playwright().start()
    try:
        return playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                      headless=True)
    except Exception:
        playwright.stop()
        raise


def _close(pair) -> None:
    playwright, chromium = pair
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def browser():
    _playwright, chromium = _acquire("browser", _launch)
    yield chromium
    _release("browser", _close)


# -- pages ---------------------------------------------------------------------------------
# Known and accepted (DESIGN.md, measured facts): on page close or reload Voila asks to shut its
# kernel down, and the server refuses (403, no _xsrf); idle culling stops the kernel instead.
KNOWN_CONSOLE_ERRORS = (re.compile(r"status of 403 .*/voila/api/shutdown/[0-9a-f-]+\]$"),)


class Watch:
    """What a page did wrong: console errors, page errors, dialogs and requests to other hosts."""

    def __init__(self, page, allowed_host: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", self._request)
        self.allowed_host = allowed_host

    def _console(self, message) -> None:
        if message.type != "error":
            return
        text = f"{message.text} [{message.location.get('url', '')}]"
        if not any(known.search(text) for known in KNOWN_CONSOLE_ERRORS):
            self.errors.append(text)

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


def wait_for_app(page) -> None:
    """Wait until the app's first widget is usable (after goto or reload)."""
    page.wait_for_selector(".sonb-app button", state="visible", timeout=APP_WAIT)
    page.wait_for_selector("#loading", state="hidden", timeout=APP_WAIT)


def open_app(browser, voila, viewport=DESKTOP, query: str = ""):
    """A new page on the app (`query`, e.g. "?lang=es", added to its address), waited until
    the first widget is usable. Returns (page, watch)."""
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    watch = Watch(page, "127.0.0.1")
    page.goto(voila.url + query, wait_until="domcontentloaded")
    wait_for_app(page)
    return page, watch


# Voila lays the page out in a Lumino panel: the document never grows, the cells' container
# (#rendered_cells) holds the content. A full-page screenshot therefore grows the viewport to
# the content's height first, and puts it back afterwards.
_CONTENT_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('#rendered_cells')].map(e => e.scrollHeight))"""
_SHOWS_ALL = """h => [...document.querySelectorAll('#rendered_cells')].every(e => e.clientHeight >= h - 1)
    && document.documentElement.clientHeight >= h - 1"""
MAX_SHOT_HEIGHT = 16_000  # Chromium's largest texture


def shot(page, name: str) -> Path:
    """A screenshot of the whole page (all of the content, not just the viewport)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = dict(page.viewport_size)
    height = min(page.evaluate(_CONTENT_HEIGHT), MAX_SHOT_HEIGHT)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_function(_SHOWS_ALL, arg=height, timeout=10_000)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path
