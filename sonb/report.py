"""The report for the primary doctor: one self-contained HTML page that sums up the case.

`report_html(case)` builds it from the case (`sonb.pdf.write_report` saves it as .html or
.pdf). Every value reaches the HTML through Jinja2's autoescape (`sonb/templates/`, see
`sonb.render`); the text around the values is in `sonb/data/report.json`. The page loads
nothing: the CSS is inline, and there are no scripts, images, web fonts or links; a
Content-Security-Policy says so to browsers as well.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from . import compare, plan as plans, questionnaire as qn
from ._datafiles import texts
from .assessment import assess
from .model import DECISION_KIND_LABELS, ROLE_LABELS, Case, Clinician, Opinion, Role
from .questionnaire import is_blank
from .render import _date, _render, _words, _yes_no, fill

COMPARE_COLUMNS = 3  # doctors per comparison table: more would not fit a printed page
FIT_COLUMNS = 4  # choices per "what matters" table


# -- tables ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One table cell. `user` text gets its own direction (see `direction`) and keeps its
    line breaks."""

    text: str
    user: bool = False
    css: str = ""


@dataclass(frozen=True)
class Row:
    head: Cell
    cells: list[Cell]
    css: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    head: list[Cell]  # the corner cell, then one per column
    rows: list[Row]
    css: str = ""


def _said(value: object) -> Cell:
    """What someone wrote, or 'Not said'."""
    if is_blank(value):
        return Cell(_words()["not_said"], css="none")
    return Cell(str(value), user=True)


def _split(table: Table, size: int, first: int = 0, last: int = 0) -> list[Table]:
    """The table cut into parts of at most `size` columns, as even as can be (4 -> 2 + 2), so
    each part fits a printed page. Every part repeats the row headers and the `first` and
    `last` columns (e.g. a status)."""
    middle = len(table.head) - 1 - first - last
    if middle <= size:
        return [table]
    size = math.ceil(middle / math.ceil(middle / size))
    starts = range(0, middle, size)

    def part(cells: list[Cell], start: int) -> list[Cell]:
        end = len(cells) - last
        return cells[:first] + cells[first + start:min(first + start + size, end)] + cells[end:]

    template = _words()["report"]["part"]
    return [
        Table(
            caption=template.format(caption=table.caption, n=n, total=len(starts)),
            head=[table.head[0], *part(table.head[1:], start)],
            rows=[Row(row.head, part(row.cells, start), row.css) for row in table.rows],
            css=table.css,
        )
        for n, start in enumerate(starts, 1)
    ]


# -- the report -----------------------------------------------------------------------------

def report_html(case: Case, today: dt.date | None = None) -> str:
    """The summary for the primary doctor: one HTML page that loads nothing, ready to print.

    `today` is the date printed as the date made (and used for the checklist's 'in 3 days').
    """
    today = today or dt.date.today()
    words = _words()["report"]
    primary = next((c for c in case.clinicians if c.role is Role.primary), None)
    return _render(
        "report.html.j2",
        t=words,
        made=_date(today),
        primary=primary.name if primary else None,
        decision=case.decision if case.decision.strip() else None,
        kind=DECISION_KIND_LABELS[case.kind] if case.kind else None,
        advice=assess(case.assessment),
        options=[(o.name, o.description) for o in case.options],
        clinicians=_clinicians_table(case),
        opinions=[_opinion(case, op) for op in case.opinions],
        compare=_compare_tables(case) if case.opinions else [],
        guidance=compare.guidance(case),
        matters=_matters_tables(case),
        readiness=_readiness_table(case),
        choice=_choice(case),
        unanswered=_grouped(compare.unanswered_table(case)),
        own_questions=_own_questions(case),
        checklist=_checklist_table(case, today),
        warnings=_warnings(case, today),
    )


def _clinician_label(clinician: Clinician) -> str:
    return texts("aspects")["clinician_label"].format(name=clinician.name, role=ROLE_LABELS[clinician.role])


def _clinicians_table(case: Case) -> Table | None:
    if not case.clinicians:
        return None
    words = _words()["report"]
    columns = words["clinician_columns"]
    rows = [
        Row(Cell(c.name, user=True), [_said(c.specialty), Cell(ROLE_LABELS[c.role]),
                                      _said(c.institution), Cell(_yes_no(c.connected_to_first))])
        for c in case.clinicians
    ]
    return Table(words["clinicians_caption"], [Cell(text) for text in columns.values()], rows, "people")


def _opinion(case: Case, opinion: Opinion) -> dict:
    """One doctor's opinion: the main facts, and what they said about each choice."""
    words = _words()["report"]["opinion"]
    if opinion.recommended_option is None:
        recommended = _said(None)
    else:
        recommended = Cell(case.option(opinion.recommended_option).name, user=True)
    confidence = texts("aspects")["confidence"].get(opinion.confidence)
    facts = [
        (words["date"], _said(_date(opinion.date))),
        (words["diagnosis"], _said(opinion.diagnosis)),
        (words["recommendation"], recommended),
        (words["confidence"], _said(confidence)),
        (words["what_if_wait"], _said(opinion.what_if_wait)),
    ]
    return {"heading": _clinician_label(case.clinician(opinion.clinician_id)),
            "facts": facts, "views": _views(case, opinion)}


def _views(case: Case, opinion: Opinion) -> list[dict]:
    """What the doctor said about each choice, in the case's order; empty answers left out."""
    labels = {a["field"]: a["label"] for a in texts("aspects")["aspects"] if a["source"] == "option"}
    found = []
    for option in case.options:
        view = opinion.views.get(option.id)
        facts = [(labels[name], Cell(text, user=True))
                 for name, text in (view.model_dump().items() if view else ()) if text.strip()]
        if facts:
            found.append({"name": option.name, "suggested": option.id == opinion.recommended_option,
                          "facts": facts})
    return found


def _compare_tables(case: Case) -> list[Table]:
    """The comparison table with a 'Do they agree?' column, cut to fit the page."""
    words = _words()["report"]
    table = compare.comparison_table(case)
    status = compare.agreement(case)["status"]
    rows = []
    for aspect, said in zip(table.index, table.itertuples(index=False)):
        code = status[aspect]
        css = code.replace(" ", "-")
        rows.append(Row(Cell(aspect), [*(_said(v) for v in said),
                                       Cell(words["status"][code], css=f"status {css}")], css))
    head = [Cell(words["compare_columns"]["aspect"]), *(Cell(c, user=True) for c in table.columns),
            Cell(words["compare_columns"]["status"])]
    return _split(Table(words["compare_caption"], head, rows, "compare"), COMPARE_COLUMNS, last=1)


def _matters_tables(case: Case) -> list[Table]:
    """What matters (rows) with its weight, and how well each choice fits it (columns)."""
    factors = case.preferences.factors
    if not factors:
        return []
    words = _words()["report"]
    fit = compare.option_fit(case)
    n = len(factors)
    rows = [
        Row(Cell(fit.columns[i], user=True),
            [Cell(str(f.weight)), *(_score(fit.iat[o, i]) for o in range(len(fit.index)))])
        for i, f in enumerate(factors)
    ]
    for label, col, show in ((words["score"], n, "{:.1f}"), (words["rank"], n + 1, "{}")):
        cells = [_score(fit.iat[o, col], show) for o in range(len(fit.index))]
        rows.append(Row(Cell(label), [Cell("", css="empty"), *cells], "total"))
    head = [Cell(words["matters_columns"]["factor"]), Cell(words["matters_columns"]["weight"]),
            *(Cell(o, user=True) for o in fit.index)]
    return _split(Table(words["matters_caption"], head, rows, "matters"), FIT_COLUMNS, first=1)


def _score(value: object, show: str = "{}") -> Cell:
    if is_blank(value):
        return Cell(_words()["report"]["not_rated"], css="none")
    return Cell(show.format(value))


def _readiness_table(case: Case) -> Table:
    words = _words()["report"]
    columns = words["readiness_columns"]
    rows = [
        Row(Cell(item["text"]), [Cell(_yes_no(getattr(answers, item["linkId"]), "not_answered"))
                                 for answers in (case.readiness_before, case.readiness_after)])
        for item in qn.questions(qn.load("readiness"))
    ]
    return Table(words["readiness_caption"], [Cell(text) for text in columns.values()], rows, "readiness")


def _choice(case: Case) -> dict:
    words = _words()["report"]
    choice = case.choice
    if choice.option is not None:
        chosen = fill(words["choice_option"], name=case.option(choice.option).name)
    elif choice.other.strip():
        chosen = fill(words["choice_other"], text=choice.other)
    else:
        chosen = None
    return {"chosen": chosen, "reasons": choice.reasons if choice.reasons.strip() else None,
            "date": _date(choice.date) or None}


def _grouped(frame) -> list[tuple[str, list[str]]]:
    """A two-column (who, what) table as [(who, [what, ...])], keeping the order."""
    groups: dict[str, list[str]] = {}
    for who, what, *_ in frame.itertuples(index=False):
        groups.setdefault(who, []).append(what)
    return list(groups.items())


def _own_questions(case: Case) -> list[tuple[str, list[str]]]:
    """The patient's own questions from each doctor's form."""
    found = []
    for opinion in case.opinions:
        asked = [q for q in opinion.answers.get("my_questions") or [] if q.strip()]
        if asked:
            found.append((case.clinician(opinion.clinician_id).name, asked))
    return found


def _checklist_table(case: Case, today: dt.date) -> Table:
    data = texts("plan")
    columns, status = data["columns"], data["status"]
    rows = [
        Row(Cell(step.title), [Cell(status[step.status], css=f"status {step.status}"),
                               Cell(_date(step.date)), Cell(step.detail, user=True)])
        for step in plans.checklist(case.plan, today)
    ]
    return Table(_words()["report"]["checklist_caption"], [Cell(c) for c in columns.values()], rows, "checklist")


def _warnings(case: Case, today: dt.date) -> list[tuple[str, str]]:
    levels = _words()["report"]["warning_levels"]
    return [(levels[w.level], w.message) for w in plans.warnings(case.plan, today)]
