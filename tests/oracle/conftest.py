"""The LHC-Forms oracle (lforms.py): one local server, one page in the browser tests' shared
headless Chromium (tests/browser/voila_browser.py), for the whole session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lforms import DIST, VERSION, LFormsPage, Server, installed_version  # noqa: E402
from voila_browser import DESKTOP, Watch, browser  # noqa: E402,F401  (fixture)


@pytest.fixture(scope="session")
def lforms_server():
    if installed_version() != VERSION or not DIST.is_dir():
        pytest.fail(f"LHC-Forms {VERSION} is not installed in {DIST.parents[1]}: run ./run test "
                    f"(it installs it) or set LFORMS_DIR")
    server = Server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lforms(browser, lforms_server):  # noqa: F811 (the fixture imported above)
    """LHC-Forms on one page for the session (lforms.LFormsPage): render(questionnaire,
    response=None), enabled_paths(), all_paths(), response(),
    set_answer(path, text) for text boxes."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    oracle = LFormsPage(page, Watch(page, "127.0.0.1"), lforms_server.url)
    oracle.check()
    yield oracle
    context.close()


@pytest.fixture(autouse=True)
def _lforms_clean(request):
    """A test that used the page fails on any request it made to another host and on any
    console or page error."""
    yield
    if "lforms" in request.fixturenames:
        request.getfixturevalue("lforms").check()
