"""纠纷排查 with real widgets: a round is typed with the dispute it found, saved, and the dispute
turned into a case from the round's card (the case opens in 案件); 零报告 refused for a period that
found something; the 重点矛盾纠纷 ledger's check; the area in the main window."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests import casekit
from xihu_desk.gui.screening.page import ScreeningPage
from xihu_desk.services import screening
from xihu_desk.store.case_models import MediationCase, Party
from xihu_desk.store.screening_models import ScreenedDispute

from .helpers import click, type_text, wait_op


def test_a_round_finds_a_dispute_that_becomes_a_case(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    rounds = page.rounds
    assert rounds.model.rowCount() == 0

    dialog = rounds.new_round()
    assert dialog is not None
    type_text(qtbot, dialog.area, "北山社区 3 幢至 8 幢")
    type_text(qtbot, dialog.staff, "周调解、吴调解")
    # nothing found yet: the service says it is a 零报告, under the disputes
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button)) is False
    assert "零报告" in dialog.errors.message("disputes")

    sub = dialog.add_dispute()
    sub.fields.dispute_type.setCurrentIndex(sub.fields.dispute_type.findData("02"))
    type_text(qtbot, sub.fields.applicant, "赵邻居")
    type_text(qtbot, sub.fields.respondent, "钱邻居")
    type_text(qtbot, sub.fields.summary, "楼上漏水，楼下墙面发霉，双方争吵。")
    sub.fields.risk.setCurrentIndex(sub.fields.risk.findData("serious"))
    assert sub.fields.watched.isChecked() and not sub.fields.watched.isEnabled()
    click(qtbot, sub.ok_button)  # a serious dispute needs its responsible person
    assert sub.isVisible() and sub.errors.message("responsible")
    type_text(qtbot, sub.fields.responsible, "周调解")
    click(qtbot, sub.ok_button)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "重大"

    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button)) is True
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 1)
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 1)
    assert rounds.disputes.item(0, 3).text() == "待处置"
    assert rounds.to_case_button.isEnabled()

    with qtbot.waitSignal(page.open_case) as opened:
        assert wait_op(qtbot, runner, lambda: click(qtbot, rounds.to_case_button)) is True
    assert "转为案件" in message_mock.questions[0]
    case_uuid = opened.args[0]
    with db.read() as s:
        case = s.get_one(MediationCase, case_uuid)
        names = sorted(p.name for p in s.scalars(select(Party).where(Party.case_uuid == case_uuid)))
        dispute = s.scalars(select(ScreenedDispute)).one()
    assert names == ["赵邻居", "钱邻居"] and case.summary.startswith("楼上漏水") and case.source == "initiative"
    assert dispute.status == "case" and dispute.case_uuid == case_uuid
    qtbot.waitUntil(
        lambda: rounds.disputes.item(0, 4) is not None and rounds.disputes.item(0, 4).text() == case.case_no
    )
    assert not rounds.to_case_button.isEnabled()  # once only

    # the serious dispute is on the ledger; a check moves its next date
    page.tabs.setCurrentWidget(page.ledger)
    qtbot.waitUntil(lambda: page.ledger.table.rowCount() == 1)
    page.ledger.table.selectRow(0)
    check = page.ledger.check()
    assert check is not None
    type_text(qtbot, check.measures, "已上门，双方情绪平稳")
    check.suggest_next(head.today + timedelta(days=3))
    assert wait_op(qtbot, runner, lambda: click(qtbot, check.ok_button)) is True
    with db.read() as s:
        watched = s.scalars(select(ScreenedDispute)).one()
    assert "双方情绪平稳" in watched.measures and watched.next_check_on == head.today + timedelta(days=3)
    qtbot.waitUntil(lambda: page.ledger.table.item(0, 0).text() == (head.today + timedelta(days=3)).isoformat())


def test_zero_report_refused_for_a_period_with_disputes(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    with db.write() as s:
        screening.record_round(
            s,
            head,
            screening.RoundInput(
                casekit.committee_uuid(db),
                head.today,
                "北山社区",
                "周调解",
                "visit",
                (screening.DisputeInput("02", "甲", "乙", "噪音"),),
            ),
        )
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    dialog = page.rounds.zero_report()
    assert dialog is not None
    type_text(qtbot, dialog.area, "北山社区")
    type_text(qtbot, dialog.staff, "周调解")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.ok_button)) is False
    assert "不能报零" in dialog.general_error.text() and dialog.isVisible()


def test_the_area_in_the_main_window_and_the_home_todo_opens_the_ledger(qtbot, main_window):
    main_window.go("screening")
    page = main_window.pages["screening"]
    assert main_window.nav.currentItem().text() == "纠纷排查"
    # the administrator does not mediate: the area says so instead of offering the register
    assert not isinstance(page, ScreeningPage)


def test_a_check_due_on_the_home_page_opens_the_ledger_at_its_dispute(qtbot, ctx, db):
    from PySide6.QtCore import Qt

    from xihu_desk.gui.mainwindow import MainWindow

    head = casekit.head_actor(db)
    serious = screening.DisputeInput(
        "02",
        "孙某",
        "李某",
        "宅基地边界争执，双方扬言动手",
        risk="serious",
        responsible="周调解",
        next_check_on=head.today,
    )
    with db.write() as s:
        screening.record_round(
            s,
            head,
            screening.RoundInput(casekit.committee_uuid(db), head.today, "北山社区", "周调解", "visit", (serious,)),
        )
        dispute_uuid = s.scalars(select(ScreenedDispute.uuid)).one()
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    due = window.page("home").due_list
    rows = [i for i in range(due.count()) if "孙某与李某" in due.item(i).text()]
    assert len(rows) == 1 and "重点矛盾纠纷检查" in due.item(rows[0]).text()
    assert due.item(rows[0]).data(Qt.ItemDataRole.UserRole) == ("screening", dispute_uuid)
    window.page("home")._open_item(due.item(rows[0]))
    assert window.current_area() == "screening"
    page = window.pages["screening"]
    assert page.tabs.currentWidget() is page.ledger and page.ledger.current_uuid() == dispute_uuid


def test_a_case_made_in_the_main_window_opens_in_cases(qtbot, ctx, db, runner, message_mock):
    from xihu_desk.gui.mainwindow import MainWindow

    head = casekit.head_actor(db)
    with db.write() as s:
        screening.record_round(
            s,
            head,
            screening.RoundInput(
                casekit.committee_uuid(db),
                head.today,
                "北山社区",
                "周调解",
                "visit",
                (screening.DisputeInput("02", "甲某", "乙某", "噪音扰民"),),
            ),
        )
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.go("screening")
    rounds = window.pages["screening"].rounds
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 1)
    assert wait_op(qtbot, runner, lambda: click(qtbot, rounds.to_case_button))
    qtbot.waitUntil(lambda: window.current_area() == "cases")
    with db.read() as s:
        case_uuid = s.scalars(select(ScreenedDispute.case_uuid)).one()
    assert case_uuid in window.pages["cases"].dialogs  # the case form is open on it
