"""The one place user text is made safe for HTML. Every view and report goes through `esc`."""

from __future__ import annotations

import html
import unicodedata

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate


def esc(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (None -> empty string)."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def paragraphs(value: object) -> str:
    """Escaped text with its line breaks kept as <br>."""
    return esc(value).replace("\r\n", "\n").replace("\n", "<br>")


def isolate(value: object) -> str:
    """Text that holds right-to-left letters (Arabic, Hebrew...), wrapped in Unicode isolates so
    it keeps its place beside other words ("⁨د. سارة⁩ (Another kind of professional)"), in
    browsers and PDFs alike. Other text is returned unchanged."""
    text = "" if value is None else str(value)
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"{FSI}{text}{PDI}"
    return text
