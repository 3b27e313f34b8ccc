"""Cases full of hostile text and an HTML reader, for test_report, test_printable and test_pdf."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from html.parser import HTMLParser

from pydantic import BaseModel

from sonb import binding as B, questionnaire as qn
from sonb._datafiles import texts
from sonb.examples import load_example
from sonb.model import (ROLE_LABELS, Case, Clinician, Decision, DecisionKind, Opinion, OptionView,
                        Role)
from sonb.questionnaire.builders import ASKED_BY_OPINION

TODAY = dt.date(2025, 3, 14)
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}} ${7*7} {% raw %}",
    "\u202eevil override",
    "مرحبا بالطبيب",
    "你好医生",
)
LATIN_PAYLOADS = PAYLOADS[:5]


def _limits(info) -> tuple[bool, int | None]:
    """(is free text, max length) for a pydantic field: ids and codes have a pattern."""
    free, longest = True, None
    for meta in info.metadata:
        if getattr(meta, "pattern", None):
            free = False
        if getattr(meta, "max_length", None):
            longest = meta.max_length
    return free, longest


def _text(source: Iterator[str], longest: int | None, full: bool) -> str:
    value = next(source)
    if full and longest:
        value = (value + " ") * (longest // (len(value) + 1) + 1)
    return value[:longest] if longest else value


def fill_text(model: BaseModel, source: Iterator[str], full: bool = False) -> None:
    """Put a text from `source` into every free-text str field of the model, recursively
    (up to the field's maximum length when `full`)."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            fill_text(value, source, full)
        elif isinstance(value, (list, dict)):
            for item in value.values() if isinstance(value, dict) else value:
                if isinstance(item, BaseModel):
                    fill_text(item, source, full)
        elif info.annotation is str:  # not enums, ids or dates
            free, longest = _limits(info)
            if free:
                setattr(model, name, _text(source, longest, full))


def fill_answers(case: Case, source: Iterator[str], full: bool = False) -> None:
    """Answer every text question of each opinion's form (three own questions each): the
    kind's questions the doctor's form asks (those it asks per choice are `views`)."""
    for opinion in case.opinions:
        form = qn.load(qn.FORM_FOR_KIND[opinion.form_kind])
        answers = dict(opinion.answers)
        for item in qn.questions(form):
            if item["type"] not in ("string", "text") or item["linkId"] in ASKED_BY_OPINION:
                continue
            if item.get("repeats"):
                answers[item["linkId"]] = [_text(source, item["maxLength"], full) for _ in range(3)]
            else:
                answers[item["linkId"]] = _text(source, item["maxLength"], full)
        opinion.answers = answers


def filled_case(texts_: Iterator[str], full: bool = False) -> Case:
    """The back-pain example with every free text (and form answer) replaced."""
    case = load_example("back_pain")
    case.choice = Decision(other="x", reasons="x", date=dt.date(2025, 3, 20))
    case.deciding = case.deciding.model_copy(update={"role": "shared"})  # "with whom" is asked
    fill_text(case, texts_, full)
    fill_answers(case, texts_, full)
    return case


def hostile(full: bool = False) -> Case:
    return filled_case(itertools.cycle(PAYLOADS), full)


def numbered_payloads() -> Iterator[str]:
    """Hostile texts each made unique by a number, so each field can be found again."""
    for n in itertools.count():
        yield f"{PAYLOADS[n % len(PAYLOADS)]} n{n}"


class Page(HTMLParser):
    """What a browser would build: elements with their attributes, and the text shown."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.chunks: list[str] = []
        self.in_style = False
        self.feed(html)
        self.close()
        self.text = "\x00".join(self.chunks)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(name for name, _ in attrs)))
        self.attributes.extend((tag, name, value) for name, value in attrs)
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.chunks.append(data)



# -- what every doctor's form holds -------------------------------------------------------------

ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))  # LRI, RLI, FSI, PDI: not text
EMOJI = "😀👍❤️🙏"
RTL_NAME = "د. سارة"


def shown_answer(item: dict, value) -> str:
    """One answer as a reader sees it: a choice by its words, a date in words, yes or no."""
    words = texts("report")
    if item["type"] == "choice":
        return qn.choice_codes(item)[value]["display"]
    if item["type"] == "boolean":
        return words["yes" if value else "no"]
    if item["type"] == "date":
        from babel.dates import format_date

        return format_date(dt.date.fromisoformat(value), format="long", locale="en")
    return str(value)


def form_answers(case: Case) -> dict[str, list[tuple[str, str]]]:
    """clinician id -> (linkId, answer as shown) for every non-blank answer of their form
    (`sonb.binding.OPINION`), each value of a repeating answer on its own."""
    found = {}
    for clinician_id in B.OPINION.targets(case):
        items = qn.index(B.OPINION.form(case, clinician_id))
        found[clinician_id] = [(link, shown_answer(items[link], v))
                               for link, value in B.OPINION.read(case, clinician_id).items()
                               for v in qn.values_of(value)]
    return found


def doctor_label(case: Case, clinician_id: str) -> str:
    clinician = case.clinician(clinician_id)
    return texts("aspects")["clinician_label"].format(name=clinician.name, role=ROLE_LABELS[clinician.role])


def emoji_rtl_case() -> Case:
    """The back-pain example with emoji in a diagnosis and an answer, and an Arabic name for a
    professional of another kind who gave an opinion too."""
    case = load_example("back_pain")
    case.opinions[0].diagnosis = f"Herniated disc {EMOJI} and a worn disc"
    case.opinions[0].answers = {**case.opinions[0].answers, "anesthesia": "Asleep 😴 the whole time"}
    case.clinicians.append(Clinician(id="dr-sara", name=RTL_NAME, role=Role.other_professional,
                                     specialty="Physiatry"))
    case.opinions.append(Opinion(
        clinician_id="dr-sara", date=dt.date(2025, 3, 13), diagnosis="Sciatica from a disc 🙂",
        recommended_option="physical-therapy", confidence="not_sure",
        views={"physical-therapy": OptionView(benefits="Less pain 👍", cost="$25 a visit")},
        form_kind=DecisionKind.surgery,
        answers={"purpose": "To ease the leg pain.", "my_questions": ["Can I swim? 🏊"]}))
    return case
