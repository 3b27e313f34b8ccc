"""sonb.printable: the forms to take to a visit, blank or filled in."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from sonb import printable, questionnaire as qn
from sonb._datafiles import texts
from sonb.errors import SonbError
from sonb.examples import load_example
from sonb.model import DecisionKind

from report_helpers import PAYLOADS, Page, hostile  # tests/unit/report_helpers.py

WORDS = texts("report")
STEP = texts("ui")["steps"]["doctors"]


@pytest.mark.parametrize("kind", list(DecisionKind))
def test_blank_form_prints_every_item_of_its_questionnaire(kind):
    form = qn.load(qn.FORM_FOR_KIND[kind])
    page = Page(printable.forms_html(kind))
    for item in qn.iter_items(form):
        assert item["text"] in page.text, item["linkId"]
    numbered = [a for a in page.attributes if a == ("span", "class", "num")]
    assert len(numbered) == len(list(qn.questions(form)))
    assert [tag for tag, _ in page.elements].count("h2") == 1


def test_all_four_forms_when_no_kind_is_known():
    page = Page(printable.forms_html())
    titles = [qn.load(qn.FORM_FOR_KIND[k])["title"] for k in DecisionKind]
    assert all(title in page.text for title in titles)
    assert [tag for tag, _ in page.elements].count("h2") == 4


def test_conditional_items_say_their_condition_in_words():
    page = Page(printable.forms_html(DecisionKind.medical_test))
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
    items = printable.form_items(q, {})
    assert items[2].condition == "If the answer to question 1 is not \u201cApples\u201d or you left it blank:"


def test_filled_form_shows_the_doctors_answers_and_own_questions():
    case = load_example("back_pain")
    opinion = case.opinion_of("dr-hughes")
    page = Page(printable.forms_html(case=case, clinician_id="dr-hughes"))
    for key in ("name", "anesthesia"):
        assert opinion.answers[key] in page.text
    assert opinion.views["spinal-fusion"].cost in page.text  # what they said about a choice
    assert opinion.diagnosis in page.text
    for asked in opinion.answers["my_questions"]:
        assert asked in page.text
    assert "Dr. Tom Hughes" in page.text and "February 20, 2025" in page.text
    assert case.decision in page.text
    own = [a for a in page.attributes if a == ("li", "class", "line")]
    assert len(own) == printable.OWN_QUESTIONS_EXTRA  # 2 written + 3 free lines


def test_blank_form_has_ruled_lines_and_numbered_lines_for_own_questions():
    page = Page(printable.forms_html("surgery"))
    lines = [a for a in page.attributes if a == ("div", "class", "line")]
    own = [a for a in page.attributes if a == ("li", "class", "line")]
    assert len(lines) > 20 and len(own) == printable.OWN_QUESTIONS_MIN


def test_filled_boolean_and_choice_are_ticked():
    q = {"item": [{"linkId": "b", "text": "B?", "type": "boolean"},
                  {"linkId": "c", "text": "C?", "type": "choice", "answerOption": [
                      {"valueCoding": {"code": "x", "display": "X"}},
                      {"valueCoding": {"code": "y", "display": "Y"}}]}]}
    b, c = printable.form_items(q, {"b": False, "c": "y"})
    assert b.choices == [("Yes", False), ("No", True)]
    assert c.choices == [("X", False), ("Y", True)]


def test_answered_only_keeps_the_answered_questions_in_their_groups():
    q = {"item": [{"linkId": "hi", "text": "Read me.", "type": "display"},
                  {"linkId": "g", "text": "G", "type": "group", "item": [
                      {"linkId": "b", "text": "B?", "type": "boolean"},
                      {"linkId": "d", "text": "D?", "type": "date"}]},
                  {"linkId": "empty", "text": "E", "type": "group", "item": [
                      {"linkId": "s", "text": "S?", "type": "string"}]},
                  {"linkId": "c", "text": "C?", "type": "choice", "answerOption": [
                      {"valueCoding": {"code": "x", "display": "X"}}]},
                  {"linkId": "many", "text": "M?", "type": "string", "repeats": True}]}
    answers = {"b": False, "s": " ", "c": "gone", "many": ["one", " ", "two"]}
    group, choice, many = printable.form_items(q, answers, answered_only=True)
    assert (group.kind, group.link, [i.link for i in group.items]) == ("group", "g", ["b"])
    assert group.items[0].said == ["No"]
    assert choice.said == ["gone"]  # a code no longer offered is still shown
    assert many.said == ["one", "two"]
    assert printable.form_items(q, {"d": "2025-03-14"}, answered_only=True)[0].items[0].said == \
        ["March 14, 2025"]


def test_hostile_answers_in_a_filled_form_stay_text():
    case = hostile(full=True)
    page = Page(printable.forms_html(case=case, clinician_id=case.opinions[0].clinician_id))
    assert not {tag for tag, _ in page.elements} & {"script", "svg", "img"}
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert all(payload in page.text for payload in PAYLOADS)


@pytest.mark.parametrize("call, message", [
    (lambda: printable.forms_html("x-ray"), "There is no form for 'x-ray'"),
    (lambda: printable.forms_html(clinician_id="dr-okafor"), "give the case too"),
    (lambda: printable.forms_html(case=load_example("back_pain"), clinician_id="nobody"), "'nobody'"),
])
def test_forms_refuse_what_they_cannot_print(call, message):
    with pytest.raises(SonbError, match=re.escape(message)):
        call()



def test_referral_script_is_one_page_with_the_words_and_lines_to_write_on():
    html = printable.referral_script_html()
    page = Page(html)
    for text in (STEP["script_title"], *STEP["script"], STEP["reassure"], WORDS["script"]["intro"],
                 *WORDS["script"]["fill_in"], WORDS["script"]["notes"]):
        assert text in page.text, text
    assert [tag for tag, _ in page.elements].count("h1") == 1
    assert [a for a in page.attributes if a == ("span", "class", "blank")] == \
        [("span", "class", "blank")] * len(WORDS["script"]["fill_in"])
    assert [a for a in page.attributes if a == ("div", "class", "line")] == \
        [("div", "class", "line")] * printable.SCRIPT_NOTE_LINES
    # the printed forms' page: their CSS, nothing to fetch
    forms = printable.forms_html("surgery")
    style = lambda h: h[h.index("<style>"):h.index("</style>")]  # noqa: E731
    assert style(html) == style(forms)
    assert "Content-Security-Policy" in html and not re.search(r"https?://|url\(|@import", html)
    assert not {tag for tag, _ in page.elements} & {"script", "link", "img", "iframe", "a"}


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_referral_script_prints_on_one_page(tmp_path, paper):
    from sonb.pdf import write_referral_script

    path = write_referral_script(tmp_path / "ask.pdf", paper)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert " ".join(STEP["script"][1].split()[:6]) in " ".join(text.split())
