"""A repeating group of a form: one box of questions per instance, with add and remove buttons.

The answers of a repeating group are a list of dicts, one per instance (docs/CONVENTIONS.md).
The form builds each instance's questions (`build(children, prefix, scope)`), so enableWhen,
checking and problems work in an instance as anywhere else; removing an instance builds the
ones after it again, so every field keeps the path of its instance.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

from sonb.safe import esc

from .controls import question_text, text
from .parts import dispose, fixed


Put = Callable[[str, object, object], None]
"""(field key, control, answer): show one answer."""


class Scope:
    """The questions and repeating groups answered at one level: the whole form, or one
    instance of a repeating group."""

    def __init__(self):
        self.controls: dict[str, tuple[str, object]] = {}  # linkId -> (field key, control)
        self.groups: dict[str, GroupList] = {}  # linkId -> repeating group
        self.keys: list[str] = []  # every field key made in this scope (to forget them)

    def raw(self) -> dict:
        found = {link: c.value for link, (_key, c) in self.controls.items() if c.value is not None}
        found.update({link: g.raw() for link, g in self.groups.items()})
        return found

    def set(self, answers: dict, put: Put) -> None:
        """Show these answers; `put(key, control, value)` sets one control."""
        for link, (key, control) in self.controls.items():
            put(key, control, answers.get(link))
        for link, group in self.groups.items():
            value = answers.get(link)
            group.set([v for v in value if isinstance(v, dict)] if isinstance(value, list) else [])


Build = Callable[[list, tuple, "Scope", int], list]
"""(children, path prefix, scope, heading level) -> their widgets."""


class GroupList:
    """The instances of one repeating group."""

    def __init__(self, item: dict, prefix: tuple, level: int, build: Build, put: Put,
                 forget: Callable[[list[str]], None], changed: Callable[[], None]):
        self.item, self.prefix, self.level = item, prefix, level
        self._build, self._put, self._forget, self._changed = build, put, forget, changed
        self.scopes: list[Scope] = []
        self._disabled = bool(item.get("readOnly"))
        self._rows = fixed(W.VBox, [])
        label = question_text(item)
        self._add = fixed(W.Button, description=text("add_one_more"), icon="plus",
                          tooltip=text("add_tooltip", label=label), disabled=self._disabled)
        self._add.on_click(lambda _b: self._append())
        self.widget = fixed(W.VBox, [self._rows, self._add])
        self.widget.add_class("sonb-group-list")

    def raw(self) -> list[dict]:
        return [scope.raw() for scope in self.scopes]

    def set(self, instances: list[dict]) -> None:
        """Show these instances (one empty instance when there are none)."""
        self._clear()
        for values in instances or [{}]:
            self._add_row(values)

    def _clear(self) -> None:
        for scope in self.scopes:
            self._forget(scope.keys)
        old, self._rows.children, self.scopes = self._rows.children, (), []
        dispose(*old)

    def _add_row(self, values: dict) -> None:
        n = len(self.scopes)
        scope = Scope()
        parts = self._build(self.item.get("item") or [], (*self.prefix, self.item["linkId"], n),
                            scope, self.level + 1)
        heading = fixed(W.HTML, f'<h{self.level + 1} class="sonb-group-title">'
                                f'{esc(text("numbered", label=question_text(self.item), n=n + 1))}'
                                f'</h{self.level + 1}>')
        remove = fixed(W.Button, description=text("remove"), icon="trash",
                       tooltip=text("remove_tooltip", n=n + 1), disabled=self._disabled)
        remove.on_click(lambda _b, n=n: self._remove(n))
        row = W.VBox([heading, *parts, remove]).add_class("sonb-group-instance")
        self.scopes.append(scope)
        self._rows.children = (*self._rows.children, row)
        scope.set(values, self._put)

    def _append(self) -> None:
        self._add_row({})
        self._changed()

    def _remove(self, n: int) -> None:
        values = self.raw()
        del values[n]
        self.set(values)
        self._changed()

