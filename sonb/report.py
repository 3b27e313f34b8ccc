"""Reports and printable forms, PDF output, and the case's filled forms as a FHIR Bundle.

- `report_html(case)`: one self-contained HTML page that sums up the case for the primary
  doctor; `write_report(case, path)` saves it as .html or .pdf.
- `forms_html(kind, case, clinician_id)`: the forms to take to a visit, blank or filled in
  from a doctor's answers; `write_forms(path, ...)` saves them.
- `to_pdf(html)`: PDF bytes made by WeasyPrint, which is allowed to fetch nothing.
- `fhir_bundle(case)` / `case_from_fhir_bundle(bundle, case)`: the filled forms as FHIR R4
  QuestionnaireResponses in a `collection` Bundle, and back into a copy of the case.

Every value reaches the HTML through Jinja2's autoescape (templates in `sonb/templates/`);
the few bits of HTML built here go through `sonb.safe.esc`. The text around the values is in
`sonb/data/report.json`. The pages load nothing: the CSS is inline, and there are no scripts,
images, web fonts or links; a Content-Security-Policy says so to browsers as well.

PDF output needs WeasyPrint (`pip install weasyprint`, or the `pdf` extra) and Pango
(Debian/Ubuntu: `apt install libpango-1.0-0 libpangoft2-1.0-0`). Text in Chinese or Arabic
needs fonts that have it (`fonts-noto-cjk`, `fonts-noto-core`), or it prints as boxes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import string
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import compare, plan as plans, questionnaire as qn
from ._datafiles import texts
from .assessment import assess
from .casefile import MAX_BYTES
from .errors import SonbError
from .model import DECISION_KIND_LABELS, ROLE_LABELS, Case, Clinician, DecisionKind, Opinion, Readiness, Role
from .safe import esc

COMPARE_COLUMNS = 3  # doctors per comparison table: more would not fit a printed page
FIT_COLUMNS = 4  # choices per "what matters" table
BLANK_LINES = {"string": 1, "text": 4, "date": 1, "integer": 1}  # ruled lines per blank answer
OWN_QUESTIONS_MIN = 5  # numbered lines for the patient's own questions, at least ...
OWN_QUESTIONS_EXTRA = 3  # ... and this many free ones after those already written
OUTPUTS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
PAPERS = {"a4": "A4", "letter": "letter"}

FHIR_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sonb:fhir")
URI_SYSTEM = "urn:ietf:rfc:3986"
OPINION_SYSTEM = "urn:sonb:opinion"
FORM_SYSTEM = "urn:sonb:form"
CLINICIAN_SYSTEM = "urn:sonb:clinician"
READINESS = ("readiness_before", "readiness_after")
CASE_FORMS = ("assessment", *READINESS)


# -- words ----------------------------------------------------------------------------------

def _words() -> dict:
    return texts("report")


def _error(key: str, **values) -> SonbError:
    return SonbError(_words()["errors"][key].format(**values))


def _date(value: dt.date | str | None) -> str:
    """A date in plain words ('March 14, 2025'); other text is kept as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    words = _words()
    return words["date"].format(month=words["months"][value.month - 1], day=value.day, year=value.year)


def _yes_no(value: bool | None, unknown: str = "unknown") -> str:
    words = _words()
    return words["yes"] if value is True else words["no"] if value is False else words[unknown]


def direction(text: object) -> str:
    """'rtl' or 'ltr' from the first letter with a strong direction, else 'auto'.

    This is what a browser's dir="auto" does; computing it here makes WeasyPrint (which
    ignores dir="auto") lay out Arabic or Hebrew text right to left as well."""
    for char in str(text):
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "auto"


def fill(template: str, **values: object) -> Markup:
    """A sentence from the data files with its {placeholders} filled in: the sentence and the
    values are escaped, and each value sits in <bdi> so a right-to-left name shows right."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(esc(literal))
        if name is not None:
            value = values[name]
            parts.append(f'<bdi dir="{direction(value)}">{esc(value)}</bdi>')
    return Markup("".join(parts))


# -- rendering ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sonb", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["fill"] = fill
    env.filters["direction"] = direction
    return env


def _render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(words=_words(), **context)


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


def _is_blank(value: object) -> bool:
    """None, pd.NA, NaN or text with nothing but spaces."""
    if isinstance(value, str):
        return not value.strip()
    if value is None:
        return True
    from pandas import isna

    return bool(isna(value))


def _said(value: object) -> Cell:
    """What someone wrote, or 'Not said'."""
    if _is_blank(value):
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
    if _is_blank(value):
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


# -- printable forms ------------------------------------------------------------------------

@dataclass
class FormItem:
    """One item of a printed form (generic: built from the Questionnaire JSON)."""

    kind: str  # "group", "display" or "question"
    text: str
    level: int = 0
    type: str = ""
    number: int | None = None
    condition: str = ""
    hint: str = ""
    answer: str | None = None  # a single answer, as written
    answers: list[str] = field(default_factory=list)  # a repeating item's answers
    repeats: bool = False
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (label, chosen)
    lines: int = 0  # ruled lines to write on
    items: list[FormItem] = field(default_factory=list)


def forms_html(kind: DecisionKind | str | None = None, case: Case | None = None,
               clinician_id: str | None = None) -> str:
    """Printable forms with ruled space for answers and for the patient's own questions.

    With `case` and `clinician_id`, the form is filled in with that doctor's answers (their
    latest opinion). The form printed: `kind` if given, else the opinion's form, else the
    case's kind; all four forms when none of these is known.
    """
    clinician, opinion = _who(case, clinician_id)
    kinds = _kinds(kind, case, opinion)
    forms = [_form(k, case, clinician, opinion) for k in kinds]
    words = _words()["forms"]
    return _render("forms.html.j2", t=words, forms=forms, made=_date(dt.date.today()))


def _who(case: Case | None, clinician_id: str | None) -> tuple[Clinician | None, Opinion | None]:
    if clinician_id is None:
        return None, None
    if case is None:
        raise _error("clinician_needs_case")
    try:
        clinician = case.clinician(clinician_id)
    except KeyError:
        raise _error("no_clinician", id=clinician_id) from None
    return clinician, case.opinion_of(clinician_id)


def _kinds(kind: DecisionKind | str | None, case: Case | None, opinion: Opinion | None) -> list[DecisionKind]:
    if kind is not None:
        try:
            return [DecisionKind(kind)]
        except ValueError:
            raise _error("no_kind", kind=kind, kinds=", ".join(k.value for k in DecisionKind)) from None
    if opinion is not None and opinion.form_kind is not None:
        return [opinion.form_kind]
    if case is not None and case.kind is not None:
        return [case.kind]
    return list(DecisionKind)


def _form(kind: DecisionKind, case: Case | None, clinician: Clinician | None,
          opinion: Opinion | None) -> dict:
    q = qn.load(qn.FORM_FOR_KIND[kind])
    answers = opinion.answers if opinion is not None and opinion.form_kind is kind else {}
    return {
        "title": q["title"],
        "description": q.get("description", ""),
        "doctor": clinician.name if clinician else None,
        "visit": _date(opinion.date) if opinion and opinion.date else None,
        "decision": case.decision if case and case.decision.strip() else None,
        "filled": clinician.name if answers else None,
        "content": _form_items(q, answers),
    }


def _form_items(q: Mapping, answers: Mapping) -> list[FormItem]:
    """The form's items, questions numbered 1, 2, ... in order, answers filled in."""
    index = {item["linkId"]: item for item in qn.iter_items(q)}
    numbers: dict[str, int] = {}

    def build(items: Iterable[Mapping], level: int) -> list[FormItem]:
        out = []
        for item in items:
            condition = _condition(item, index, numbers)
            if item["type"] == "group":
                out.append(FormItem("group", item["text"], level, condition=condition,
                                    items=build(item["item"], level + 1)))
            elif item["type"] == "display":
                out.append(FormItem("display", item["text"], level, condition=condition))
            else:
                numbers[item["linkId"]] = len(numbers) + 1
                out.append(_question(item, answers.get(item["linkId"]), numbers[item["linkId"]],
                                     level, condition))
        return out

    return build(q.get("item") or [], 0)


def _question(item: Mapping, value: Any, number: int, level: int, condition: str) -> FormItem:
    words = _words()["forms"]
    kind = item["type"]
    found = FormItem("question", item["text"], level, kind, number, condition)
    if kind == "boolean":
        found.choices = [(_yes_no(True), value is True), (_yes_no(False), value is False)]
    elif kind == "choice":
        picked = value if isinstance(value, list) else [value]
        found.choices = [(c["display"], code in picked) for code, c in _codings(item).items()]
        found.hint = words["pick_any" if item.get("repeats") else "pick_one"]
    elif item.get("repeats"):
        found.repeats = True
        found.answers = [v for v in value or [] if isinstance(v, str) and v.strip()]
        found.lines = max(OWN_QUESTIONS_MIN, len(found.answers) + OWN_QUESTIONS_EXTRA) - len(found.answers)
        found.hint = words["more_questions"]
    else:
        found.answer = None if _is_blank(value) else _date(value) if kind == "date" else str(value)
        found.lines = 0 if found.answer is not None else BLANK_LINES[kind]
        found.hint = _hint(item)
    return found


def _hint(item: Mapping) -> str:
    words = _words()["forms"]
    if item["type"] == "date":
        return words["date_hint"]
    limits = {ext.get("url"): ext.get("valueInteger") for ext in item.get("extension") or []}
    lo, hi = limits.get(qn.MIN_VALUE), limits.get(qn.MAX_VALUE)
    return words["range"].format(lo=lo, hi=hi) if lo is not None and hi is not None else ""


def _codings(item: Mapping) -> dict[str, dict]:
    return {o["valueCoding"]["code"]: o["valueCoding"] for o in item.get("answerOption") or []}


def _condition(item: Mapping, index: Mapping[str, Mapping], numbers: Mapping[str, int]) -> str:
    """An item's enableWhen in words: 'If yes:', 'If the answer to question 3 is "Other":'."""
    conditions = item.get("enableWhen") or []
    if not conditions:
        return ""
    words = _words()["forms"]["conditions"]
    latest = len(numbers)  # the number of the question just before this item
    parts = [_condition_part(c, index[c["question"]], numbers[c["question"]], latest) for c in conditions]
    joiner = words["any"] if item.get("enableBehavior") == "any" else words["all"]
    return words["if"].format(conditions=joiner.join(parts))


def _condition_part(condition: Mapping, target: Mapping, number: int, latest: int) -> str:
    words = _words()["forms"]["conditions"]
    to = "" if number == latest else "_to"  # name the question unless it is the one just asked
    operator = condition["operator"]
    if operator == "exists":
        return words[("answered" if condition["answerBoolean"] else "blank") + to].format(n=number)
    value = next(v for k, v in condition.items() if k.startswith("answer"))
    if target["type"] == "boolean" and operator == "=":
        return words[("yes" if value else "no") + to].format(n=number)
    if isinstance(value, Mapping):
        shown = _codings(target).get(value.get("code"), {}).get("display", value.get("code"))
    elif isinstance(value, bool):
        shown = _yes_no(value)
    else:
        shown = _date(value) if target["type"] == "date" else str(value)
    return words[("is" if operator == "=" else "is_not") + to].format(n=number, value=shown)


# -- PDF and files --------------------------------------------------------------------------

def _weasyprint():
    """The weasyprint module, or a SonbError saying what to install."""
    errors = _words()["errors"]
    try:
        import weasyprint
    except ImportError:
        raise _error("no_pdf", reason=errors["no_weasyprint"]) from None
    except OSError as exc:  # WeasyPrint is there, but Pango (or a library it needs) is not
        raise _error("no_pdf", reason=errors["no_pango"].format(detail=exc)) from None
    return weasyprint


def _refuse(url: str):
    raise ValueError(f"sonb fetches nothing when it makes a PDF (refused {url[:80]})")


def _no_fetching(weasyprint) -> Callable[[str], Any]:
    """A url_fetcher that refuses every URL (file:, data:, http: alike)."""
    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:  # older WeasyPrint takes any callable
        return _refuse

    class RefuseAll(base):
        def fetch(self, url, headers=None):
            _refuse(url)

    return RefuseAll()


def to_pdf(html: str, paper: str = "A4") -> bytes:
    """The HTML as a PDF on A4 or Letter paper, made by WeasyPrint without fetching anything."""
    size = PAPERS.get(paper.lower())
    if size is None:
        raise _error("paper", paper=paper, papers=", ".join(PAPERS.values()))
    weasyprint = _weasyprint()
    fetcher = _no_fetching(weasyprint)
    page = weasyprint.CSS(string=f"@page {{ size: {size}; }}", url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page])


def _write(path: str | Path, make_html: Callable[[], str], paper: str) -> Path:
    """Write HTML or PDF, chosen by the file's suffix (checked before any work is done)."""
    path = Path(path)
    output = OUTPUTS.get(path.suffix.lower())
    if output is None:
        raise _error("suffix", name=path.name)
    html = make_html()
    data = to_pdf(html, paper) if output == "pdf" else html.encode("utf-8")
    _write_bytes(path, data)
    return path


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _error("write", name=path.name, reason=exc.strerror or type(exc).__name__) from None


def write_report(case: Case, path: str | Path, today: dt.date | None = None, paper: str = "A4") -> Path:
    """Save the report as HTML (.html, .htm) or PDF (.pdf)."""
    return _write(path, lambda: report_html(case, today), paper)


def write_forms(path: str | Path, kind: DecisionKind | str | None = None, case: Case | None = None,
                clinician_id: str | None = None, paper: str = "A4") -> Path:
    """Save the printable forms (see `forms_html`) as HTML (.html, .htm) or PDF (.pdf)."""
    return _write(path, lambda: forms_html(kind, case, clinician_id), paper)


# -- FHIR Bundle ----------------------------------------------------------------------------

def _uuid(case: Case, part: str) -> str:
    """A stable UUID for a part of a case. It is a one-way hash, so it does not reveal the
    case id (which doubles as the patient's resume code)."""
    return str(uuid.uuid5(FHIR_NAMESPACE, f"{case.id}/{part}"))


def _case_identifier(case: Case) -> dict:
    return {"system": URI_SYSTEM, "value": f"urn:uuid:{_uuid(case, 'case')}"}


def fhir_bundle(case: Case) -> dict:
    """The case's filled forms as a FHIR R4 Bundle (type `collection`) of QuestionnaireResponses.

    One response for the assessment (with the decision and its kind), one for each set of
    readiness answers, and one for each opinion's form (`form_kind` and `answers`); parts with
    no answers are left out. Each response names what it belongs to in `identifier`
    (`urn:sonb:form` assessment / readiness_before / readiness_after, or `urn:sonb:opinion`
    and the opinion's id) and its form in `questionnaire` (`urn:sonb:questionnaire:<name>`).
    fullUrls are `urn:uuid:` UUIDs made from the case id and the part, so the same case gives
    the same Bundle. The case id itself is not in the Bundle: it is the patient's resume code.
    """
    responses = [*_case_form_responses(case), *_opinion_responses(case)]
    return {
        "resourceType": "Bundle",
        "identifier": _case_identifier(case),
        "type": "collection",
        "timestamp": case.updated.isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in responses],
    }


def _response(case: Case, part: str, form: str, answers: Mapping, identifier: dict, **extra) -> dict:
    response = qn.to_response(qn.load(form), answers)
    return {"resourceType": "QuestionnaireResponse", "id": _uuid(case, part),
            "identifier": identifier, **response, **extra}


def _case_form_responses(case: Case) -> Iterable[dict]:
    assessment = {**case.assessment, "decision": case.decision,
                  "kind": case.kind.value if case.kind else None}
    found = {"assessment": ("assessment", assessment)}
    for key in READINESS:
        found[key] = ("readiness", qn.record_answers(getattr(case, key)))
    for key, (form, answers) in found.items():
        if any(v not in (None, "", []) for v in answers.values()):
            yield _response(case, f"form/{key}", form, answers, {"system": FORM_SYSTEM, "value": key})


def _opinion_responses(case: Case) -> Iterable[dict]:
    for opinion in case.opinions:
        if opinion.form_kind is None:
            continue
        clinician = case.clinician(opinion.clinician_id)
        author = {"identifier": {"system": CLINICIAN_SYSTEM, "value": clinician.id},
                  "display": clinician.name}
        dated = {"authored": opinion.date.isoformat()} if opinion.date else {}
        try:
            yield _response(case, f"opinion/{opinion.id}", qn.FORM_FOR_KIND[opinion.form_kind],
                            opinion.answers, {"system": OPINION_SYSTEM, "value": opinion.id},
                            author=author, **dated)
        except SonbError as exc:
            raise _error("export", name=clinician.name, reason=exc) from None


def case_from_fhir_bundle(bundle: Mapping, case: Case) -> Case:
    """A copy of `case` holding the answers of a Bundle that `fhir_bundle` made from it.

    Each response replaces the part it names: an opinion's form (`form_kind` and `answers`),
    the assessment (with the decision and its kind), or the readiness answers before or
    after. Parts the Bundle does not hold stay as they are, and `updated` is not changed, so
    `case_from_fhir_bundle(fhir_bundle(case), case) == case` for a case whose answers are
    clean (see `questionnaire.clean_answers`). Raises SonbError, naming the entry, for a
    Bundle that is not sonb's, comes from another case, or holds answers that do not fit;
    `case` is never changed.
    """
    resources = _bundle_resources(bundle, case)
    data = case.model_dump(mode="json")
    seen: set[tuple[str, str]] = set()
    for n, resource in enumerate(resources, 1):
        target = _at_entry(n, _target, resource)
        if target in seen:
            raise _error("twice", n=n)
        seen.add(target)
        _at_entry(n, _import_response, data, target, resource)
    return Case.parse(data, "The case with the imported answers")


def _at_entry(n: int, action: Callable, *args):
    """`action(*args)`, with any SonbError saying which entry of the Bundle it is about."""
    try:
        return action(*args)
    except SonbError as exc:
        raise _error("bundle_entry", n=n, reason=exc) from None


def _bundle_resources(bundle: Any, case: Case) -> list[Mapping]:
    """The responses of a sonb Bundle made from `case`, checked for shape."""
    errors = _words()["errors"]

    def refuse(reason: str) -> SonbError:
        return _error("bundle", reason=errors[reason])

    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise refuse("not_bundle")
    if bundle.get("type") != "collection":
        raise refuse("not_collection")
    identifier = bundle.get("identifier")
    if not isinstance(identifier, Mapping) or identifier.get("system") != URI_SYSTEM:
        raise refuse("no_case")
    if identifier.get("value") != _case_identifier(case)["value"]:
        raise _error("other_case")
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise refuse("no_entries")
    resources = []
    for n, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or resource.get("resourceType") != "QuestionnaireResponse":
            raise _error("bundle_entry", n=n, reason=errors["not_response"])
        resources.append(resource)
    return resources


def _target(resource: Mapping) -> tuple[str, str]:
    """('opinion', id) or ('form', 'assessment' | 'readiness_before' | 'readiness_after')."""
    identifier = resource.get("identifier")
    if isinstance(identifier, Mapping) and isinstance(identifier.get("value"), str):
        system, value = identifier.get("system"), identifier["value"]
        if system == OPINION_SYSTEM:
            return "opinion", value
        if system == FORM_SYSTEM and value in CASE_FORMS:
            return "form", value
    raise _error("no_target")


def _import_response(data: dict, target: tuple[str, str], resource: Mapping) -> None:
    """Put a response's answers into the case data (a model_dump of the case)."""
    part, key = target
    if part == "opinion":
        opinion = next((o for o in data["opinions"] if o["id"] == key), None)
        if opinion is None:
            raise _error("no_opinion")
        kind = _form_kind(resource)
        opinion["answers"] = qn.from_response(qn.load(qn.FORM_FOR_KIND[kind]), resource)
        opinion["form_kind"] = kind.value
    elif key == "assessment":
        answers = qn.from_response(qn.load("assessment"), resource)
        data["decision"] = answers.pop("decision", "")
        data["kind"] = answers.pop("kind", None)
        data["assessment"] = answers
    else:
        answers = qn.from_response(qn.load("readiness"), resource)
        data[key] = qn.apply_answers(Readiness(), answers).model_dump(mode="json")


def _form_kind(resource: Mapping) -> DecisionKind:
    canonical = str(resource.get("questionnaire") or "").split("|")[0]
    for kind, name in qn.FORM_FOR_KIND.items():
        if canonical == qn.URL_PREFIX + name:
            return kind
    raise _error("unknown_form", form=canonical[:80] or "none")


def write_fhir_bundle(case: Case, path: str | Path) -> Path:
    """Save `fhir_bundle(case)` as a .json file."""
    path = Path(path)
    if path.suffix.lower() != ".json":
        raise _error("json_suffix", name=path.name)
    text = json.dumps(fhir_bundle(case), ensure_ascii=False, indent=2) + "\n"
    _write_bytes(path, text.encode("utf-8"))
    return path


def read_fhir_bundle(path: str | Path) -> dict:
    """Read a Bundle saved as JSON; SonbError when it is missing, too large or not JSON."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _error("read", name=path.name, reason=exc.strerror or type(exc).__name__) from None
    if len(raw) > MAX_BYTES:
        raise _error("bundle", reason=_words()["errors"]["too_large"])
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise _error("bundle", reason=_words()["errors"]["not_json"]) from None
