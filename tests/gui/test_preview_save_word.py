"""另存为 Word in the print preview: the same document written as .docx in the background,
recorded as a print; a file that cannot be written is a message, and nothing is recorded."""

from __future__ import annotations

import docx
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from tests import casekit
from tests.gui.helpers import wait_op
from xihu_desk.gui import documents as gui_documents
from xihu_desk.gui import messages
from xihu_desk.services import cases
from xihu_desk.store.models import AuditEvent


def _case(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    return head, ref.uuid


def _prints(db, uuid: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity_id == uuid, AuditEvent.action == "case.print")))


def test_save_as_word_from_the_preview(qtbot, ctx, db, tmp_path, message_mock):
    head, uuid = _case(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    opened = []
    assert wait_op(qtbot, ctx.runner, lambda: gui_documents.start_print(ctx, head, parent, "agreement", uuid,
                                                                        on_ready=opened.append), timeout=15000)
    dialog = opened[0]
    assert dialog.word_action.isVisible() and dialog.word_action.text() == "另存为 Word…"
    assert dialog.default_word_path().endswith("人民调解协议书.docx")
    before = len(_prints(db, uuid))
    target = tmp_path / "协议书"  # the suffix is added
    assert wait_op(qtbot, ctx.runner, lambda: dialog.save_word_to(target), timeout=15000)
    saved = tmp_path / "协议书.docx"
    text = "".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "人民调解协议书" in text and "李四于3月20日前修复漏水" in text
    assert str(saved) in message_mock.single(messages.INFO).text
    prints = _prints(db, uuid)
    assert len(prints) == before + 1 and "Word 可编辑文档" in prints[-1].summary
    # a folder that does not exist: one message naming the file, and no print recorded
    message_mock.messages.clear()
    assert not wait_op(qtbot, ctx.runner, lambda: dialog.save_word_to(tmp_path / "无此文件夹" / "x.docx"),
                       timeout=15000)
    assert "无法保存到" in message_mock.single(messages.ERROR).text
    assert len(_prints(db, uuid)) == before + 1
    dialog.close()


def test_a_preview_without_a_way_to_build_word_does_not_offer_it(qtbot, db):
    from xihu_desk.services import printing

    head, uuid = _case(db)
    with db.write() as s:
        printed = printing.print_document(s, head, "notice", uuid)
    dialog = gui_documents.PreviewDialog(printed)
    qtbot.addWidget(dialog)
    assert not dialog.word_action.isVisible()
