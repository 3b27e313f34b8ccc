"""The `Binding` declaration, and validating a case once with errors keyed by linkId."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from .. import questionnaire as Q
from ..errors import InvalidInput, SonbError, field_path, plain_message
from ..model import Case

Target = str | None
Loc = tuple


@dataclass(frozen=True)
class Binding:
    """How one form meets the case. See the module docstring."""

    key: str
    what: str  # names the form in error messages, e.g. "The plan"
    form: Callable[[Case, Target], dict]
    read: Callable[[Case, Target], dict]
    put: Callable[[dict, Target, dict, dict], None]  # (case data, target, answers, form) -> None
    link_of: Callable[[Case, Target, Loc], str | None]  # model error -> linkId (None: whole form)
    targets: Callable[[Case], Iterable[Target]] = lambda case: [None]
    records: Callable[[Case], list] | None = None  # a record of a list: the list, as shown
    records_at: Callable[[dict], list] | None = None  # ... and in case data, to change it
    dropped: Callable[[dict, str], None] = lambda data, record_id: None  # tidy up after a removal

    def write(self, case: Case, target: Target, answers: Mapping) -> Case:
        """A new, validated case holding these answers (absent answers -> unanswered).

        Answers of disabled items are dropped first. Raises InvalidInput keyed by linkId
        (a key that is not a linkId of the form is a problem of the whole form)."""
        form = self.form(case, target)
        problems = Q.validate_answers(form, _plain(answers))
        shown = Q.enabled_items(form, answers)
        problems = {k: v for k, v in problems.items() if shown.get(k, True)}  # hidden: dropped
        kept = Q.clean_answers(form, answers)
        if self.records is not None:  # a record, saved with a Save button: all it needs
            for link in Q.missing_required(form, kept):
                problems.setdefault(link, Q.message("required"))
        if problems:
            raise InvalidInput(problems, self.what)
        data = case.model_dump(mode="json")
        self.put(data, target, kept, form)
        return validated(data, lambda loc: self.link_of(case, target, loc), self.what)


def _plain(answers: Mapping) -> Mapping:
    """The answers, refused when a value is not plain JSON (a date object, a set, NaN...)."""
    if not isinstance(answers, Mapping):
        raise SonbError("The answers must be pairs of a question's linkId and its answer.")
    problems = {}
    for link, value in answers.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            problems[str(link)] = Q.message("unreadable")
    if problems:
        raise InvalidInput(problems, "The answers")
    return answers


def validated(data: dict, link_of: Callable[[Loc], str | None], what: str) -> Case:
    """Case data validated once, strictly (JSON types: a bool is never an int). Problems are
    keyed by the linkId `link_of` gives, else by the model path."""
    try:
        return Case.model_validate_json(json.dumps(data), strict=True)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.setdefault(link_of(loc) or field_path(loc), plain_message(err))
        raise InvalidInput(problems, what) from None


def drop_blank(data: Mapping) -> dict:
    return {k: v for k, v in data.items() if not Q.is_blank(v)}


def field_link(prefix: tuple) -> Callable[[Case, Target, Loc], str | None]:
    """Model errors under `prefix` (e.g. ('plan',)) belong to the linkId named by the field."""
    def link_of(case: Case, target: Target, loc: Loc) -> str | None:
        n = len(prefix)
        return str(loc[n]) if loc[:n] == prefix and len(loc) > n else None
    return link_of

