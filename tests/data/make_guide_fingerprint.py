"""Write tests/data/guide_7grams.txt, the fingerprint of the second-opinion guide.

Run it whenever the guide changes, and commit the new fingerprint:

    .venv/bin/python tests/data/make_guide_fingerprint.py [path/to/second-opinion-guide.txt]

The default path is ../shared/seed/second-opinion-guide.txt beside the checkout. The output
holds no text of the guide: only the sorted SHA-256 digests (first 16 hex characters) of each
run of 7 words, normalised by tests/unit/guide_fingerprint.py (the helper the tests use).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "unit"))

from guide_fingerprint import DIGEST_CHARS, FINGERPRINT, RUN, fingerprint_of  # noqa: E402

DEFAULT_GUIDE = HERE.parents[2] / "shared" / "seed" / "second-opinion-guide.txt"


def main(argv: list[str]) -> int:
    guide = Path(argv[0]) if argv else DEFAULT_GUIDE
    digests = fingerprint_of(guide.read_text(encoding="utf-8"))
    if not digests:
        print(f"{guide} has fewer than {RUN} words: nothing written", file=sys.stderr)
        return 1
    header = [
        f"# Fingerprint of the second-opinion guide: sorted SHA-256 digests (first {DIGEST_CHARS}",
        f"# hex characters) of each run of {RUN} words. Made by tests/data/make_guide_fingerprint.py;",
        "# run it again when the guide changes. Holds no text of the guide.",
    ]
    FINGERPRINT.write_text("\n".join([*header, *digests]) + "\n", encoding="ascii")
    print(f"wrote {len(digests)} digests to {FINGERPRINT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
