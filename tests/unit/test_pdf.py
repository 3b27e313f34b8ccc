"""sonb.pdf: PDF output that fetches nothing, and saving the report and the forms."""

from __future__ import annotations

import http.server
import re
import shutil
import subprocess
import sys
import threading
import unicodedata

import pytest

from sonb import compare
from sonb._datafiles import texts
from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.model import ROLE_LABELS, Decision, Role
from sonb.pdf import to_pdf, write_forms, write_report
from sonb.report import report_html

# tests/unit/report_helpers.py
from report_helpers import (EMOJI, ISOLATES, LATIN_PAYLOADS, RTL_NAME, TODAY, doctor_label,
                            emoji_rtl_case, filled_case, form_answers, numbered_payloads)

REPORT = texts("report")["report"]
OWN = ("my_questions", "my_questions_answered")  # shown under "My own questions"

needs_pdf = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without any white space (nor isolate marks): a PDF wraps lines wherever it needs to."""
    return "".join(text.translate(ISOLATES).split())


def key(text: str) -> str:
    """Squeezed text without right-to-left letters and the marks pdftotext puts around them
    (pdftotext gives those in the order they are drawn, so they are checked on their own:
    `test_pdf_keeps_a_right_to_left_name_before_its_role`), nor emoji style marks (U+FE0F),
    which a PDF does not keep."""
    return "".join(ch for ch in squeeze(text) if unicodedata.bidirectional(ch) not in ("R", "AL")
                   and not "\u202a" <= ch <= "\u202e" and not "\ufe00" <= ch <= "\ufe0f")


def without_page_marks(text: str) -> str:
    """The PDF's text without what each page's margin prints (made with ..., page n / m), which
    lands in the middle of a text that runs on to the next page."""
    made = re.escape(REPORT["made"]).replace(r"\{app\}", ".+?").replace(r"\{date\}", ".+?")
    return re.sub(r"(?m)^(" + made + r"|\d+ / \d+)$", "", text)


def parts(text: str, case, section: str, heading: str, ids: list[str]) -> dict[str, str]:
    """clinician id -> the `key` text of their part of a section of the report, found by the
    heading (a template with {name}) that starts each doctor's part, in the order of `ids`."""
    sections = list(REPORT["sections"])
    text = key(without_page_marks(text))
    start = text.index(key(REPORT["sections"][section]))
    end = text.index(key(REPORT["sections"][sections[sections.index(section) + 1]]), start)
    starts = []
    for clinician_id in ids:
        start = text.index(key(heading.format(name=doctor_label(case, clinician_id))), start, end)
        starts.append(start)
    return {c: text[a:b] for c, a, b in zip(ids, starts, [*starts[1:], end])}


def missing_answers(text: str, case) -> list[tuple[str, str, str]]:
    """(clinician id, linkId, answer) for each answer of each doctor's form that is not in
    their part of the report: "What each doctor told me", or for their own questions, "My own
    questions"."""
    answers = form_answers(case)
    own_ids = [who for who, said in answers.items() if any(link in OWN for link, _ in said)]
    told = parts(text, case, "opinions", "{name}", list(answers))
    own = parts(text, case, "own", REPORT["my_questions"], own_ids)
    return [(who, link, shown) for who, said in answers.items() for link, shown in said
            if key(shown) not in (own if link in OWN else told)[who]]


def missing_open_questions(text: str, case) -> list[tuple[str, str]]:
    """(clinician id, question) for each question still open (`compare.unanswered_table`)
    that is not in that doctor's list under "Questions I still need answered"."""
    labels = {key(doctor_label(case, c.id)): c.id for c in case.clinicians}
    open_ = {}
    for who, question, *_ in compare.unanswered_table(case).itertuples(index=False):
        open_.setdefault(labels[key(who)], []).append(question)
    found = parts(text, case, "questions", REPORT["unanswered_from"], list(open_))
    return [(who, q) for who, questions in open_.items() for q in questions
            if key(q) not in found[who]]


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


@needs_pdf
@pytest.mark.parametrize("make", [lambda: load_example("back_pain"), emoji_rtl_case],
                         ids=["back_pain", "emoji_rtl"])
def test_pdf_holds_every_answer_of_every_doctor(make, tmp_path):
    """Every non-blank answer of every doctor's form, in that doctor's part: each question
    still open, in that doctor's list."""
    case = make()
    text = pdf_text(to_pdf(report_html(case, TODAY)), tmp_path)
    answers = sum(len(a) for a in form_answers(case).values())
    missing = missing_answers(text, case)
    assert missing == [], f"{len(missing)} of {answers} answers missing"
    open_ = len(compare.unanswered_table(case))
    assert open_ > 0
    assert missing_open_questions(text, case) == [], f"of {open_} open questions"


@needs_pdf
def test_pdf_prints_emoji_as_themselves(tmp_path):
    path = tmp_path / "emoji.pdf"
    path.write_bytes(to_pdf(report_html(emoji_rtl_case(), TODAY)))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts
    text = squeeze(pdf_text(path.read_bytes(), tmp_path))
    shown = lambda t: squeeze(t).replace("\ufe0f", "")  # noqa: E731 (an emoji style mark)
    for typed in (EMOJI, "😴", "🙂", "👍", "🏊"):
        assert shown(typed) in text, typed
    assert "\ufffd" not in text


@needs_pdf
def test_pdf_keeps_a_right_to_left_name_before_its_role(tmp_path):
    """'د. سارة (Another kind of professional)': the name as one unit, then the role intact,
    in each heading and sentence the report makes of them (read in drawing order: -raw)."""
    path = tmp_path / "rtl.pdf"
    path.write_bytes(to_pdf(report_html(emoji_rtl_case(), TODAY)))
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    role = f"({ROLE_LABELS[Role.other_professional]})"
    letters = sorted(ch for ch in RTL_NAME if not ch.isspace())
    lines = [line.translate(ISOLATES) for line in raw.splitlines()
             if any(unicodedata.bidirectional(ch) == "AL" for ch in line) and "professional" in line]
    found = []
    for line in lines:
        match = re.search(r"([\u0600-\u06ff.\s\u202a-\u202e]+)" + re.escape(role), line)
        assert match, line
        assert sorted(ch for ch in match.group(1) if not ch.isspace() and
                      not "\u202a" <= ch <= "\u202e") == letters, line
        found.append(line[:match.start(1)].strip())
    # its own heading, "What I asked ...:", "Questions for ..."
    assert {"", REPORT["my_questions"].split("{")[0].strip(),
            REPORT["unanswered_from"].split("{")[0].strip()} <= set(found), lines


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
