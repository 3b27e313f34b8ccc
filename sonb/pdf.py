"""PDF output, and saving the report and the printable forms as .html or .pdf.

- `to_pdf(html, paper)`: PDF bytes made by WeasyPrint, which is allowed to fetch nothing.
- `write_report(case, path)`, `write_forms(path, ...)` and `write_referral_script(path)`: the
  file's suffix picks the format.

PDF output needs WeasyPrint (`pip install weasyprint`, or the `pdf` extra) and Pango
(Debian/Ubuntu: `apt install libpango-1.0-0 libpangoft2-1.0-0`). Text in Chinese or Arabic
needs fonts that have it (`fonts-noto-cjk`, `fonts-noto-core`), or it prints as boxes; emoji
need `fonts-symbola` (one color: the color emoji font breaks WeasyPrint's text order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .model import Case, DecisionKind
from .printable import forms_html, referral_script_html
from .render import _error, _words
from .report import report_html

OUTPUTS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
PAPERS = {"a4": "A4", "letter": "letter"}


def _weasyprint():
    """The weasyprint module, or a SonbError saying what to install."""
    errors = _words()["errors"]
    try:
        import weasyprint
    except ImportError:
        raise _error("no_pdf", reason=errors["no_weasyprint"]) from None
    except OSError as exc:  # WeasyPrint is there, but Pango (or a library it needs) is not
        raise _error("no_pdf", reason=errors["no_pango"].format(detail=exc)) from None
    return weasyprint


def _refuse(url: str):
    raise ValueError(f"sonb fetches nothing when it makes a PDF (refused {url[:80]})")


def _no_fetching(weasyprint) -> Callable[[str], Any]:
    """A url_fetcher that refuses every URL (file:, data:, http: alike)."""
    base = getattr(getattr(weasyprint, "urls", None), "URLFetcher", None)
    if base is None:  # older WeasyPrint takes any callable
        return _refuse

    class RefuseAll(base):
        def fetch(self, url, headers=None):
            _refuse(url)

    return RefuseAll()


def to_pdf(html: str, paper: str = "A4") -> bytes:
    """The HTML as a PDF on A4 or Letter paper, made by WeasyPrint without fetching anything."""
    size = PAPERS.get(paper.lower())
    if size is None:
        raise _error("paper", paper=paper, papers=", ".join(PAPERS.values()))
    weasyprint = _weasyprint()
    fetcher = _no_fetching(weasyprint)
    page = weasyprint.CSS(string=f"@page {{ size: {size}; }}", url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[page])


def _write(path: str | Path, make_html: Callable[[], str], paper: str) -> Path:
    """Write HTML or PDF, chosen by the file's suffix (checked before any work is done)."""
    path = Path(path)
    output = OUTPUTS.get(path.suffix.lower())
    if output is None:
        raise _error("suffix", name=path.name)
    html = make_html()
    data = to_pdf(html, paper) if output == "pdf" else html.encode("utf-8")
    _write_bytes(path, data)
    return path


def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise _error("write", name=path.name, reason=exc.strerror or type(exc).__name__) from None


def write_report(case: Case, path: str | Path, today: dt.date | None = None, paper: str = "A4") -> Path:
    """Save the report as HTML (.html, .htm) or PDF (.pdf)."""
    return _write(path, lambda: report_html(case, today), paper)


def write_forms(path: str | Path, kind: DecisionKind | str | None = None, case: Case | None = None,
                clinician_id: str | None = None, paper: str = "A4") -> Path:
    """Save the printable forms (see `forms_html`) as HTML (.html, .htm) or PDF (.pdf)."""
    return _write(path, lambda: forms_html(kind, case, clinician_id), paper)


def write_referral_script(path: str | Path, paper: str = "A4") -> Path:
    """Save the words to ask a doctor for a referral (one page) as HTML or PDF."""
    return _write(path, referral_script_html, paper)
