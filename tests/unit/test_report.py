"""sonb.report: the summary for the primary doctor, the printable forms, PDF output."""

from __future__ import annotations

import datetime as dt
import http.server
import itertools
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from pydantic import BaseModel

from sonb import questionnaire as qn
from sonb import report
from sonb._datafiles import texts
from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.model import Case, Decision, DecisionKind

TODAY = dt.date(2025, 3, 14)
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}} ${7*7} {% raw %}",
    "\u202eevil override",
    "مرحبا بالطبيب",
    "你好医生",
)
LATIN_PAYLOADS = PAYLOADS[:5]
WORDS = texts("report")
needs_pdf = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


# -- helpers -----------------------------------------------------------------------------

def _limits(info) -> tuple[bool, int | None]:
    """(is free text, max length) for a pydantic field: ids and codes have a pattern."""
    free, longest = True, None
    for meta in info.metadata:
        if getattr(meta, "pattern", None):
            free = False
        if getattr(meta, "max_length", None):
            longest = meta.max_length
    return free, longest


def _text(source: Iterator[str], longest: int | None, full: bool) -> str:
    value = next(source)
    if full and longest:
        value = (value + " ") * (longest // (len(value) + 1) + 1)
    return value[:longest] if longest else value


def fill_text(model: BaseModel, source: Iterator[str], full: bool = False) -> None:
    """Put a text from `source` into every free-text str field of the model, recursively
    (up to the field's maximum length when `full`)."""
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            fill_text(value, source, full)
        elif isinstance(value, (list, dict)):
            for item in value.values() if isinstance(value, dict) else value:
                if isinstance(item, BaseModel):
                    fill_text(item, source, full)
        elif info.annotation is str:  # not enums, ids or dates
            free, longest = _limits(info)
            if free:
                setattr(model, name, _text(source, longest, full))


def fill_answers(case: Case, source: Iterator[str], full: bool = False) -> None:
    """Answer every text question of each opinion's form (three own questions each)."""
    for opinion in case.opinions:
        form = qn.load(qn.FORM_FOR_KIND[opinion.form_kind])
        answers = dict(opinion.answers)
        for item in qn.questions(form):
            if item["type"] not in ("string", "text"):
                continue
            if item.get("repeats"):
                answers[item["linkId"]] = [_text(source, item["maxLength"], full) for _ in range(3)]
            else:
                answers[item["linkId"]] = _text(source, item["maxLength"], full)
        opinion.answers = answers


def filled_case(texts_: Iterator[str], full: bool = False) -> Case:
    """The back-pain example with every free text (and form answer) replaced."""
    case = load_example("back_pain")
    case.choice = Decision(other="x", reasons="x", date=dt.date(2025, 3, 20))
    fill_text(case, texts_, full)
    fill_answers(case, texts_, full)
    return case


def hostile(full: bool = False) -> Case:
    return filled_case(itertools.cycle(PAYLOADS), full)


def numbered_payloads() -> Iterator[str]:
    """Hostile texts each made unique by a number, so each field can be found again."""
    for n in itertools.count():
        yield f"{PAYLOADS[n % len(PAYLOADS)]} n{n}"


class Page(HTMLParser):
    """What a browser would build: elements with their attributes, and the text shown."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.chunks: list[str] = []
        self.in_style = False
        self.feed(html)
        self.close()
        self.text = "\x00".join(self.chunks)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(name for name, _ in attrs)))
        self.attributes.extend((tag, name, value) for name, value in attrs)
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if not self.in_style:
            self.chunks.append(data)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without any white space: a PDF wraps lines wherever it needs to."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def back_pain_html() -> str:
    return report.report_html(load_example("back_pain"), TODAY)


# -- escaping ------------------------------------------------------------------------------

def test_fill_text_reaches_every_free_text_field():
    case = filled_case(itertools.repeat("FILLED"))
    dumped = case.model_dump()
    assert dumped["decision"] == dumped["choice"]["reasons"] == "FILLED"
    assert {c.name for c in case.clinicians} == {c.specialty for c in case.clinicians} == {"FILLED"}
    assert all(v.risks == "FILLED" for op in case.opinions for v in op.views.values())
    assert case.opinions[0].answers["anesthesia"] == "FILLED"
    assert case.id == "back-pain-example-case"  # ids are not free text


def test_hostile_text_at_full_length_adds_no_element_or_attribute():
    hostile_page = Page(report.report_html(filled_case(numbered_payloads(), full=True), TODAY))
    plain = (f"plain words {n}" for n in itertools.count())
    plain_page = Page(report.report_html(filled_case(plain, full=True), TODAY))
    assert hostile_page.elements == plain_page.elements
    assert [a for a in hostile_page.attributes if a[1] != "dir"] == \
        [a for a in plain_page.attributes if a[1] != "dir"]  # only directions may differ
    tags = {tag for tag, _ in hostile_page.elements}
    assert not tags & {"script", "svg", "img", "iframe", "link", "object", "a"}
    assert not [a for a in hostile_page.attributes if a[1].startswith("on")]


def test_hostile_text_is_shown_literally_and_never_raw():
    html = report.report_html(hostile(), TODAY)
    page = Page(html)
    for payload in PAYLOADS:
        assert payload in page.text
    lowered = html.lower()
    for raw in ("<script", "<svg", "<img"):
        assert raw not in lowered
    assert "49" not in page.text.replace("2025", "")  # no template ever ran {{7*7}}


def test_every_free_text_field_appears_in_the_report():
    filled: list[str] = []

    def recorded() -> Iterator[str]:
        for text in numbered_payloads():
            filled.append(text)
            yield text

    case = filled_case(recorded())
    page = Page(report.report_html(case, TODAY))
    answers = {a for op in case.opinions for v in op.answers.values()
               for a in (v if isinstance(v, list) else [v])}
    own = {a for op in case.opinions for a in op.answers["my_questions"]}
    expected = [text for text in filled if text not in answers or text in own]
    assert len(expected) > 60
    assert [text for text in expected if text not in page.text] == []


def test_fill_isolates_and_escapes_each_value():
    html = str(report.fill("I chose: {name}.", name="د. ليلى <b>"))
    assert html == 'I chose: <bdi dir="rtl">د. ليلى &lt;b&gt;</bdi>.'
    assert str(report.fill("<i>{a}</i>", a='"x')) == '&lt;i&gt;<bdi dir="ltr">&quot;x</bdi>&lt;/i&gt;'


def test_each_user_text_gets_the_direction_of_its_first_letter(intl_case):
    html = report.report_html(intl_case, TODAY)
    assert '<dt dir="rtl">الانتظار</dt>' in html
    assert '<td dir="rtl">جراحة العظام</td>' in html
    assert '<th scope="row" dir="ltr">李明</th>' in html
    assert '<bdi dir="rtl">أفضل' not in html  # reasons are a paragraph, not a filled sentence
    page = Page(html)
    for text in ("李明", "د. ليلى حسن", "أفضل العلاج الطبيعي أولاً", "半月板撕裂"):
        assert text in page.text


@pytest.mark.parametrize("text, expected", [
    ("Dr Ng", "ltr"), ("د. ليلى", "rtl"), ("שלום", "rtl"), ("李明", "ltr"),
    ("\u202eevil", "ltr"), ("12 - 3", "auto"), ("", "auto"), ("(١) د", "rtl"),
])
def test_direction_follows_the_first_strong_letter(text, expected):
    assert report.direction(text) == expected


# -- what the report holds -----------------------------------------------------------------

def test_report_is_self_contained(back_pain_html):
    page = Page(back_pain_html)
    assert not re.search(r"https?://", back_pain_html)
    assert not {tag for tag, _ in page.elements} & {"script", "link", "img", "iframe", "object", "a"}
    assert not [a for a in page.attributes if a[1] in ("src", "href", "srcset", "action")]
    css = back_pain_html[back_pain_html.index("<style>"):back_pain_html.index("</style>")]
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert '"Noto Sans CJK SC"' in css and '"Noto Sans Arabic"' in css
    assert "@page" in css and "@media print" in css
    assert "Content-Security-Policy" in back_pain_html and "default-src 'none'" in back_pain_html


def test_report_has_language_one_main_and_one_heading_one(back_pain_html):
    page = Page(back_pain_html)
    assert ("html", ("lang",)) in page.elements
    assert ('html', 'lang', 'en') in page.attributes
    assert [tag for tag, _ in page.elements].count("main") == 1
    assert [tag for tag, _ in page.elements].count("h1") == 1


def test_report_holds_the_key_facts(back_pain_html):
    case = load_example("back_pain")
    page = Page(back_pain_html)
    t = WORDS["report"]
    expected = [
        case.decision, "Surgery", "A second opinion is a good idea for you.",
        *(c.name for c in case.clinicians), "Lakeside University Hospital",
        *(op.diagnosis for op in case.opinions), "Fairly sure",
        case.opinions[1].what_if_wait, "Spinal fusion surgery",
        case.opinions[0].views["spinal-fusion"].cost,
        *t["sections"].values(), t["disclaimer"], t["not_decided"],
        "Differ", "Less pain", "4.3",  # what matters, and physical therapy's score
        "Do you feel sure about the best choice for you?",
        "How will we know if physical therapy is not working?",  # an own question
        "What is the surgery for?",  # a question Sam Lindqvist left unanswered
        "Your reference number is SO-2025-0419.",  # the checklist
        texts("aspects")["guidance"]["talk_to_primary_named"].format(name="Dr. Maya Patel"),
        "March 14, 2025",
    ]
    for text in expected:
        assert text in page.text, text
    assert case.id not in back_pain_html  # the case id is the patient's resume code


def test_comparison_marks_differences_in_words(back_pain_html):
    page = Page(back_pain_html)
    status_cells = [v for tag, name, v in page.attributes if tag == "td" and name == "class"
                    and v.startswith("status")]
    assert "status differ" in status_cells
    assert WORDS["report"]["status"]["differ"] in page.text
    assert WORDS["report"]["legend"] in page.text


def test_many_doctors_split_the_comparison_into_parts():
    case = load_example("back_pain")
    base = case.opinions[0]
    extra = [case.clinicians[1].model_copy(update={"id": f"extra{i}", "name": f"Dr Extra {i}"})
             for i in range(3)]
    case = case.model_copy(update={
        "clinicians": case.clinicians + extra,
        "opinions": case.opinions + [base.model_copy(update={"id": f"op{i}", "clinician_id": c.id})
                                     for i, c in enumerate(extra)],
    })
    page = Page(report.report_html(case, TODAY))
    part = WORDS["report"]["part"]
    caption = WORDS["report"]["compare_caption"]
    assert part.format(caption=caption, n=1, total=2) in page.text
    assert part.format(caption=caption, n=2, total=2) in page.text
    tables = report._compare_tables(case)
    assert [len(t.head) for t in tables] == [5, 5]  # 6 doctors: 3 + 3, each with topic and status


def test_split_keeps_parts_even_and_repeats_the_kept_columns():
    cells = [report.Cell(str(i)) for i in range(6)]  # a kept first column, 4 to share, a kept last
    table = report.Table("T", [report.Cell("corner"), *cells], [report.Row(report.Cell("r"), cells)])
    parts = report._split(table, size=3, first=1, last=1)
    assert [[c.text for c in p.rows[0].cells] for p in parts] == [["0", "1", "2", "5"], ["0", "3", "4", "5"]]
    assert [p.head[0].text for p in parts] == ["corner", "corner"]
    assert report._split(table, size=4, first=1, last=1) == [table]


def test_a_choice_with_reasons_and_date_is_shown():
    case = load_example("back_pain")
    case.choice = Decision(option="physical-therapy", reasons="Less risk; I can keep working.",
                           date=dt.date(2025, 3, 20))
    page = Page(report.report_html(case, TODAY))
    assert "I chose: \x00Physical therapy" in page.text
    assert "Less risk; I can keep working." in page.text
    assert "March 20, 2025" in page.text
    assert WORDS["report"]["not_decided"] not in page.text


def test_an_empty_case_still_makes_a_report():
    page = Page(report.report_html(Case(), TODAY))
    t = WORDS["report"]
    for key in ("no_decision", "no_kind", "no_options", "no_clinicians", "no_opinions",
                "no_compare", "no_factors", "not_decided", "no_unanswered"):
        assert t[key] in page.text, key


# -- printable forms -----------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(DecisionKind))
def test_blank_form_prints_every_item_of_its_questionnaire(kind):
    form = qn.load(qn.FORM_FOR_KIND[kind])
    page = Page(report.forms_html(kind))
    for item in qn.iter_items(form):
        assert item["text"] in page.text, item["linkId"]
    numbered = [a for a in page.attributes if a == ("span", "class", "num")]
    assert len(numbered) == len(list(qn.questions(form)))
    assert [tag for tag, _ in page.elements].count("h2") == 1


def test_all_four_forms_when_no_kind_is_known():
    page = Page(report.forms_html())
    titles = [qn.load(qn.FORM_FOR_KIND[k])["title"] for k in DecisionKind]
    assert all(title in page.text for title in titles)
    assert [tag for tag, _ in page.elements].count("h2") == 4


def test_conditional_items_say_their_condition_in_words():
    page = Page(report.forms_html(DecisionKind.medical_test))
    condition = WORDS["forms"]["conditions"]["if"].format(conditions=WORDS["forms"]["conditions"]["yes"])
    assert condition in page.text  # changes_treatment_explain follows its yes/no question


def test_condition_words_name_an_earlier_question_and_its_choice():
    q = {"resourceType": "Questionnaire", "url": "urn:test", "status": "active", "item": [
        {"linkId": "pick", "text": "Pick", "type": "choice", "answerOption": [
            {"valueCoding": {"code": "a", "display": "Apples"}}]},
        {"linkId": "b", "text": "B?", "type": "boolean"},
        {"linkId": "c", "text": "C?", "type": "string", "enableBehavior": "any", "enableWhen": [
            {"question": "pick", "operator": "!=", "answerCoding": {"code": "a"}},
            {"question": "b", "operator": "exists", "answerBoolean": False}]},
    ]}
    items = report._form_items(q, {})
    assert items[2].condition == "If the answer to question 1 is not \u201cApples\u201d or you left it blank:"


def test_filled_form_shows_the_doctors_answers_and_own_questions():
    case = load_example("back_pain")
    opinion = case.opinion_of("dr-hughes")
    page = Page(report.forms_html(case=case, clinician_id="dr-hughes"))
    for key in ("name", "anesthesia", "cost"):
        assert opinion.answers[key] in page.text
    for asked in opinion.answers["my_questions"]:
        assert asked in page.text
    assert "Dr. Tom Hughes" in page.text and "February 20, 2025" in page.text
    assert case.decision in page.text
    own = [a for a in page.attributes if a == ("li", "class", "line")]
    assert len(own) == report.OWN_QUESTIONS_EXTRA  # 2 written + 3 free lines


def test_blank_form_has_ruled_lines_and_numbered_lines_for_own_questions():
    page = Page(report.forms_html("surgery"))
    lines = [a for a in page.attributes if a == ("div", "class", "line")]
    own = [a for a in page.attributes if a == ("li", "class", "line")]
    assert len(lines) > 20 and len(own) == report.OWN_QUESTIONS_MIN


def test_filled_boolean_and_choice_are_ticked():
    q = {"item": [{"linkId": "b", "text": "B?", "type": "boolean"},
                  {"linkId": "c", "text": "C?", "type": "choice", "answerOption": [
                      {"valueCoding": {"code": "x", "display": "X"}},
                      {"valueCoding": {"code": "y", "display": "Y"}}]}]}
    b, c = report._form_items(q, {"b": False, "c": "y"})
    assert b.choices == [("Yes", False), ("No", True)]
    assert c.choices == [("X", False), ("Y", True)]


def test_hostile_answers_in_a_filled_form_stay_text():
    case = hostile(full=True)
    page = Page(report.forms_html(case=case, clinician_id=case.opinions[0].clinician_id))
    assert not {tag for tag, _ in page.elements} & {"script", "svg", "img"}
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert all(payload in page.text for payload in PAYLOADS)


@pytest.mark.parametrize("call, message", [
    (lambda: report.forms_html("x-ray"), "There is no form for 'x-ray'"),
    (lambda: report.forms_html(clinician_id="dr-okafor"), "give the case too"),
    (lambda: report.forms_html(case=load_example("back_pain"), clinician_id="nobody"), "'nobody'"),
])
def test_forms_refuse_what_they_cannot_print(call, message):
    with pytest.raises(SonbError, match=re.escape(message)):
        call()


# -- PDF and files -------------------------------------------------------------------------

@needs_pdf
def test_pdf_holds_the_payloads_literally_and_the_key_facts(tmp_path):
    case = filled_case(numbered_payloads())
    text = squeeze(pdf_text(report.to_pdf(report.report_html(case, TODAY)), tmp_path))
    for payload in (*LATIN_PAYLOADS, "你好医生"):
        assert squeeze(payload) in text, payload
    plain = load_example("back_pain")
    plain.choice = Decision(option="physical-therapy", reasons="I can keep working.")
    text = squeeze(pdf_text(report.to_pdf(report.report_html(plain, TODAY)), tmp_path))
    for fact in (plain.decision, *(c.name for c in plain.clinicians),
                 *(op.diagnosis for op in plain.opinions), "Physical therapy", "I can keep working."):
        assert squeeze(fact) in text, fact


@needs_pdf
def test_pdf_uses_fonts_that_have_chinese_and_arabic(intl_case, tmp_path):
    path = tmp_path / "intl.pdf"
    path.write_bytes(report.to_pdf(report.report_html(intl_case, TODAY)))
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
        pdf = report.to_pdf(
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
        report.to_pdf("<p>x</p>")
    message = str(caught.value)
    assert "pip install weasyprint" in message and "libpango-1.0-0 libpangoft2-1.0-0" in message


def test_unknown_paper_size_is_refused():
    with pytest.raises(SonbError, match="paper size 'a5'"):
        report.to_pdf("<p>x</p>", paper="a5")


@pytest.mark.parametrize("name", ["report.html", "REPORT.HTM", "report.pdf"])
def test_write_report_picks_the_format_by_suffix(tmp_path, name):
    path = report.write_report(load_example("back_pain"), tmp_path / name, TODAY)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") if name.endswith(".pdf") else data.startswith(b"<!DOCTYPE html>")


@needs_pdf
def test_write_forms_as_letter_pdf(tmp_path):
    path = report.write_forms(tmp_path / "forms.pdf", "surgery", paper="letter")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "612 x 792 pts" in info


@pytest.mark.parametrize("name", ["report.txt", "report", "report.pdf.bak"])
def test_a_wrong_suffix_is_refused_before_any_work(tmp_path, name):
    with pytest.raises(SonbError, match="End it with .html or .pdf"):
        report.write_report(load_example("back_pain"), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_writing_into_a_missing_folder_is_a_plain_error(tmp_path):
    with pytest.raises(SonbError, match="Could not save report.html"):
        report.write_report(load_example("back_pain"), tmp_path / "nope" / "report.html")
