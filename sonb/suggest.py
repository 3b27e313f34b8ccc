"""Other kinds of professional a patient could ask, chosen from `data/other_professionals.csv`.

Each row names one professional for one kind of decision (`kind`: surgery, new_medicine,
medical_test, special_treatment, or any) and one `topic`. The words looked at are the case's
decision, the diagnoses and the options' names. A row fits when

- one of its `keywords` phrases is found,
- one of its `require` phrases is found too (when it has any), and
- none of its `exclude` phrases is found.

Phrases are `|`-separated and may have several words: a phrase is found when its words, stemmed
by `sonb.words`, come one after the other in the stemmed words of the case ("gastric bypass"
is found in "Gastric bypass surgery?", "knee" is not found in "kneel"). A phrase `@topic` is
found when a row of that topic (of any kind) fits, so `exclude=@child` keeps adult care out of
a child's decision; a topic must not refer back to itself. Word senses live in the table, as phrases and exclusions, not here.

The fitting rows come first by how many of their keywords are found; a row found less than half
as often as the best one is a side remark and is left out ("hip muscles" in a back-pain case). When no topical row fits,
the general rows (no keywords, generic wording) of the case's kind are used, else those of kind
`any`. Rows with keywords `*` (a pharmacist for every new medicine) are always added.
"""

from __future__ import annotations

from functools import cache

from ._datafiles import table, texts
from .model import Case
from .words import words

TABLE = "other_professionals"


def suggested_professionals(case: Case) -> list[str]:
    """Lines "{professional}. {why}" naming other kinds of professional to ask, each one once."""
    kind = case.kind.value if case.kind is not None else None
    rows = [r for r in table(TABLE) if kind is None or r["kind"] in (kind, "any")]
    about = _About(" ".join([case.decision, *(op.diagnosis for op in case.opinions),
                             *(o.name for o in case.options)]))
    topical = [r for r in rows if r["keywords"] not in ("", "*") and about.fits(r)]
    best = max((about.found(r["keywords"]) for r in topical), default=0)
    chosen = sorted((r for r in topical if 2 * about.found(r["keywords"]) >= best),
                    key=lambda r: -about.found(r["keywords"]))
    if not chosen:
        general = [r for r in rows if not r["keywords"]]
        chosen = [r for r in general if r["kind"] == kind] or [r for r in general if r["kind"] == "any"]
    chosen += [r for r in rows if r["keywords"] == "*" and r["kind"] in (kind, "any")]
    template = texts("aspects")["suggestion"]
    lines: dict[str, str] = {}
    for row in chosen:
        lines.setdefault(row["professional"], template.format(**row))
    return list(lines.values())


class _About:
    """The stemmed words of one case's text, and which phrases and rows they fit."""

    def __init__(self, text: str):
        self.text = f" {' '.join(words(text))} "

    def has(self, phrase: str) -> bool:
        if phrase.startswith("@"):
            return any(self.fits(r) for r in table(TABLE) if r["topic"] == phrase[1:])
        return f" {phrase} " in self.text

    def found(self, cell: str) -> int:
        """How many of the phrases of a cell 'a|b c|@topic' are found."""
        return sum(self.has(p) for p in _phrases(cell))

    def fits(self, row: dict[str, str]) -> bool:
        return (self.found(row["keywords"]) > 0
                and (not row["require"] or self.found(row["require"]) > 0)
                and not self.found(row["exclude"]))


@cache
def _phrases(cell: str) -> tuple[str, ...]:
    """'Gastric bypass|@child' -> ('gastric bypass', '@child'): phrases as stemmed words."""
    parts = (p.strip() for p in cell.split("|"))
    phrases = (p if p.startswith("@") else " ".join(words(p)) for p in parts)
    return tuple(p for p in phrases if p)
