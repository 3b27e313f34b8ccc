"""Buttons that make the report for the primary doctor and printable forms (sonb.report, sonb.printable)."""

from __future__ import annotations

from typing import Callable

from sonb import Case, DecisionKind

from .common import ui
from .downloads import DownloadButton


def _report(case: Case, pdf: bool):
    from sonb.pdf import to_pdf
    from sonb.report import report_html

    page = report_html(case)
    if pdf:
        return "sonb-report.pdf", "application/pdf", to_pdf(page)
    return "sonb-report.html", "text/html", page.encode("utf-8")


def report_buttons(get_case: Callable[[], Case]) -> list[DownloadButton]:
    """The report for the primary doctor, as a web page and as a PDF."""
    link = ui("files", "download")
    return [DownloadButton(ui("files", "report_html"), link, lambda: _report(get_case(), False)),
            DownloadButton(ui("files", "report_pdf"), link, lambda: _report(get_case(), True))]


def forms_button(label_key: str, get_args: Callable[[], dict]) -> DownloadButton:
    """Printable forms as a PDF; `get_args()` gives sonb.printable.forms_html's arguments."""

    def make():
        from sonb.pdf import to_pdf
        from sonb.printable import forms_html

        return "sonb-forms.pdf", "application/pdf", to_pdf(forms_html(**get_args()))

    return DownloadButton(ui("files", label_key), ui("files", "download"), make)


def script_button() -> DownloadButton:
    """The words to ask a doctor for a referral, as a one-page PDF to print."""

    def make():
        from sonb.pdf import to_pdf
        from sonb.printable import referral_script_html

        return "sonb-asking-for-a-referral.pdf", "application/pdf", to_pdf(referral_script_html())

    return DownloadButton(ui("files", "script_pdf"), ui("files", "download"), make)


def chosen_kinds(case: Case) -> DecisionKind | None:
    """The form kind to print blank: the one chosen, the case's kind, or None for all four."""
    chosen = case.plan.forms_chosen
    if len(chosen) == 1:
        return chosen[0]
    return case.kind if not chosen else None
