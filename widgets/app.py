"""SecondOpinionApp: the patient's stepper over the six steps, with autosave and case files.

The patient page never lists the store's cases: it starts a new case, opens the example, or
resumes one from the patient's resume code or case file.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import threading

import ipywidgets as W

from sonb import Case, CaseStore, SonbError, casefile
from sonb.errors import CaseNotFound
from sonb.model import resume_code_problem
from sonb.safe import esc

from .common import html, style_widget, ui
from .downloads import DownloadButton
from .parts import dispose, label_style
from .session import CaseSession

log = logging.getLogger("sonb.app")

# (module, class) per step, imported when the step is first shown.
STEPS = (
    ("assessment", "AssessmentView"),
    ("doctors", "DoctorsView"),
    ("plan", "PlanView"),
    ("forms", "FormsView"),
    ("compare", "CompareView"),
    ("decide", "DecideView"),
)
STEP_KEYS = ("assess", "doctors", "plan", "forms", "compare", "decide")


def _step_class(index: int):
    module, name = STEPS[index]
    return getattr(importlib.import_module(f"sonb.widgets.{module}"), name)


class SecondOpinionApp(W.VBox):
    """The whole journey in one widget. `store` defaults to CaseStore() (SONB_HOME)."""

    def __init__(self, store: CaseStore | None = None, case: Case | None = None):
        super().__init__()
        self.add_class("sonb-app")
        self.store = store if store is not None else CaseStore()
        self.session: CaseSession | None = None
        self.views: list = []
        self.index = 0
        self.header = W.HTML(f"<h1>{esc(ui('app_title'))}</h1>"
                             f'<p class="sonb-box">{esc(ui("disclaimer"))}</p>')
        self.body = W.VBox()
        self.children = [style_widget(), self.header, self.body]
        if case is not None:
            self.open_case(case)
        else:
            self.show_start()

    # -- start screen --------------------------------------------------------------------
    def show_start(self) -> None:
        t = lambda key: ui("start", key)  # noqa: E731
        self.new_button = W.Button(description=t("new"), button_style="primary", icon="plus")
        self.example_button = W.Button(description=t("example"), icon="book")
        self.code = W.Text(description=t("resume_code"), continuous_update=False,
                           style=label_style(W.Text))
        self.code.add_class("sonb-field")
        self.resume_button = W.Button(description=t("resume_button"), icon="folder-open")
        self.upload = W.FileUpload(accept=".json,application/json", multiple=False,
                                   description=t("upload"))
        self.start_message = W.HTML()
        self.new_button.on_click(lambda _b: self.new_case())
        self.example_button.on_click(lambda _b: self.new_case(example="back_pain"))
        self.resume_button.on_click(lambda _b: self.resume(self.code.value))
        self.upload.observe(self._uploaded, names="value")
        self.body.children = [
            html(t("title"), "h2"), html(t("intro")),
            W.HBox([self.new_button, self.example_button]).add_class("sonb-nav"),
            html(t("resume_title"), "h2"), html(t("resume_help")),
            self.code, W.HBox([self.resume_button, self.upload]).add_class("sonb-nav"),
            self.start_message,
        ]

    def _say(self, text: str) -> None:
        self.start_message.value = f'<div class="sonb-error" role="alert">{esc(text)}</div>'

    def new_case(self, example: str | None = None) -> None:
        if example:
            from sonb.examples import load_example

            case = load_example(example).model_copy(update={"id": Case().id, "revision": 0})
        else:
            case = Case()
        self.open_case(self.store.create(case))

    def resume(self, code: str) -> None:
        problem = resume_code_problem(code)
        if problem:
            self._say(ui("start", problem, n=len(code.strip())))
            return
        code = code.strip()
        try:
            case = self.store.load(code)
        except CaseNotFound:
            self._say(ui("start", "not_found"))
            return
        except SonbError:
            self._say(ui("start", "bad_code"))
            return
        self.open_case(case)

    def _uploaded(self, change) -> None:
        files = change["new"]
        if not files:
            return
        try:
            case = self.store.import_file(bytes(files[0]["content"]))
        except SonbError as exc:
            self._say(str(exc))
            log.info("case file refused")
            return
        self.open_case(case)

    # -- the journey ---------------------------------------------------------------------
    def open_case(self, case: Case) -> None:
        """Show this (stored) case at its first step."""
        self.session = CaseSession(self.store, case)
        start_screen = self.body.children
        self.views = [None] * len(STEPS)
        self.step_buttons = []
        for i, key in enumerate(STEP_KEYS):
            button = W.Button(description=f"{i + 1}. {ui('steps', key, 'title')}")
            button.on_click(lambda _b, i=i: self.go(i))
            self.step_buttons.append(button)
        self.back = W.Button(description=ui("nav", "back"), icon="arrow-left")
        self.next = W.Button(description=ui("nav", "next"), icon="arrow-right",
                             button_style="primary")
        self.back.on_click(lambda _b: self.go(self.index - 1))
        self.next.on_click(lambda _b: self.go(self.index + 1))
        self.progress = W.HTML()
        self.step_title = W.HTML()
        self.content = W.VBox()
        self.download = DownloadButton(ui("case_bar", "download_make"), ui("case_bar", "download"),
                                       lambda: (f"sonb-case-{self.session.case.id}.json",
                                                "application/json",
                                                casefile.dumps(self.session.case).encode("utf-8")))
        code = W.HTML(f'<p>{esc(ui("case_bar", "code"))} <code class="sonb-code">'
                      f"{esc(case.id)}</code></p>")
        self.session.on_change(lambda _case: self.download.clear())
        self.body.children = [
            W.VBox([code, W.HBox([self.session.status, self.download],
                                 layout=W.Layout(flex_flow="row wrap", align_items="center",
                                                 justify_content="space-between"))],
                   ).add_class("sonb-box"),
            W.HBox(self.step_buttons).add_class("sonb-steps"),
            self.progress, self.step_title, self.content,
            W.HBox([self.back, self.next]).add_class("sonb-nav"),
        ]
        dispose(*start_screen)
        self.go(0)
        self._build_ahead()

    def _build_ahead(self, delay: float = 0.2) -> None:
        """Build the other steps one at a time while the kernel is idle, and put them on the page
        hidden, so Next only shows them. Steps that need a slow import (pandas, ~0.2 s) come
        last: the import runs in a thread, so the kernel keeps answering the patient meanwhile.
        Only where an event loop runs (a live kernel); elsewhere steps build on first use."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        slow = sorted({m for i in range(len(STEPS)) for m in _step_class(i).needs})
        importing = threading.Thread(target=lambda: [importlib.import_module(m) for m in slow],
                                     name="sonb-imports", daemon=True)

        def build_next() -> None:
            missing = [i for i, view in enumerate(self.views) if view is None]
            if not missing or self.session is None:
                return
            quick = [i for i in missing if not _step_class(i).needs]
            if quick:
                self._mount(quick[0])
            elif importing.ident is None:  # only slow steps are left: import for them first
                importing.start()
            elif not importing.is_alive():
                self._mount(missing[0])
            loop.call_later(delay, build_next)

        loop.call_later(delay, build_next)

    def view(self, index: int):
        """The view of step `index`, built the first time it is needed."""
        if self.views[index] is None:
            self.views[index] = _step_class(index)(self.session)
        return self.views[index]

    def _mount(self, index: int) -> W.Widget:
        """The body of step `index`, on the page (hidden unless it is the step shown). Built
        steps stay on the page, so going back and forth only hides one and shows another,
        and the browser does not draw a step's widgets again."""
        body = self.view(index).widget  # a new view fills itself when built
        if body not in self.content.children:
            body.layout.display = None if index == self.index else "none"
            self.content.children = (*self.content.children, body)
        return body

    def go(self, index: int) -> None:
        """Show step `index` (0-based), up to date with the case."""
        index = max(0, min(index, len(STEPS) - 1))
        self.index = index
        built = self.views[index] is not None
        body = self._mount(index)
        view = self.views[index]
        if built:
            view.refresh()
        for other in self.content.children:
            other.layout.display = None if other is body else "none"
        self.step_title.value = f"<h2>{esc(view.title)}</h2>"
        self.progress.value = (f'<p class="sonb-status">'
                               f'{esc(ui("nav", "step_of", n=index + 1, total=len(STEPS)))}</p>')
        for i, button in enumerate(self.step_buttons):
            button.button_style = "info" if i == index else ""
        self.back.disabled = index == 0
        self.next.disabled = index == len(STEPS) - 1
