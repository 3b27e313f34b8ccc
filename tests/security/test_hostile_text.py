"""Hostile text typed by a patient (or pasted from anywhere) in every free-text field of the app.

One page session types markup, script, template, SQL, bidi and control-character payloads into
each text field of each step (through the page: fill + Tab, so the kernel receives them as the
browser sends them), then visits Compare and the table steps. Nothing may run (no dialog, no
console message, no request to another host, no element or event handler made from a
payload), and the text must show literally. The same case is then read back from the store and
put through what a navigator or clinician sees: the navigator notebook's pandas tables and the
report for the primary doctor, opened in Chromium too. The server log must not hold the text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from .conftest import TRIED, WAIT, sonb_ui, start_new_case

pytestmark = pytest.mark.browser

# Every payload carries a "sonb-" tag so it can be found in the DOM, the store and the logs.
SHORT = [  # fit a one-line field (200 characters at most)
    "<script>alert('sonb-xss-1')</script>",
    "<img src=x onerror=\"alert('sonb-xss-2')\">",
    "<a href=\"javascript:alert('sonb-xss-3')\">sonb-link-3</a>",
    "</textarea></textarea><svg onload=alert('sonb-xss-4')>",
    "\"><iframe src=\"https://evil.example/sonb-xss-5\"></iframe>",
    "{{7*7}} ${7*7} <%= 7*7 %> #{7*7} {% raw %} sonb-tpl-6",
    "Robert'); DROP TABLE cases; -- sonb-sql-7",
    "\u202egpj.exe sonb-rtl-8\u202c \u200f\u05e9\u05dc\u05d5\u05dd",
    "sonb-ctl-9 \x00\x01\x07\x08\x1b[31m\x7f\u200b\ufeff end",
    "<style>*{display:none}</style><link rel=stylesheet href=//evil.example/sonb-css-10.css>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('sonb-xss-11')>",
    "<!--sonb-comment-12--> &lt;b&gt; &amp;amp; \\u003cscript\\u003e",
]
LONG = "sonb-long-13 " + ("<b>bold</b> & " * 400)
LONG = LONG[:5000]  # the most a long-text field takes
TEXTAREA = SHORT + [LONG]
# Payloads whose exact text must show (control characters are left to the browser's rules).
LITERAL = [p for p in SHORT if "sonb-ctl-9" not in p]

MARK = r"sonb-(?:xss|link|tpl|sql|rtl|ctl|css|comment|long)-\d+"  # in every payload
DANGEROUS = r"""() => {
  const mark = /sonb-(?:xss|link|tpl|sql|rtl|ctl|css|comment|long)-\d+/;
  const found = [];
  for (const e of document.querySelectorAll('.sonb-app *')) {
    const tag = e.tagName.toLowerCase();
    if (['script', 'iframe', 'svg', 'math', 'object', 'embed', 'img', 'link', 'style', 'a']
        .includes(tag) && mark.test(e.outerHTML)) {
      found.push(e.outerHTML.slice(0, 120));
    }
    for (const a of e.attributes) {
      const n = a.name.toLowerCase();
      if (n.startsWith('on') || (['src', 'href', 'srcdoc', 'action', 'formaction', 'style']
          .includes(n) && mark.test(a.value))) {
        if (!(n === 'href' && a.value.startsWith('data:')))  // the case file download link
          found.push(`${tag}[${n}=${a.value.slice(0, 80)}]`);
      }
    }
  }
  return found;
}"""


class Typist:
    """Types payloads into every visible text field of a scope and remembers what went where."""

    def __init__(self, page):
        self.page = page
        self.n = 0
        self.typed: dict[str, str] = {}  # field label -> payload (the last one typed there)
        self.every: set[str] = set()  # every payload typed anywhere (labels repeat per doctor)

    def boxes(self, scope):
        return scope.locator(".sonb-item input[type=text]:visible, .sonb-item textarea:visible")

    def fill_all(self, scope, first: int = 0) -> int:
        boxes = self.boxes(scope)
        count = boxes.count()
        for i in range(first, count):
            box = boxes.nth(i)
            is_area = box.evaluate("e => e.tagName") == "TEXTAREA"
            pool = TEXTAREA if is_area else SHORT
            payload = pool[self.n % len(pool)]
            self.n += 1
            box.fill(payload)
            box.press("Tab")
            label = box.evaluate("e => (e.closest('.sonb-field')?.querySelector('label')"
                                 "?.innerText || '?')")
            self.typed[label] = payload
            self.every.add(payload)
        TRIED["payloads x text fields typed in the browser"] += count - first
        return count - first


def _status(page) -> str:
    return page.locator(".sonb-box .sonb-status, .sonb-box .sonb-error").first.inner_text()


def button(page, label: str):
    """The visible button whose text is `label` (its icon's glyph is not part of the text)."""
    return page.locator("button:visible").filter(
        has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")).first


def _open_editor(page, add_label: str):
    """Click "Add ..." and return the record editor's form once it is shown."""
    button(page, add_label).click()
    editor = page.locator(".sonb-editor .sonb-form").filter(visible=True)
    editor.wait_for(state="visible", timeout=WAIT)
    return editor


def _add_record(page, typist: Typist, add_label: str):
    editor = _open_editor(page, add_label)
    typist.fill_all(editor)
    for group in editor.get_by_role("radiogroup").all():  # a person's part in your care is needed
        if not group.locator("input:checked").count():
            group.get_by_role("radio").first.check()
    button(page, "Save").click()
    editor.wait_for(state="hidden", timeout=WAIT)  # saved: the editor closes


def test_hostile_text_in_every_field_runs_nothing_and_shows_literally(app, voila):
    page, watch = app
    ui = sonb_ui()
    code = start_new_case(page)
    typist = Typist(page)

    # Step 1: the decision, then two choices (name and description)
    typist.fill_all(ui.shown(page).locator(".sonb-form").first)
    for _ in range(2):
        _add_record(page, typist, "Add a choice")
    # a one-line field refuses 5,000 characters with a message beside it, and saves nothing
    editor = _open_editor(page, "Add a choice")
    name = typist.boxes(editor).first
    name.fill(LONG)
    name.press("Tab")
    button(page, "Save").click()
    expect_text(editor.locator(".sonb-error"), "This is too long")
    button(page, "Cancel").click()
    editor.wait_for(state="hidden", timeout=WAIT)

    # Step 2: two clinicians (name, specialty, institution)
    ui.go_to_step(page, 2)
    for _ in range(2):
        _add_record(page, typist, "Add a doctor or expert")

    # Step 3: the plan's text fields
    ui.go_to_step(page, 3)
    typist.fill_all(ui.shown(page).locator(".sonb-form").first)

    # Step 4: every field of both forms, for each clinician
    ui.go_to_step(page, 4)
    picker = page.locator(".sonb-field").filter(has_text="Whose notes?").locator("select")
    for index in range(2):
        picker.select_option(index=index)
        first = typist.boxes(page.locator(".sonb-app")).first
        if index:
            expect_value(first, "")
        typist.fill_all(page.locator(".sonb-app"))

    # Step 6: a thing that matters and a person of the patient's own, who decides with them,
    # the choice, the reasons
    ui.go_to_step(page, 6)
    _add_record(page, typist, "Add something that matters")
    _add_record(page, typist, "Add a person")
    ui.choose(page, "How do you want to make this choice?", "I want to decide together with someone")
    ui.field(ui.shown(page), "Who is that? (For example: my doctor, my husband)")  # shown after the kernel's answer
    typist.fill_all(page.locator(".sonb-app"))
    fit_text = page.locator(".sonb-app").inner_text()

    # Step 5: Compare
    ui.go_to_step(page, 5)
    ui.shown(page).locator(".sonb-topic").first.wait_for(timeout=WAIT)
    compare_text = page.locator(".sonb-app").inner_text()

    # Step 3's checklist, back at step 4: the forms rebuilt from the kernel show the text as typed
    ui.go_to_step(page, 3)
    ui.go_to_step(page, 4)
    picker.select_option(index=0)
    boxes = typist.boxes(page.locator(".sonb-app"))
    shown = [boxes.nth(i).input_value() for i in range(min(6, boxes.count()))]

    assert "Saved" in _status(page), _status(page)
    assert page.evaluate(DANGEROUS) == [], "elements or handlers were made from typed text"
    assert page.evaluate("() => document.title") != "PWNED"
    watch.check(page)  # no dialog, no console error (a CSP report counts), no foreign request

    # What the kernel stored, and what the tables hold
    from sonb import CaseStore, compare

    with CaseStore(voila.home) as store:
        case = store.load(code)
    stored = _strings(case.model_dump(mode="json"))
    for payload in set(typist.typed.values()):
        assert payload in stored, f"not stored as typed: {payload[:60]!r}"
    assert shown and all(v in typist.every or "sonb-ctl-9" in v for v in shown), shown

    tables = [compare.comparison_table(case), compare.options_table(case),
              compare.agreement(case), compare.unanswered_table(case)]
    in_tables = {p for p in LITERAL if any(p in s for t in tables for s in _frame_strings(t))}
    assert len(in_tables) >= 6, f"too few payloads reached Compare: {in_tables}"
    for payload in in_tables:
        assert payload in compare_text, f"Compare does not show {payload!r} literally"
    for option in case.options:
        assert option.name in fit_text
    own = [f.label for f in case.preferences.factors if re.search(MARK, f.label)]
    assert own and case.people and re.search(MARK, case.deciding.with_whom)  # step 6 kept them
    for text in (*own, case.people[0].name):
        assert text not in LITERAL or text in fit_text, f"step 6 does not show {text!r} literally"
    TRIED["payloads checked shown literally on Compare"] += len(in_tables)

    # No health data in the server log (it also carries the kernels' output)
    log = voila.log_text()
    leaked = re.findall(MARK, log)
    assert not leaked, f"typed text reached the server log: {sorted(set(leaked))}"

    _check_navigator_and_report(case, page.context.browser)


def expect_text(locator, text: str) -> None:
    from playwright.sync_api import expect

    expect(locator.first).to_contain_text(text, timeout=WAIT)


def expect_value(locator, value: str) -> None:
    from playwright.sync_api import expect

    expect(locator).to_have_value(value, timeout=WAIT)


def _strings(value) -> str:
    if isinstance(value, dict):
        return "\n".join(_strings(k) + "\n" + _strings(v) for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(_strings(v) for v in value)
    return value if isinstance(value, str) else ""


def _frame_strings(frame) -> list[str]:
    import pandas as pd

    out = [str(x) for x in frame.index] + [str(x) for x in frame.columns.to_flat_index()]
    for row in frame.itertuples(index=False):
        out += [str(x) for x in row if not (x is None or x is pd.NA)]
    return out


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def _dangerous_markup(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        if tag in ("script", "iframe", "svg", "math", "object", "embed", "img", "link"):
            found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value and re.search(MARK, value) and name in (
                    "src", "href", "srcdoc", "action", "formaction", "style")):
                found.append(f"{tag}[{name}]")
    return found


def _check_navigator_and_report(case, chromium) -> None:
    """The navigator notebook's tables (pandas HTML in JupyterLab) and the report for the
    primary doctor turn the same text into escaped HTML; opened in Chromium, nothing runs."""
    from sonb import compare, printable, report

    frames = {"comparison_table": compare.comparison_table(case),
              "agreement": compare.agreement(case), "options_table": compare.options_table(case),
              "unanswered_table": compare.unanswered_table(case),
              "option_fit": compare.option_fit(case)}
    pages = {f"navigator {name}": frame._repr_html_() for name, frame in frames.items()
             if not frame.empty}  # unanswered_table is empty when every question was answered
    pages["report"] = report.report_html(case)
    for clinician in case.clinicians:
        pages[f"forms for {clinician.id}"] = printable.forms_html(None, case, clinician.id)
    context = chromium.new_context()
    try:
        for name, html in pages.items():
            assert _dangerous_markup(html) == [], f"{name} has markup made from typed text"
            page = context.new_page()
            problems: list[str] = []
            page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
            page.on("console", lambda m: re.search(MARK, m.text) and problems.append(m.text))
            page.on("request", lambda r: not r.url.startswith(("data:", "about:"))
                    and problems.append(r.url))
            page.set_content(html, wait_until="load")
            text = page.locator("body").inner_text()
            assert not problems, f"{name}: {problems}"
            # pandas cuts long cells ("..."), so look for the payloads' tags shown as text
            assert re.search(MARK, text) or any(p[:24] in text for p in LITERAL), (
                f"{name} does not show the text")
            page.close()
            TRIED["navigator tables and reports rendered with hostile text"] += 1
    finally:
        context.close()
