"""Layouts and styles shared by many widgets, and `dispose`, which closes what is not shown.

Every ipywidget opens its own Layout model, and most open a Style model: three models in the
kernel and the page for each label or field. Widgets whose layout and style never change share
one frozen instance of each instead, so a form opens a third of the models.
"""

from __future__ import annotations

import ipywidgets as W

_shared: dict[type, W.Widget] = {}


class _Frozen:
    """Refuses changes to its public traits once made: a shared layout changed for one widget
    would change it for all (use a widget's own Layout to hide or move it)."""

    _frozen = False

    def __setattr__(self, name, value):
        if self._frozen and not name.startswith("_") and name in self.keys:
            raise AttributeError(f"This {type(self).__name__} is shared by many widgets and "
                                 f"cannot change ({name}); give the widget its own.")
        super().__setattr__(name, value)


def _one(klass: type, **traits) -> W.Widget:
    found = _shared.get(klass)
    if found is None or found.comm is None:  # none yet, or closed (Widget.close_all)
        frozen = type(f"Shared{klass.__name__}", (_Frozen, klass), {})
        found = _shared[klass] = frozen(**traits)
        found._frozen = True
    return found


def fixed_layout() -> W.Layout:
    """The one Layout for widgets that are never hidden, resized or moved on their own."""
    return _one(W.Layout)


def label_style(widget_class: type) -> W.Widget:
    """The one style for `widget_class` (a Text, Dropdown, HTML, Button...) with its description
    on its own line (description_width 'initial')."""
    klass = widget_class.class_traits()["style"].klass
    traits = {"description_width": "initial"} if "description_width" in klass.class_traits() else {}
    return _one(klass, **traits)


def fixed(widget_class: type, *args, **kwargs) -> W.Widget:
    """A `widget_class` made with the shared layout (and style, where it has one)."""
    kwargs.setdefault("layout", fixed_layout())
    if "style" in widget_class.class_traits():
        kwargs.setdefault("style", label_style(widget_class))
    return widget_class(*args, **kwargs)


def dispose(*widgets: W.Widget) -> None:
    """Close widgets that are no longer shown, with everything inside them and their own layout
    and style, so neither the kernel nor the page keeps them."""
    for widget in widgets:
        dispose(*getattr(widget, "children", ()))
        for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
            if isinstance(part, W.Widget) and not isinstance(part, _Frozen):
                part.close()
        widget.close()
