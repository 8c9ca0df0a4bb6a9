"""The case form's 平台案件编号 field (issue 19): typed and saved with the intake; a code already on
another case is refused under the field, with what was typed kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import casekit
from xihu_desk.services import cases
from xihu_desk.store.case_models import MediationCase

from .casegui import head, page  # noqa: F401 - fixtures
from .helpers import click, type_text, wait_op


@pytest.fixture
def two(db, head):  # noqa: F811
    roster = casekit.roster(db, head)
    with db.write() as s:
        taken = cases.open_case(s, head, casekit.intake(db, roster, platform_code="ZLT-1"))
        free = cases.open_case(s, head, casekit.intake(db, roster))
    return taken, free


def _code(db, uuid: str) -> str | None:
    with db.read() as s:
        return s.scalar(select(MediationCase.platform_code).where(MediationCase.uuid == uuid))


def test_the_code_is_typed_saved_and_refused_when_taken(qtbot, db, runner, page, two, message_mock) -> None:  # noqa: F811
    taken, free = two
    dialog = page.open_case(free.uuid)
    qtbot.waitExposed(dialog)
    field = dialog.intake.platform_code
    assert field.text() == "" and field.isVisible()
    type_text(qtbot, field, "ZLT-1")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button)) is False
    error = dialog.intake.form.findChildren(type(dialog.intake.mediators_hint), "platformCodeError")[0]
    assert error.isVisible() and taken.case_no in error.text() and not message_mock.of("error")
    assert field.text() == "ZLT-1" and _code(db, free.uuid) is None
    field.selectAll()
    type_text(qtbot, field, "ZLT-2")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    assert _code(db, free.uuid) == "ZLT-2"
