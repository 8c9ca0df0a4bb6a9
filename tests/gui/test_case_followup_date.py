"""A follow-up whose visit date was emptied is refused at that field; the service never gets None."""

from __future__ import annotations

from tests import casekit
from tests.gui.helpers import wait_op
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.kit.dates import BLANK_DATE
from xihu_desk.services import cases


def test_an_emptied_visit_date_is_named_at_its_field(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, uuid, casekit.record())
        cases.record_agreement(s, head, uuid, casekit.written_agreement())
    form = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    sub = form.followup.new_followup()
    sub.visited_on.setDate(BLANK_DATE)
    assert not wait_op(qtbot, runner, sub.save)
    assert sub.errors.message("visited_on") == "请填写回访日期。"
    assert sub.isVisible()
