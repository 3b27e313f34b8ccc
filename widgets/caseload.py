"""The navigator's caseload in JupyterLab: the shared cases, most urgent first, to filter,
chart, download as CSV and open one by one (`sonb.caseload`)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

import ipywidgets as W

from sonb import caseload as CL
from sonb import compare
from sonb._datafiles import texts
from sonb.safe import esc
from sonb.store import log_ref

from .common import bullet_list
from .downloads import DownloadButton

log = logging.getLogger("sonb.app")

OPEN_LABEL_AT_MOST = 60  # characters of a decision in the Open list


def words(key: str, **fmt) -> str:
    """A text of caseload.json's `view`, filled in."""
    text = texts("caseload")["view"][key]
    return text.format(**fmt) if fmt else text


def frame_html(frame, label: str, index: bool = True) -> str:
    """A DataFrame as escaped HTML in a box that scrolls sideways (reachable by keyboard)."""
    table = frame.to_html(escape=True, na_rep="", border=0, classes="sonb-table", index=index)
    return f'<div class="sonb-scroll" tabindex="0" role="region" aria-label="{esc(label)}">{table}</div>'


class CaseloadView(W.VBox):
    """The caseload of the entries `entries()` gives (called again on Refresh).

    `on_open(entry)` runs when a case is picked in the Open list; by default the case's
    agreement table and guidance are shown below (`output`). `today` fixes the date (tests).
    """

    def __init__(self, entries: Callable[[], Iterable[CL.Entry]],
                 on_open: Callable[[CL.Entry], None] | None = None, today: dt.date | None = None):
        super().__init__()
        self._entries, self._on_open, self._today = entries, on_open or self.show_case, today
        self._by_key: dict[str, CL.Entry] = {}
        self._drawing = False
        self.table = self.shown = CL.caseload([])
        self.filter = W.Text(description=words("filter"), placeholder=words("filter_hint"))
        self.attention = W.Checkbox(description=words("attention"), indent=False)
        self.step = W.Dropdown(description=words("step"), options=self._step_options())
        self.refresh_button = W.Button(description=words("refresh"), icon="refresh")
        self.download = DownloadButton(words("download"), words("download_link"), self._csv)
        self.status, self.table_html, self.chart = W.HTML(), W.HTML(), W.HTML()
        self.open = W.Dropdown(description=words("open"), options=[(words("open_none"), "")])
        self.output = W.Output()
        self.opened: CL.Entry | None = None  # the case picked last
        self.report = DownloadButton(words("report"), words("report_link"), self._report)
        self.report.layout.display = "none"
        for control in (self.filter, self.attention, self.step):
            control.observe(lambda _c: self.redraw(), "value")
        self.open.observe(self._picked, "value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.children = [W.HTML(f"<h2>{esc(words('title'))}</h2>"),
                         W.HBox([self.filter, self.attention, self.step, self.refresh_button]),
                         self.status, self.table_html, self.chart, self.download, self.open,
                         self.output, self.report]
        self.refresh()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    @staticmethod
    def _step_options() -> list[tuple[str, int]]:
        names = texts("caseload")["steps"]
        return [(words("all_steps"), 0),
                *((words("step_option", step=n, name=name), n) for n, name in enumerate(names, 1))]

    def refresh(self) -> None:
        """Read the entries again and show them."""
        try:
            entries = CL.latest(self._entries())
            self.table = CL.caseload(entries, self.today)
        except Exception as exc:  # noqa: BLE001  (a broken store must not take the notebook down)
            log.warning("caseload not read: %s", type(exc).__name__)
            self.status.value = f'<div class="sonb-error" role="alert">{esc(words("failed"))}</div>'
            return
        self._by_key = {CL.row_key(e): e for e in entries}
        self.redraw()

    def redraw(self) -> None:
        """Show the rows the filters keep, the week's visits and the Open list."""
        self.shown = CL.filter_caseload(self.table, self.filter.value, self.attention.value,
                                        self.step.value or None)
        self.status.value = (f'<p role="status">'
                             f'{esc(words("shown", shown=len(self.shown), total=len(self.table)))}</p>')
        self.table_html.value = (frame_html(self.shown, words("title"), index=False) if len(self.shown)
                                 else f"<p>{esc(words('no_rows'))}</p>")
        self.chart.value = CL.visits_chart_html(self.shown, self.today)
        self.download.clear()
        self._draw_open()

    def _draw_open(self) -> None:
        patient, case, decision = (CL.label(k) for k in ("patient", "case", "decision"))
        options = [(words("open_none"), "")]  # labels are shown as text, never as HTML
        for key, row in self.shown.iterrows():
            options.append((words("open_option", patient=row[patient], case=row[case],
                                  decision=row[decision][:OPEN_LABEL_AT_MOST]), key))
        current = self.open.value
        self._drawing = True
        try:
            self.open.options = options
            self.open.value = current if current in self.shown.index else ""
        finally:
            self._drawing = False

    def _picked(self, change) -> None:
        if not self._drawing and change["new"]:
            self.opened = self._by_key[change["new"]]
            self.report.clear()
            self.report.layout.display = None
            self._on_open(self.opened)

    def show_case(self, entry: CL.Entry) -> None:
        """Show the case's comparison, agreement table and guidance in `output` (its report
        is one click away: `report`)."""
        title = words("case_title", patient=entry.patient, case=log_ref(entry.case.id))
        html = (f"<h3>{esc(title)}</h3><h4>{esc(words('comparison'))}</h4>"
                f"{frame_html(compare.comparison_table(entry.case), words('comparison'))}"
                f"<h4>{esc(words('agreement'))}</h4>"
                f"{frame_html(compare.agreement(entry.case), words('agreement'))}"
                f"<h4>{esc(words('guidance'))}</h4>{bullet_list(compare.guidance(entry.case))}")
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/html": html, "text/plain": title}},)

    def _report(self) -> tuple[str, str, bytes]:
        from sonb.report import report_html

        case = self.opened.case
        return (f"sonb-report-{log_ref(case.id)}.html", "text/html",
                report_html(case, self.today).encode("utf-8"))

    def _csv(self) -> tuple[str, str, bytes]:
        return f"caseload-{self.today.isoformat()}.csv", "text/csv", CL.csv_bytes(self.shown)
