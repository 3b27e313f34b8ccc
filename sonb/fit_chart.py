"""How each option fits what matters, as an accessible bar chart in HTML (step 6 and the
report). Every bar has its number as text beside it, so a screen reader and a printout say
the same as the picture; the bars themselves are hidden from screen readers. Options keep the
patient's order: the chart never ranks them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from . import i18n
from ._datafiles import texts
from .compare import option_fit
from .model import Case
from .safe import esc, isolate

MAX = 5


@dataclass(frozen=True)
class Bar:
    label: str
    score: float | None  # 0-5, None: not rated yet


@dataclass(frozen=True)
class OptionFit:
    name: str
    overall: Bar          # the weighted mean of the patient's own ratings
    factors: tuple[Bar, ...]  # one per factor: how well the option fits it


def option_fits(case: Case) -> list[OptionFit]:
    """Per option (the case's order): its overall fit and its fit on each factor."""
    words = texts("fit_chart")
    frame = option_fit(case)
    factors = case.preferences.factors
    found = []
    for row, option in enumerate(case.options):
        bars = []
        for col, factor in enumerate(factors):
            key = "matters" if factor.weight is not None else "matters_unknown"
            label = words[key].format(label=isolate(factor.label), weight=factor.weight)
            bars.append(Bar(label, _number(frame.iat[row, col])))
        overall = Bar(words["overall"], _number(frame.iat[row, -1]))  # the score: last column
        found.append(OptionFit(option.name, overall, tuple(bars)))
    return found


def _number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _bar(bar: Bar, css: str) -> str:
    words = texts("fit_chart")
    if bar.score is None:
        value, width = words["not_rated"], 0.0
    else:
        value = words["of_five"].format(score=i18n.decimal(bar.score))
        width = 100 * bar.score / MAX
    return (f'<li class="{css}"><span class="sonb-bar-label">{esc(bar.label)}</span>'
            f'<span class="sonb-bar-track" aria-hidden="true">'
            f'<span class="sonb-bar-fill" style="width: {width:.0f}%"></span></span>'
            f'<span class="sonb-bar-value">{esc(value)}</span></li>')


def fit_chart_html(case: Case, report: bool = False) -> str:
    """The chart as escaped HTML ("" when there are no options or nothing matters yet).
    `report`: the words of the report (first person), with every detail open for print."""
    fits = option_fits(case)
    if not fits or not case.preferences.factors:
        return ""
    words = texts("fit_chart")
    parts = [f'<figure class="sonb-fit"><figcaption>'
             f'{esc(words["caption_report" if report else "caption"])}</figcaption>']
    for fit in fits:
        details = "".join(_bar(b, "sonb-bar sonb-bar-small") for b in fit.factors)
        summary = esc(words["details"].format(option=isolate(fit.name)))
        parts.append(
            f'<section class="sonb-fit-option"><h4>{esc(isolate(fit.name))}</h4>'
            f'<ul class="sonb-bars">{_bar(fit.overall, "sonb-bar")}</ul>'
            f'<details{" open" if report else ""}><summary>{summary}</summary>'
            f'<ul class="sonb-bars">{details}</ul></details></section>')
    parts.append(f'<p class="sonb-fit-note">{esc(words["note_report" if report else "note"])}'
                 f'</p></figure>')
    return "".join(parts)
