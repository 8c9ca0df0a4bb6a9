"""At the signing table: the agreement typed in 调解结果 is printed as a draft (草稿, no 核验码, no
print record) before it is registered; a clause is changed and drafted again; the agreement is then
registered after signing, a separate step, and a print for the record gets its code."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui import documents as gui_documents
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.services import cases
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent

from .casegui import cell_editor, tick


def _text(pdf: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _prints(db, uuid: str) -> int:
    with db.read() as s:
        return len(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid,
                                                      AuditEvent.action == "case.print")).all())


def _print_draft(qtbot, action, opened: list) -> None:
    """打印草稿 stores the typed agreement as the case's draft, then builds the print: two ops."""
    before = len(opened)
    action.trigger()
    qtbot.waitUntil(lambda: len(opened) > before, timeout=15000)


def test_a_draft_at_the_signing_table_then_a_clause_changed_then_registered(qtbot, ctx, db, tmp_path, monkeypatch,
                                                                           message_mock):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, uuid, casekit.record())
    opened: list[gui_documents.PreviewDialog] = []
    original = gui_documents.PreviewDialog.__init__

    def spy(self, printed, parent=None):
        original(self, printed, parent)
        opened.append(self)

    monkeypatch.setattr(gui_documents.PreviewDialog, "__init__", spy)
    dialog = CaseDialog(ctx, head, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    menu = dialog.print_button.menu()
    draft_action = menu.findChild(type(menu.actions()[0]), "printDraftAgreement")
    assert draft_action is not None

    # nothing typed yet: the draft says what to do, nothing is built
    draft_action.trigger()
    assert "调解结果" in message_mock.messages[-1].text and not opened

    outcome = dialog.outcome
    dialog.show_tab(outcome)
    tick(qtbot, outcome.radios["written"])
    click(qtbot, outcome.add_clause)
    editor = cell_editor(outcome.clauses)
    type_text(qtbot, editor, "李四于一周内修复漏水")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: outcome.clauses.item(0, 0).text() == "李四于一周内修复漏水")
    type_text(qtbot, outcome.performance_method, "银行转账")

    _print_draft(qtbot, draft_action, opened)
    first = opened[-1]
    assert first.printed.draft and first.printed.code == "" and "草稿" in first.info.text()
    assert "李四于一周内修复漏水" in _text(first.printed.pdf, tmp_path) and "草稿" in _text(first.printed.pdf, tmp_path)
    first.close()

    # a long clause wraps in its row on the screen (not cut to one line)
    one_line = outcome.clauses.rowHeight(0)
    outcome.clauses.item(0, 0).setText("李四于三日内修复漏水，" * 12)
    assert outcome.clauses.rowHeight(0) > one_line
    # a clause changed at the table, drafted again: the paper shows the change; nothing registered yet
    outcome.clauses.item(0, 0).setText("李四于三日内修复漏水")
    _print_draft(qtbot, draft_action, opened)
    assert "李四于三日内修复漏水" in _text(opened[-1].printed.pdf, tmp_path)
    opened[-1].close()
    with db.read() as s:
        assert s.get(MediationCase, uuid).status == "mediating"
    assert _prints(db, uuid) == 0  # drafts are not prints

    # signed: registering is the separate, later step; the print for the record then has a code
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button))
    with db.read() as s:
        assert s.get(MediationCase, uuid).status == "closed"
    real = next(a for a in menu.actions() if a.data() == "agreement")
    assert wait_op(qtbot, ctx.runner, real.trigger, timeout=15000)
    final = opened[-1]
    assert not final.printed.draft and final.printed.code and final.printed.code in final.info.text()
    assert "李四于三日内修复漏水" in _text(final.printed.pdf, tmp_path) and _prints(db, uuid) == 1
    final.close()
    # once registered there is no agreement being typed: the draft entry says to print it directly
    draft_action.trigger()
    assert "已登记的协议请直接打印" in message_mock.messages[-1].text
