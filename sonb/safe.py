"""The one place user text is made safe for HTML. Every view and report goes through `esc`."""

from __future__ import annotations

import html


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (None -> empty string)."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def paragraphs(value: object) -> str:
    """Escaped text with its line breaks kept as <br>."""
    return esc(value).replace("\r\n", "\n").replace("\n", "<br>")
