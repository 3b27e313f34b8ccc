"""sonb.pdf: PDF output that fetches nothing, and saving the report and the forms."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import threading

import pytest

from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.model import Decision
from sonb.pdf import to_pdf, write_forms, write_report
from sonb.report import report_html

# tests/unit/report_helpers.py
from report_helpers import LATIN_PAYLOADS, TODAY, filled_case, numbered_payloads

needs_pdf = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without any white space: a PDF wraps lines wherever it needs to."""
    return "".join(text.split())


@needs_pdf
def test_pdf_holds_the_payloads_literally_and_the_key_facts(tmp_path):
    case = filled_case(numbered_payloads())
    text = squeeze(pdf_text(to_pdf(report_html(case, TODAY)), tmp_path))
    for payload in (*LATIN_PAYLOADS, "你好医生"):
        assert squeeze(payload) in text, payload
    plain = load_example("back_pain")
    plain.choice = Decision(option="physical-therapy", reasons="I can keep working.")
    text = squeeze(pdf_text(to_pdf(report_html(plain, TODAY)), tmp_path))
    for fact in (plain.decision, *(c.name for c in plain.clinicians),
                 *(op.diagnosis for op in plain.opinions), "Physical therapy", "I can keep working."):
        assert squeeze(fact) in text, fact


@needs_pdf
def test_pdf_uses_fonts_that_have_chinese_and_arabic(intl_case, tmp_path):
    path = tmp_path / "intl.pdf"
    path.write_bytes(to_pdf(report_html(intl_case, TODAY)))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-CJK" in fonts and "Noto-Sans-Arabic" in fonts
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "李明" in text and "北京协和医院" in text


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_pdf_fetches_nothing(tmp_path):
    image = tmp_path / "pixel.png"
    image.write_bytes(bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                                    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d605d3"
                                    "0000000049454e44ae426082"))
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        pdf = to_pdf(
            f'<html><head><link rel="stylesheet" href="{base}/a.css">'
            f'<style>@import url("{base}/b.css"); body {{ background: url({base}/c.png) }}'
            f'@font-face {{ font-family: x; src: url({base}/d.woff) }}</style></head>'
            f'<body><img src="{base}/e.png"><img src="{image.as_uri()}">'
            f'<img src="data:image/png;base64,iVBORw0KGgo="><p>hello</p></body></html>')
    finally:
        server.shutdown()
    assert _Counter.hits == []
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" not in pdf


def test_pdf_without_weasyprint_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(SonbError) as caught:
        to_pdf("<p>x</p>")
    message = str(caught.value)
    assert "pip install weasyprint" in message and "libpango-1.0-0 libpangoft2-1.0-0" in message


def test_unknown_paper_size_is_refused():
    with pytest.raises(SonbError, match="paper size 'a5'"):
        to_pdf("<p>x</p>", paper="a5")


@pytest.mark.parametrize("name", ["report.html", "REPORT.HTM", "report.pdf"])
def test_write_report_picks_the_format_by_suffix(tmp_path, name):
    path = write_report(load_example("back_pain"), tmp_path / name, TODAY)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") if name.endswith(".pdf") else data.startswith(b"<!DOCTYPE html>")


@needs_pdf
def test_write_forms_as_letter_pdf(tmp_path):
    path = write_forms(tmp_path / "forms.pdf", "surgery", paper="letter")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792 pts" in info


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf.bak"])
def test_a_wrong_suffix_is_refused_before_any_work(tmp_path, name):
    with pytest.raises(SonbError, match="End it with .html or .pdf"):
        write_report(load_example("back_pain"), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_writing_into_a_missing_folder_is_a_plain_error(tmp_path):
    with pytest.raises(SonbError, match="Could not save report.html"):
        write_report(load_example("back_pain"), tmp_path / "nope" / "report.html")
