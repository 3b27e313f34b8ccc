"""Step 5: compare. Doctors side by side, where they agree or differ, and what to do next.

Every function is pure: it reads a `Case` and returns new pandas objects or lists. Columns are
the clinicians who gave an opinion (their latest one), labelled "Name (role)". Text cells keep
what people typed, verbatim: escaping for HTML is the renderer's job. Missing answers are
`pd.NA` (columns use pandas' nullable "string" dtype so that they stay `pd.NA`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from . import i18n
from ._datafiles import texts
from .meaning import CHECK, DIFFER, SAME, same_meaning
from .model import ROLE_LABELS, Case, Opinion, Role
from .safe import isolate
from .suggest import suggested_professionals
from .words import plain

AGREE, NOT_ASKED, ONLY_ONE = "agree", "not asked", "only one opinion"
DECIDING_ASPECTS = ("diagnosis", "recommendation")  # a difference here brings the guidance


# -- what each doctor said, and how it compares --------------------------------------------------

@dataclass(frozen=True)
class Said:
    """One doctor's answer about one thing (`text` None: they did not say)."""

    clinician_id: str
    who: str    # "Name (role)", as the tables label the doctor
    name: str   # the name alone, as sentences use it
    text: str | None
    code: str | None = None  # for a choice (recommendation, how sure): what is compared


@dataclass(frozen=True)
class Pair:
    """Two doctors' answers about one thing, and whether they say the same thing."""

    target: str  # names the pair for the judgement form: "<about>|<clinician>|<clinician>"
    topic: str   # what the two answers are about, as the question names it ("Diagnosis")
    first: Said
    second: Said
    auto: str            # sonb's verdict: same / differ / check
    why: str             # what decided sonb's verdict
    yours: str | None    # the patient's answer: same / differ / unsure (None: not asked yet)
    askable: bool        # free text, so the patient can say whether it is the same

    @property
    def verdict(self) -> str:
        """The patient's answer when they gave one, else sonb's."""
        return self.yours if self.yours in (SAME, DIFFER) else self.auto


@dataclass(frozen=True)
class Compared:
    """One thing the doctors were asked about: a general aspect, or one aspect of one option."""

    about: str            # "diagnosis", or "<option id>.<aspect>"
    topic: str            # "" for the general aspects, else the option's name
    option_id: str | None
    aspect: str           # the aspect's key in aspects.json
    label: str
    said: tuple[Said, ...]   # one per doctor asked about it
    pairs: tuple[Pair, ...]  # one per two doctors who both answered
    status: str           # agree / differ / check / not asked / only one opinion

    @property
    def given(self) -> list[Said]:
        return [s for s in self.said if s.text is not None]


def _text() -> dict:
    return texts("aspects")


def _aspects() -> list[dict]:
    return _text()["aspects"]


def normalize(text: str) -> str:
    """Text reduced for an exact comparison: Unicode-normalized, casefolded, letters and
    digits only."""
    return "".join(ch for ch in plain(text) if ch.isalnum())


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
    """(label, latest opinion) for each clinician who gave an opinion, in the case's order.
    A name in a right-to-left script is isolated, so "(role)" stays in its place."""
    latest = {op.clinician_id: op for op in case.opinions}
    people = [c for c in case.clinicians if c.id in latest]
    template = _text()["clinician_label"]
    labels = [template.format(name=isolate(c.name), role=ROLE_LABELS[c.role]) for c in people]
    return list(zip(_unique_labels(labels), (latest[c.id] for c in people)))


def _option_labels(case: Case) -> list[str]:
    return _unique_labels([o.name for o in case.options])


def _said_text(text: str | None) -> str | None:
    """The text as typed, or None when it is empty or only spaces."""
    return text if text and text.strip() else None


def _said(case: Case, who: str, op: Opinion, aspect: dict, option_id: str | None) -> Said:
    """What one doctor said about one aspect (of one option)."""
    name = isolate(case.clinician(op.clinician_id).name)
    field = aspect["field"]
    if option_id is not None:
        view = op.views.get(option_id)
        text = _said_text(getattr(view, field)) if view is not None else None
        return Said(op.clinician_id, who, name, text)
    if field == "recommended_option":
        code = op.recommended_option
        names = {o.id: o.name for o in case.options}
        return Said(op.clinician_id, who, name, names[code] if code else None, code)
    if field == "confidence":
        code = op.confidence
        return Said(op.clinician_id, who, name, _text()["confidence"][code] if code else None, code)
    return Said(op.clinician_id, who, name, _said_text(getattr(op, field)))


def _same_texts(a: str, b: str) -> tuple[str, str]:
    return tuple(sorted((" ".join(plain(a).split()), " ".join(plain(b).split()))))


def judgement_of(case: Case, about: str, first: str, second: str) -> str | None:
    """The patient's stored answer for these two answers about `about` (None: none)."""
    key = _same_texts(first, second)
    for j in reversed(case.judgements):
        if j.about == about and _same_texts(j.first, j.second) == key:
            return j.verdict
    return None


def _pair(case: Case, about: str, topic: str, a: Said, b: Said) -> Pair:
    target = f"{about}|{a.clinician_id}|{b.clinician_id}"
    if a.code is not None or b.code is not None:
        auto = SAME if a.code == b.code else DIFFER
        return Pair(target, topic, a, b, auto, "choice", None, askable=False)
    verdict = same_meaning(a.text, b.text)
    return Pair(target, topic, a, b, verdict.kind, verdict.why,
                judgement_of(case, about, a.text, b.text), askable=True)


def _status(said: list[Said], pairs: list[Pair]) -> str:
    """A difference counts first, then what sonb cannot tell, then anyone who did not say."""
    verdicts = {p.verdict for p in pairs}
    if not said:
        return NOT_ASKED
    if DIFFER in verdicts:
        return DIFFER
    if CHECK in verdicts:
        return CHECK
    if any(s.text is None for s in said):
        return NOT_ASKED
    return ONLY_ONE if len(said) == 1 else AGREE


def _compared(case: Case, about: str, topic: str, option_id: str | None, aspect: dict,
              said: list[Said]) -> Compared:
    given = [s for s in said if s.text is not None]
    name = aspect["label"] if not topic else _text()["pair_topic"].format(option=topic, aspect=aspect["label"])
    pairs = [_pair(case, about, name, a, b) for a, b in combinations(given, 2)]
    return Compared(about, topic, option_id, aspect["key"], aspect["label"], tuple(said), tuple(pairs),
                    _status(said, pairs))


_RECENT: dict[tuple[str, str], tuple[Compared, ...]] = {}  # (language, case JSON) -> compared


def compared(case: Case) -> tuple[Compared, ...]:
    """Everything the comparison shows: first the general aspects (diagnosis, recommendation,
    how sure, what if I wait) for every doctor; then, option by option, what each doctor who
    talked about that option said of it (an aspect nobody answered is left out).

    The result is shared (frozen): the last few cases' comparisons are kept, because the
    guidance, the tables and the step all read the same one (per language: labels differ)."""
    key = (i18n.current(), case.model_dump_json())
    found = _RECENT.get(key)
    if found is None:
        found = _RECENT[key] = tuple(_compare_all(case))
        while len(_RECENT) > 4:
            _RECENT.pop(next(iter(_RECENT)))
    return found


def _compare_all(case: Case) -> list[Compared]:
    panel = _panel(case)
    general = [a for a in _aspects() if a["source"] == "opinion"]
    per_option = [a for a in _aspects() if a["source"] == "option"]
    found = [_compared(case, a["key"], "", None, a, [_said(case, who, op, a, None) for who, op in panel])
             for a in general]
    for option, label in zip(case.options, _option_labels(case)):
        talked = [(who, op) for who, op in panel
                  if option.id in op.views or op.recommended_option == option.id]
        for aspect in per_option:
            said = [_said(case, who, op, aspect, option.id) for who, op in talked]
            if any(s.text is not None for s in said):
                found.append(_compared(case, f"{option.id}.{aspect['key']}", label, option.id,
                                       aspect, said))
    return found


def pairs(case: Case) -> dict[str, Pair]:
    """Every pair of answers the patient can judge ("Did they say the same thing?"), by
    target."""
    return {p.target: p for c in compared(case) for p in c.pairs if p.askable}


def with_judgement(case: Case, target: str, verdict: str | None) -> Case:
    """A copy of the case with the patient's answer for one pair (None: forget it). Answers
    about texts no longer in the case are dropped."""
    from .model import Judgement

    askable = pairs(case)
    pair = askable.get(target)
    if pair is None:
        raise KeyError(target)

    def about_texts(about: str, first: str, second: str) -> tuple:
        return about, _same_texts(first, second)

    this = about_texts(_about(pair), pair.first.text, pair.second.text)
    current = {about_texts(_about(p), p.first.text, p.second.text) for p in askable.values()}
    kept = [j for j in case.judgements
            if about_texts(j.about, j.first, j.second) in current - {this}]
    if verdict is not None:
        kept.append(Judgement(about=_about(pair), first=pair.first.text, second=pair.second.text,
                              verdict=verdict))
    return case.model_copy(update={"judgements": kept})


def _about(pair: Pair) -> str:
    """What a pair is about: the first part of its target ("diagnosis", "<option>.risks")."""
    return pair.target.split("|", 1)[0]


def _frame(rows: dict | list, **kwargs):
    """A DataFrame of nullable strings: None becomes pd.NA, text stays as typed."""
    import pandas as pd

    return pd.DataFrame(rows, dtype="string", **kwargs)


# -- comparison tables ---------------------------------------------------------------------

def comparison_table(case: Case):
    """The general aspects as rows (diagnosis, recommendation, how sure, what if I wait),
    doctors as columns."""
    general = [c for c in compared(case) if c.option_id is None]
    return _frame([[s.text for s in c.said] for c in general], index=[c.label for c in general],
                  columns=[label for label, _ in _panel(case)])


def options_table(case: Case):
    """What each doctor said about each option, option by option: rows (option, aspect), doctors
    as columns. The first row of each option says whether the doctor suggested it."""
    import pandas as pd

    panel = _panel(case)
    words = _text()
    rows, index = [], []
    by_option = {}
    for c in compared(case):
        if c.option_id is not None:
            by_option.setdefault(c.option_id, []).append(c)
    for option, label in zip(case.options, _option_labels(case)):
        if option.id not in by_option and not any(op.recommended_option == option.id for _, op in panel):
            continue
        rows.append([None if op.recommended_option is None
                     else words["yes"] if op.recommended_option == option.id else words["no"]
                     for _, op in panel])
        index.append((label, words["options_fields"]["recommended"]))
        for c in by_option.get(option.id, []):
            said = {s.who: s.text for s in c.said}
            rows.append([said.get(who) for who, _ in panel])
            index.append((label, c.label))
    return _frame(rows, index=pd.MultiIndex.from_tuples(index, names=words["options_index"]),
                  columns=[label for label, _ in panel])


# -- agreement and guidance ----------------------------------------------------------------

def agreement(case: Case):
    """For each thing compared: `status` (agree / differ / check / not asked / only one
    opinion) and `detail` (who said what, and what the patient judged). Rows are (topic,
    aspect): the general aspects first, then each option's."""
    import pandas as pd

    found = compared(case)
    general = _text()["general_topic"]
    index = pd.MultiIndex.from_tuples([(c.topic or general, c.label) for c in found],
                                      names=_text()["agreement_index"])
    return _frame({"status": [c.status for c in found], "detail": [_detail(c) for c in found]},
                  index=index)


def _detail(c: Compared) -> str:
    words = _text()["agreement"]
    if not c.said:
        return words["none"]
    if c.status == ONLY_ONE:
        return words["only_one"].format(who=c.said[0].who, what=c.said[0].text)
    if c.status == AGREE and len({normalize(s.text) for s in c.said}) == 1:
        return words["agree"].format(what=c.said[0].text)
    lines = [words["said"].format(who=s.who, what=s.text) if s.text is not None
             else words["not_said"].format(who=s.who) for s in c.said]
    lines += [your_answer(p) for p in c.pairs if p.yours in (SAME, DIFFER)]
    return words["join"].join(lines)


def your_answer(pair: Pair) -> str:
    """The patient's own answer about a pair, as a sentence ("You said A and B said the same
    thing.")."""
    return _text()["agreement"]["you_said"][pair.yours].format(first=pair.first.name,
                                                               second=pair.second.name)


def _names(people: list[Said]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    names = [s.name for s in people]
    join = _text()["guidance"]["and"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + join + names[-1]


def _groups(c: Compared) -> list[list[Said]]:
    """The doctors who answered, in groups that all said the same thing (by sonb's verdict or
    yours): each doctor joins the first group whose every member said the same as they did."""
    same = {frozenset((p.first.clinician_id, p.second.clinician_id))
            for p in c.pairs if p.verdict == SAME}
    groups: list[list[Said]] = []
    for s in c.given:
        home = next((g for g in groups
                     if all(frozenset((s.clinician_id, o.clinician_id)) in same for o in g)), None)
        if home is None:
            groups.append([s])
        else:
            home.append(s)
    return groups


def _finding(c: Compared, words: dict) -> list[str]:
    """What the guidance says about one deciding aspect: who agrees, who differs, what to check."""
    key, lines = c.aspect, []
    groups = _groups(c) if len(c.given) >= 2 else []
    if len(groups) == 1:
        lines.append(words[f"{key}_same"].format(who=_names(groups[0]), what=_quoted(c.given[0].text, words)))
    elif groups and key == "recommendation":
        lines.append(words["recommendation_differ"])
        lines += [words["suggests_one" if len(g) == 1 else "suggests_many"].format(
                  who=_names(g), what=g[0].text) for g in groups]
    elif groups:
        lines += [words[f"{key}_group"].format(who=_names(g), what=_quoted(g[0].text, words))
                  for g in groups if len(g) > 1]
        for i, later in enumerate(groups[1:], start=1):
            for earlier in groups[:i]:
                verdicts = {p.verdict for p in c.pairs
                            if {p.first.clinician_id, p.second.clinician_id} & {s.clinician_id for s in later}
                            and {p.first.clinician_id, p.second.clinician_id} & {s.clinician_id for s in earlier}}
                verdict = DIFFER if DIFFER in verdicts else CHECK
                number = "one" if len(later) == 1 else "many"
                lines.append(words[f"{key}_{verdict}_{number}"].format(who=_names(later), others=_names(earlier)))
    missing = [s for s in c.said if s.text is None]
    if missing and len(c.said) >= 2:
        lines.append(words[f"{key}_missing"].format(who=_names(missing)))
    return lines


def _quoted(text: str, words: dict) -> str:
    """': “text”' for a short answer; nothing for a long one (the comparison shows it)."""
    return words["quoted"].format(text=text) if len(text.split()) <= 12 else ""


def guidance(case: Case) -> list[str]:
    """What the patient could do next, from how the diagnosis and recommendation compare.

    It says exactly what agrees and what differs ("Dr A and Dr B name the same problem, in
    their own words"; "They suggest different choices: ..."), then what to do about it."""
    words = _text()["guidance"]
    found = {c.aspect: c for c in compared(case) if c.option_id is None and c.aspect in DECIDING_ASPECTS}
    if len(_panel(case)) < 2:
        return [words["not_enough"], words["your_choice"]]
    statuses = {c.status for c in found.values()}
    lines = [line for key in DECIDING_ASPECTS for line in _finding(found[key], words)]
    if DIFFER in statuses:
        return [*lines, words["differ_intro"], _talk_to_primary(case), words["other_professional"],
                *suggested_professionals(case), words["your_choice"]]
    if CHECK in statuses:
        return [*lines, words["check"], words["your_choice"]]
    if NOT_ASKED in statuses:
        return [*lines, words["incomplete"], words["your_choice"]]
    return [*lines, words["agree"]]


def _talk_to_primary(case: Case) -> str:
    words = _text()["guidance"]
    primary = next((c for c in case.clinicians if c.role is Role.primary), None)
    if primary is None:
        return words["talk_to_primary"]
    return words["talk_to_primary_named"].format(name=isolate(primary.name))


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
    """Options as rows (the case's order); each factor's fit (0-5) and `score`.

    `score` is the mean of the rated fits weighted by how much each factor matters (NaN when
    nothing that matters is rated; a factor not weighed yet does not count). It sums up the
    patient's own ratings: there is no ranking, and it never makes the choice.
    """
    import pandas as pd

    factors = case.preferences.factors
    names = _text()["fit"]
    labels = _unique_labels([f.label for f in factors], reserved=(names["score"],))
    ratings = [
        [case.preferences.fit.get(option.id, {}).get(f.id) for f in factors]
        for option in case.options
    ]
    frame = pd.DataFrame(ratings, index=_option_labels(case), columns=labels, dtype="Int64")
    weights = [f.weight for f in factors]
    frame[names["score"]] = pd.Series([_weighted_mean(r, weights) for r in ratings],
                                      index=frame.index, dtype="float64")
    return frame


def option_fit_styled(case: Case):
    """`option_fit` as a pandas Styler for JupyterLab: each fit and the score as a bar on one
    0-5 scale (pandas' own `Styler.bar`), numbers kept, user text escaped."""
    frame = option_fit(case)
    return (frame.style.set_uuid("option-fit")
            .format(precision=1, na_rep="-", escape="html")
            .format_index(escape="html", axis="index").format_index(escape="html", axis="columns")
            .bar(vmin=0, vmax=5, color="#9ec5e8", height=60, width=90)
            .set_caption(_text()["fit"]["caption"]))


def _weighted_mean(ratings: list[int | None], weights: list[int | None]) -> float:
    """Factors the patient has not weighed yet (weight None) do not count."""
    rated = [(w, r) for w, r in zip(weights, ratings) if r is not None and w is not None]
    total = sum(w for w, _ in rated)
    return sum(w * r for w, r in rated) / total if total else float("nan")
