"""A closed case corrected (a field and a reason) and reopened through the case form's 案件处理
menu; a case voided from the case list's summary, its reason shown in the list; filing with a
follow-up still due asks the reason."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QMenu

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.cases.lifecycle import CorrectDialog, HistoryDialog, ReasonDialog
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.services import case_queries, cases

from .casegui import pick


def _closed_case(db, head) -> str:
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, uuid, casekit.record())
        cases.record_agreement(s, head, uuid, casekit.written_agreement())
    return uuid


def _detail(db, actor, uuid):
    with db.read() as s:
        return case_queries.case_detail(s, actor, uuid)


def _choose(menu: QMenu, name: str) -> None:
    menu.aboutToShow.emit()  # the menu fills itself for the case as it opens
    action = next(a for a in menu.actions() if a.objectName() == name)
    assert action.isEnabled(), f"{name} is disabled: {action.toolTip()}"
    action.trigger()


def _sub(qtbot, parent, kind):
    found = [d for d in parent.findChildren(kind) if d.isVisible()]
    assert len(found) == 1
    qtbot.waitExposed(found[0])
    return found[0]


def test_a_closed_case_corrected_and_reopened_in_the_case_form(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    uuid = _closed_case(db, head)
    version = _detail(db, head, uuid)["version"]
    form = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.lifecycle_button.isEnabled()

    # 更正…: a field, its new value and the reason; a refusal without a reason changes nothing
    _choose(form.lifecycle_button.menu(), "correctAction")
    dialog = _sub(qtbot, form, CorrectDialog)
    pick(dialog.field, "agreement.performance_place")
    assert dialog.before.toPlainText() == "杭州市西湖区"
    dialog.line.clear()
    type_text(qtbot, dialog.line, "杭州市西湖区北山街道调解室")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and dialog.errors.widget("reason") is not None
    assert _detail(db, head, uuid)["version"] == version
    type_text(qtbot, dialog.reason, "签字时发现履行地点写得不完整")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    assert "杭州市西湖区北山街道调解室" in message_mock.questions[-1]
    d = _detail(db, head, uuid)
    assert d["version"] == version + 1 and d["agreement"]["performance_place"] == "杭州市西湖区北山街道调解室"
    assert [(h["field"], h["before"], h["after"], h["reason"], h["by"]) for h in d["history"]] == [
        ("agreement.performance_place", "杭州市西湖区", "杭州市西湖区北山街道调解室", "签字时发现履行地点写得不完整", "陈所长")]
    assert "已更正" in form.message_label.text()

    # 重新调解…: the reason, a confirmation, and the case is mediating again under its number
    _choose(form.lifecycle_button.menu(), "reopenAction")
    reopen = _sub(qtbot, form, ReasonDialog)
    type_text(qtbot, reopen.reason, "被申请人未按协议履行，申请人要求再次调解")
    assert wait_op(qtbot, runner, lambda: click(qtbot, reopen.save_button))
    d = _detail(db, head, uuid)
    assert d["status"] == "mediating" and d["history"][-1]["action"] == "reopen"
    assert "调解中" in form.facts_label.text()
    menu = form.lifecycle_button.menu()
    menu.aboutToShow.emit()
    enabled = {a.objectName(): a.isEnabled() for a in menu.actions()}
    assert enabled["reopenAction"] is False and enabled["correctAction"] is False  # open again: edited, not corrected
    _choose(menu, "historyAction")  # 案件历史: both versions, who and why
    history = _sub(qtbot, form, HistoryDialog)
    assert history.table.rowCount() == 2 and history.table.item(0, 7).text() == "签字时发现履行地点写得不完整"
    assert history.table.item(1, 3).text() == "重新调解" and history.table.item(1, 2).text() == "陈所长"


def test_void_from_the_list_summary_shows_the_reason_in_the_list(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    uuid = _closed_case(db, head)
    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.select(uuid)
    qtbot.waitUntil(lambda: page.current_uuid() == uuid)
    _choose(page.preview_actions.menu(), "voidAction")
    dialog = _sub(qtbot, page, ReasonDialog)
    type_text(qtbot, dialog.reason, "同一纠纷重复登记")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    assert _detail(db, head, uuid)["status"] == "void"
    qtbot.waitUntil(lambda: "同一纠纷重复登记" in page.preview_facts.text())
    assert "已作废" in page.preview_next.text() or "作废" in page.preview_facts.text()
    menu = QMenu()
    page.context_menu(menu, uuid)
    assert {a.objectName(): a.isEnabled() for a in menu.actions() if a.objectName()}["voidAction"] is False


def test_filing_with_a_follow_up_due_asks_the_reason(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    uuid = _closed_case(db, head)
    with db.write() as s:
        cases.mark_id_proofs(s, head, uuid, True)
        cases.write_closing_report(s, head, uuid, date(2026, 3, 25), "协议已履行。")
    form = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert "下次回访" in form.followup.visit_note.text()
    form.show_tab(form.filing)
    pick(form.filing.retention, "30y")
    click(qtbot, form.filing.file_button)
    dialog = _sub(qtbot, form, ReasonDialog)
    assert "回访" in dialog.findChildren(type(form.filing.missing))[0].text()
    type_text(qtbot, dialog.reason, "当事人当场履行完毕，电话确认无需上门回访")
    assert wait_op(qtbot, runner, lambda: click(qtbot, dialog.save_button))
    d = _detail(db, head, uuid)
    assert d["status"] == "filed" and d["followup_due"] is None
    assert "下次回访" not in form.followup.visit_note.text()  # the line goes once the case is filed


def test_an_imported_legacy_case_opens_for_completion_and_a_void_one_is_read_only(qtbot, ctx, db, message_mock):
    from pathlib import Path

    from sqlalchemy import select

    from xihu_desk.services import case_ledger, case_lifecycle
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store.case_models import MediationCase
    from xihu_desk.store.ledger_models import CaseImport

    head = casekit.head_actor(db)
    sample = Path(__file__).parent.parent / "data" / "sample-ledger-cases.xlsx"
    with db.write() as s:
        case_ledger.import_ledger(s, cli_actor(), sample.read_bytes(), file_name=sample.name)
    with db.read() as s:
        legacy = s.scalar(select(MediationCase.uuid).join(CaseImport, CaseImport.case_uuid == MediationCase.uuid)
                          .where(MediationCase.status == "closed").limit(1))
    form = CaseDialog(ctx, head, legacy)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    assert form.process.add_mediation.isEnabled() and form.intake.editable  # the paper file is typed in
    uuid = _closed_case(db, head)
    with db.write() as s:
        case_lifecycle.void(s, head, uuid, "误登记")
    void = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(void)
    void.show()
    qtbot.waitExposed(void)
    assert not void.process.add_mediation.isEnabled() and not void.filing.editable
    assert void.process.due_label.text() == "已作废：误登记" and "已作废：误登记" in void.next_label.text()


def test_a_case_returned_for_correction_says_so_first():
    from xihu_desk.gui.cases.form import next_step

    step = next_step({"status": "filed", "returned_for_correction": [{"comment": "受理日期有误"}]})
    assert step.startswith("区局退回补正：受理日期有误") and "更正" in step
