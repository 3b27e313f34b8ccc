"""Did two doctors say the same thing? A careful verdict on two short texts.

`same_meaning(a, b)` returns a `Verdict`: `same` (the same thing in other words), `differ` (a
real difference: a conflicting side, stage, type, grade, risk, benign/malignant, a negation,
another body part or clearly another condition) or `check` (sonb cannot tell: ask the patient).
A wrong `same` is worse than a `check`, so `same` needs every word of meaning to match.

What it knows is data a clinician can review: names that mean the same thing
(`sonb/data/same_meaning.csv`: "high blood pressure" = "hypertension" = "HTN") and the words
that qualify a finding (`sonb/data/qualifiers.json`). Words are compared by their stems
(`sonb.words`), so plurals and word forms meet; spine levels (L4-5, L4/L5, L4-L5) and numbers
(stage II = stage 2) are written one way first. A misspelt word matches a known word when one
edit (rapidfuzz's OSA distance) turns one into the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ._datafiles import table, texts
from .words import plain, stem, words

SAME, DIFFER, CHECK = "same", "differ", "check"
ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6"}
ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4"}
_LEVEL_RANGE = re.compile(r"\b([cltsd])\s?(\d{1,2})\s*(?:-|/|to|\s)\s*([cltsd])?\s?(\d{1,2})\b")
_LEVEL_SPACED = re.compile(r"\b([cltsd])(\d{1,2})\s+([cltsd])(\d{1,2})\b")
_LEVEL_WORD = re.compile(r"^[cltsd]\d{1,2}(?:[cltsd]\d{1,2})?$")
LONG = 12  # words: in a longer text, only a FIRM difference is sure enough to say "differ"
SHORT = 8  # words: only in a short text ("no fracture") is a negation read as a difference
FIRM = {"side", "nature", "spine level", "stage", "type", "grade"}
_THOUSANDS = re.compile(r"(\d),(\d{3})\b")
_CLAUSE = re.compile(r"[.;:,()\[\]!?\n]+")


@dataclass(frozen=True)
class Verdict:
    """`kind`: same / differ / check; `why`: what decided it (a qualifier group such as
    "side" or "stage", "negation", "condition", "words", "extra words", "spelling"...)."""

    kind: str
    why: str


@dataclass
class Reading:
    """What one text says, reduced for comparison."""

    core: set[str] = field(default_factory=set)      # words of meaning that are not qualifiers
    negated: set[str] = field(default_factory=set)   # words and qualifiers said not to be there
    said: set[str] = field(default_factory=set)      # every word and qualifier said to be there
    groups: dict[str, set[str]] = field(default_factory=dict)  # qualifier group -> values
    known: bool = False                               # holds a name from the table
    unknown: bool = False                             # holds a word that is not a whole name
    respelt: bool = False                             # a misspelt word was read as a known one


# -- the data, read once ----------------------------------------------------------------------

def _phrase(text: str) -> tuple[str, ...]:
    return tuple(_romans(words(_levels(plain(text)))))


@cache
def _names(whole: bool) -> dict[tuple[str, ...], tuple[str, ...]]:
    """stemmed name -> the words it is read as: its row's first name. `whole`: a name of
    several words is read as one token standing for the whole name ("kidney stone" is then
    never "kidney" + "stone")."""
    found = {}
    for row in table("same_meaning"):
        name = _phrase(row["name"])
        read_as = ("#" + " ".join(name),) if whole and len(name) > 1 else name
        for other in (row["name"], *row["also"].split("|")):
            if other.strip():
                found[_phrase(other)] = read_as
    return found


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = texts("qualifiers")
    groups = {
        _phrase(p): (group, value)
        for group, values in data["groups"].items()
        for value, phrases in values.items() for p in phrases
    }
    groups.update({_phrase(p): ("site", " ".join(_phrase(p))) for p in data["sites"]})
    before = {_phrase(p) for p in data["negation_before"]}
    after = {_phrase(p) for p in data["negation_after"]}
    filler = {stem(w) for w in data["filler"]}
    known = frozenset(w for phrase in _names(False) for w in phrase)
    vocabulary = known | {w for phrase in (*groups, *before, *after) for w in phrase} | filler
    whole_names = frozenset(t[0] for t in _names(True).values() if len(t) == 1)
    findings = frozenset(w for phrase in _names(False) for w in phrase) - filler
    return {"groups": groups, "whole_names": whole_names, "findings": findings, "numbered": {stem(w) for w in data["numbered"]},
            "before": before, "after": after, "breaks": {stem(w) for w in data["clause_breaks"]},
            "filler": filler, "vocabulary": frozenset(vocabulary),
            "names": tuple(sorted(w for w in known if w.isalpha()))}


# -- reading one text ---------------------------------------------------------------------------

def _levels(text: str) -> str:
    """Spine levels written one way: 'L4-5', 'L4/L5', 'L4 L5', 'l4 - l5' -> 'l4l5'."""
    text = _LEVEL_SPACED.sub(lambda m: f" {m[1]}{m[2]}{m[3]}{m[4]} ", text)
    return _LEVEL_RANGE.sub(lambda m: f" {m[1]}{m[2]}{m[3] or m[1]}{m[4]} ", text)


@lru_cache(maxsize=1)
def _numbered() -> frozenset[str]:
    return frozenset(stem(w) for w in texts("qualifiers")["numbered"])


def _romans(seq: list[str]) -> list[str]:
    """Roman numerals as digits: after a numbered word ('stage ii'), or 'ii' to 'vi' alone."""
    numbered = _numbered()
    return [ROMAN[w] if w in ROMAN and (i and seq[i - 1] in numbered or w not in ("i", "v"))
            else w for i, w in enumerate(seq)]


def _respell(seq: list[str], rules: dict) -> tuple[list[str], bool]:
    """Unknown words of six letters or more read as the one known name's word one edit away."""
    out, changed = [], False
    for word in seq:
        if len(word) >= 6 and word.isalpha() and word not in rules["vocabulary"]:
            near = process.extract(word, rules["names"], scorer=OSA.distance, score_cutoff=1, limit=2)
            if len(near) == 1 and len(near[0][0]) >= 6:
                out.append(near[0][0])
                changed = True
                continue
        out.append(word)
    return out, changed


def _longest(seq: list[str], i: int, phrases) -> tuple[str, ...] | None:
    for n in range(min(8, len(seq) - i), 0, -1):
        if tuple(seq[i:i + n]) in phrases:
            return tuple(seq[i:i + n])
    return None


def _canonical(seq: list[str], whole: bool) -> tuple[list[str], bool]:
    """Names from the table replaced by what they are read as; True when one was found."""
    names, out, i, known = _names(whole), [], 0, False
    while i < len(seq):
        hit = _longest(seq, i, names)
        if hit is None:
            out.append(seq[i])
            i += 1
        else:
            out.extend(names[hit])
            known = True
            i += len(hit)
    return out, known


@lru_cache(maxsize=4096)
def read(text: str, whole: bool = True) -> Reading:
    """The meaning of one short text, as sonb compares it. `whole`: names of several words
    from the table are read as one token (else as their words)."""
    rules, reading = _rules(), Reading()
    for clause in _CLAUSE.split(_THOUSANDS.sub(r"\1\2", _levels(plain(text)))):
        seq, respelt = _respell(_romans(words(clause)), rules)
        seq, known = _canonical(seq, whole)
        reading.known |= known
        reading.respelt |= respelt
        _read_clause(seq, rules, reading)
    return reading


def _qualifier(seq: list[str], i: int, rules: dict) -> tuple[tuple[str, str], int] | None:
    """A qualifier at seq[i]: ((group, value), words used), or None."""
    word, nxt = seq[i], seq[i + 1] if i + 1 < len(seq) else ""
    if word in rules["numbered"] and (nxt[:1].isdigit() or len(nxt) == 1 and nxt.isalpha()):
        return (word, nxt), 2
    if word in ORDINAL and nxt == stem("degree"):
        return (nxt, ORDINAL[word]), 2
    if _LEVEL_WORD.match(word):
        return ("spine level", word), 1
    if word.isdigit():
        return ("number", word), 1
    group = _longest(seq, i, rules["groups"])
    return (rules["groups"][group], len(group)) if group is not None else None


def _read_clause(seq: list[str], rules: dict, reading: Reading) -> None:
    negating, i, kept = False, 0, []  # kept: (word or (group, value), negated)
    while i < len(seq):
        if seq[i] in rules["breaks"]:
            negating, i = False, i + 1
            continue
        before, after = _longest(seq, i, rules["before"]), _longest(seq, i, rules["after"])
        if before is not None and len(before) >= len(after or ()):
            negating, i = True, i + len(before)
            continue
        if after is not None:  # "fracture ruled out": what came before is negated
            kept = [(w, True) for w, _ in kept]
            i += len(after)
            continue
        found = _qualifier(seq, i, rules)
        if found is not None:
            kept.append((found[0], negating))
            i += found[1]
            continue
        kept.append((seq[i], negating))
        i += 1
    for item, negated in kept:
        if isinstance(item, tuple):
            group, value = item
            (reading.negated if negated else reading.said).add(f"{group}={value}")
            if not negated:
                reading.groups.setdefault(group, set()).add(value)
        elif item not in rules["filler"]:
            (reading.negated if negated else reading.said).add(item)
            if not negated:
                reading.core.add(item)
                reading.unknown |= not item.startswith("#") and item not in rules["whole_names"]


# -- comparing two texts ------------------------------------------------------------------------

def same_meaning(a: str, b: str) -> Verdict:
    """Whether two short texts say the same thing: see the module docstring.

    Each text is read twice: with the table's names as whole tokens ("kidney stone" is not
    "gallstone") and as their words ("lung cancer" is "cancer of the lung"). The same words
    either way are the same; else a difference either way is a difference."""
    if plain(a).split() == plain(b).split():
        return Verdict(SAME, "same words")
    short = max(len(a.split()), len(b.split())) <= SHORT
    verdicts = [_compare(read(a, whole), read(b, whole), short) for whole in (True, False)]
    same = [v for v in verdicts if v.kind == SAME]
    differ = [v for v in reversed(verdicts) if v.kind == DIFFER]  # the words name the qualifier
    found = (same or differ or verdicts)[0]
    if found.kind == DIFFER and found.why not in FIRM and max(len(a.split()), len(b.split())) > LONG:
        return Verdict(CHECK, f"long text ({found.why})")
    return found


_ONE_LEVEL = re.compile(r"[cltsd]\d{1,2}")


def _overlap(group: str, a: set[str], b: set[str]) -> bool:
    """Whether two sets of values of a group share one. A single spine level meets a range that
    ends at it (the L4-L5 disc presses on the L5 nerve); two ranges meet only when equal."""
    if a & b:
        return True
    if group != "spine level":
        return False
    return bool(_singles(a) & _ends(b) or _singles(b) & _ends(a))


def _ends(levels: set[str]) -> set[str]:
    """The end levels of the ranges among `levels` ("l4l5" -> "l4", "l5")."""
    return {end for v in levels if len(found := _ONE_LEVEL.findall(v)) == 2 for end in found}


def _singles(levels: set[str]) -> set[str]:
    return {v for v in levels if len(_ONE_LEVEL.findall(v)) == 1}


def _compare(ra: Reading, rb: Reading, short: bool) -> Verdict:
    conflict = (ra.negated - ra.said) & rb.said | (rb.negated - rb.said) & ra.said
    if conflict:  # a difference only when a finding is denied in a short text: "no fracture"
        findings = {w for w in conflict if w.startswith("#") or "=" in w or w in _rules()["findings"]}
        return Verdict(DIFFER if short and findings else CHECK, "negation")
    for group in sorted(set(ra.groups) & set(rb.groups)):
        if not _overlap(group, ra.groups[group], rb.groups[group]):
            return Verdict(DIFFER, group)
    only_a, only_b = ra.core - rb.core, rb.core - ra.core
    if only_a and only_b and not ra.core & rb.core and not (ra.unknown or rb.unknown):
        return Verdict(DIFFER, "condition")
    if ra.groups != rb.groups:
        return Verdict(CHECK, "qualifier")
    if ra.negated != rb.negated:
        return Verdict(CHECK, "negation on one side")
    if only_a or only_b:
        return Verdict(CHECK, "extra words" if not (only_a and only_b) else "words")
    return Verdict(SAME, "spelling" if ra.respelt or rb.respelt else "words")
