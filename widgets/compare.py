"""Step 5: compare what the clinicians said, with agreements and differences highlighted."""

from __future__ import annotations

import ipywidgets as W

from sonb import compare as C
from sonb.safe import esc

from .common import bullet_list, table_html, ui
from .step import StepView

STATUS_CLASS = {"agree": "sonb-agree", "differ": "sonb-differ"}


class CompareView(StepView):
    key = "compare"
    needs = ("pandas",)  # its tables are pandas DataFrames

    def build(self) -> W.Widget:
        self.out = W.HTML()
        self.refresh()
        return self.out

    def refresh(self) -> None:
        case = self.case
        if not case.opinions:
            self.out.value = f"<p>{esc(ui('steps', 'compare', 'need_two'))}</p>"
            return
        agreement = C.agreement(case)
        status = agreement["status"].to_dict()
        shown_status = agreement[["status"]].replace(ui("tables", "statuses")).rename(
            columns={"status": ui("tables", "status")})
        shown_status.index.name = ui("tables", "topic")

        def mark(aspect, _column, _value):
            return STATUS_CLASS.get(status.get(aspect), "")

        open_questions = C.unanswered_table(case)
        sections = [
            ("guidance_title", bullet_list(C.guidance(case))),
            ("table_title", table_html(C.comparison_table(case), mark)),
            ("agreement_title", table_html(shown_status, mark)),
            ("options_title", table_html(C.options_table(case))),
            ("unanswered_title", _open_questions(open_questions)),
        ]
        self.out.value = "".join(
            f"<h3>{esc(ui('steps', 'compare', key))}</h3>{body}"
            for key, body in sections)


def _open_questions(table) -> str:
    """The questions each clinician left open, as one short list per clinician."""
    if not len(table):
        return f"<p>{esc(ui('steps', 'compare', 'none_open'))}</p>"
    who, question = table.columns[0], table.columns[1]
    return "".join(f"<h4>{esc(name)}</h4>{bullet_list(list(rows[question]))}"
                   for name, rows in table.groupby(who, sort=False))
