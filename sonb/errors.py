"""Errors a person can read: each names the field and the problem, never a stack trace."""

from __future__ import annotations

from pydantic import ValidationError

from ._datafiles import texts


class SonbError(ValueError):
    """Base class for every error sonb reports to a user."""


class InvalidInput(SonbError):
    """Input that does not fit the model. `problems` maps a field path to a plain message."""

    def __init__(self, problems: dict[str, str], what: str = "The information"):
        self.problems = problems
        lines = [f"{field}: {message}" for field, message in problems.items()]
        super().__init__(f"{what} has {len(problems)} problem(s):\n" + "\n".join(lines))


class CaseFileError(SonbError):
    """A case file that cannot be imported (corrupt, foreign, too large or too new)."""


class CaseTooLarge(SonbError):
    """A case that would not fit a case file (casefile.MAX_BYTES): it is not saved."""


class ConflictError(SonbError):
    """A save based on an older revision than the one stored."""


class CaseNotFound(SonbError, KeyError):
    """No case with this id in the store."""

    def __str__(self) -> str:  # KeyError would add quotes
        return str(self.args[0]) if self.args else "Case not found."




def plain_message(error: dict) -> str:
    """One pydantic error -> a short sentence fragment in plain words."""
    template = texts("forms")["model_messages"].get(error["type"])
    ctx = dict(error.get("ctx") or {})
    if error["type"] == "value_error":
        return str(ctx.get("error", error["msg"])).removeprefix("Value error, ")
    if template is None:
        return error["msg"][:1].lower() + error["msg"][1:]
    try:
        return template.format(**ctx)
    except (KeyError, ValueError):
        return error["msg"]


def field_path(loc: tuple) -> str:
    """('clinicians', 0, 'name') -> 'clinicians[0].name'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(whole record)"


def explain(exc: ValidationError, what: str = "The information") -> InvalidInput:
    """Turn a pydantic ValidationError into an InvalidInput with one plain line per field."""
    problems: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        problems.setdefault(field_path(err["loc"]), plain_message(err))
    return InvalidInput(problems, what)
