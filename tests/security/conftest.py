"""Security tests: the served surface, hostile text, case files and faults.

The browser harness (VoilaServer, Watch, open_app, the `browser` fixture) is the one in
tests/browser/voila_browser.py, loaded under the same module name tests/browser uses, so a run
of both folders shares one module and one Chromium; the page helpers come from
tests/browser/sonb_ui.py. Every server these
tests start has its own temporary SONB_HOME and is stopped by the test that started it.

What the tests tried (payloads x fields, hypothesis examples, faults injected, URLs probed) is
counted in `TRIED` and printed at the end of the run, so SECURITY.md can quote measured counts.
"""

from __future__ import annotations

import importlib.util
import json
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

BROWSER_DIR = Path(__file__).resolve().parents[1] / "browser"


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


harness = _load("voila_browser", BROWSER_DIR / "voila_browser.py")

VoilaServer = harness.VoilaServer
Watch = harness.Watch
open_app = harness.open_app
DESKTOP = harness.DESKTOP
browser = harness.browser  # the session's Chromium (a fixture)

TRIED: Counter = Counter()
"""What was tried, by kind; printed at the end of the run (see pytest_terminal_summary)."""

WAIT = 60_000  # ms: generous, the machine is shared with other test runs


def sonb_ui():
    """tests/browser/sonb_ui.py (imports Playwright, so only browser tests load it)."""
    return _load("sonb_ui", BROWSER_DIR / "sonb_ui.py")


class Server(VoilaServer):
    """VoilaServer with helpers to find and kill its kernels (a restarted server on the same
    SONB_HOME takes another `name`, so the first one's log stays)."""

    def __init__(self, home: Path, notebook: Path | None = None, *extra: str, name: str = "voila"):
        from sonb.serve import NOTEBOOK

        super().__init__(home, notebook or NOTEBOOK, *extra, name=name, timeout=180)

    def kernel_processes(self) -> dict[str, "psutil.Process"]:  # noqa: F821
        """Running kernels of this server: kernel id -> process (from the connection file)."""
        import psutil

        found = {}
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return found
        for child in children:
            try:
                cmd = " ".join(child.cmdline())
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmd)
            if match and child.status() != psutil.STATUS_ZOMBIE:
                found[match.group(1)] = child
        return found

    def crash(self) -> None:
        """SIGKILL the server (no clean shutdown), then its orphaned kernels and temp folder."""
        import shutil

        kernels = self.kernel_processes()
        folders = {Path(p).parent for k in kernels.values() for p in k.cmdline() if p.endswith(".json")}
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        for kernel in kernels.values():
            try:
                kernel.kill()
            except Exception:  # already gone
                pass
        for folder in folders:  # Voila's connection folder, left behind by the crash
            if folder.name.startswith("voila_"):
                shutil.rmtree(folder, ignore_errors=True)
        self.log.close()


def http(server, path: str, method: str = "GET", timeout: float = 180, source: str | None = None,
         **headers):
    """(status, headers, body bytes) of one request, without following redirects; `source` is
    the client's address (any 127.x.y.z: another client on this machine)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        conn.request(method, path, headers=headers, body=b"" if method == "POST" else None)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def page_kernel_id(page) -> str:
    """The kernel id the page was served with (Voila's #jupyter-config-data)."""
    text = page.locator("#jupyter-config-data").text_content()
    return json.loads(text)["kernelId"]


def wait_until(check, timeout: float, what: str, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    """One standalone Voila with sonb's configuration and its own empty SONB_HOME."""
    server = Server(tmp_path_factory.mktemp("sec-home"))
    yield server
    server.stop()


@pytest.fixture
def app(browser, voila):
    """A fresh page on the app; fails the test on console errors, dialogs or foreign requests."""
    page, watch = open_app(browser, voila)
    yield page, watch
    try:
        watch.check(page)
    finally:
        page.context.close()


def start_new_case(page) -> str:
    """Click "Start a new case"; returns the resume code shown."""
    ui = sonb_ui()
    ui.click(page, "Start a new case")
    ui.wait_for_step(page, 1)
    return ui.resume_code(page)


def pytest_terminal_summary(terminalreporter):
    if TRIED:
        terminalreporter.section("sonb security: what was tried")
        for kind, count in sorted(TRIED.items()):
            terminalreporter.write_line(f"{count:6d}  {kind}")
