"""The one field kit (gui/kit): a date field's empty state is None everywhere — set_date(None) shows
the blank text (never 1900-01-01, never silently today) and date_of gives None back — in every form
built on it; a form saved with an empty optional date stores NULL."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget
from sqlalchemy import select

from tests import casekit
from xihu_desk.domain import clock
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.kit import code_of, date_edit, date_of, fill_combo, set_code, set_date, setup_date
from xihu_desk.gui.mediators.form import MediatorDialog
from xihu_desk.gui.reviews.form import ReviewDialog
from xihu_desk.gui.reviews.stats import StatsView
from xihu_desk.store.case_models import Mediator

from .helpers import click, type_text, wait_op


@pytest.fixture
def head(db):
    return casekit.head_actor(db)


def assert_empties(edit: QDateEdit) -> None:
    set_date(edit, date(2024, 5, 6))
    assert date_of(edit) == date(2024, 5, 6)
    set_date(edit, None)
    assert date_of(edit) is None, edit.objectName()
    shown = edit.text()
    assert "1900" not in shown and shown != clock.local_today().isoformat() and shown.strip(), (edit.objectName(), shown)
    set_date(edit, "")
    assert date_of(edit) is None


@pytest.mark.parametrize("optional", [False, True])
def test_a_kit_date_field_is_empty_for_none(qtbot, optional: bool) -> None:
    made = date_edit(optional=optional)
    qtbot.addWidget(made)
    assert (date_of(made) is None) is optional  # a required one starts at today, an optional one empty
    assert_empties(made)
    edit = QDateEdit()
    qtbot.addWidget(edit)
    setup_date(edit, optional=optional, blank="至今")
    assert_empties(edit)
    assert edit.text() == "至今"


def forms(qtbot, ctx, head) -> list[QWidget]:
    made = [CaseDialog(ctx, head, None), ReviewDialog(ctx, head, None), MediatorDialog(ctx, head, None),
            StatsView(ctx, head, lambda *_a: "")]
    for w in made:
        qtbot.addWidget(w)
    return made


def test_every_date_of_every_form_is_none_when_emptied(qtbot, ctx, head) -> None:
    seen = 0
    for form in forms(qtbot, ctx, head):
        edits = form.findChildren(QDateEdit)
        assert edits, type(form).__name__
        for edit in edits:
            assert_empties(edit)
            seen += 1
    assert seen >= 10


def test_a_code_combo_reads_back_what_was_set(qtbot) -> None:
    combo = QComboBox()
    qtbot.addWidget(combo)
    fill_combo(combo, [("a", "甲"), ("b", "乙")], "全部")
    assert code_of(combo) == ""
    set_code(combo, "b")
    assert code_of(combo) == "b" and combo.currentText() == "乙"
    set_code(combo, None)
    assert code_of(combo) == ""


def test_a_form_saved_with_an_empty_optional_date_stores_null(qtbot, db, ctx, head) -> None:
    form = MediatorDialog(ctx, head, None)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    type_text(qtbot, form.inputs["name"], "郑调解")
    set_code(form.inputs["committee_uuid"], casekit.committee_uuid(db))
    set_code(form.inputs["gender"], "男")
    qtbot.keyClicks(form.inputs["id_number"], "330106196511110031")
    set_date(form.inputs["appointed_on"], date(2024, 3, 1))
    set_date(form.inputs["appointed_on"], None)  # typed, then emptied again
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    with db.read() as s:
        saved = s.scalars(select(Mediator).where(Mediator.name == "郑调解")).one()
        assert saved.appointed_on is None and saved.appointment_end is None and saved.registered_on is None


def test_a_loaded_review_form_empties_its_dates_too(qtbot, db, ctx) -> None:
    """The register form used to clear the 送审日期's blank text once a date was known (then empty showed 1900-01-01)."""
    from tests import reviewkit

    shen = reviewkit.reviewer(db, date.today())
    ref = reviewkit.register(db, shen, title="已知送审日期的事项")
    form = ReviewDialog(ctx, shen, ref.uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.title.text() == "已知送审日期的事项")
    for edit in form.findChildren(QDateEdit):
        assert_empties(edit)


def test_a_file_that_cannot_be_written_is_one_message(qtbot, tmp_path, message_mock) -> None:
    from xihu_desk.gui.kit import save_bytes

    parent = QWidget()
    qtbot.addWidget(parent)
    assert save_bytes(parent, str(tmp_path / "ok.xlsx"), b"x") and (tmp_path / "ok.xlsx").read_bytes() == b"x"
    assert not save_bytes(parent, str(tmp_path / "no-such-folder" / "a.xlsx"), b"x")
    assert "无法写入" in message_mock.single("error").text
