"""LHC-Forms (NLM's FHIR form renderer, npm package `lforms`) as an independent oracle.

`./run test` installs the package into .cache/lforms (setup_lforms). Here a local http.server on
127.0.0.1 serves its files and one small page (PAGE); the tests' shared headless Chromium
(tests/browser/voila_browser.py) opens that page once, and every form is rendered into it
with LHC-Forms' own API:

- render: `LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4')`, then, with a response,
  `LForms.Util.mergeFHIRDataIntoLForms(qr, formData, 'R4')`, then
  `LForms.Util.addFormToPage(formData, el, {fhirVersion: 'R4'})`, whose promise resolves on
  the form's `onFormReady` event.
- response: `LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', el)`.
- enabled_paths: see `LFormsPage.enabled_paths`: read from LHC-Forms' form data, not the DOM.
- set_answer: types into the item's text box (its element id from the form data's itemList).

The page may ask nothing of any host but 127.0.0.1, and may log no console error: `check`
fails otherwise (the fixture calls it after each test).
"""

from __future__ import annotations

import json
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERSION = "40.1.3"
PACKAGE = Path(os.environ.get("LFORMS_DIR", ROOT / ".cache/lforms/node_modules/lforms"))
DIST = PACKAGE / "dist/lforms"
WAIT = 30_000  # ms

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LHC-Forms oracle</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/webcomponent/styles.css">
<script src="/webcomponent/assets/lib/zone.min.js"></script>
<script src="/webcomponent/runtime.js" type="module"></script>
<script src="/webcomponent/polyfills.js" type="module"></script>
<script src="/webcomponent/main.js" type="module"></script>
<script src="/fhir/R4/lformsFHIR.min.js" defer></script>
<script>
window.oracle = {
  el: () => document.getElementById('form'),
  ready: () => !!(window.LForms && LForms.Util && LForms.FHIR && LForms.FHIR.R4),
  async render(q, qr) {
    let data = LForms.Util.convertFHIRQuestionnaireToLForms(q, 'R4');
    if (qr) data = LForms.Util.mergeFHIRDataIntoLForms(qr, data, 'R4');
    await LForms.Util.addFormToPage(data, oracle.el(), {fhirVersion: 'R4'});
  },
  response: () => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', oracle.el()),
  // [{linkId, repeat index among its same-linkId siblings, items}] of every item, and of the
  // enabled ones only (getUserData's fourth argument, noDisabledItem)
  tree(noDisabled) {
    const walk = items => {
      const seen = {};
      return (items || []).map(it => {
        const n = seen[it.linkId] = (seen[it.linkId] ?? -1) + 1;
        return {linkId: it.linkId, n, items: walk(it.items)};
      });
    };
    return walk(LForms.Util.getUserData(oracle.el(), false, false, noDisabled).itemsData);
  },
  // the element id LHC-Forms gives the input of the item at `path` (see LFormsPage.set_answer)
  elementId(path) {
    const want = path.filter(p => typeof p === 'string');
    const index = {};
    for (let i = 0; i + 1 < path.length; i++) if (typeof path[i + 1] === 'number') index[path[i]] = path[i + 1];
    const form = LForms.Util._getFormObjectInScope(oracle.el());
    const found = form.itemList.find(it => {
      if (it.linkId !== want[want.length - 1]) return false;
      for (let up = it._parentItem; up && up.linkId; up = up._parentItem) {
        if (up.linkId in index) {
          const same = up._parentItem.items.filter(s => s.linkId === up.linkId);
          if (same.indexOf(up) !== index[up.linkId]) return false;
        }
      }
      return true;
    });
    return found ? found._elementId : null;
  },
};
</script>
</head><body><main><div id="form"></div></main></body></html>
"""


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.split("?")[0] in ("/", "/oracle.html"):
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            super().do_GET()

    def log_message(self, *args) -> None:  # quiet
        pass


class Server:
    """The package's dist/lforms folder and PAGE on a free loopback port, in a thread."""

    def __init__(self, folder: Path = DIST):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(folder)))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/oracle.html"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="lforms-http", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


def installed_version() -> str | None:
    try:
        return json.loads((PACKAGE / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def repeating_groups(q: dict) -> set[str]:
    """The linkIds of the form's repeating groups (the only items a path gives an index)."""
    found: set[str] = set()

    def walk(items):
        for item in items or []:
            if item.get("type") == "group" and item.get("repeats") is True:
                found.add(item["linkId"])
            walk(item.get("item"))

    walk(q.get("item"))
    return found


def tree_paths(tree: list, groups: set[str], prefix: tuple = ()) -> set[tuple]:
    """The paths of the items in a `tree` from the page (see `LFormsPage.enabled_paths`).

    LHC-Forms keeps each instance of a repeating group, and each answer row of a repeating
    question, as a sibling with the same linkId: a repeating group's instances get their index
    in the path; a repeating question's rows are one path. Non-repeating groups add nothing.
    """
    paths: set[tuple] = set()
    for node in tree:
        link = node["linkId"]
        paths.add((*prefix, link))
        inner = (*prefix, link, node["n"]) if link in groups else prefix
        paths |= tree_paths(node["items"], groups, inner)
    return paths


class LFormsPage:
    """One page showing one form at a time in LHC-Forms (the fixture `lforms`)."""

    def __init__(self, page, watch, url: str):
        self.page, self.watch, self.url = page, watch, url
        self.questionnaire: dict | None = None
        self._load()

    def _load(self) -> None:
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_function("window.oracle && oracle.ready()", timeout=WAIT)

    def render(self, questionnaire: dict, response: dict | None = None, *, reload: bool = False) -> None:
        """Show the form, with the response's answers merged in when given; returns when
        LHC-Forms says the form is ready (`reload`: on a freshly loaded page)."""
        if reload:
            self._load()
        self.questionnaire = questionnaire
        self.page.evaluate("([q, qr]) => oracle.render(q, qr)", [questionnaire, response])
        self.page.wait_for_selector("#form wc-lhc-form .lhc-form", timeout=WAIT)

    def enabled_paths(self) -> set[tuple]:
        """The paths of the items LHC-Forms enables now (groups and display items too).

        Read from LHC-Forms' form data: `LForms.Util.getUserData(el, false, false, true)`
        leaves out every item whose skip-logic status is "target-disabled" (its enableWhen
        evaluation; an item under a disabled group is disabled too, and is not visited), while
        with false as the last argument it lists every item. The enabled tree is turned into
        paths by `tree_paths`. `all_paths` gives the other tree, so a test can check that the
        difference is real.
        """
        return tree_paths(self.page.evaluate("oracle.tree(true)"), repeating_groups(self.questionnaire))

    def all_paths(self) -> set[tuple]:
        """The paths of every item of the form as LHC-Forms holds it, enabled or not."""
        return tree_paths(self.page.evaluate("oracle.tree(false)"), repeating_groups(self.questionnaire))

    def response(self) -> dict | None:
        """LHC-Forms' QuestionnaireResponse (R4) for what it shows now (None when it gives
        none: it returns null, e.g., when an integer field holds text)."""
        return self.page.evaluate("oracle.response()")

    def set_answer(self, path: tuple, value: str | int | float) -> None:
        """Type `value` into the text box of the item at `path` as a person would, then leave
        it (Tab). Only for items LHC-Forms shows as a text box (string, text, integer,
        decimal); choices, booleans and dates are not supported here."""
        element_id = self.page.evaluate("path => oracle.elementId(path)", list(path))
        assert element_id, f"LHC-Forms shows no item at {path}"
        box = self.page.locator(f"#form [id='{element_id}']")
        box.fill(str(value))
        box.press("Tab")

    def check(self) -> None:
        """Fail on a request to another host or a console or page error since the last check."""
        foreign, errors = list(self.watch.foreign), list(self.watch.errors)
        self.watch.foreign.clear()
        self.watch.errors.clear()
        assert not foreign, f"LHC-Forms' page asked other hosts: {foreign}"
        assert not errors, f"console or page errors on LHC-Forms' page: {errors}"
