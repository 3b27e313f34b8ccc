"""Step 5: compare. Doctors side by side, where they agree or differ, and what to do next.

Every function is pure: it reads a `Case` and returns new pandas objects or lists. Columns are
the clinicians who gave an opinion (their latest one), labelled "Name (role)". Text cells keep
what people typed, verbatim: escaping for HTML is the renderer's job. Missing answers are
`pd.NA` (columns use pandas' nullable "string" dtype so that they stay `pd.NA`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ._datafiles import table, texts
from .model import ROLE_LABELS, Case, Opinion, OptionView, Role

AGREE, DIFFER, NOT_ASKED, ONLY_ONE = "agree", "differ", "not asked", "only one opinion"
DECIDING_ASPECTS = ("diagnosis", "recommendation")  # a difference here brings the guidance


@dataclass(frozen=True)
class _Answer:
    key: str    # what is compared: normalized text, option id or confidence code
    shown: str  # what people read


# -- shared helpers ------------------------------------------------------------------------

def _text() -> dict:
    return texts("aspects")


def _aspects() -> list[dict]:
    return _text()["aspects"]


def normalize(text: str) -> str:
    """Text reduced for comparison: Unicode-normalized, casefolded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def _unique_labels(labels: list[str], reserved: tuple[str, ...] = ()) -> list[str]:
    """The labels, with '#2', '#3' added where one is already taken."""
    template = _text()["duplicate_label"]
    taken, out = set(reserved), []
    for label in labels:
        candidate, n = label, 1
        while candidate in taken:
            n += 1
            candidate = template.format(label=label, n=n)
        taken.add(candidate)
        out.append(candidate)
    return out


def _panel(case: Case) -> list[tuple[str, Opinion]]:
    """(label, latest opinion) for each clinician who gave an opinion, in the case's order."""
    latest = {op.clinician_id: op for op in case.opinions}
    people = [c for c in case.clinicians if c.id in latest]
    template = _text()["clinician_label"]
    labels = [template.format(name=c.name, role=ROLE_LABELS[c.role]) for c in people]
    return list(zip(_unique_labels(labels), (latest[c.id] for c in people)))


def _option_labels(case: Case) -> list[str]:
    return _unique_labels([o.name for o in case.options])


def _main_view(opinion: Opinion) -> OptionView | None:
    """The view of the option the clinician recommended, else their only view."""
    if opinion.recommended_option in opinion.views:
        return opinion.views[opinion.recommended_option]
    if len(opinion.views) == 1:
        return next(iter(opinion.views.values()))
    return None


def _said(text: str | None) -> str | None:
    """The text as typed, or None when it is empty or only spaces."""
    return text if text and text.strip() else None


def _text_answer(text: str | None) -> _Answer | None:
    text = _said(text)
    return _Answer(normalize(text), text) if text is not None else None


def _answer(aspect: dict, opinion: Opinion, option_names: dict[str, str]) -> _Answer | None:
    """One clinician's answer for one aspect, or None when they did not say."""
    field = aspect["field"]
    if aspect["source"] == "option":
        view = _main_view(opinion)
        return _text_answer(getattr(view, field)) if view is not None else None
    if field == "recommended_option":
        option = opinion.recommended_option
        return _Answer(option, option_names[option]) if option is not None else None
    if field == "confidence":
        code = opinion.confidence
        return _Answer(code, _text()["confidence"][code]) if code is not None else None
    return _text_answer(getattr(opinion, field))


def _answers(case: Case) -> dict[str, list[tuple[str, _Answer | None]]]:
    """aspect key -> [(clinician label, answer or None)] for every aspect."""
    names = {o.id: o.name for o in case.options}
    panel = _panel(case)
    return {
        aspect["key"]: [(label, _answer(aspect, op, names)) for label, op in panel]
        for aspect in _aspects()
    }


def _frame(rows: dict | list, **kwargs):
    """A DataFrame of nullable strings: None becomes pd.NA, text stays as typed."""
    import pandas as pd

    return pd.DataFrame(rows, dtype="string", **kwargs)


# -- comparison tables ---------------------------------------------------------------------

def comparison_table(case: Case):
    """Aspects as rows, clinicians as columns; per-option aspects follow each one's advice."""
    answers = _answers(case)
    rows = [[a.shown if a else None for _, a in answers[aspect["key"]]] for aspect in _aspects()]
    return _frame(rows, index=[a["label"] for a in _aspects()],
                  columns=[label for label, _ in _panel(case)])


def options_table(case: Case):
    """Options as rows; for each clinician: Recommended?, Benefits, Risks, Daily life."""
    import pandas as pd

    fields = _text()["options_fields"]
    panel = _panel(case)
    columns = pd.MultiIndex.from_product([[label for label, _ in panel], list(fields.values())])
    rows = [
        [cell for _, op in panel for cell in _option_cells(op, option.id)]
        for option in case.options
    ]
    return _frame(rows, index=_option_labels(case), columns=columns)


def _option_cells(opinion: Opinion, option_id: str) -> list[str | None]:
    """Recommended?, Benefits, Risks, Daily life for one clinician and one option."""
    text = _text()
    if opinion.recommended_option is None:
        recommended = None
    else:
        recommended = text["yes"] if opinion.recommended_option == option_id else text["no"]
    view = opinion.views.get(option_id) or OptionView()
    return [
        recommended,
        _said(view.benefits),
        _said(view.risks),
        _daily_life(view),
    ]


def _daily_life(view: OptionView) -> str | None:
    parts = _text()["daily_parts"]
    found = [
        parts[when].format(text=said)
        for when, said in (("now", _said(view.daily_now)), ("later", _said(view.daily_later)))
        if said is not None
    ]
    return parts["join"].join(found) or None


# -- agreement and guidance ----------------------------------------------------------------

def agreement(case: Case):
    """For each aspect: `status` (agree / differ / not asked / only one opinion) and `detail`."""
    found = _agreement(case)
    rows = {"status": [found[a["key"]][0] for a in _aspects()],
            "detail": [found[a["key"]][1] for a in _aspects()]}
    return _frame(rows, index=[a["label"] for a in _aspects()])


def _agreement(case: Case) -> dict[str, tuple[str, str]]:
    """aspect key -> (status, detail)."""
    return {key: _compare(said) for key, said in _answers(case).items()}


def _compare(said: list[tuple[str, _Answer | None]]) -> tuple[str, str]:
    """A difference among those who answered counts first; then anyone who did not answer."""
    words = _text()["agreement"]
    given = [(who, answer) for who, answer in said if answer is not None]
    if not said:
        return NOT_ASKED, words["none"]
    if len({answer.key for _, answer in given}) > 1:
        return DIFFER, _who_said_what(said)
    if len(given) < len(said):
        return NOT_ASKED, _who_said_what(said)
    if len(said) == 1:
        who, answer = given[0]
        return ONLY_ONE, words["only_one"].format(who=who, what=answer.shown)
    return AGREE, words["agree"].format(what=given[0][1].shown)


def _who_said_what(said: list[tuple[str, _Answer | None]]) -> str:
    words = _text()["agreement"]
    lines = [
        words["said"].format(who=who, what=answer.shown) if answer is not None
        else words["not_said"].format(who=who)
        for who, answer in said
    ]
    return words["join"].join(lines)


def guidance(case: Case) -> list[str]:
    """What the patient could do next, from how the diagnosis and recommendation compare."""
    words = _text()["guidance"]
    statuses = {_agreement(case)[key][0] for key in DECIDING_ASPECTS}
    if DIFFER in statuses:
        return [
            words["differ_intro"],
            _talk_to_primary(case),
            words["other_professional"],
            *suggested_professionals(case),
            words["your_choice"],
        ]
    if NOT_ASKED in statuses and len(_panel(case)) >= 2:
        return [words["incomplete"], words["your_choice"]]
    if AGREE in statuses:
        return [words["agree"]]
    return [words["not_enough"], words["your_choice"]]


def _talk_to_primary(case: Case) -> str:
    words = _text()["guidance"]
    primary = next((c for c in case.clinicians if c.role is Role.primary), None)
    if primary is None:
        return words["talk_to_primary"]
    return words["talk_to_primary_named"].format(name=primary.name)


# -- other professionals -------------------------------------------------------------------

def suggested_professionals(case: Case) -> list[str]:
    """Other kinds of professionals to ask, from `data/other_professionals.csv`.

    Rows apply to the case's kind (or to `any` kind). Keywords `a|b|c` are whole words looked
    for in the decision, the diagnoses and the options' names: the rows whose keywords match
    best (most different words found) are chosen; when none match, the general rows (empty
    keywords). Rows of the case's kind with keywords `*` are always added.
    """
    kind = case.kind.value if case.kind is not None else None
    rows = [r for r in table("other_professionals") if kind is None or r["kind"] in (kind, "any")]
    about = " ".join([case.decision, *(op.diagnosis for op in case.opinions),
                      *(o.name for o in case.options)])
    topical = [r for r in rows if r["keywords"] not in ("", "*")]
    hits = {r["keywords"]: _hits(r["keywords"], about) for r in topical}
    best = max(hits.values(), default=0)
    chosen = [r for r in topical if best and hits[r["keywords"]] == best]
    if not chosen:
        general = [r for r in rows if not r["keywords"]]
        chosen = [r for r in general if r["kind"] == kind] or [r for r in general if r["kind"] == "any"]
    chosen += [r for r in rows if r["keywords"] == "*" and r["kind"] in (kind, "any")]
    template = _text()["suggestion"]
    seen: dict[str, str] = {}
    for row in chosen:
        seen.setdefault(row["professional"], template.format(**row))
    return list(seen.values())


def _hits(keywords: str, text: str) -> int:
    """How many different keywords of 'back|spine|disc' occur in `text` (whole words)."""
    return len({m.casefold().removesuffix("s") for m in _keywords(keywords).findall(text)})


@lru_cache(maxsize=None)
def _keywords(keywords: str) -> re.Pattern:
    """'back|spine' -> a pattern for either word (or its plural), whole words, any case."""
    words = "|".join(re.escape(w.strip()) for w in keywords.split("|") if w.strip())
    return re.compile(rf"\b(?:{words})s?\b", re.IGNORECASE)


# -- questions left unanswered -------------------------------------------------------------

def unanswered_table(case: Case):
    """One row per question a clinician's form left unanswered: clinician, question, linkId.

    The form is the one the patient fills for that clinician (`sonb.binding.OPINION`), so it
    agrees with the comparison. An option's questions count only for the options the
    clinician recommended or said something about; the patient's own questions never count.
    """
    from .binding import OPINION
    from .questionnaire import unanswered

    columns = _text()["unanswered_columns"]
    rows = []
    for label, op in _panel(case):
        talked_about = {*op.views, op.recommended_option}
        form = OPINION.form(case, op.clinician_id)
        for item in unanswered(form, OPINION.read(case, op.clinician_id)):
            option_id, _, field = item["linkId"].partition(".")
            if field and option_id not in talked_about:
                continue
            rows.append({columns["clinician"]: label,
                         columns["question"]: _question_text(case, item, option_id if field else None),
                         columns["link_id"]: item["linkId"]})
    return _frame(rows, columns=list(columns.values()))


def _question_text(case: Case, item: dict, option_id: str | None) -> str:
    """A question as the table shows it; an option's question names the option."""
    text = item.get("text", "")
    if option_id is None:
        return text
    names = {o.id: o.name for o in case.options}
    return _text()["option_question"].format(option=names.get(option_id, option_id), question=text)


# -- how each option fits what matters -----------------------------------------------------

def option_fit(case: Case):
    """Options as rows; each factor's fit (0-5), `score` (weighted mean) and `rank`.

    `score` is the mean of the rated fits weighted by how much each factor matters (NaN when
    nothing that matters is rated; a factor not weighed yet does not count); `rank` 1 is the highest score. It is a summary of the
    patient's own ratings, never a choice.
    """
    import pandas as pd

    factors = case.preferences.factors
    names = _text()["fit"]
    labels = _unique_labels([f.label for f in factors], reserved=(names["score"], names["rank"]))
    ratings = [
        [case.preferences.fit.get(option.id, {}).get(f.id) for f in factors]
        for option in case.options
    ]
    frame = pd.DataFrame(ratings, index=_option_labels(case), columns=labels, dtype="Int64")
    weights = [f.weight for f in factors]
    frame[names["score"]] = pd.Series([_weighted_mean(r, weights) for r in ratings],
                                      index=frame.index, dtype="float64")
    frame[names["rank"]] = frame[names["score"]].rank(ascending=False, method="min").astype("Int64")
    return frame


def _weighted_mean(ratings: list[int | None], weights: list[int | None]) -> float:
    """Factors the patient has not weighed yet (weight None) do not count."""
    rated = [(w, r) for w, r in zip(weights, ratings) if r is not None and w is not None]
    total = sum(w for w, _ in rated)
    return sum(w * r for w, r in rated) / total if total else float("nan")
