"""Printing from the screens: built in the background, previewed with QtPdf, printed through a
QPrinter, saved as PDF; a refusal comes back as a message."""

from __future__ import annotations

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from tests import casekit
from tests.gui.helpers import wait_op
from xihu_desk.gui import documents as gui_documents
from xihu_desk.gui import messages
from xihu_desk.services import cases, printing


def _case(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    return head, ref.uuid


def test_menu_builds_in_the_background_and_opens_the_preview(qtbot, ctx, db, tmp_path, monkeypatch):
    head, uuid = _case(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = gui_documents.print_menu(ctx, head, parent, lambda: uuid)
    kinds = [a.data() for a in menu.actions() if a.data()]
    assert kinds == list(gui_documents.MENU_ORDER)
    opened = []
    original = gui_documents.PreviewDialog.__init__

    def spy(self, printed, parent=None):  # noqa: ANN001
        original(self, printed, parent)
        opened.append(self)

    monkeypatch.setattr(gui_documents.PreviewDialog, "__init__", spy)
    action = next(a for a in menu.actions() if a.data() == "agreement")
    assert wait_op(qtbot, ctx.runner, action.trigger, timeout=15000)
    dialog = opened[0]  # deletes itself when closed (below)
    assert dialog.pages == dialog.printed.pages >= 1
    assert dialog.printed.code in dialog.info.text()
    # save as PDF, exactly the bytes that were built
    target = tmp_path / "协议书.pdf"
    assert dialog.save_to(target) and target.read_bytes() == dialog.printed.pdf
    # print: the pages go to the printer (here a PDF file instead of a device)
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    printer.setResolution(96)
    assert dialog.print_to(printer) == dialog.pages
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    dialog.close()


def test_a_refused_document_is_a_message_naming_what_is_missing(qtbot, ctx, db, message_mock):
    head, uuid = _case(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    ok = wait_op(qtbot, ctx.runner, lambda: gui_documents.start_print(ctx, head, parent, "oral-agreement", uuid),
                 timeout=15000)
    assert not ok
    assert "请打印人民调解协议书" in message_mock.single(messages.ERROR).text


def test_preview_of_a_service_build(qtbot, db):
    head, uuid = _case(db)
    with db.write() as s:
        printed = printing.print_document(s, head, "notice", uuid)
    dialog = gui_documents.PreviewDialog(printed)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.pages == printed.pages
    assert dialog.windowTitle() == f"{printed.case_no} 人民调解当事人权利义务告知书"


def test_case_list_and_case_form_offer_the_print_menu(qtbot, ctx, db):
    from xihu_desk.gui.cases.form import CaseDialog
    from xihu_desk.gui.cases.page import CasesPage

    head, uuid = _case(db)
    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    page.view.selectRow(0)
    assert page.print_button.isEnabled() and page.current_uuid() == uuid
    assert [a.data() for a in page.print_button.menu().actions() if a.data()] == list(gui_documents.MENU_ORDER)
    dialog = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(dialog)
    assert dialog.print_button.isEnabled() and dialog.print_button.menu().objectName() == "printMenu"
    new = CaseDialog(ctx, head, None)
    qtbot.addWidget(new)
    assert not new.print_button.isEnabled()  # a case prints once it has been saved
