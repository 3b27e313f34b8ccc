"""The report for the primary doctor: one self-contained HTML page that sums up the case.

`report_html(case)` builds it from the case (`sonb.pdf.write_report` saves it as .html or
.pdf). Each doctor's part holds every answer of their form (`sonb.binding.OPINION`, walked by
`sonb.printable.form_items`, the walk the printed forms use), grouped as the form groups
them; the patient's own questions and the questions still open follow, one list per doctor.
Every value reaches the HTML through Jinja2's autoescape (`sonb/templates/`, see
`sonb.render`); the text around the values is in `sonb/data/report.json`. A name that the
report puts beside other words goes through `sonb.safe.isolate` (or `fill`'s <bdi>), so a
right-to-left name keeps its place. The page loads nothing: the CSS is inline, and there are
no scripts, images, web fonts or links; a Content-Security-Policy says so to browsers as well.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from . import about
from . import binding as B
from . import compare
from . import plan as plans
from . import i18n
from . import questionnaire as qn
from . import readiness
from ._datafiles import texts
from .assessment import assess
from .fit_chart import fit_chart_html
from .model import DECISION_KIND_LABELS, ROLE_LABELS, Case, Clinician, Opinion, Role
from .printable import FormItem, form_items
from .questionnaire import is_blank
from .render import _date, _render, _words, _yes_no, fill
from .safe import isolate

COMPARE_COLUMNS = 3  # doctors per comparison table: more would not fit a printed page
FIT_COLUMNS = 4  # choices per "what matters" table
OWN = "my_questions"  # the patient's own questions on each form (a repeating text)
OWN_ANSWERED = "my_questions_answered"  # what the doctor said to them


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


@dataclass(frozen=True)
class Answer:
    """One answered question of a form: its text and what was answered (a list when the
    question takes more than one answer)."""

    question: str
    said: list[Cell]
    listed: bool = False


@dataclass(frozen=True)
class Block:
    """Answers under one heading: the form's group (None: the form's first questions)."""

    heading: str | Markup | None
    level: int  # 0: the doctor's own heading is above; 1: a group; 2: a group in a group
    answers: list[Answer]


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
        judgements=_judgements(case),
        guidance=compare.guidance(case),
        matters=_matters_tables(case),
        fit_chart=Markup(fit_chart_html(case, report=True)),  # escaped by sonb.fit_chart
        readiness=_readiness_table(case),
        readiness_change=readiness.change(case, report=True),
        readiness_help=readiness.help_for(case, report=True),
        deciding=_deciding(case),
        people=_people_table(case),
        choice=_choice(case),
        unanswered=_follow_ups(case),
        own_questions=_own_questions(case),
        checklist=_checklist_table(case, today),
        warnings=_warnings(case, today),
        about_line=about.report_line(),
    )


def _clinician_label(clinician: Clinician) -> str:
    """'Name (role)', the name isolated so that a right-to-left name stays before its role."""
    return texts("aspects")["clinician_label"].format(name=isolate(clinician.name),
                                                       role=ROLE_LABELS[clinician.role])


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


def _form_of(case: Case, opinion: Opinion) -> tuple[dict, dict]:
    """The doctor's form (`sonb.binding.OPINION`) and this opinion's answers. An earlier
    opinion of the same doctor is read on its own, so its answers are not lost."""
    latest = case.opinion_of(opinion.clinician_id)
    seen = case if latest is opinion else case.model_copy(update={"opinions": [opinion]})
    return B.OPINION.form(seen, opinion.clinician_id), B.OPINION.read(seen, opinion.clinician_id)


def _opinion(case: Case, opinion: Opinion) -> dict:
    """One doctor's part: every answer of their form but their own questions (which have a
    part of their own), grouped as the form groups them; then answers kept from a form used
    before."""
    words = _words()["report"]["opinion"]
    form, answers = _form_of(case, opinion)
    answers = {k: v for k, v in answers.items() if k not in (OWN, OWN_ANSWERED)}
    options = {f"{o.id}.group": o for o in case.options}

    def heading(group: FormItem) -> str | Markup:
        option = options.get(group.link)
        if option is None:
            return group.text
        about = fill(words["about"], option=option.name)
        if option.id == opinion.recommended_option:
            return about + Markup(" ") + words["suggested"]
        return about

    blocks = _blocks(form_items(form, answers, answered_only=True), heading)
    for kind, kept in opinion.set_aside.items():
        earlier = qn.load(qn.FORM_FOR_KIND[kind])
        items = form_items(earlier, kept, answered_only=True)
        if items:
            title = fill(words["set_aside"], form=earlier["title"])
            blocks.append(Block(title, 1, []))
            blocks += _blocks(items, lambda group: group.text, level=2)
    return {"heading": _clinician_label(case.clinician(opinion.clinician_id)), "blocks": blocks}


def _blocks(items: list[FormItem], heading: Callable[[FormItem], str | Markup], level: int = 1,
            title: str | Markup | None = None) -> list[Block]:
    """Answered form items (`form_items(..., answered_only=True)`) as blocks of answers in
    form order: the questions under `title`, then each group under its `heading(group)`."""
    found: list[Block] = []
    answers: list[Answer] = []
    for item in items:
        if item.kind == "question":
            answers.append(Answer(item.text, [Cell(text, user=True) for text in item.said],
                                  listed=item.repeats or len(item.said) > 1))
            continue
        if answers:
            found.append(Block(title, level - 1, answers))
            answers, title = [], None  # questions after a group: no heading of their own
        found += _blocks(item.items, heading, level + 1, heading(item))
    if answers:
        found.append(Block(title, level - 1, answers))
    return found


def _compare_tables(case: Case) -> list[Table]:
    """Each topic compared (general, then choice by choice) with a 'Do they agree?' column that
    counts the patient's own answers, cut to fit the page."""
    words = _words()["report"]
    doctors = list(compare.comparison_table(case).columns)
    rows = []
    for found in compare.compared(case):
        said = {s.who: s.text for s in found.said}
        label = found.label if not found.topic else words["compare_topic"].format(
            option=found.topic, aspect=found.label)
        code = found.status.replace(" ", "-")
        mark = words["status"][found.status]
        if any(p.yours in ("same", "differ") for p in found.pairs):
            mark = words["status_yours"].format(status=mark)
        rows.append(Row(Cell(label, user=bool(found.topic)),
                        [*(_said(said.get(who)) for who in doctors), Cell(mark, css=f"status {code}")],
                        code))
    head = [Cell(words["compare_columns"]["aspect"]), *(Cell(c, user=True) for c in doctors),
            Cell(words["compare_columns"]["status"])]
    return _split(Table(words["compare_caption"], head, rows, "compare"), COMPARE_COLUMNS, last=1)


def _judgements(case: Case) -> list[str]:
    """The patient's own answers to "Did they say the same thing?", as sentences."""
    words = _words()["report"]["judgement"]
    return [words[p.yours].format(topic=p.topic, first=p.first.name, second=p.second.name)
            for p in compare.pairs(case).values() if p.yours in ("same", "differ")]


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
    cells = [_score(fit.iat[o, n], decimal=True) for o in range(len(fit.index))]
    rows.append(Row(Cell(words["score"]), [Cell("", css="empty"), *cells], "total"))
    head = [Cell(words["matters_columns"]["factor"]), Cell(words["matters_columns"]["weight"]),
            *(Cell(o, user=True) for o in fit.index)]
    return _split(Table(words["matters_caption"], head, rows, "matters"), FIT_COLUMNS, first=1)


def _score(value: object, decimal: bool = False) -> Cell:
    """A rating (a whole number) or, with `decimal`, a score as the language writes it."""
    if is_blank(value):
        return Cell(_words()["report"]["not_rated"], css="none")
    return Cell(i18n.decimal(float(value)) if decimal else str(value))


def _readiness_table(case: Case) -> Table:
    words = _words()["report"]
    columns = words["readiness_columns"]
    rows = [
        Row(Cell(item["text"]), [Cell(_yes_no(getattr(answers, item["linkId"]), "not_answered"))
                                 for answers in (case.readiness_before, case.readiness_after)])
        for item in qn.questions(qn.load("readiness"))
    ]
    return Table(words["readiness_caption"], [Cell(text) for text in columns.values()], rows, "readiness")


def _deciding(case: Case) -> list[tuple[str, str]]:
    """How the patient wants to decide, by when, and how far along: (question, answer)."""
    form, deciding = qn.load("deciding"), case.deciding.model_dump(mode="json")
    shown = qn.enabled_items(form, B.DECIDING.read(case, None))
    found = []
    for item in qn.questions(form):
        value = deciding.get(item["linkId"])
        if shown.get(item["linkId"], True) and not is_blank(value):
            if item["type"] == "choice":
                value = qn.choice_codes(item).get(value, {}).get("display", value)
            elif item["type"] == "date":
                value = _date(value)
            found.append((item["text"], value))
    return found


def _people_table(case: Case) -> Table | None:
    """The people who are part of the choice: who, what they would pick, whether they push."""
    if not case.people:
        return None
    words = _words()["report"]
    names = {o.id: o.name for o in case.options}
    rows = [Row(Cell(p.name, user=True),
                [Cell(p.relation, user=True),
                 Cell(names.get(p.prefers, words["not_known"]), user=p.prefers in names),
                 Cell(_yes_no(p.presses, "not_answered"))])
            for p in case.people]
    return Table(words["people_caption"], [Cell(t) for t in words["people_columns"].values()],
                 rows, "people")


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


def _follow_ups(case: Case) -> list[dict]:
    """Per doctor, the questions their form left open (`compare.unanswered_table`), as a note
    the patient can send them."""
    words = _words()["report"]
    found = []
    for clinician in case.clinicians:
        opinion = case.opinion_of(clinician.id)
        if opinion is None:
            continue
        alone = case.model_copy(update={"clinicians": [clinician],
                                        "opinions": [o for o in case.opinions
                                                     if o.clinician_id == clinician.id]})
        table = compare.unanswered_table(alone)  # this doctor's rows only: no label to match
        questions = [question for _who, question, *_ in table.itertuples(index=False)]
        if not questions:
            continue
        hello = fill(words["follow_up_dated"], date=_date(opinion.date)) if opinion.date \
            else words["follow_up"]
        found.append({"name": _clinician_label(clinician), "hello": hello, "questions": questions})
    return found


def _own_questions(case: Case) -> list[dict]:
    """The patient's own questions on each doctor's form, and what the doctor said to them."""
    found = []
    for opinion in case.opinions:
        _form, answers = _form_of(case, opinion)
        asked = [str(text) for text in qn.values_of(answers.get(OWN))]
        if asked:
            said = answers.get(OWN_ANSWERED)
            found.append({"name": _clinician_label(case.clinician(opinion.clinician_id)),
                          "asked": asked, "said": None if is_blank(said) else str(said)})
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
