"""Shared layouts and styles, dispose, and the editor that is built once: fewer widget models
per page, and none left behind."""

from __future__ import annotations

import ipywidgets as W
import pytest
from ipywidgets.widgets.widget import _instances
from journey import add_record, answer
from widget_tree import button, error_text, shown

from sonb import Case
from sonb import binding as B
from sonb import questionnaire as Q
from sonb.widgets.records import RecordList
from sonb.widgets.session import CaseSession
from sonb.widgets.parts import dispose, fixed, fixed_layout, label_style
from sonb.widgets.questionnaire import QuestionnaireForm


def test_the_shared_layout_and_style_refuse_changes():
    a, b = fixed(W.HTML, "a"), fixed(W.Text, description="b")
    assert a.layout is b.layout is fixed_layout()
    assert b.style is label_style(W.Text) and b.style.description_width == "initial"
    with pytest.raises(AttributeError, match="shared"):
        a.layout.display = "none"  # it would hide every widget sharing it
    with pytest.raises(AttributeError, match="shared"):
        b.style.description_width = "10px"
    assert fixed_layout().display is None and label_style(W.Text).description_width == "initial"


def test_dispose_closes_children_and_their_own_layouts_but_not_the_shared_ones():
    own = W.HTML("own")
    box = W.VBox([own, fixed(W.HTML, "shared")])
    parts = [box, box.layout, *box.children, own.layout, own.style]
    assert all(w.comm is not None for w in parts)
    dispose(box)
    assert all(w.comm is None for w in parts)  # closed: gone from the kernel and the page
    assert fixed_layout().comm is not None and label_style(W.HTML).comm is not None


def test_a_form_opens_about_two_models_per_question():
    q = Q.load("clinician")
    dispose(QuestionnaireForm(q))  # the shared layout and styles exist from now on
    before = set(_instances)
    form = QuestionnaireForm(q)
    opened = len(set(_instances) - before)
    items = len(list(Q.questions(q)))
    # each question: its control and its box (the layout and style are shared); the form
    # itself (its layout is shared too)
    assert opened == 2 * items + 1, (opened, items)
    dispose(form)
    assert set(_instances) == before


def test_a_problem_message_is_made_when_first_needed_and_hidden_when_fixed():
    form = QuestionnaireForm(Q.load("clinician"))
    assert error_text(form, "name") == ""
    form.show_problems({"name": "Please write a name."})
    assert error_text(form, "name") == "Please write a name."
    form.show_problems({})
    assert error_text(form, "name") == ""


def test_the_record_editor_is_built_once_and_opens_empty_for_a_new_record(store):
    session = CaseSession(store, store.create(Case()))
    records = RecordList(session, B.CLINICIAN, describe=lambda c: c.name, add_label="Add",
                         empty_text="None yet.")
    form = records.form
    assert not records.editing
    assert add_record(records, name="Dr. Ada Park", specialty="Orthopedics", role="primary")
    assert not records.editing and not shown(records.editor)
    records.add_button.click()
    assert records.form is form and records.editing
    assert form.control("name").value is None and form.control("specialty").value is None
    assert form.control("role").value is None  # not the last record's answer
    button(records.editor, "Cancel").click()
    rows = records.items.children
    records.refresh()  # unchanged: the list is not drawn again
    assert records.items.children is rows
    button(records.items, "Edit").click()
    assert form.control("name").value == "Dr. Ada Park"
    answer(form, name="Dr. Ada Park-Lee")
    button(records.editor, "Save").click()
    assert [c.name for c in session.case.clinicians] == ["Dr. Ada Park-Lee"]
    assert store.load(session.case.id) == session.case
