"""What sonb says about itself, as decision aid standards (IPDAS) ask: its sources and what each
shaped, when the content was written and last checked, who wrote it, who pays, and what happens
to a patient's notes. The words live in `sonb/data/about.json`; the widget layer shows them
(`sonb.widgets.about`) and the report prints the content version and date (`report_line`).
"""

from __future__ import annotations

import datetime as dt

from ._datafiles import texts


def about() -> dict:
    """The texts of sonb/data/about.json (shared: do not modify)."""
    return texts("about")


CONTENT_VERSION: str = about()["version"]
WRITTEN: dt.date = dt.date.fromisoformat(about()["written"])
CHECKED: dt.date = dt.date.fromisoformat(about()["checked"])


def in_words(day: dt.date) -> str:
    """'December 2, 2026', in the current language (the report's dates, `render._date`)."""
    from .render import _date

    return _date(day)


def dates_text() -> str:
    """When the content was written and last checked, and its version, in words."""
    return about()["dates"]["text"].format(written=in_words(WRITTEN), checked=in_words(CHECKED),
                                           version=CONTENT_VERSION)


def report_line() -> str:
    """The one line the report carries: the content version and when it was last checked."""
    return about()["report_line"].format(version=CONTENT_VERSION, checked=in_words(CHECKED))
