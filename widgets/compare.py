"""Step 5: compare what the clinicians said, with agreements and differences highlighted."""

from __future__ import annotations

import ipywidgets as W

from sonb import compare as C

from .common import bullet_list, html, table_html, ui
from .step import StepView

STATUS_CLASS = {"agree": "sonb-agree", "differ": "sonb-differ"}


class CompareView(StepView):
    key = "compare"

    def build(self) -> W.Widget:
        self.out = W.HTML()
        self.refresh()
        return self.out

    def refresh(self) -> None:
        case = self.case
        if not case.opinions:
            self.out.value = f"<p>{html(ui('steps', 'compare', 'need_two'), 'span').value}</p>"
            return
        agreement = C.agreement(case)
        status = agreement["status"].to_dict()

        def mark(aspect, _column, _value):
            return STATUS_CLASS.get(status.get(aspect), "")

        open_questions = C.unanswered_table(case)
        sections = [
            ("guidance_title", bullet_list(C.guidance(case))),
            ("table_title", table_html(C.comparison_table(case), mark)),
            ("agreement_title", table_html(agreement, lambda a, col, _v: mark(a, col, _v)
                                           if col == "status" else "")),
            ("options_title", table_html(C.options_table(case))),
            ("unanswered_title", table_html(open_questions.set_index(open_questions.columns[0]))
             if len(open_questions) else html(ui("steps", "compare", "none_open")).value),
        ]
        self.out.value = "".join(
            f"<h3>{html(ui('steps', 'compare', key), 'span').value}</h3>{body}"
            for key, body in sections)
