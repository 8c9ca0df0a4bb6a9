"""Putting a screening right with real widgets: a round corrected (its area, a dispute recorded by
mistake dropped) with its reason shown on the card, a found dispute's party corrected, the round
voided and shown as such, an information officer deactivated and reactivated from the 信息员 tab."""

from __future__ import annotations


from tests import casekit
from tests.test_screening import _dispute, _round
from xihu_desk.gui.screening.page import ScreeningPage
from xihu_desk.services import screening, screening_queries

from .helpers import click, type_text, wait_op


def _page(qtbot, ctx, head) -> ScreeningPage:
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_a_round_is_corrected_and_voided_from_its_card(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    uuid = _round(db, head, _dispute(), _dispute(applicant="孙某", respondent="李某"))
    page = _page(qtbot, ctx, head)
    rounds = page.rounds
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 1)
    rounds.select(uuid)
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 2)
    assert rounds.correct_button.isEnabled() and rounds.void_button.isEnabled()

    dialog = rounds.correct_round()
    assert dialog is not None and dialog.area.text() == "北山社区 3 幢至 8 幢"
    dialog.area.setText("北山社区 1 幢")
    second = next(d["id"] for d in rounds.detail["disputes"] if d["applicant"] == "孙某")
    dialog.tick(second)
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.ok_button)) is False  # why?
    assert "理由" in dialog.errors.message("reason")
    type_text(qtbot, dialog.reason, "排查范围登记错了，孙某一件重复登记")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.ok_button)) is True
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 1)
    assert "排查范围登记错了" in rounds.round_text.text() and "北山社区 1 幢" in rounds.round_text.text()

    rounds.disputes.selectRow(0)
    fix = rounds.correct_dispute()
    assert fix is not None
    fix.respondent.setText("钱某某")
    type_text(qtbot, fix.reason, "姓名写错")
    assert wait_op(qtbot, runner, lambda: click(qtbot, fix.ok_button)) is True
    qtbot.waitUntil(lambda: "钱某某" in rounds.disputes.item(0, 1).text())

    void = rounds.void_round()
    assert void is not None
    type_text(qtbot, void.reason, "同一次走访重复登记")
    assert wait_op(qtbot, runner, lambda: click(qtbot, void.ok_button)) is True
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 0)  # the register leaves voided rounds out
    rounds.show_combo.setCurrentIndex(rounds.show_combo.findData("void"))
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 1)
    rounds.select(uuid)
    qtbot.waitUntil(lambda: "已作废" in rounds.round_title.text())
    assert "同一次走访重复登记" in rounds.round_text.text()
    assert not rounds.correct_button.isEnabled() and not rounds.void_button.isEnabled()
    assert not rounds.fix_dispute_button.isEnabled()


def test_an_officer_is_deactivated_and_reactivated(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    with db.write() as s:
        officer = screening.add_officer(s, head, screening.OfficerInput(casekit.committee_uuid(db), "郑网格", "grid"))
    page = _page(qtbot, ctx, head)
    page.tabs.setCurrentWidget(page.officers)
    view = page.officers
    qtbot.waitUntil(lambda: view.table.rowCount() == 1)
    view.table.selectRow(0)
    assert view.state_button.text() == "停用…"
    dialog = view.change_state()
    assert dialog is not None
    type_text(qtbot, dialog.reason, "调离本社区")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.ok_button)) is True
    qtbot.waitUntil(lambda: "停用" in view.table.item(0, 2).text())
    assert "调离本社区" in view.table.item(0, 2).toolTip() and view.state_button.text() == "恢复…"
    with db.read() as s:
        assert officer not in [o[0] for o in screening_queries.form_choices(s, head)["officers"]]
    again = view.change_state()
    assert again is not None
    assert wait_op(qtbot, runner, lambda: click(qtbot, again.ok_button)) is True
    qtbot.waitUntil(lambda: view.table.item(0, 2).text() == "在用")
