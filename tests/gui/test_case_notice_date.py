"""The rights notice with its date emptied is refused at that field; the service never gets None."""

from __future__ import annotations

from tests import casekit
from tests.gui.helpers import wait_op
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.kit.dates import BLANK_DATE
from xihu_desk.services import cases


def test_an_emptied_notice_date_is_named_at_its_field(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
    form = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.show_tab(form.process)
    form.process.notice_date.setDate(BLANK_DATE)
    assert not wait_op(qtbot, runner, form.process.save)
    assert form.process.errors.message("notice_given_on") == "请填写告知日期。"
