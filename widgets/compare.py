"""Step 5: compare what the doctors said, topic by topic, and ask the patient where sonb
cannot tell.

Each topic (the diagnosis, the recommendation, then each choice's risks, costs...) is a short
stacked list of what each doctor said, marked same / different / check, so it reads on a phone
without sideways scrolling. Below each two free-text answers the patient is asked "Did they say
the same thing?" (a bound form of `sonb.binding.JUDGEMENT`); their answer always wins and the
marks and the advice follow it at once. The questions of a general topic are open where sonb
cannot tell and at most `OPEN_AT_MOST` pairs are asked; elsewhere (sonb's own verdict, a
choice's long answers, many doctors) a button beside the answers opens them, so the page stays
short and the kernel builds only what is asked. The pandas
tables of `sonb.compare` are for navigators.
"""

from __future__ import annotations

import ipywidgets as W

from sonb import binding as B
from sonb import compare as C
from sonb.safe import esc, paragraphs

from .bound import BoundForm
from .common import bullet_list, ui
from .parts import dispose, fixed_layout
from .step import StepView

STATUS_CLASS = {"agree": "sonb-agree", "differ": "sonb-differ", "check": "sonb-check"}
OPEN_AT_MOST = 3  # pairs of a topic asked at once without a click (three doctors)


class CompareView(StepView):
    key = "compare"
    needs = ("pandas",)  # the open questions are a pandas table

    def build(self) -> W.Widget:
        self.box = W.VBox(layout=fixed_layout())
        self._html: dict[str, W.HTML] = {}
        self._asks: dict[str, BoundForm] = {}
        self._buttons: dict[str, W.Button] = {}
        self._opened: set[str] = set()  # topics whose questions the patient opened
        self.refresh()
        return self.box

    def refresh(self) -> None:
        case = self.case
        if not case.opinions:
            self._show([self._part("empty", f"<p>{esc(ui('steps', 'compare', 'need_two'))}</p>")], {})
            return
        words = ui("steps", "compare")
        children = [self._part("guidance", _section(words["guidance_title"], bullet_list(C.guidance(case))))]
        asks: dict[str, BoundForm] = {}
        topic = None
        for found in C.compared(case):
            if found.topic != topic or len(children) == 1:
                topic = found.topic
                title = words["general_title"] if not topic else words["option_title"].format(option=topic)
                children.append(self._part(f"topic:{topic}", f"<h3>{esc(title)}</h3>"))
            children.append(self._part(f"said:{found.about}", _said(found)))
            askable = [p for p in found.pairs if p.askable]
            if askable and not self._is_open(found, askable):
                children.append(self._opener(found.about, askable))
                continue
            for pair in askable:
                asks[pair.target] = self._ask(pair.target)
                children.append(asks[pair.target])
        children.append(self._part("open", _section(words["unanswered_title"],
                                                    _open_questions(C.unanswered_table(case)))))
        self._show(children, asks)

    @property
    def html(self) -> str:
        """What the step shows as HTML, in order (the forms between the parts are left out)."""
        return "".join(c.value for c in self.box.children if isinstance(c, W.HTML))

    @property
    def asks(self) -> dict[str, BoundForm]:
        """The "Did they say the same thing?" forms shown, by pair."""
        return dict(self._asks)

    def _show(self, children: list[W.Widget], asks: dict[str, BoundForm]) -> None:
        gone = [form for target, form in self._asks.items() if target not in asks]
        self._asks = asks
        self.box.children = children
        for form in gone:
            dispose(form)

    def _part(self, key: str, value: str) -> W.HTML:
        """One HTML part, kept between refreshes (only its text changes)."""
        part = self._html.get(key)
        if part is None:
            part = self._html[key] = W.HTML(layout=fixed_layout())
        if part.value != value:
            part.value = value
        return part

    def _is_open(self, found: C.Compared, askable: list) -> bool:
        """Asked without a click: a general topic (the diagnosis, what if I wait) that sonb
        cannot tell, for few pairs; or any topic the patient answered or opened. A choice's
        topics (long sentences, where "cannot tell" is the rule) wait for a click."""
        if found.about in self._opened:
            return True
        if len(askable) > OPEN_AT_MOST:
            return False
        answered = any(p.yours for p in askable)
        return answered or found.option_id is None and any(p.auto == "check" for p in askable)

    def _opener(self, about: str, askable: list) -> W.Button:
        """A button that opens a topic's questions ("Not right? Tell sonb ...")."""
        button = self._buttons.get(about)
        if button is None:
            button = self._buttons[about] = W.Button(layout=fixed_layout())
            button.add_class("sonb-opener")
            button.on_click(lambda _b: self._open(about))
        words = ui("steps", "compare")
        unsure = any(p.auto == "check" for p in askable)
        button.description = (words["open_unsure"] if unsure else words["open_sure"]).format(n=len(askable))
        return button

    def _open(self, about: str) -> None:
        self._opened.add(about)
        self.refresh()

    def _ask(self, target: str) -> BoundForm:
        """'Did they say the same thing?' for one pair, kept between refreshes."""
        form = self._asks.get(target)
        if form is None:
            form = BoundForm(self.session, B.JUDGEMENT, target, on_saved=lambda case: self.refresh())
            form.add_class("sonb-ask")
        else:
            form.refresh()
        return form


def _section(title: str, body: str) -> str:
    return f"<h3>{esc(title)}</h3>{body}"


def _said(found: C.Compared) -> str:
    """One topic: its name, a mark, and what each doctor said, one under the other."""
    words = ui("steps", "compare")
    mark = ui("tables", "statuses")[found.status]
    css = STATUS_CLASS.get(found.status, "")
    items = "".join(
        f'<li><strong>{esc(s.who)}</strong><br>'
        f'{paragraphs(s.text) if s.text is not None else esc(words["not_said"])}</li>'
        for s in found.said)
    yours = "".join(f'<p class="sonb-yours">{esc(C.your_answer(p))}</p>'
                    for p in found.pairs if p.yours in ("same", "differ"))
    return (f'<div class="sonb-topic"><h4>{esc(found.label)} '
            f'<span class="sonb-mark {css}">{esc(mark)}</span></h4>'
            f'<ul class="sonb-said">{items}</ul>{yours}</div>')


def _open_questions(table) -> str:
    """The questions each doctor left open, as one short list per doctor."""
    if not len(table):
        return f"<p>{esc(ui('steps', 'compare', 'none_open'))}</p>"
    who, question = table.columns[0], table.columns[1]
    return "".join(f"<h4>{esc(name)}</h4>{bullet_list(list(rows[question]))}"
                   for name, rows in table.groupby(who, sort=False))
