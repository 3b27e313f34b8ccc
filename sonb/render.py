"""What the report and the printable forms share: their words, dates, directions and Jinja.

- `_words()`: the texts of `sonb/data/report.json`; `_error(key, ...)`: a SonbError in them.
- `_date`, `_yes_no`: values in plain words (blank values: `questionnaire.is_blank`).
- `direction(text)` and `fill(template, ...)`: right-to-left text laid out right, in HTML.
- `_render(template, ...)`: a template of `sonb/templates/` with autoescape on.

Every value reaches the HTML through Jinja2's autoescape; the few bits of HTML built here
go through `sonb.safe.esc`.
"""

from __future__ import annotations

import datetime as dt
import string
import unicodedata
from functools import lru_cache
from typing import Any

import jinja2
from markupsafe import Markup

from . import i18n
from ._datafiles import texts
from .errors import SonbError
from .safe import esc

_OPEN_ISOLATES = "\u2066\u2067\u2068"  # left-to-right, right-to-left, first-strong isolate
_CLOSE_ISOLATE = "\u2069"  # pop directional isolate


# -- words ----------------------------------------------------------------------------------

def _words() -> dict:
    return texts("report")


def _error(key: str, **values) -> SonbError:
    return SonbError(_words()["errors"][key].format(**values))


def _date(value: dt.date | str | None) -> str:
    """A date in plain words in the current language ('March 14, 2025', '14 de marzo de
    2025', Babel's long format); other text is kept as it is."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    from babel.dates import format_date

    return format_date(value, format="long", locale=i18n.current())


def _yes_no(value: bool | None, unknown: str = "unknown") -> str:
    words = _words()
    return words["yes"] if value is True else words["no"] if value is False else words[unknown]


def direction(text: object) -> str:
    """'rtl' or 'ltr' from the first letter with a strong direction, else 'auto'.

    This is what a browser's dir="auto" does; computing it here makes WeasyPrint (which
    ignores dir="auto") lay out Arabic or Hebrew text right to left as well. As in Unicode's
    rule, letters inside isolates (`sonb.safe.isolate`) do not count: an isolated Arabic name
    followed by "(Another kind of professional)" is left to right. Text that is all isolated
    takes the direction of its first isolated letter."""
    depth, inside = 0, "auto"
    for char in str(text):
        if char in _OPEN_ISOLATES:
            depth += 1
            continue
        if char == _CLOSE_ISOLATE:
            depth = max(depth - 1, 0)
            continue
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            found = "ltr" if kind == "L" else "rtl"
            if depth == 0:
                return found
            if inside == "auto":
                inside = found
    return inside


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
    return _environment().get_template(template).render(words=_words(), lang=i18n.current(),
                                                        **context)
