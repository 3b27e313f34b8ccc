"""SecondOpinionApp: the patient's stepper over the six steps, with autosave and case files.

The patient page never lists the store's cases: it starts a new case, opens the example, or
resumes one from the patient's resume code or case file. The one exception is a patient's own
server in a clinic (SONB_OWN_SERVER=1, sonb.hub), whose store holds that patient's cases only:
there the start screen lists them, and the case bar lets the patient share the open case with
the clinic's navigators (widgets/sharing.py).

Two pages open in place of the case and give it back as it was (it stays on the page, hidden):
"About this tool" (from every step and the start screen) and the confirmation of "Delete my
case", which deletes the case for good (`CaseStore.purge`) and shows the start screen.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import sqlite3
import threading

import ipywidgets as W

from sonb import Case, CaseStore, SonbError, casefile, i18n
from sonb.about import about
from sonb.errors import CaseNotFound
from sonb.model import resume_code_problem
from sonb.safe import esc
from sonb.sharing import PatientStores
from sonb.store import log_ref

from .common import html, style_widget, ui
from .downloads import DownloadButton
from .parts import dispose, label_style
from .session import CaseSession
from .sharing import SharePanel, can_share, changes_notice

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


def _asked_language() -> str:
    """The language the page's address asks for (`?lang=es`; Voila gives the kernel the
    query string as QUERY_STRING), else English."""
    from urllib.parse import parse_qs

    asked = parse_qs(os.environ.get("QUERY_STRING", "")).get("lang", [""])[0]
    return asked if asked in i18n.LANGUAGES else i18n.SOURCE_LANGUAGE


def own_server() -> bool:
    """A patient's own server in a clinic, whose store holds only their cases."""
    return os.environ.get("SONB_OWN_SERVER") == "1"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _step_class(index: int):
    module, name = STEPS[index]
    return getattr(importlib.import_module(f"sonb.widgets.{module}"), name)


class SecondOpinionApp(W.VBox):
    """The whole journey in one widget. `store` defaults to the patient's stores as the
    environment sets them up (CaseStore() of SONB_HOME, with a clinic's share folder)."""

    def __init__(self, store: CaseStore | None = None, case: Case | None = None,
                 language: str | None = None):
        super().__init__()
        self.add_class("sonb-app")
        self.store = store if store is not None else PatientStores.from_environment()
        self.session: CaseSession | None = None
        self.views: list = []
        self.index = 0
        i18n.set_language(case.language if case is not None else language or _asked_language())
        self.header = W.HTML()
        self.about_button = W.Button(icon="info-circle")
        self.about_button.on_click(lambda _b: self.show_about())
        self.disclaimer = W.HTML()
        self.language = W.Dropdown(options=[(name, code) for code, name in i18n.LANGUAGES.items()],
                                   value=i18n.current(), style=label_style(W.Dropdown))
        self.language.observe(lambda change: self.change_language(change["new"]), names="value")
        intro = W.HBox([self.disclaimer, W.HBox([self.language, self.about_button])
                        .add_class("sonb-nav")]).add_class("sonb-box")
        self._words_of_the_page()
        self.body = W.VBox()
        self.about = None  # AboutPanel, built when first opened
        self.confirm = None  # DeleteConfirm of the open case, built when first asked
        self._behind_about: W.Widget = self.body
        self.children = [style_widget(), self.header, intro.add_class("sonb-intro"), self.body]
        if case is not None:
            self.open_case(case)
        else:
            self.show_start()

    # -- language ------------------------------------------------------------------------
    def _words_of_the_page(self) -> None:
        """The title, the note, the About button and the language picker's label, in the
        current language; the page's `lang` follows (page_language.js reads data-sonb-lang)."""
        lang = i18n.current()
        self.header.value = (f'<h1>{esc(ui("app_title"))}</h1>'
                             f'<span hidden data-sonb-lang="{esc(lang)}"></span>')
        self.disclaimer.value = f"<p>{esc(ui('disclaimer'))}</p>"
        self.about_button.description = about()["open"]
        self.language.description = ui("start", "language")

    def change_language(self, lang: str) -> None:
        """Show everything in `lang`, where the patient is, losing nothing: the open case
        remembers it (a new revision) and its steps are drawn again."""
        if lang == i18n.current() and self.language.value == lang:
            return
        i18n.set_language(lang)
        if self.language.value != lang:
            self.language.value = lang  # its observer comes back here and returns
        self._words_of_the_page()
        for panel in ("about", "confirm"):
            old = getattr(self, panel)
            if old is not None:  # drawn again in the new language when next opened
                setattr(self, panel, None)
                self.children = tuple(c for c in self.children if c is not old)
                dispose(old)
        log.info("language changed to %s", lang)
        if self.session is None:
            self.show_start()
            return
        index, case = self.index, self.session.case
        if case.language != lang:
            self.session.save(case.model_copy(update={"language": lang}))
        self.open_case(self.session.case, index)

    # -- start screen --------------------------------------------------------------------
    def show_start(self, notice: str = "") -> None:
        """The start screen; `notice` says what just happened (e.g. the case was deleted)."""
        t = lambda key: ui("start", key)  # noqa: E731
        old = self.body.children
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
        if own_server():
            self.body.children = [*self.body.children[:3], *self._own_cases(), *self.body.children[3:]]
        if notice:
            self.start_notice = W.HTML(f'<div class="sonb-notice" role="status">'
                                       f"{esc(notice)}</div>")
            self.body.children = [self.start_notice, *self.body.children]
        dispose(*old)
        self._screen(self.body)

    def _own_cases(self) -> list[W.Widget]:
        """The patient's own cases (their own server only), newest first: a button each."""
        from babel.dates import format_date

        summaries = self.store.list()[:10]
        if not summaries:
            return []
        buttons = []
        for s in summaries:
            text = ui("start", "open_yours", decision=_short(s.decision) or ui("start", "untitled"),
                      date=format_date(s.updated.date(), "medium", locale=i18n.current()))
            button = W.Button(description=text, icon="folder-open",
                              layout=W.Layout(width="auto", max_width="100%"))
            button.on_click(lambda _b, case_id=s.id: self._open_own(case_id))
            buttons.append(button)
        return [html(ui("start", "yours_title"), "h2"), html(ui("start", "yours_help")),
                W.VBox(buttons).add_class("sonb-own-cases")]

    def _open_own(self, case_id: str) -> None:
        try:
            case = self.store.load(case_id)
        except CaseNotFound:  # deleted (or taken back) in another window since the list was made
            self.show_start()
            self._say(ui("start", "not_found"))
            return
        self.open_case(case)

    def _say(self, text: str) -> None:
        self.start_message.value = f'<div class="sonb-error" role="alert">{esc(text)}</div>'

    def new_case(self, example: str | None = None) -> None:
        if example:
            from sonb.examples import load_example

            case = load_example(example).model_copy(update={"id": Case().id, "revision": 0,
                                                              "language": i18n.current()})
        else:
            case = Case(language=i18n.current())
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
    def open_case(self, case: Case, index: int = 0) -> None:
        """Show this (stored) case at step `index` (0: the first), in its language."""
        if case.language != i18n.current():
            i18n.set_language(case.language)
            self.language.value = case.language
            self._words_of_the_page()
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
                                       self._case_file)
        code = W.HTML(f'<p>{esc(ui("case_bar", "code"))} <code class="sonb-code">'
                      f"{esc(case.id)}</code></p>")
        self.session.on_change(lambda _case: self.download.clear())
        self.delete_button = W.Button(description=ui("case_bar", "delete"), icon="trash")
        self.delete_button.on_click(lambda _b: self.ask_delete())
        files = W.HBox([self.download, self.delete_button]).add_class("sonb-case-files")
        bar = [code, W.HBox([self.session.status, files],
                            layout=W.Layout(flex_flow="row wrap", align_items="center",
                                            justify_content="space-between"))]
        if can_share(self.store):
            bar.append(SharePanel(self.store, self.session))
        self.changes = W.HTML(changes_notice(self.store, case.id))
        self.body.children = [
            W.VBox(bar).add_class("sonb-box").add_class("sonb-case-bar"),
            self.changes,
            W.HBox(self.step_buttons).add_class("sonb-steps"),
            self.progress, self.step_title, self.content,
            W.HBox([self.back, self.next]).add_class("sonb-nav"),
        ]
        dispose(*start_screen)
        self._screen(self.body)
        self.go(index)
        self._build_ahead()

    def _case_file(self) -> tuple[str, str, bytes]:
        case = self.session.case
        return f"sonb-case-{case.id}.json", "application/json", casefile.dumps(case).encode("utf-8")

    # -- pages shown in place of the case ------------------------------------------------
    def _screen(self, shown: W.Widget) -> None:
        """Show one of: the body (the start screen or the case), the about page, the delete
        confirmation. The others stay on the page, hidden, just as they were."""
        for widget in (self.body, self.about, self.confirm):
            if widget is not None:
                display = None if widget is shown else "none"
                if widget.layout.display != display:
                    widget.layout.display = display
        self.about_button.layout.display = "none" if shown is self.about else None

    def _shown(self) -> W.Widget:
        return next((w for w in (self.about, self.confirm) if w is not None
                     and w.layout.display != "none"), self.body)

    def show_about(self) -> None:
        """Open "About this tool" in place of what is shown; its back button returns there."""
        from .about import AboutPanel

        if self.about is None:
            self.about = AboutPanel(self.close_about)
            self.children = (*self.children, self.about)
        if self._shown() is not self.about:
            self._behind_about = self._shown()
        self.about.show(has_case=self.session is not None)
        self._screen(self.about)
        self.about.back_button.focus()
        log.info("about opened")

    def close_about(self) -> None:
        """Back to where the patient was, as it was."""
        behind = self._behind_about
        if behind is not self.body and behind is not self.confirm:
            behind = self.body  # that page was closed meanwhile
        self._screen(behind)
        self.about_button.focus()

    def ask_delete(self) -> None:
        """Ask before deleting: what goes, that it cannot be undone, a last case file."""
        from .delete import DeleteConfirm

        if self.session is None:
            return
        if self.confirm is None:
            self.confirm = DeleteConfirm(self._case_file, self.delete_case, self.keep_case)
            self.children = (*self.children, self.confirm)
        self.confirm.reset()  # no file link from before: it may be out of date
        self._screen(self.confirm)
        self.confirm.keep_button.focus()

    def keep_case(self) -> None:
        """"Keep my case": nothing changes; back to the step the patient was on."""
        self._screen(self.body)
        self.delete_button.focus()

    def delete_case(self) -> None:
        """Delete the open case for good, then show the start screen saying so."""
        if self.session is None:
            return
        case_id = self.session.case.id
        try:
            self.store.purge(case_id)
        except CaseNotFound:
            pass  # deleted already (in another window): what the patient asked for is done
        except (SonbError, sqlite3.Error, OSError) as exc:
            log.warning("case not deleted ref=%s: %s", log_ref(case_id), type(exc).__name__)
            if self.confirm is not None:
                self.confirm.failed()
            return
        log.info("case deleted by the patient ref=%s", log_ref(case_id))
        self._close_case()
        self.show_start(notice=ui("start", "deleted"))
        self.new_button.focus()

    def _close_case(self) -> None:
        """Forget the open case: its steps and its confirmation leave the page."""
        self.session = None
        self.views = []
        if self.confirm is not None:
            confirm, self.confirm = self.confirm, None
            self.children = tuple(c for c in self.children if c is not confirm)
            dispose(confirm)

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

        session = self.session

        def build_next() -> None:
            if self.session is not session:  # the case was closed, or another one opened
                return
            missing = [i for i, view in enumerate(self.views) if view is None]
            if not missing:
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
