"""sonb.report: the summary for the primary doctor, and sonb.render's escaping."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

import pytest

from sonb import render, report
from sonb._datafiles import texts
from sonb.examples import load_example
from sonb.model import Case, Decision, DecisionKind, Opinion

# tests/unit/report_helpers.py
from report_helpers import (PAYLOADS, RTL_NAME, TODAY, Page, emoji_rtl_case, filled_case,
                            form_answers, hostile, numbered_payloads)

WORDS = texts("report")


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
    assert len(filled) > 100  # every field of the case and every text answer of each form
    assert [text for text in filled if text not in page.text] == []


def test_fill_isolates_and_escapes_each_value():
    html = str(render.fill("I chose: {name}.", name="د. ليلى <b>"))
    assert html == 'I chose: <bdi dir="rtl">د. ليلى &lt;b&gt;</bdi>.'
    assert str(render.fill("<i>{a}</i>", a='"x')) == '&lt;i&gt;<bdi dir="ltr">&quot;x</bdi>&lt;/i&gt;'


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
    ("\u2068د. سارة\u2069 (Another kind of professional)", "ltr"),  # isolated: skipped
    ("\u2068د. سارة\u2069", "rtl"), ("\u2067\u2068x\u2069 د\u2069 y", "ltr"),
])
def test_direction_follows_the_first_strong_letter(text, expected):
    assert render.direction(text) == expected


# -- what the report holds -----------------------------------------------------------------

def test_a_right_to_left_name_keeps_its_place_beside_other_words():
    html = report.report_html(emoji_rtl_case(), TODAY)
    label = f"\u2068{RTL_NAME}\u2069 (Another kind of professional)"
    assert f'<h3 dir="ltr">{label}</h3>' in html  # the doctor's part
    assert f'What I asked <bdi dir="ltr">{label}</bdi>:' in html  # own questions
    assert f'Questions for <bdi dir="ltr">{label}</bdi>' in html  # questions still open
    assert f'<th scope="row" dir="rtl">{RTL_NAME}</th>' in html  # a name alone: its own way


def test_report_is_self_contained(back_pain_html):
    page = Page(back_pain_html)
    assert not re.search(r"https?://", back_pain_html)
    assert not {tag for tag, _ in page.elements} & {"script", "link", "img", "iframe", "object", "a"}
    assert not [a for a in page.attributes if a[1] in ("src", "href", "srcset", "action")]
    css = back_pain_html[back_pain_html.index("<style>"):back_pain_html.index("</style>")]
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert '"Noto Sans CJK SC"' in css and '"Noto Sans Arabic"' in css
    assert "Symbola, sans-serif;" in css  # emoji, in one color: a local font, last
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


def test_report_holds_every_answer_of_every_doctor(back_pain_html):
    page = Page(back_pain_html)
    said = [shown for answers in form_answers(load_example("back_pain")).values()
            for _link, shown in answers]
    assert len(said) == 76
    assert [text for text in said if text not in page.text] == []
    t = WORDS["report"]
    assert "About the surgery" in page.text and "Cost and insurance" in page.text  # the form's groups
    assert "What is the name of the surgery?\x00" in page.text  # the form's own question
    assert "Very sure" in page.text and "February 20, 2025" in page.text  # a choice, a date
    assert t["opinion"]["about"].format(option="\x00Spinal fusion surgery\x00") + " " + \
        t["opinion"]["suggested"] in page.text
    own = "How will we know if physical therapy is not working?"
    assert page.text.count(own) == 1  # under "My own questions" only
    assert t["own_said"] in page.text and "pick up my grandson after about 3 months" in page.text


def test_answers_read_alone_and_set_aside_are_in_the_report():
    case = load_example("back_pain")
    first = case.opinions[0]
    earlier = first.model_copy(update={
        "id": "earlier", "diagnosis": "Only a pulled muscle", "views": {},
        "answers": {"my_questions": ["Is it safe to drive?"]}})
    first.set_aside = {DecisionKind.medical_test: {
        "changes_treatment": True, "changes_treatment_explain": "It would show if surgery helps.",
        "results_when": "In a week", "my_questions": ["Does the scan use X-rays?"]}}
    case.opinions.insert(0, earlier)  # the same doctor, seen before
    page = Page(report.report_html(case, TODAY))
    t = WORDS["report"]["opinion"]
    for text in ("Only a pulled muscle", "Is it safe to drive?", "It would show if surgery helps.",
                 "In a week", "Does the scan use X-rays?",
                 "Will the result change your treatment?\x00\n\x00Yes"):
        assert text in page.text, text
    assert t["set_aside"].split("{")[0] in page.text


def test_a_doctor_with_nothing_written_down_says_so():
    case = load_example("back_pain")
    case.opinions.append(Opinion(clinician_id="dr-patel"))
    page = Page(report.report_html(case, TODAY))
    assert WORDS["report"]["opinion"]["no_answers"] in page.text


def test_questions_still_open_are_a_note_for_each_doctor(back_pain_html):
    page = Page(back_pain_html)
    t = WORDS["report"]
    assert t["sections"]["questions"] in page.text and t["unanswered_intro"] in page.text
    assert "Questions for \x00Sam Lindqvist (Another kind of professional)" in page.text
    assert t["follow_up_dated"].format(date="\x00March 14, 2025\x00") in page.text
    assert "<li>What is the surgery for?</li>" in back_pain_html
    assert page.text.count(t["thanks"]) == len({who for who, *_ in
                                                report.compare.unanswered_table(
                                                    load_example("back_pain")).itertuples(index=False)})


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
                "no_compare", "no_factors", "not_decided", "no_unanswered", "no_own"):
        assert t[key] in page.text, key

