"""The committee dialog (issue 18): its particulars and warnings, 新增任职 and 改任 through their
dialogs, the earlier row kept as 历任."""

from __future__ import annotations

from datetime import date

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui.committees.dialog import CommitteeDialog
from xihu_desk.gui.committees.members import MemberDialog
from xihu_desk.gui.kit import set_date

from .casegui import pick
from .test_case_lifecycle_gui import _sub


def test_members_registered_and_changed_in_the_committee_dialog(qtbot, ctx, db, runner):
    head = casekit.head_actor(db)
    person = casekit.roster(db, head, ("赵主任",))[0]
    dialog = CommitteeDialog(ctx, casekit.committee_uuid(db), date(2026, 12, 3), None, head)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "尚未登记委员会组成人员" in dialog.warnings.text() and dialog.members.rowCount() == 0
    assert dialog.add_button.isVisible() and not dialog.role_button.isEnabled()

    click(qtbot, dialog.add_button)
    add = _sub(qtbot, dialog, MemberDialog)
    pick(add.person, person)
    pick(add.role, "member")
    set_date(add.start, date(2025, 1, 1))
    assert wait_op(qtbot, runner, lambda: click(qtbot, add.save_button))
    assert dialog.members.rowCount() == 1 and dialog.members.item(0, 1).text() == "赵主任"
    assert dialog.members.item(0, 4).text() == "2027-12-31"  # three years (Art 9)

    dialog.members.selectRow(0)
    click(qtbot, dialog.role_button)
    change = _sub(qtbot, dialog, MemberDialog)
    pick(change.role, "chair")
    click(qtbot, change.save_button)  # no reason: refused by the service, nothing written
    qtbot.waitUntil(lambda: not runner.busy())
    assert change.isVisible() and dialog.past.rowCount() == 0
    type_text(qtbot, change.reason, "换届选举")
    assert wait_op(qtbot, runner, lambda: click(qtbot, change.save_button))
    assert dialog.members.item(0, 0).text() == "主任" and dialog.past.rowCount() == 1
    assert "改任主任：换届选举" in dialog.past.item(0, 4).text()
