"""Looking through a widget tree the way a patient looks at the page."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import ipywidgets as W

from sonb import Case, casefile

XSS = "<img src=x onerror=alert(1)>"
XSS_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def walk(*roots: W.Widget) -> Iterator[W.Widget]:
    """Every widget under `roots` (themselves included), depth first, through `.children`."""
    for root in roots:
        yield root
        for child in getattr(root, "children", ()) or ():
            yield from walk(child)


def html_values(*roots: W.Widget) -> list[str]:
    """The HTML the page renders under `roots`: HTML widget values, and descriptions that are
    allowed to hold HTML."""
    found = []
    for widget in walk(*roots):
        if isinstance(widget, (W.HTML, W.HTMLMath)):
            found.append(widget.value)
        if getattr(widget, "description_allow_html", False):
            found.append(widget.description)
    return found


def shown(widget: W.Widget) -> bool:
    return widget.layout.display != "none"


def item_box(form, link_id: str) -> W.Box:
    """The `.sonb-item` box of one question of a QuestionnaireForm."""
    control = form.control(link_id).widget
    boxes = [w for w in walk(form)
             if "sonb-item" in getattr(w, "_dom_classes", ()) and control in w.children]
    assert len(boxes) == 1, f"no single item box for {link_id!r}"
    return boxes[0]


def error_html(form, link_id: str) -> W.HTML | None:
    """The HTML widget beside a question where its problem is shown (None until the question
    first has a problem: the form makes it then)."""
    errors = [w for w in item_box(form, link_id).children if isinstance(w, W.HTML)]
    assert len(errors) <= 1
    return errors[0] if errors else None


def error_text(form, link_id: str) -> str:
    """The problem shown beside a question ('' when none is shown)."""
    html = error_html(form, link_id)
    if html is None or not shown(html) or not html.value:
        return ""
    assert 'class="sonb-error"' in html.value
    return re.sub(r"<[^>]+>", "", html.value)


def buttons(root: W.Widget, description: str) -> list[W.Button]:
    return [w for w in walk(root) if isinstance(w, W.Button) and w.description == description]


def button(root: W.Widget, description: str) -> W.Button:
    """The one shown button labelled `description` under `root`."""
    found = [b for b in buttons(root, description) if shown(b)]
    assert len(found) == 1, f"{len(found)} buttons {description!r}"
    return found[0]


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def downloaded(app) -> Case:
    """The case file the app makes when the patient asks for it (a base64 data: URI)."""
    app.download.button.click()
    html = app.download.result.value
    match = re.search(r'href="data:application/json;base64,([A-Za-z0-9+/=]+)"', html)
    assert match, html
    return casefile.loads(base64.b64decode(match.group(1)))


def upload(app, content: bytes, name: str = "case.json") -> None:
    """Upload a file through the start screen as the browser would send it."""
    app.upload.set_state({"value": [{"name": name, "type": "application/json",
                                      "size": len(content), "content": memoryview(content),
                                      "last_modified": 0}]})
