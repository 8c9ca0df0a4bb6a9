"""The case form driven through its widgets, from intake to a filed case, checked three ways:
the database (a fresh read session), the widgets, and the messages shown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.cases.lifecycle import ReasonDialog
from xihu_desk.services import case_queries, cases
from xihu_desk.store.case_models import Agreement, Attachment, CaseRecord, Confirmation, FollowUp, MediationCase, Party
from xihu_desk.store.models import AuditEvent

from .casegui import tick, cell_editor, check, column, head, page, pick  # noqa: F401 - fixtures
from .helpers import click, type_text, wait_op

TODAY = date.today()
BAD_ID, GOOD_ID = "330106198001010012", "330106198001010013"  # the same number with a wrong and a right check digit


@pytest.fixture
def roster(db, head):  # noqa: ANN001, ANN201
    return casekit.roster(db, head)


def _case(db) -> MediationCase | None:  # noqa: ANN001
    with db.read() as session:
        return session.scalars(select(MediationCase)).first()


def _count(db, table) -> int:  # noqa: ANN001
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(table))


def _save(qtbot, runner, dialog: CaseDialog) -> bool:  # noqa: ANN001
    return wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))


def _open_tab(qtbot, dialog: CaseDialog, tab) -> None:  # noqa: ANN001
    bar = dialog.tabs.tabBar()
    index = dialog.tab_list.index(tab)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dialog.current_tab() is tab


def _fill_intake(qtbot, dialog: CaseDialog) -> None:  # noqa: ANN001
    intake = dialog.intake
    assert intake.committee.currentText() == "北山街道人民调解委员会"  # the only committee is chosen
    assert intake.accepted_on.date().toPython() == TODAY
    pick(intake.dispute_type, "02")
    type_text(qtbot, intake.dispute_subtype, "楼上漏水")
    qtbot.keyClicks(intake.amount, "3000.5")
    type_text(qtbot, intake.summary, "两家因楼上漏水发生争执。")
    type_text(qtbot, intake.claims, "修复漏水，赔偿损失。")
    names = column(intake.mediator_table, 0)
    assert names == ["吴调解", "周调解"]
    check(intake.mediator_table, names.index("周调解"), 1)  # 主持 (and so taking part)
    check(intake.mediator_table, names.index("吴调解"), 0)


def _fill_party(qtbot, dialog: CaseDialog, row: int, name: str, number: str, phone: str) -> None:  # noqa: ANN001
    parties = dialog.parties
    parties.table.setCurrentCell(row, 0)
    type_text(qtbot, parties.name, name)
    qtbot.keyClicks(parties.id_number, number)
    qtbot.keyClicks(parties.phone, phone)


def test_a_case_from_intake_to_filing(qtbot, db, ctx, runner, head, roster, page, message_mock, tmp_path) -> None:  # noqa: ANN001, PLR0915
    # -- 受理: a new case; a mistyped ID number is caught as it is typed and refused at save ---------
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(page.view, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.new_dialog
    assert dialog is not None and dialog.windowTitle() == "新建案件 — 受理登记"
    qtbot.waitExposed(dialog)
    assert not dialog.tabs.isTabEnabled(dialog.tab_list.index(dialog.process))
    _fill_intake(qtbot, dialog)
    _open_tab(qtbot, dialog, dialog.parties)
    parties = dialog.parties
    assert column(parties.table, 0) == ["申请人", "被申请人"]
    _fill_party(qtbot, dialog, 0, "张三", BAD_ID, "13800000001")
    assert parties.id_message.isVisible() and "校验位" in parties.id_message.text()
    assert parties.id_message.property("state") == "error"
    _fill_party(qtbot, dialog, 1, "李四", "11010519491231002X", "13800000002")
    assert parties.id_message.text().startswith("✓") and parties.gender.currentText() == "女"

    with qtbot.assertNotEmitted(runner.started):
        click(qtbot, dialog.save_button)
    assert not message_mock.of("error")  # one message, at the field (no pop-up repeating it)
    assert parties.table.currentRow() == 0 and parties.name.text() == "张三"  # taken back to the party
    assert parties.id_message.isVisible() and "校验位" in parties.id_message.text()
    assert "未保存" in dialog.message_label.text()
    assert dialog.intake.summary.toPlainText() == "两家因楼上漏水发生争执。"  # nothing typed is lost
    assert _count(db, MediationCase) == 0

    parties.id_number.clear()
    qtbot.keyClicks(parties.id_number, GOOD_ID)
    assert parties.id_message.text() == "✓ 号码有效：1980年01月01日 出生，男"
    assert parties.gender.currentText() == "男" and parties.birth_date.date().toPython() == date(1980, 1, 1)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert wait_op(qtbot, runner, lambda: qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier))
    case = _case(db)
    number = f"（{TODAY.year}）北山人调字第0001号"
    assert case.case_no == number and case.title == "张三与李四邻里纠纷" and case.status == "accepted"
    assert case.amount_fen == 300050 and case.dispute_subtype == "楼上漏水"
    with db.read() as session:
        stored = {p.name: p for p in session.scalars(select(Party).where(Party.case_uuid == case.uuid))}
        detail = case_queries.case_detail(session, head, case.uuid)
    assert stored["张三"].id_number == GOOD_ID and stored["李四"].gender == "女"
    assert [(m["name"], m["lead"]) for m in detail["mediator_assignments"]] == [("周调解", True), ("吴调解", False)]
    assert dialog.case_uuid == case.uuid and dialog.windowTitle() == f"{number} — 张三与李四邻里纠纷"
    assert dialog.tabs.isTabEnabled(dialog.tab_list.index(dialog.process))
    assert f"已受理，案件编号 {number}" in dialog.message_label.text()
    assert page.dialogs[case.uuid] is dialog and page.count_label.text() == "共 1 件"
    assert "登记权利义务告知" in dialog.next_label.text()
    assert dialog.intake.amount.text() == "3000.50"

    # -- 调解过程: the notice of rights and duties, then a mediation record -------------------------
    process = dialog.process
    _open_tab(qtbot, dialog, process)
    assert dialog.save_button.text() == "保存告知情况"
    pick(process.notice_form, "written")
    assert _save(qtbot, runner, dialog)
    assert _case(db).notice_given_on == TODAY and _case(db).notice_form == "written"
    assert process.notice_status.text().startswith("✓ 已于")
    click(qtbot, process.add_mediation)
    record = process.record_dialog
    qtbot.waitExposed(record)
    assert record.mediators.text() == "周调解、吴调解" and record.notice.isChecked()
    assert wait_op(qtbot, runner, lambda: click(qtbot, record.save_button)) is False  # no place yet
    assert record.isVisible() and record.errors.message("place") == "请填写地点。"
    type_text(qtbot, record.place, "北山街道调解室")
    type_text(qtbot, record.body_text, "告知权利义务后，双方陈述事实，经调解达成一致。")
    assert wait_op(qtbot, runner, lambda: click(qtbot, record.save_button))
    assert not record.isVisible()
    assert _count(db, CaseRecord) == 1 and _case(db).status == "mediating"
    assert column(process.records, 1) == ["调解记录"] and column(process.records, 2) == ["北山街道调解室"]

    # -- 调解结果: a written agreement with two clauses --------------------------------------------
    outcome = dialog.outcome
    _open_tab(qtbot, dialog, outcome)
    tick(qtbot, outcome.radios["written"])
    assert outcome.facts.toPlainText() == "两家因楼上漏水发生争执。"  # taken from the account at intake
    assert outcome.copies_label.text() == "协议份数：3 份（当事人各执一份，调委会留存一份）"
    deadline = (TODAY + timedelta(days=30)).isoformat()
    assert deadline in outcome.confirmation_label.text()
    for row, clause in enumerate(("李四于一周内修复漏水", "李四赔偿张三3000元")):
        click(qtbot, outcome.add_clause)
        editor = cell_editor(outcome.clauses)
        type_text(qtbot, editor, clause)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda r=row, c=clause: outcome.clauses.item(r, 0).text() == c)
    type_text(qtbot, outcome.performance_method, "银行转账")
    qtbot.keyClicks(outcome.amount, "3000")
    assert dialog.save_button.text() == "登记调解协议"
    assert _save(qtbot, runner, dialog)
    assert len(message_mock.questions) == 1 and "结案" in message_mock.questions[0]
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
    assert agreement.form == "written" and agreement.amount_fen == 300000
    assert agreement.clauses == '["李四于一周内修复漏水", "李四赔偿张三3000元"]'
    assert _case(db).status == "closed" and _case(db).outcome == "succeeded"
    assert "调解结果已登记" in outcome.banner.text() and outcome.performance_method.isReadOnly()
    assert dialog.intake.summary.isReadOnly()  # a closed case's intake cannot change

    # -- 回访与司法确认 ---------------------------------------------------------------------------
    followup = dialog.followup
    _open_tab(qtbot, dialog, followup)
    assert "下次回访" in followup.visit_note.text()
    click(qtbot, followup.add_button)
    visit = followup.sub
    qtbot.waitExposed(visit)
    assert visit.party.currentText() == "张三"
    pick(visit.performance, "partial")
    pick(visit.satisfaction, "basic")
    type_text(qtbot, visit.measures, "督促李四按期付款。")
    assert wait_op(qtbot, runner, lambda: click(qtbot, visit.save_button))
    assert _count(db, FollowUp) == 1 and column(followup.table, 3) == ["部分履行"]
    assert deadline in followup.confirm_note.text()
    type_text(qtbot, followup.court, "杭州市西湖区人民法院")
    assert dialog.save_button.text() == "保存司法确认"
    assert _save(qtbot, runner, dialog)
    with db.read() as session:
        confirmation = session.scalars(select(Confirmation)).one()
    assert (confirmation.court, confirmation.result, confirmation.applied_on) == ("杭州市西湖区人民法院", "pending", TODAY)

    # -- 结案归档: refused while the ID proofs and the closing report are missing ---------------
    filing = dialog.filing
    _open_tab(qtbot, dialog, filing)
    missing = [r for r in range(filing.contents.rowCount()) if filing.contents.item(r, 3).text() == "✗ 缺少"]
    assert [filing.contents.item(r, 1).text() for r in missing] == ["当事人身份证明", "结案报告表"]
    pick(filing.retention, "30y")
    message_mock.messages.clear()
    assert wait_op(qtbot, runner, lambda: click(qtbot, filing.file_button)) is False
    refused = message_mock.single("error").text
    assert refused == "卷宗不完整，不能归档。缺少：当事人身份证明、结案报告表。"
    assert filing.missing.text() == refused and filing.missing.property("state") == "error"
    assert _case(db).status == "closed"

    type_text(qtbot, filing.report, "协议部分履行，已督促；材料已整理。")
    tick(qtbot, filing.id_proofs)
    assert filing.id_proofs.isChecked()
    assert _save(qtbot, runner, dialog)
    case = _case(db)
    assert case.closing_report == "协议部分履行，已督促；材料已整理。" and case.id_proofs_received
    assert "✗ 缺少" not in column(filing.contents, 3)
    assert filing.missing.text() == "必备材料齐全，可以立卷归档。"
    # the agreement was performed in part: a visit is still due, so filing asks why no more visits
    click(qtbot, filing.file_button)
    asked = [d for d in dialog.findChildren(ReasonDialog) if d.isVisible()]
    assert len(asked) == 1 and asked[0].save_button.text() == "立卷归档"
    type_text(qtbot, asked[0].reason, "余款已由法院执行，不再回访。")
    assert wait_op(qtbot, runner, lambda: click(qtbot, asked[0].save_button)), message_mock.messages
    case = _case(db)
    assert (case.status, case.retention, case.filed_on) == ("filed", "30y", TODAY)
    assert filing.missing.text().startswith(f"已于 {TODAY.isoformat()} 由 陈所长 立卷归档")
    assert not filing.file_button.isEnabled() and not dialog.save_button.isEnabled()
    assert dialog.next_label.text() == "下一步：已立卷归档。"
    with db.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == case.uuid)))
    assert {"case.open", "case.notice", "case.agreement", "case.file"} <= set(actions)

    # Esc closes a form with nothing unsaved, without asking.
    questions = len(message_mock.questions)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and len(message_mock.questions) == questions


@pytest.fixture
def opened(db, head, roster):  # noqa: ANN001, ANN201
    """A case accepted through the services (张三 and 李四, the roster of two)."""
    with db.write() as session:
        return cases.open_case(session, head, casekit.intake(db, roster))


def test_a_refused_save_keeps_what_was_typed_and_shows_the_field(qtbot, db, runner, page, opened, message_mock) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    intake = dialog.intake
    pick(intake.source, "referral")  # the referrer's fields appear only now
    assert intake.referrer_name.isVisible()
    pick(intake.referrer_type, "police")
    intake.summary.selectAll()
    type_text(qtbot, intake.summary, "改写后的纠纷情况。")
    assert dialog.tabs.tabText(0) == "受理信息 *"
    assert _save(qtbot, runner, dialog) is False
    message = "委托移送的案件须填写移送单位名称。"
    assert not message_mock.of("error")  # one message, at the field
    error = intake.form.findChildren(type(intake.mediators_hint), "referrerNameError")[0]
    assert error.isVisible() and error.text() == message and dialog.focusWidget() is intake.referrer_name
    assert intake.summary.toPlainText() == "改写后的纠纷情况。" and intake.dirty
    assert _case(db).summary == "两家因楼上漏水发生争执。"
    type_text(qtbot, intake.referrer_name, "西湖区公安分局北山派出所")
    assert not error.isVisible()  # typing in the field takes its message away
    assert _save(qtbot, runner, dialog)
    case = _case(db)
    assert (case.source, case.referrer_name, case.summary) == ("referral", "西湖区公安分局北山派出所", "改写后的纠纷情况。")
    assert dialog.tabs.tabText(0) == "受理信息"


def test_closing_with_unsaved_typing_asks_first(qtbot, page, opened, message_mock) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.intake.claims, "再加一条")
    message_mock.answer = False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "受理信息" in message_mock.questions[0]
    message_mock.answer = True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_save_elsewhere_keeps_unsaved_typing_on_other_tabs(qtbot, db, runner, page, opened) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.intake.claims, "（补充）")
    _open_tab(qtbot, dialog, dialog.process)
    pick(dialog.process.notice_form, "oral")
    assert _save(qtbot, runner, dialog)
    assert _case(db).notice_form == "oral"
    assert "（补充）" in dialog.intake.claims.toPlainText() and dialog.intake.dirty


def test_the_full_id_number_is_shown_only_on_request_and_audited(qtbot, db, runner, page, opened) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    parties = dialog.parties
    _open_tab(qtbot, dialog, parties)
    assert parties.id_number.text() == "3301**********0013" and parties.reveal_button.isVisible()
    assert "部分隐藏" in parties.id_message.text()
    assert wait_op(qtbot, runner, lambda: click(qtbot, parties.reveal_button))
    assert parties.id_number.text() == "330106198001010013" and not parties.reveal_button.isVisible()
    with db.read() as session:
        reveals = list(session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "party.reveal")))
    assert reveals == ["查看 （2026）北山人调字第0001号 当事人 张三 的完整证件号码"]
    assert not parties.dirty  # showing the number is not an edit


def test_repeat_hints_list_earlier_cases_of_the_same_person(qtbot, runner, page, opened) -> None:  # noqa: ANN001
    dialog = page.new_case()
    qtbot.waitExposed(dialog)
    parties = dialog.parties
    _open_tab(qtbot, dialog, parties)
    assert not parties.hint_list.isVisible()
    _fill_party(qtbot, dialog, 0, "张三", "330106198001010013", "13800000009")
    qtbot.waitUntil(lambda: parties.hint_list.count() == 1, timeout=3000)  # after a pause in typing
    assert parties.hint_list.isVisible() and "按身份证号匹配：张三" in parties.hint_list.item(0).text()
    assert "1 件" in parties.hint_note.text()
    with qtbot.waitSignal(page.case_opened) as shown:
        parties.hint_list.itemActivated.emit(parties.hint_list.item(0))  # a double-click on it
    assert shown.args == [opened.uuid]
    for tab in dialog.tab_list:
        tab.watch.dirty = False


def test_extension_needs_both_parties_and_refusal_ends_the_case(qtbot, db, runner, page, opened, message_mock) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    _open_tab(qtbot, dialog, dialog.process)
    click(qtbot, dialog.process.extend_button)
    ext = dialog.process.sub
    type_text(qtbot, ext.reason, "等待漏水原因鉴定结果")
    assert wait_op(qtbot, runner, lambda: click(qtbot, ext.save_button)) is False
    assert ext.errors.message("extension_agreed") == "延长调解期限须经双方当事人同意。"
    tick(qtbot, ext.agreed)
    assert wait_op(qtbot, runner, lambda: click(qtbot, ext.save_button)), message_mock.messages
    extended = casekit.ACCEPTED.replace(month=5, day=2)  # the due date (4月2日) plus 30 days
    assert _case(db).due_on == extended and "经双方同意延长" in dialog.process.due_label.text()
    click(qtbot, dialog.process.refuse_button)
    refusal = dialog.process.sub
    type_text(qtbot, refusal.reason, "被申请人李四明确表示不接受调解。")
    assert wait_op(qtbot, runner, lambda: click(qtbot, refusal.save_button))
    case = _case(db)
    assert (case.status, case.outcome, case.refused_by_party) == ("closed", "terminated", True)
    assert not dialog.process.add_mediation.isEnabled() and "拒绝调解" in dialog.process.due_label.text()


def test_an_attachment_is_added_through_the_file_seam(qtbot, db, ctx, runner, page, opened, tmp_path) -> None:  # noqa: ANN001
    scan = tmp_path / "身份证复印件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    attachments = dialog.attachments
    attachments.choose_file = lambda _parent: str(scan)
    _open_tab(qtbot, dialog, attachments)
    assert not dialog.save_button.isVisible()
    pick(attachments.kind, "id_proof")
    assert wait_op(qtbot, runner, lambda: click(qtbot, attachments.add_button))
    with db.read() as session:
        stored = session.scalars(select(Attachment)).one()
    assert (stored.kind, stored.file_name, stored.size) == ("id_proof", "身份证复印件.pdf", 13)
    assert column(attachments.table, 1) == ["身份证复印件.pdf"]
    assert dialog.filing.contents.item(2, 3).text() == "✓ 已有"  # 当事人身份证明 in the contents list


def test_failed_mediation_needs_the_other_routes_told(qtbot, db, runner, page, opened, message_mock) -> None:  # noqa: ANN001
    dialog = page.open_case(opened.uuid)
    qtbot.waitExposed(dialog)
    outcome = dialog.outcome
    _open_tab(qtbot, dialog, outcome)
    assert outcome.choose_hint.isVisible() and not outcome.stack.isVisible()
    tick(qtbot, outcome.radios["failed"])
    type_text(qtbot, outcome.failure_reason, "双方对赔偿金额分歧较大。")
    with qtbot.assertNotEmitted(runner.started):
        click(qtbot, dialog.save_button)
    assert "仲裁" in outcome.errors.message("routes_told")
    tick(qtbot, outcome.routes_told)
    assert _save(qtbot, runner, dialog)
    case = _case(db)
    assert (case.status, case.outcome, case.failure_reason) == ("closed", "failed", "双方对赔偿金额分歧较大。")
    assert "调解不成功" in outcome.banner.text() and not dialog.followup.add_button.isEnabled()


def test_a_child_under_fourteen_needs_a_guardian(qtbot, page) -> None:  # noqa: ANN001
    from stdnum.cn import ric

    body = f"11010520{TODAY.year - 2000 - 6:02d}0101001"  # six years old
    number = body + ric.calc_check_digit(body + "0")  # it reads the first 17 of 18
    dialog = page.new_case()
    qtbot.waitExposed(dialog)
    parties = dialog.parties
    _open_tab(qtbot, dialog, parties)
    parties.table.setCurrentCell(1, 0)
    type_text(qtbot, parties.name, "小明")
    qtbot.keyClicks(parties.id_number, number)
    assert parties.guardian_message.isVisible() and "监护人" in parties.guardian_message.text()
    type_text(qtbot, parties.guardian, "李四（父亲）")
    assert not parties.guardian_message.isVisible()
    for tab in dialog.tab_list:
        tab.watch.dirty = False
