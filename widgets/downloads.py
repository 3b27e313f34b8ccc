"""Files the patient can keep: the case file, the report for the primary doctor, printable forms.

Files are handed to the browser as data: links, so nothing is fetched from any host.
"""

from __future__ import annotations

import base64
import logging
from typing import Callable

import ipywidgets as W

from sonb import SonbError
from sonb.safe import esc

from .common import ui

log = logging.getLogger("sonb.app")

MakeFile = Callable[[], "tuple[str, str, bytes]"]  # -> (file name, MIME type, content)


def data_link(filename: str, mime: str, content: bytes, label: str) -> str:
    """An <a download> link carrying the file itself (escaped name and label)."""
    data = base64.b64encode(content).decode("ascii")
    return (f'<a class="sonb-download" download="{esc(filename)}" '
            f'href="data:{esc(mime)};base64,{data}">{esc(label)}</a>')


class DownloadButton(W.VBox):
    """A button that makes a file on click (it may take a few seconds) and offers a link to it."""

    def __init__(self, label: str, link_label: str, make: MakeFile):
        super().__init__()
        self._make, self._link_label = make, link_label
        self.button = W.Button(description=label, icon="file")
        self.button.on_click(lambda _b: self.run())
        self.result = W.HTML()
        self.children = [self.button, self.result]

    def run(self) -> None:
        self.button.disabled = True
        self.result.value = f'<span class="sonb-status" role="status">{esc(ui("files", "making"))}</span>'
        try:
            filename, mime, content = self._make()
        except SonbError as exc:
            self._fail(str(exc), exc)
        except Exception as exc:  # never leave the patient waiting on a broken button
            self._fail(ui("files", "failed"), exc)
        else:
            self.result.value = data_link(filename, mime, content, self._link_label)
        finally:
            self.button.disabled = False

    def clear(self) -> None:
        """Take the link away (the file it holds is out of date)."""
        if self.result.value:
            self.result.value = ""

    def _fail(self, message: str, exc: Exception) -> None:
        self.result.value = f'<div class="sonb-error" role="alert">{esc(message)}</div>'
        log.warning("file not made: %s", type(exc).__name__)
