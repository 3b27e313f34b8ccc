"""The clinic's tests: a real JupyterHub with real Unix accounts, driven over HTTP.

They need root, because the clinic makes Unix accounts (LocalProcessSpawner runs each server
as its account); `./run test` runs as root in CI and installs the clinic's software first.
Each hub here listens on a free loopback port, has accounts with random names of its own,
and is stopped, with its accounts and folders removed, when its tests end.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "browser"))  # page_client

from hub_client import Clinic, install
from voila_browser import browser  # noqa: F401  (the browser tests' Chromium)


def pytest_collection_modifyitems(items):
    if os.geteuid() != 0:
        reason = ("the clinic creates Unix accounts and runs servers as them, which needs root "
                  "(CI runs ./run test as root)")
        for item in items:
            if "tests/clinic/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def installed():
    install()


@pytest.fixture(scope="module")
def clinic_folder():
    """A folder every account can pass through (pytest's own temporary folder is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="sonb-clinic-test-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def clinic(installed, clinic_folder):
    """A clinic with two patients and a navigator, room for every server, a long idle time."""
    env = {"SONB_CLINIC_MAX_SERVERS": "10", "SONB_CLINIC_IDLE_TIMEOUT": "900"}
    with Clinic(clinic_folder / "data", env=env) as c:
        yield c
