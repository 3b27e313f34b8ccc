"""Forms built from a case: what a doctor said, what matters to me, my choice.

Their texts are in sonb/data/forms.json. Each is made in English with the other languages'
texts as FHIR translation extensions, and shown in the current language (`sonb.i18n`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from .. import i18n
from .._datafiles import texts
from ..errors import SonbError
from ..model import Case, DecisionKind, Factor
from .items import (
    ASPECT_SYSTEM,
    CODE_SYSTEM,
    FORM_FOR_KIND,
    MAX_LENGTH,
    MAX_VALUE,
    MIN_VALUE,
    NONE,
    OTHER,
    URL_PREFIX,
)
from .schema import check, fhir_id, load


def _text(form: str) -> dict:
    return texts("forms")[form]


def bilingual(build: Callable[..., dict]) -> Callable[..., dict]:
    """A builder whose form is made in English, carries each other language's texts as FHIR
    translation extensions (as the bundled forms do), and is shown in the current language."""
    @functools.wraps(build)
    def built(*args, **kwargs) -> dict:
        shown_in = i18n.current()
        with i18n.language(i18n.SOURCE_LANGUAGE):
            form = build(*args, **kwargs)
        for lang in i18n.LANGUAGES:
            if lang == i18n.SOURCE_LANGUAGE:
                continue
            with i18n.language(lang):
                other = build(*args, **kwargs)
            pairs = {node[f]: twin[f] for node, twin in zip(i18n.text_nodes(form), i18n.text_nodes(other))
                     for f in i18n.TRANSLATED if isinstance(node.get(f), str)
                     and twin.get(f) != node[f]}
            form = i18n.with_translations(form, lang, pairs.get)
        return i18n.localized(form, shown_in)
    return built


_ZERO_TO_FIVE = [{"url": MIN_VALUE, "valueInteger": 0}, {"url": MAX_VALUE, "valueInteger": 5}]


def _form(form_id: str, items: list[dict], name: str | None = None) -> dict:
    name = name or form_id
    q = {"resourceType": "Questionnaire", "id": fhir_id(name).replace(".", "-"),
         "url": URL_PREFIX + name, "version": "1", "title": _text(form_id)["title"],
         "status": "active", "language": "en", "item": items}
    check(q)
    return q


def _question(link: str, kind: str, text: str, *, aspect: str | None = None, **extra) -> dict:
    item: dict[str, Any] = {"linkId": link, "text": text, "type": kind}
    if aspect:
        item["code"] = [{"system": ASPECT_SYSTEM, "code": aspect}]
    if kind in MAX_LENGTH:
        item["maxLength"] = MAX_LENGTH[kind]
    return {**item, **extra}


def _choice(link: str, text: str, options: Iterable[tuple[str, str]]) -> dict:
    return _question(link, "choice", text, answerOption=[
        {"valueCoding": {"system": CODE_SYSTEM, "code": code, "display": display}}
        for code, display in options])


def _display(link: str, text: str) -> dict:
    return {"linkId": link, "text": text, "type": "display"}


def _option_choices(options: Iterable[tuple[str, str]], reserved: str,
                    reserved_label: str) -> list[tuple[str, str]]:
    """(code, display) of each option (id, name), then the reserved code."""
    options = list(options)
    if any(option_id == reserved for option_id, _name in options):
        raise SonbError(f"An option has the id {reserved!r}, which sonb keeps for "
                        f"{reserved_label!r}. Give that option another id.")
    return [*options, (reserved, reserved_label)]


VIEW_FIELDS = ("benefits", "risks", "how_well", "daily_now", "daily_later", "recovery", "cost")
"""What a doctor says about each option (`Opinion.views`): asked once per option."""
ASKED_BY_OPINION = frozenset({*VIEW_FIELDS, "if_delay", "intro"})
"""Items of a decision form that the opinion form asks itself (per option, or `what_if_wait`)."""


@bilingual
def opinion_questionnaire(case: Case, kind: DecisionKind | str | None = None) -> dict:
    """The one form per doctor: what they said (diagnosis, advice, a group per option) and, for
    a kind of decision, the rest of that kind's form. Each question is asked once: the kind's
    questions about benefits, risks, daily life and the rest are asked per option, in the
    kind's words; its question about waiting is `what_if_wait`. Built once per set of options
    and kind (the comparison asks for it per doctor) and shared between callers: do not modify
    it (copy.deepcopy it first)."""
    options = tuple((o.id, o.name) for o in case.options)
    return _opinion_form(options, DecisionKind(kind).value if kind else None, i18n.current())


@lru_cache(maxsize=32)
def _opinion_form(options: tuple[tuple[str, str], ...], kind: str | None, lang: str) -> dict:
    """The doctor's form in `lang` (part of the cache key: the texts depend on it)."""
    t = _text("opinion")
    kind_form = load(FORM_FOR_KIND[DecisionKind(kind)]) if kind else None
    wording = {i["linkId"]: i["text"] for i in kind_form["item"] for i in [i, *i.get("item", [])]} \
        if kind_form else {}
    items = [
        _display("intro", t["intro"]),
        _question("date", "date", t["date"]),
        _question("diagnosis", "text", t["diagnosis"]),
        _choice("recommended_option", t["recommended_option"],
                _option_choices(options, NONE, t[NONE])),
        _choice("confidence", t["confidence"], t["confidence_choices"].items()),
        _question("what_if_wait", "text", wording.get("if_delay", t["what_if_wait"]),
                  aspect="if_delay"),
    ]
    for option_id, name in options:
        views = [_question(f"{option_id}.{field}", "text", wording.get(field, t["view"][field]),
                           aspect=field) for field in VIEW_FIELDS]
        items.append({"linkId": f"{option_id}.group", "text": t["group"].format(option=name),
                      "type": "group", "item": views})
    if not options:
        items.append(_display("no_options", t["no_options"]))
    if kind_form is None:
        return _form("opinion", items)
    items += _without(kind_form["item"], ASKED_BY_OPINION)
    return _form("opinion", items, f"opinion.{kind}")


def kind_of_opinion_form(url: str) -> DecisionKind | None:
    """The kind of decision of an opinion form's url (None for the form without one)."""
    name = url.removeprefix(URL_PREFIX)
    _, _, kind = name.partition(".")
    return DecisionKind(kind) if name.startswith("opinion.") and kind in FORM_FOR_KIND.values() \
        else None


def _without(items: list[dict], links: frozenset[str]) -> list[dict]:
    """The items minus those linkIds (at any depth), and minus groups left empty."""
    kept = []
    for item in items:
        if item["linkId"] in links:
            continue
        if item["type"] == "group":
            children = _without(item["item"], links)
            if not children:
                continue
            item = {**item, "item": children}
        kept.append(item)
    return kept


@bilingual
def preferences_questionnaire(case: Case) -> dict:
    """0-5 weights for what matters (`weight.<factor>`) and 0-5 fit per option and factor
    (`fit.<option>.<factor>`). Seed `case.preferences.factors` (see `default_factors`) first."""
    t = _text("preferences")
    factors = case.preferences.factors
    if not factors:
        return _form("preferences", [_display("no_factors", t["no_factors"])])

    def scores(prefix: str) -> list[dict]:
        return [_question(f"{prefix}.{f.id}", "integer", f.label, extension=_ZERO_TO_FIVE)
                for f in factors]

    items = [{"linkId": "weights", "text": t["weights"], "type": "group",
              "item": [_display("weights_help", t["weights_help"]), *scores("weight")]}]
    if case.options:
        items.append(_display("fit_help", t["fit_help"]))
    items += [{"linkId": f"fit.{o.id}", "text": t["fit"].format(option=o.name), "type": "group",
               "item": scores(f"fit.{o.id}")} for o in case.options]
    return _form("preferences", items)


@bilingual
def decision_questionnaire(case: Case) -> dict:
    """The patient's choice: an option or something else, the reasons and the date."""
    t = _text("decision")
    other_chosen = {"question": "option", "operator": "=",
                    "answerCoding": {"system": CODE_SYSTEM, "code": OTHER}}
    return _form("decision", [
        _display("intro", t["intro"]),
        _choice("option", t["option"],
                _option_choices([(o.id, o.name) for o in case.options], OTHER, t["other_choice"])),
        _question("other", "string", t["other"], enableWhen=[other_chosen]),
        _question("reasons", "text", t["reasons"]),
        _question("date", "date", t["date"]),
    ])


@bilingual
def person_questionnaire(case: Case) -> dict:
    """Someone who is part of the patient's choice: who, which choice they prefer (one of the
    case's options), and whether they push."""
    t = _text("person")
    items = [_question("name", "string", t["name"], required=True),
             _question("relation", "string", t["relation"])]
    if case.options:
        items.append(_choice("prefers", t["prefers"], [(o.id, o.name) for o in case.options]))
    items.append(_question("presses", "boolean", t["presses"]))
    return _form("person", items)


# -- default factors ----------------------------------------------------------------------

def _factor_table() -> dict[str, tuple[tuple[str, str], ...]]:
    """The suggested factors per kind of decision, in the current language."""
    return {kind: tuple((f["id"], f["label"]) for f in rows)
            for kind, rows in texts("factors").items() if isinstance(rows, list)}


def default_factors(kind: DecisionKind | str | None = None) -> list[Factor]:
    """Plain-language things that may matter to the patient, for a kind of decision
    (the common list when the kind is unknown or None). New objects each call."""
    table = _factor_table()
    key = kind.value if isinstance(kind, DecisionKind) else kind
    rows = table.get(key) if isinstance(key, str) else None
    return [Factor(id=fid, label=label) for fid, label in (rows or table["default"])]


def judgement_questionnaire(topic: str, first: str, second: str) -> dict:
    """"Did they say the same thing?" about two doctors' answers on one topic, in the current
    language (the topic is words of it: `sonb.binding.JUDGEMENT` makes it `bilingual`)."""
    words = _text("judgement")
    question = words["question"].format(topic=topic, first=first, second=second)
    return _form("judgement", [_choice("same", question,
                                       words["choices"].items())])
