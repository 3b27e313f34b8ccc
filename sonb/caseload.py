"""The navigator's caseload: one row per shared case, saying where the patient is and what
needs attention first, a chart of the week's visits, and the list as CSV (JupyterLab).

Every function is pure: it reads `Entry`s (or the table) and a `today`. A case is named by
`sonb.store.log_ref`, never by its id: the id is the patient's resume code. Labels are in
sonb/data/caseload.json; text cells keep what people typed (escaping is the renderer's job,
except in `visits_chart_html`, which escapes everything itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import compare
from ._datafiles import texts
from .meaning import CHECK, DIFFER
from .model import Case, Role
from .plan import warnings
from .questionnaire import is_blank
from .safe import esc, isolate
from .store import log_ref

STEPS = 6
COLUMNS = ("patient", "case", "decision", "step", "step_name", "done", "next_visit", "warnings",
           "warning_count", "open_questions", "doctors_differ", "changed_by", "updated", "attention")
"""The keys of the caseload's columns, in order (their labels: caseload.json's `columns`)."""
URGENT, CAUTION, DIFFERS, OPEN = 8, 4, 2, 1
"""What each kind of trouble adds to `attention`: any one outranks all those after it."""
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is a formula to a spreadsheet: it gets a "'" first."""

_INT = ("step", "warning_count", "open_questions", "attention")
_BOOL = ("done", "doctors_differ")


@dataclass(frozen=True)
class Entry:
    """One shared case, whose patient it is, and who saved its latest revision ("": the
    patient)."""

    patient: str
    case: Case
    changed_by: str = ""


def label(key: str) -> str:
    """The label of the column `key` (one of COLUMNS)."""
    return texts("caseload")["columns"][key]


def row_key(entry: Entry) -> str:
    """The row's stable key: "<patient>/<case ref>"."""
    return f"{entry.patient}/{log_ref(entry.case.id)}"


def is_done(case: Case) -> bool:
    """The patient made their choice (an option, or something else in their own words)."""
    return case.choice.option is not None or bool(case.choice.other.strip())


def step_of(case: Case) -> int:
    """Where the patient is: the app's first step (1-6) not done yet, from the case itself.

    1 Assess: no answer to the assessment yet. 2 Second doctor: no clinician has the role
    "second opinion". 3 Get ready: no visit date. 4 Visit notes: fewer than two doctors'
    opinions, or none from a second-opinion doctor (nothing to compare yet). 5 Compare: some
    aspect is still "check" (sonb cannot tell whether two doctors say the same, and the
    patient has not said). 6 Decide: everything else; a case whose choice is made is 6 at
    once (and `is_done`).
    """
    if is_done(case):
        return STEPS
    if all(is_blank(v) for v in case.assessment.values()):
        return 1
    second = {c.id for c in case.clinicians if c.role is Role.second_opinion}
    if not second:
        return 2
    if case.plan.visit_date is None:
        return 3
    gave = {op.clinician_id for op in case.opinions}
    if len(gave) < 2 or not gave & second:
        return 4
    if any(c.status == CHECK for c in compare.compared(case)):
        return 5
    return STEPS


def latest(entries: Iterable[Entry]) -> list[Entry]:
    """One entry per case: the one with the highest revision (the last given, on a tie)."""
    found: dict[str, Entry] = {}
    for entry in entries:
        kept = found.get(entry.case.id)
        if kept is None or entry.case.revision >= kept.case.revision:
            found[entry.case.id] = entry
    return list(found.values())


def _row(entry: Entry, today: dt.date) -> dict:
    case = entry.case
    found = warnings(case.plan, today)
    levels = {w.level for w in found}
    differ = any(c.status == DIFFER for c in compare.compared(case))
    open_questions = len(compare.unanswered_table(case))
    step = step_of(case)
    attention = (URGENT * ("urgent" in levels) + CAUTION * ("caution" in levels)
                 + DIFFERS * differ + OPEN * (open_questions > 0))
    return {"patient": entry.patient, "case": log_ref(case.id), "decision": case.decision,
            "step": step, "step_name": texts("caseload")["steps"][step - 1], "done": is_done(case),
            "next_visit": case.plan.visit_date, "warnings": "; ".join(w.message for w in found),
            "warning_count": len(found), "open_questions": open_questions,
            "doctors_differ": differ, "changed_by": entry.changed_by or texts("caseload")["patient"],
            "updated": case.updated, "attention": attention}


def _order(row: dict, today: dt.date) -> tuple:
    """Most attention first; then the soonest visit still to come (a passed visit, or none,
    comes after every upcoming one); then the latest update."""
    visit = row["next_visit"]
    days = (visit - today).days if visit is not None and visit >= today else float("inf")
    return -row["attention"], days, -row["updated"].timestamp()


def caseload(entries: Iterable[Entry], today: dt.date | None = None):
    """One row per case (the latest revision given), most urgent first, indexed by `row_key`.

    `attention` adds URGENT when a warning of `plan.warnings` is urgent (a visit within a week
    with its records not confirmed...), CAUTION for a cautionary one, DIFFERS when the doctors
    differ on some aspect, OPEN when a doctor left a question unanswered: rows sort by it,
    then by the soonest upcoming visit, then by the latest update."""
    import pandas as pd

    today = today or dt.date.today()
    rows = sorted(((_row(e, today), row_key(e)) for e in latest(entries)),
                  key=lambda pair: (*_order(pair[0], today), pair[1]))
    frame = pd.DataFrame([row for row, _ in rows], columns=list(COLUMNS),
                         index=pd.Index([key for _, key in rows], name=texts("caseload")["index"]))
    frame = frame.astype({**dict.fromkeys(_INT, "int64"), **dict.fromkeys(_BOOL, "bool")})
    frame["next_visit"] = pd.to_datetime(frame["next_visit"])
    frame["updated"] = pd.to_datetime(frame["updated"], utc=True)
    return frame.rename(columns=label)


def filter_caseload(table, text: str = "", needs_attention: bool = False, step: int | None = None):
    """The rows whose patient or decision holds `text` (any case, taken literally), that need
    attention (`attention` above 0) and are at `step`, when asked."""
    import pandas as pd

    keep = pd.Series(True, index=table.index)
    text = text.strip()
    if text:
        keep &= pd.concat([table[label(k)].astype("string").str.contains(text, case=False, regex=False)
                           for k in ("patient", "decision")], axis=1).any(axis=1)
    if needs_attention:
        keep &= table[label("attention")] > 0
    if step is not None:
        keep &= table[label("step")] == step
    return table[keep.astype(bool)]


# -- the week's visits ----------------------------------------------------------------------

def _week(table, today: dt.date) -> list[tuple[dt.date, list[str]]]:
    """(day, its visits' patients) for Monday to Sunday of today's week."""
    start = today - dt.timedelta(days=today.weekday())
    visits = [(v.date(), p) for v, p in zip(table[label("next_visit")], table[label("patient")])
              if not is_blank(v)]
    days = [start + dt.timedelta(days=n) for n in range(7)]
    return [(day, [p for v, p in visits if v == day]) for day in days]


def visits_this_week(table, today: dt.date):
    """One row per day of today's week (Monday to Sunday): the day, how many visits, and whose
    (joined with "; ")."""
    import pandas as pd

    words = texts("caseload")["week"]
    cols = words["columns"]
    week = _week(table, today)
    return pd.DataFrame({cols["day"]: words["days"],
                         cols["visits"]: [len(who) for _, who in week],
                         cols["patients"]: ["; ".join(who) for _, who in week]},
                        index=pd.Index([day for day, _ in week], name=cols["date"]))


_ROW_STYLE = ("display: grid; grid-template-columns: minmax(9em, 14em) 1fr 6em 2fr; gap: 8px; "
              "align-items: center; margin: 2px 0")
_TRACK_STYLE = "display: block; height: 18px; background: #e4e9ef; border-radius: 3px"
_FILL_STYLE = "display: block; height: 100%; background: #1f5f8b; border-radius: 3px"


def _count(n: int) -> str:
    words = texts("caseload")["week"]
    return words["none"] if n == 0 else words["one"] if n == 1 else words["count"].format(count=n)


def visits_chart_html(table, today: dt.date) -> str:
    """The week's visits as an accessible bar chart: each day's count and patients as text,
    the bars hidden from screen readers, today marked. Every text is escaped; styles are
    inline (no stylesheet, no script, no other host)."""
    words = texts("caseload")["week"]
    week = _week(table, today)
    most = max(1, *(len(who) for _, who in week))
    items = []
    for (day, who), name in zip(week, words["days"]):
        text = words["day"].format(day=name, date=day.isoformat())
        current = day == today
        if current:
            text = words["today"].format(label=text)
        marked = ' aria-current="date"' if current else ""
        bold = ' style="font-weight: 600"' if current else ""
        items.append(
            f'<li class="sonb-bar"{marked} style="{_ROW_STYLE}">'
            f'<span class="sonb-bar-label"{bold}>{esc(text)}</span>'
            f'<span class="sonb-bar-track" aria-hidden="true" style="{_TRACK_STYLE}">'
            f'<span class="sonb-bar-fill" style="{_FILL_STYLE}; width: {100 * len(who) / most:.0f}%">'
            f'</span></span><span class="sonb-bar-value">{esc(_count(len(who)))}</span>'
            f'<span class="sonb-visits-who">{esc(", ".join(isolate(p) for p in who))}</span></li>')
    caption = words["caption"].format(start=week[0][0].isoformat(), end=week[-1][0].isoformat())
    return (f'<figure class="sonb-visits" style="margin: 8px 0 16px">'
            f'<figcaption style="font-weight: 600; margin-bottom: 6px">{esc(caption)}</figcaption>'
            f'<ul class="sonb-bars" style="list-style: none; margin: 0; padding: 0">{"".join(items)}'
            f'</ul></figure>')


# -- CSV ----------------------------------------------------------------------------------

def _defuse(value):
    """A text cell a spreadsheet would run as a formula, with a "'" first."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_bytes(table) -> bytes:
    """The table (its row key first) as UTF-8 CSV with a header; formula-like cells defused."""
    flat = table.reset_index()
    for column in flat.columns:
        if flat[column].dtype == object or str(flat[column].dtype) in ("str", "string"):
            flat[column] = flat[column].map(_defuse)
    return flat.to_csv(index=False, lineterminator="\n").encode("utf-8")


def to_csv(table, path) -> Path:
    """Write `csv_bytes(table)` to `path`; the path written."""
    path = Path(path)
    path.write_bytes(csv_bytes(table))
    return path


def clinic_entries(root=None) -> list[Entry]:
    """Every case shared with the clinic now (sonb.sharing; `root` defaults to
    SONB_CLINIC_SHARED), each with who saved its latest revision."""
    from .sharing import shared_cases

    entries = []
    for shared in shared_cases(root):
        history = shared.history()
        entries.append(Entry(shared.patient, shared.load(), history[-1].author if history else ""))
    return entries


def caseload_of_clinic(root=None, today: dt.date | None = None):
    """The caseload of every case shared with the clinic now."""
    return caseload(clinic_entries(root), today)
