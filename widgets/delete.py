"""The confirmation the app shows before "Delete my case" deletes a case for good.

It says what will be deleted and that this cannot be undone, offers the case file one last
time (a `DownloadButton`), then asks: "Yes, delete my case for good" or "Keep my case".
The app does the deleting (`CaseStore.purge`); this view only asks.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from sonb.safe import esc

from .common import bullet_list, html, ui
from .downloads import DownloadButton, MakeFile


class DeleteConfirm(W.VBox):
    """The question, with `yes_button` and `keep_button`. `failed()` says the delete did not
    happen; `download` makes the case file as the case bar's button does."""

    def __init__(self, make_case_file: MakeFile, on_yes: Callable[[], None],
                 on_keep: Callable[[], None]):
        super().__init__(layout=W.Layout(display="none"))
        self.add_class("sonb-delete")
        t = lambda key: ui("delete", key)  # noqa: E731
        self.download = DownloadButton(ui("case_bar", "download_make"), ui("case_bar", "download"),
                                       make_case_file)
        self.yes_button = W.Button(description=t("yes"), button_style="danger", icon="trash")
        self.keep_button = W.Button(description=t("keep"), button_style="primary",
                                    icon="arrow-left")
        self.yes_button.on_click(lambda _b: on_yes())
        self.keep_button.on_click(lambda _b: on_keep())
        self.message = W.HTML()
        self.children = [
            html(t("title"), "h2"),
            W.HTML(f"<p>{esc(t('what'))}</p>{bullet_list(t('items'))}"
                   f'<p class="sonb-warning urgent"><strong>{esc(t("undo"))}</strong></p>'),
            W.VBox([html(t("keep_copy")), self.download]).add_class("sonb-box"),
            html(t("own_files")),
            self.message,
            W.HBox([self.keep_button, self.yes_button]).add_class("sonb-nav"),
        ]

    def reset(self) -> None:
        """Ready to ask again: no old message, no old file link (it may be out of date)."""
        self.message.value = ""
        self.download.clear()

    def failed(self) -> None:
        self.message.value = (f'<div class="sonb-error" role="alert">'
                              f'{esc(ui("delete", "failed"))}</div>')
