"""The page "About this tool": sources, dates, authors, funding and privacy (`sonb.about`).

The app shows it in place of the case (which stays on the page, hidden, exactly as it was)
and brings the case back with "Back to my case". It is built the first time it is opened.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from sonb import about as content
from sonb.safe import esc

from .common import bullet_list


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{esc(text)}</p>" for text in texts)


def about_html() -> str:
    """The page's text as HTML (every text escaped)."""
    t = content.about()
    sources = t["sources"]
    items = "".join(
        f'<li><p class="sonb-source-name">{esc(s["name"])}</p>'
        f'<p><strong>{esc(sources["shaped_label"])}</strong> {esc(s["shaped"])}</p></li>'
        for s in sources["items"])
    privacy = t["privacy"]
    parts = [
        f"<h2>{esc(t['title'])}</h2>",
        f"<p>{esc(t['intro'])}</p>",
        f"<h3>{esc(t['what']['title'])}</h3>", _paragraphs(t["what"]["text"]),
        f"<h3>{esc(sources['title'])}</h3>", f"<p>{esc(sources['intro'])}</p>",
        f'<ul class="sonb-sources">{items}</ul>',
        f"<h3>{esc(t['dates']['title'])}</h3>",
        f'<p class="sonb-about-dates">{esc(content.dates_text())}</p>',
        _paragraphs(t["dates"]["update"]),
        f"<h3>{esc(t['authors']['title'])}</h3>", _paragraphs(t["authors"]["text"]),
        f"<h3>{esc(t['funding']['title'])}</h3>", _paragraphs(t["funding"]["text"]),
        f"<h3>{esc(privacy['title'])}</h3>",
        f"<h4>{esc(privacy['where_title'])}</h4>", bullet_list(privacy["where"]),
        f"<h4>{esc(privacy['how_long_title'])}</h4>", bullet_list(privacy["how_long"]),
        f"<h4>{esc(privacy['yours_title'])}</h4>", bullet_list(privacy["yours"]),
    ]
    return f'<div class="sonb-about-text">{"".join(parts)}</div>'


class AboutPanel(W.VBox):
    """The about page with a back button above and below it (a long page on a phone).
    `on_back()` runs when either is pressed; `show(has_case)` names where it goes back to."""

    def __init__(self, on_back: Callable[[], None]):
        super().__init__(layout=W.Layout(display="none"))
        self.add_class("sonb-about")
        self.back_buttons = [W.Button(icon="arrow-left", button_style="primary") for _ in range(2)]
        for button in self.back_buttons:
            button.on_click(lambda _b: on_back())
        self.text = W.HTML(about_html())
        self.children = [W.HBox([self.back_buttons[0]]).add_class("sonb-nav"), self.text,
                         W.HBox([self.back_buttons[1]]).add_class("sonb-nav")]

    @property
    def back_button(self) -> W.Button:
        return self.back_buttons[0]

    def show(self, has_case: bool) -> None:
        label = content.about()["back_case" if has_case else "back_start"]
        for button in self.back_buttons:
            if button.description != label:
                button.description = label
