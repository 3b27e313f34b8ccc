"""A patient's whole journey through the real Voila page, as they would do it.

Desktop: from an empty case to a recorded choice, then a reload and a resume with the code the
page shows. Phone: the example case, every step, no sideways scrolling of the page.
Also: bad case files and a wrong resume code on the start screen.
Screenshots go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

import pytest
from playwright.sync_api import expect
from sonb_ui import (
    WAIT,
    button,
    choose,
    click,
    field,
    fill,
    go_to_step,
    group,
    item,
    no,
    resume_code,
    set_date,
    shown,
    step_text,
    wait_for_step,
    yes,
)
from voila_browser import DESKTOP, PHONE, open_app, shot, wait_for_app

pytestmark = pytest.mark.browser

TODAY = dt.date.today()
DECISION = "Should I have spinal fusion surgery for the herniated disc in my lower back?"
OPTIONS = ("Spinal fusion surgery", "Physical therapy", "Wait and see")
HUGHES = dict(name="Dr. Tom Hughes", specialty="Spine surgeon", role="The doctor who gave me the first opinion",
              institution="City Spine Center", how_found="My own doctor gave me the name")
OKAFOR = dict(name="Dr. Grace Okafor", specialty="Neurosurgeon", role="A doctor I see for a second opinion",
              institution="Lakeside University Hospital", how_found="A university hospital",
              connected=False)
LINDQVIST = dict(name="Sam Lindqvist", specialty="Physical therapist",
                 role="Another kind of health professional", institution="MoveWell Physical Therapy",
                 how_found="My own doctor gave me the name", connected=False)
# What each of them told the patient: diagnosis, the choice they suggest, how sure, their notes
# per choice, and a few answers of the surgery form (one of the patient's own questions too).
VISITS = {
    "Dr. Tom Hughes": dict(
        date=TODAY - dt.timedelta(days=30),
        diagnosis="Herniated disc at L4-L5 with a worn-out disc.",
        recommended="Spinal fusion surgery", sure="Very sure",
        wait="The pain may come and go for months.",
        views={"Spinal fusion surgery": ("Should stop the back pain for good.",
                                         "Infection, blood clots, nerve damage."),
               "Physical therapy": ("No surgery.", "Very few.")},
        form={"What is the name of the surgery?": "Spinal fusion at L4-L5",
              "How long until you can go back to work and your usual activities?": "3 months."},
        question="What happens if the fusion does not heal?"),
    "Dr. Grace Okafor": dict(
        date=TODAY - dt.timedelta(days=5),
        diagnosis="Herniated disc pressing on the L5 nerve root (sciatica). The wear is normal.",
        recommended="Physical therapy", sure="Fairly sure",
        wait="Many herniated discs shrink on their own in 6 to 12 weeks.",
        views={"Spinal fusion surgery": ("Maybe less back pain.", "Big surgery, long recovery."),
               "Physical therapy": ("Often eases the leg pain.", "Very few."),
               "Wait and see": ("No cost.", "Pain may last longer.")},
        form={"What is the name of the surgery?": "Spinal fusion (she does not suggest it now)",
              "Where will the surgery take place?": "Lakeside University Hospital."},
        question="How long should I try therapy before thinking of surgery?"),
    "Sam Lindqvist": dict(
        date=TODAY - dt.timedelta(days=2),
        diagnosis="Weak core muscles and a disc that presses on a nerve.",
        recommended="Physical therapy", sure="Fairly sure",
        wait="It may get better slowly with walking.",
        views={"Physical therapy": ("Stronger back, less pain.", "Some soreness at first.")},
        form={"What is the name of the surgery?": "No surgery: 8 weeks of therapy",
              "How long until you can go back to work and your usual activities?": "Right away."},
        question="Which exercises can I do at my desk?"),
}
REASONS = "I want to try the lower-risk choice first. I can still have surgery later."


# -- step by step ----------------------------------------------------------------------------
def assess(page) -> None:
    no(page, "Is this an emergency? Do you need care right away?")
    fill(page, "What do you need to decide? Say it in your own words.", DECISION)
    choose(page, "What kind of choice is it?", "Surgery")
    no(page, "Is this about everyday care, like a checkup or a cold?")
    yes(page, "Does the test or treatment cost a lot or carry real risks? Surgery is one example.")
    yes(page, "Are you unsure how well the test or treatment will work for you?")
    yes(page, "Do you want to learn more about your choices?")
    yes(page, "Are you unsure that your doctor has found what is wrong (your diagnosis)?")
    no(page, "Does your health plan say you must get a second opinion?")
    advice = page.locator(".sonb-app [role=status]").filter(has_text="second opinion is a good idea")
    expect(advice).to_be_visible(timeout=WAIT)
    expect(advice).to_contain_text("You said the test or treatment costs a lot")
    expect(advice).to_contain_text("You said you are not sure the diagnosis is right.")
    assert advice.locator("li").count() >= 4, advice.inner_text()
    for name in OPTIONS:
        click(page, "Add a choice")
        fill(page, "Name of the choice (for example: back surgery, physical therapy, wait and see)", name)
        click(page, "Save")
        expect(shown(page).get_by_text(name, exact=True)).to_be_visible(timeout=WAIT)
    expect(button(page, "Edit")).to_have_count(len(OPTIONS))


def add_clinician(page, who: dict) -> None:
    click(page, "Add a doctor or expert")
    fill(page, "Name", who["name"])
    fill(page, "What kind of doctor or professional are they? (For example: surgeon, physical therapist)",
         who["specialty"])
    choose(page, "What is their part in your care?", who["role"])
    fill(page, "Where do they work? (Clinic or hospital)", who["institution"])
    choose(page, "How did you find them?", who["how_found"])
    if "connected" in who:
        choose(page, "Does this doctor work with, or closely with, your first doctor?",
               "Yes" if who["connected"] else "No")
    click(page, "Save")
    expect(shown(page).get_by_text(who["name"], exact=False).first).to_be_visible(timeout=WAIT)
    expect(button(page, "Add a doctor or expert")).to_be_visible(timeout=WAIT)


def plan(page) -> dict:
    visit = TODAY + dt.timedelta(days=3)
    set_date(page, "When did you ask your health plan about a second opinion?",
             (TODAY - dt.timedelta(days=20)).isoformat())
    yes(page, "Will your plan pay for a second opinion?")
    no(page, "Does your plan say you must get one?")
    yes(page, "Do you need your plan's OK before the visit?")
    fill(page, "The reference number your plan gave you, if any", "REF-2025-0042")
    set_date(page, "When is your visit with the second doctor?", visit.isoformat())
    set_date(page, "When did you ask for your records to be sent?", (TODAY - dt.timedelta(days=10)).isoformat())
    set_date(page, "When were your records sent to the second doctor?", (TODAY - dt.timedelta(days=6)).isoformat())
    item(page, "Which forms do you want to take? Pick all that fit.").get_by_role(
        "checkbox", name="Surgery", exact=True).check()
    set_date(page, "When did you ask the second doctor's office to send a report to your main doctor?",
             (TODAY - dt.timedelta(days=1)).isoformat())
    return {"visit": visit}


DIAGNOSIS = "What does the doctor think is wrong? (This is the diagnosis.)"


def pick_clinician(page, name: str, diagnosis: str = "") -> None:
    """Pick whose notes to show and wait until the form shows *their* notes (`diagnosis`, blank
    for someone new): the form is the same for two doctors, and typing before their notes are
    shown would type into the notes of the one before."""
    picker = field(page, "Whose notes?").locator("select")
    label = picker.locator("option").filter(has_text=name).first.text_content()
    if picker.locator("option:checked").text_content() == label:
        return
    picker.select_option(label=label)
    said = shown(page).locator(".sonb-form").filter(has_text="When did you see this doctor?")
    expect(said).to_have_count(1, timeout=WAIT)
    expect(field(said, DIAGNOSIS).locator("textarea")).to_have_value(diagnosis, timeout=WAIT)


def visit_notes(page, name: str, notes: dict) -> None:
    pick_clinician(page, name)
    said = shown(page).locator(".sonb-form").filter(has_text="When did you see this doctor?")
    expect(said).to_have_count(1, timeout=WAIT)
    set_date(said, "When did you see this doctor?", notes["date"].isoformat())
    fill(said, "What does the doctor think is wrong? (This is the diagnosis.)", notes["diagnosis"])
    choose(said, "Which choice does the doctor suggest?", notes["recommended"])
    choose(said, "How sure is the doctor about this advice?", notes["sure"])
    fill(said, "What could happen if you wait or do not have it?", notes["wait"])
    for option, (helps, risks) in notes["views"].items():
        about = group(said, f"What the doctor said about: {option}")
        fill(about, "How could it help you?", helps)
        fill(about, "What are the risks and side effects? What could go wrong?", risks)
    form = said  # one form per doctor: the surgery's own questions follow
    expect(form.get_by_text("What is the name of the surgery?")).to_have_count(1)
    for question, answer in notes["form"].items():
        fill(form, question, answer)
    own = group(form, "Your own questions")
    click(own, "Add one more")
    fill(own, "A question you want to ask 1", notes["question"])


OWN_FACTOR = "Walk my dog every day"


def my_factors(page) -> None:
    """Make the list of what matters the patient's own: add one, remove one, move one up."""
    click(page, "Add something that matters")
    fill(page, "What matters to you? Use a few words. (For example: being able to lift my grandchild)",
         OWN_FACTOR)
    click(page, "Save")
    row = shown(page).locator(".sonb-row").filter(has_text=OWN_FACTOR)
    expect(row).to_be_visible(timeout=WAIT)
    click(shown(page).locator(".sonb-row").filter(has_text="Less time in the hospital"), "Remove")
    expect(shown(page).locator(".sonb-row").filter(has_text="Less time in the hospital")).to_have_count(0)
    expect(button(shown(page), "Less time in the hospital")).to_be_visible()  # an idea to add back
    click(row, "Up")
    rows = shown(page).locator(".sonb-row")
    expect(rows.nth(rows.count() - 2)).to_contain_text(OWN_FACTOR, timeout=WAIT)
    expect(group(page, "How much does each of these matter to you?")).to_contain_text(OWN_FACTOR)


def decide(page) -> None:
    my_factors(page)
    weights = group(page, "How much does each of these matter to you?")
    for factor, score in (("Less pain", "5"), ("Fewer risks", "4"), ("Short recovery", "3"),
                          ("Low cost", "2")):
        choose(weights, factor, score)
    fits = {"Spinal fusion surgery": ("4", "1"), "Physical therapy": ("3", "5"), "Wait and see": ("1", "5")}
    for option, (pain, risks) in fits.items():
        fit = group(page, f"How well does this choice fit: {option}")
        choose(fit, "Less pain", pain)
        choose(fit, "Fewer risks", risks)
    readiness = shown(page).locator(".sonb-form").filter(has_text="Do you feel sure about the best choice for you?")
    expect(readiness).to_have_count(2)
    before, after = readiness.nth(0), readiness.nth(1)
    for question in ("Do you feel sure about the best choice for you?",
                     "Do you know the good points and the risks of each choice?",
                     "Do you know which good points and risks matter most to you?",
                     "Do you have enough help and advice to make your choice?"):
        no(before, question)
        yes(after, question)
    show = shown(page).locator(".sonb-box").filter(has_text="How your answers changed")
    expect(show).to_contain_text("you said yes to 0 of 4 questions. Now you say yes to 4 of 4",
                                 timeout=WAIT)
    expect(show).to_contain_text("You seem ready to make your choice.")
    deciding = shown(page).locator(".sonb-form").filter(has_text="How do you want to make this choice?")
    choose(deciding, "How do you want to make this choice?", "I want to decide together with someone")
    fill(deciding, "Who is that? (For example: my doctor, my husband)", "My daughter")
    click(page, "Add a person")
    fill(page, "Name", "Ana")
    choose(page, "Which choice would they pick for you? (Leave it empty if you do not know.)",
           "Physical therapy")
    click(page, "Save")
    expect(shown(page).get_by_text("Ana · would pick Physical therapy")).to_be_visible(timeout=WAIT)
    choice = shown(page).locator(".sonb-form").filter(has_text="What have you decided?")
    choose(choice, "What have you decided?", "Physical therapy")
    fill(choice, "Why did you make this choice?", REASONS)
    set_date(choice, "When did you decide?", TODAY.isoformat())


def test_whole_journey_from_an_empty_case(browser, voila):
    page, watch = open_app(browser, voila, DESKTOP)
    shot(page, "journey-0-start")
    click(page, "Start a new case")
    wait_for_step(page, 1)
    code = resume_code(page)
    assert len(code) >= 16, code

    # 1. Is a second opinion a good idea?
    assess(page)
    shot(page, "journey-1-assess")
    watch.check(page)

    # 2. Find the second doctor
    click(page, "Next")
    wait_for_step(page, 2)
    expect(shown(page).get_by_text("No one added yet.")).to_be_visible()
    for who in (HUGHES, OKAFOR, LINDQVIST):
        add_clinician(page, who)
    expect(button(page, "Edit")).to_have_count(3)
    expect(shown(page).get_by_text("You may also learn from a different kind of expert:")).to_be_visible()
    suggestions = shown(page).locator("h3:has-text('different kind of expert') + ul")
    expect(suggestions).to_contain_text("physiatrist")
    watch.check(page)
    shot(page, "journey-2-doctors")

    # 3. Get ready
    go_to_step(page, 3)
    expect(shown(page).get_by_text("Nothing needs your attention right now.")).to_be_visible()
    ready = plan(page)
    warning = shown(page).locator(".sonb-warning")
    expect(warning.first).to_be_visible(timeout=WAIT)
    expect(warning.filter(has_text="records")).not_to_have_count(0)
    checklist = shown(page).locator("table.sonb-table")
    expect(checklist).to_contain_text("REF-2025-0042")
    watch.check(page)
    shot(page, "journey-3-plan")

    # 4. Notes from each visit
    go_to_step(page, 4)
    for name, notes in VISITS.items():
        visit_notes(page, name, notes)
        watch.check(page)
    shot(page, "journey-4-forms")
    # picking a clinician again shows what was recorded for them
    pick_clinician(page, "Dr. Tom Hughes", VISITS["Dr. Tom Hughes"]["diagnosis"])
    said = shown(page).locator(".sonb-form").filter(has_text="When did you see this doctor?")
    expect(item(said, "What does the doctor think is wrong? (This is the diagnosis.)").locator("textarea")
           ).to_have_value(VISITS["Dr. Tom Hughes"]["diagnosis"])

    # 5. Compare what they said: topic by topic, and "Did they say the same thing?"
    go_to_step(page, 5)
    topics = shown(page).locator(".sonb-topic")
    expect(topics.first).to_be_visible(timeout=WAIT)

    def topic(name):
        return topics.filter(has=page.locator("h4", has_text=name)).first

    for name in VISITS:
        expect(topic("Diagnosis")).to_contain_text(name)
    expect(topic("Recommendation").locator(".sonb-mark")).to_have_text("They differ")
    expect(topic("Diagnosis").locator(".sonb-mark")).to_have_text("Check: is it the same?")
    guidance = shown(page).locator("h3:has-text('What you can do next') + ul")
    expect(guidance).to_contain_text("sonb cannot tell if")
    expect(guidance).to_contain_text("physical therapist")
    expect(guidance).to_contain_text("physiatrist")
    hughes, okafor, lindqvist = VISITS
    for first, second in ((hughes, okafor), (hughes, lindqvist), (okafor, lindqvist)):
        choose(page, f"Diagnosis: did {first} and {second} say the same thing?", "Yes, the same")
    expect(topic("Diagnosis").locator(".sonb-mark")).to_have_text("They agree", timeout=WAIT)
    expect(guidance).to_contain_text(f"{hughes}, {okafor} and {lindqvist} name the same problem")
    expect(guidance).not_to_contain_text("sonb cannot tell")
    watch.check(page)
    shot(page, "journey-5-compare")

    # 6. Make your choice
    go_to_step(page, 6)
    decide(page)
    chart = shown(page).locator("figure.sonb-fit")
    expect(chart.locator("h4")).to_have_text(["Spinal fusion surgery", "Physical therapy", "Wait and see"])
    expect(chart).to_contain_text("of 5")
    expect(button(page, "Next")).to_be_disabled()
    watch.check(page)
    shot(page, "journey-6-decide")

    # All of it is stored: reload, resume with the code shown on the page.
    go_to_step(page, 1)  # a round trip: every change typed before this was saved
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    fill(page, "Resume code", code)
    click(page, "Open my case")
    wait_for_step(page, 1)
    assert resume_code(page) == code
    expect(item(page, "What do you need to decide? Say it in your own words.").locator("textarea")
           ).to_have_value(DECISION)
    expect(page.locator(".sonb-app [role=status]").filter(has_text="second opinion is a good idea")
           ).to_be_visible()
    go_to_step(page, 2)
    for who in (HUGHES, OKAFOR, LINDQVIST):
        expect(shown(page).get_by_text(who["name"], exact=False).first).to_be_visible()
    go_to_step(page, 3)
    expect(field(page, "When is your visit with the second doctor?").locator("input")
           ).to_have_value(ready["visit"].isoformat())
    go_to_step(page, 4)
    pick_clinician(page, "Dr. Grace Okafor", VISITS["Dr. Grace Okafor"]["diagnosis"])
    said = shown(page).locator(".sonb-form").filter(has_text="When did you see this doctor?")
    expect(field(said, "What does the doctor think is wrong? (This is the diagnosis.)").locator("textarea")
           ).to_have_value(VISITS["Dr. Grace Okafor"]["diagnosis"])
    form = said
    expect(field(form, "A question you want to ask 1").locator("textarea")
           ).to_have_value(VISITS["Dr. Grace Okafor"]["question"])
    go_to_step(page, 5)  # the patient's "same" answers were kept
    said = shown(page).locator(".sonb-topic").filter(has=page.locator("h4", has_text="Diagnosis")).first
    for name in VISITS:
        expect(said).to_contain_text(name)
    expect(said.locator(".sonb-mark")).to_have_text("They agree")
    go_to_step(page, 6)
    choice = shown(page).locator(".sonb-form").filter(has_text="What have you decided?")
    decided = item(choice, "What have you decided?").get_by_role("radiogroup",
                                                                 name="What have you decided?")
    expect(decided.get_by_role("radio", name="Physical therapy")).to_be_checked()
    expect(decided.locator("input:checked")).to_have_count(1)
    expect(item(choice, "Why did you make this choice?").locator("textarea")).to_have_value(REASONS)
    expect(shown(page).locator(".sonb-row").filter(has_text=OWN_FACTOR)).to_be_visible()
    expect(shown(page).get_by_text("Ana · would pick Physical therapy")).to_be_visible()
    watch.check(page)
    shot(page, "journey-7-resumed")
    page.context.close()


# -- phone -----------------------------------------------------------------------------------
_OVERFLOW = """() => {
  const width = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('.sonb-app *')) {
    if (el.closest('.sonb-scroll') && !el.matches('.sonb-scroll')) continue;  // scrolls in its box
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1))
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
               `[${Math.round(r.left)}..${Math.round(r.right)}] ${(el.innerText || '').slice(0, 40)}`);
  }
  const cells = document.querySelector('#rendered_cells');
  return {page: document.documentElement.scrollWidth, cells: cells ? cells.scrollWidth - cells.clientWidth : 0,
          width, outside: out.slice(0, 12)};
}"""


def assert_no_sideways_scroll(page, where: str) -> None:
    found = page.evaluate(_OVERFLOW)
    assert found["page"] <= found["width"] + 1, f"{where}: the page scrolls sideways: {found}"
    assert found["cells"] <= 1 and not found["outside"], (
        f"{where}: content wider than the {found['width']} px screen (cut off or scrolling): {found}")


def test_phone_example_every_step_fits(browser, voila):
    page, watch = open_app(browser, voila, PHONE)
    assert_no_sideways_scroll(page, "start screen")
    shot(page, "phone-0-start")
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    for number in range(1, 7):
        if number > 1:
            go_to_step(page, number)
        assert_no_sideways_scroll(page, f"step {number}")
        shot(page, f"phone-{number}")
        watch.check(page)
    page.context.close()


def test_the_page_scrolls_to_the_next_button(browser, voila):
    """A patient with a mouse wheel (or a finger) must reach what is below the fold."""
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    next_button = button(page, "Next")
    page.mouse.move(DESKTOP["width"] / 2, DESKTOP["height"] / 2)
    for _ in range(40):
        if next_button.evaluate("b => b.getBoundingClientRect().bottom <= window.innerHeight"):
            break
        page.mouse.wheel(0, 800)
        page.wait_for_timeout(50)  # let the wheel scroll land; nothing else to wait for
    assert next_button.evaluate("b => b.getBoundingClientRect().bottom <= window.innerHeight"), (
        "the mouse wheel does not scroll the page: Back/Next and most of the step are out of reach")
    watch.check(page)
    page.context.close()


# -- the start screen: case files and resume codes ----------------------------------------------
def upload(page, name: str, content: bytes) -> None:
    """Upload through the FileUpload button: its <input type=file> is never attached to the
    page (ipywidgets 8 keeps it detached and clicks it), so take the file chooser it opens."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=re.compile(r"Upload a case file")).click()
    chooser.value.set_files({"name": name, "mimeType": "application/json", "buffer": content})


def a_good_case_file() -> tuple[str, bytes]:
    from sonb import Case, casefile
    from sonb.examples import load_example

    case = load_example("back_pain").model_copy(update={"id": Case().id})
    return case.id, casefile.dumps(case).encode("utf-8")


@pytest.mark.parametrize("name, content", [
    ("broken.json", b'{"id": "abc", "decision": "Should I'),
    ("foreign.json", json.dumps({"resourceType": "Patient", "name": [{"family": "Doe"}]}).encode()),
    ("not-json.json", b"\x89PNG\r\n\x1a\n not a case file"),
])
def test_a_bad_case_file_gets_a_clear_message(browser, voila, name, content):
    page, watch = open_app(browser, voila, DESKTOP)
    upload(page, name, content)
    message = page.locator(".sonb-app .sonb-error[role=alert]")
    expect(message).to_be_visible(timeout=WAIT)
    text = message.inner_text()
    assert 20 <= len(text) <= 400 and "Traceback" not in text and "{" not in text, text
    expect(page.get_by_text("Step 1 of 6")).to_have_count(0)
    shot(page, f"start-bad-file-{name.split('.')[0]}")
    watch.check(page)
    # the start screen still works: a good case file opens
    code, good = a_good_case_file()
    upload(page, "good.json", good)
    wait_for_step(page, 1)
    assert resume_code(page) == code
    watch.check(page)
    page.context.close()


@pytest.mark.parametrize("code, message", [
    ("no-such-case-Zq8xT3vN2pL5", "We could not find a case with that code. Check the code and try again."),
    ("my code!", "A resume code has letters, numbers, - and _ only. Check the code and try again."),
])
def test_a_wrong_resume_code_is_refused_plainly(browser, voila, code, message):
    page, watch = open_app(browser, voila, DESKTOP)
    fill(page, "Resume code", code)
    click(page, "Open my case")
    expect(page.locator(".sonb-app .sonb-error[role=alert]")).to_have_text(message, timeout=WAIT)
    expect(page.get_by_text("Step 1 of 6")).to_have_count(0)
    shot(page, "start-wrong-code" if "no-such" in code else "start-malformed-code")
    watch.check(page)
    click(page, "Start a new case")
    wait_for_step(page, 1)
    watch.check(page)
    page.context.close()


def test_the_downloaded_case_file_opens_the_case_again(browser, voila):
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    code = resume_code(page)
    click(page, "Get my case file")  # made when asked, not pushed to the page on every save
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my case file").click()
    saved = download.value.path().read_bytes()
    assert download.value.suggested_filename.endswith(".json")
    watch.check(page)
    page.context.close()

    page, watch = open_app(browser, voila, DESKTOP)
    upload(page, download.value.suggested_filename, saved)
    wait_for_step(page, 1)
    assert resume_code(page) == code
    go_to_step(page, 2)
    expect(shown(page).get_by_text("Dr. Grace Okafor", exact=False).first).to_be_visible()
    watch.check(page)
    page.context.close()


def _download_after(page, button_name: str):
    """Click a button that makes a file, then download it from the link it shows."""
    page.get_by_role("button", name=re.compile(re.escape(button_name))).click()
    link = page.get_by_role("link", name="Download the file")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    return download.value


def test_the_patient_downloads_the_report_and_printable_forms(browser, voila, tmp_path):
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    go_to_step(page, 6)
    pdf = _download_after(page, "Make the report as a PDF")
    assert pdf.suggested_filename == "sonb-report.pdf"
    pdf_bytes = pdf.path().read_bytes()
    assert pdf_bytes.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf_bytes)
    text = subprocess.run(["pdftotext", str(tmp_path / "report.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Dr. Grace Okafor" in text and "herniated disc" in text.lower()
    go_to_step(page, 3)
    forms = _download_after(page, "Make blank forms to print")
    assert forms.suggested_filename == "sonb-forms.pdf"
    assert forms.path().read_bytes().startswith(b"%PDF")
    watch.check(page)
    page.context.close()


# -- what the patient reads: their words, not the program's -----------------------------------
_CODE_WORD = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # insurer_asked, records_received ...
_RAW_NUMBER = re.compile(r"\b\d+\.\d{3,}\b")  # 2.6666666666666665


def test_the_example_shows_words_not_codes(browser, voila):
    page, watch = open_app(browser, voila, DESKTOP)
    click(page, "Try the back pain example")
    wait_for_step(page, 1)
    found = {}
    for number in range(1, 7):
        go_to_step(page, number)
        text = step_text(page)
        bad = sorted(set(_CODE_WORD.findall(text)) | set(_RAW_NUMBER.findall(text)))
        if bad:
            found[f"step {number}"] = bad
    go_to_step(page, 6)
    choice = shown(page).locator(".sonb-form").filter(has_text="What have you decided?")
    choices = item(choice, "What have you decided?").locator("option, label:has(input[type=radio])")
    expect(choices).not_to_have_count(0)
    offered = choices.evaluate_all(
        "options => options.map(o => o.textContent.replace(/\\s+/g, ' ').trim())")
    if "Something else" not in offered:
        found["step 6, What have you decided?"] = [f"offers {offered}, not 'Something else'"]
    watch.check(page)
    page.context.close()
    assert not found, f"the page shows program codes, raw numbers or wrong labels: {found}"
