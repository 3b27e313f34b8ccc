"""Words of free text as sonb compares them: one tokenizer for matching meaning and topics.

`words("Herniated discs at L4-5")` -> `["herniat", "disc", "at", "l4", "5"]`: Unicode-
normalized, casefolded, split into runs of letters or digits (letters and digits stay together
as in "l4"), each word reduced to its stem by the Snowball English stemmer (so plurals and word
forms meet: "stones"/"stone", "herniated"/"herniation").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def plain(text: str) -> str:
    """Unicode-normalized (NFKC) and casefolded, with curly quotes and dashes made plain."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return text.translate(_PLAIN)


_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u2011": "-"})


def tokens(text: str) -> list[str]:
    """The words of `text`, plain but not stemmed, in order ("don't" -> "don", "t")."""
    return _WORD.findall(plain(text))


def stem(word: str) -> str:
    """The stem of one plain word ("stones" -> "stone"); words with digits stay as they are."""
    if any(ch.isdigit() for ch in word):
        return word
    return _stem(word)


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """The stemmed words of `text`, in order."""
    return [stem(w) for w in tokens(text)]
