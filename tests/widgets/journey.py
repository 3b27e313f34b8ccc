"""Doing things on the page the way a patient does: shared by the app tests."""

from __future__ import annotations

import ipywidgets as W

from widget_tree import button, walk


def answer(form, **answers) -> None:
    """Set widgets of a QuestionnaireForm (values as the widget holds them), one by one."""
    for link_id, value in answers.items():
        form.control(link_id).widget.value = value


def add_record(records, **answers) -> bool:
    """RecordList: Add -> fill the form -> Save. True when the record was kept."""
    records.add_button.click()
    answer(records.form, **answers)
    before = len(records.records)
    button(records.editor, "Save").click()
    return len(records.records) == before + 1


def ask_my_question(form, text: str) -> None:
    """Repeating 'my questions': press Add one more, type into the new row."""
    control = form.control("my_questions").widget
    button(control, "Add one more").click()
    rows = control.children[1].children
    rows[-1].children[0].value = text


def tick(form, link_id: str, label: str) -> None:
    box = next(w for w in walk(form.control(link_id).widget)
               if isinstance(w, W.Checkbox) and w.description == label)
    box.value = True


def row_button(records, index: int, description: str) -> W.Button:
    """The Edit or Remove button on row `index` of a RecordList."""
    row = records.items.children[index]
    found = [b for b in row.children if isinstance(b, W.Button) and b.description == description]
    assert len(found) == 1
    return found[0]
