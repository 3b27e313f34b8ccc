"""The "no run of 7 words copied from the guide" check, without the guide itself.

The guide's text is not in this repository. `tests/data/guide_7grams.txt` holds only a
fingerprint of it: the sorted SHA-256 digests (first 16 hex characters) of every run of 7
words in the guide, after `words()` below. `tests/data/make_guide_fingerprint.py` makes that
file with these same functions, so the tests and the generator normalise text identically.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

RUN = 7
DIGEST_CHARS = 16
FINGERPRINT = Path(__file__).resolve().parents[1] / "data" / "guide_7grams.txt"


def words(text: str) -> list[str]:
    """Lower-case words: runs of a-z and apostrophes (everything else separates words)."""
    return re.findall(r"[a-z']+", text.lower())


def runs(text: str, n: int = RUN) -> list[tuple[str, ...]]:
    """Every run of `n` consecutive words of `text`, in order (none if it is shorter)."""
    found = words(text)
    return [tuple(found[i:i + n]) for i in range(len(found) - n + 1)]


def digest(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode("utf-8")).hexdigest()[:DIGEST_CHARS]


def fingerprint_of(text: str) -> list[str]:
    """The fingerprint lines of a text: sorted, unique digests of its 7-word runs."""
    return sorted({digest(run) for run in runs(text)})


@lru_cache(maxsize=1)
def guide_digests() -> frozenset[str]:
    """The guide's fingerprint (lines starting with # are comments)."""
    lines = FINGERPRINT.read_text(encoding="ascii").splitlines()
    found = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    assert found, f"{FINGERPRINT} holds no digests: run tests/data/make_guide_fingerprint.py"
    return found


def copied_runs(text: str) -> list[str]:
    """The 7-word runs of `text` that also occur in the guide (empty when none)."""
    guide = guide_digests()
    return [" ".join(run) for run in runs(text) if digest(run) in guide]
