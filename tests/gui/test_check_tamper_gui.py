"""数据安全 → 检查 names a case edited outside the app and says when the log was cut short."""

from __future__ import annotations

from tests import anydb, casekit
from xihu_desk.services import cases

from .helpers import click, wait_op


def test_the_check_names_a_case_edited_outside_the_app(qtbot, main_window, ctx, db) -> None:
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    anydb.execute(ctx.data, "UPDATE mediation_case SET amount_fen = 99900 WHERE uuid = :u",
                  "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
                  params={"u": ref.uuid}, no_audit_guard=True)
    main_window.go("settings")
    page = main_window.pages["settings"]
    page.tabs.setCurrentWidget(page.data_safety)
    tab = page.data_safety
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.check_button))
    result = tab.check_result.text()
    assert "检查未通过" in result and ref.case_no in result and "程序之外被改动" in result
    assert "被删除" in result  # the last audit row, caught by the anchor
