"""Widget tests without a browser: set `.value`, call `.click()`, check the case and the page.

Every test gets its own SONB_HOME (a fresh temporary folder), so no test sees another's cases
or touches the user's real data. Helpers to look through a widget tree are in widget_tree.py.
"""

from __future__ import annotations

import ipywidgets as W
import pytest

from sonb import CaseStore


@pytest.fixture(autouse=True)
def sonb_home(tmp_path_factory, monkeypatch):
    """Point SONB_HOME at a fresh temporary folder for this test."""
    home = tmp_path_factory.mktemp("sonb-home")
    monkeypatch.setenv("SONB_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _close_widgets():
    """Forget this test's widgets afterwards (ipywidgets keeps every widget in a registry)."""
    yield
    W.Widget.close_all()


@pytest.fixture
def store(sonb_home):
    """The case store in this test's SONB_HOME."""
    with CaseStore() as opened:
        yield opened


@pytest.fixture
def stored(sonb_home):
    """`stored(case_id)`: the latest revision as a NEW CaseStore on the same folder reads it."""

    def latest(case_id: str):
        with CaseStore(sonb_home) as fresh:
            return fresh.load(case_id)

    return latest
