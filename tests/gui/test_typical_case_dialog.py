"""典型案例 from the 打印 menu: the anonymised sections shown, the 评析 typed and saved, a Word copy
exported with what was typed saved first; an open case is refused with a message."""

from __future__ import annotations

import docx
from PySide6.QtWidgets import QWidget

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui import messages
from xihu_desk.gui.cases.typical import TypicalDialog, open_typical
from xihu_desk.gui.documents import print_menu
from xihu_desk.services import cases, typical_cases


def _closed_case(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        still_open = cases.open_case(s, head, casekit.intake(db, roster)).uuid
    return head, ref.uuid, still_open


def test_write_up_save_and_export(qtbot, ctx, db, tmp_path, message_mock):
    head, uuid, still_open = _closed_case(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    menu = print_menu(ctx, head, parent, lambda: uuid)
    action = menu.findChild(type(menu.actions()[0]), "print_typical")
    assert action is not None and action.text() == "典型案例（隐去当事人信息）…"
    action.trigger()
    dialog = parent.window().findChild(TypicalDialog)
    assert dialog is not None and dialog.isVisible()
    shown = dialog.preview.toPlainText()
    assert "张某与李某" in shown and "张三" not in shown and "13800000001" not in shown
    assert dialog.title.placeholderText() == "张某与李某邻里纠纷调解案" or "张某与李某" in dialog.title.placeholderText()
    type_text(qtbot, dialog.analysis, "张三与李四互谅互让，邻里和好。")
    target = tmp_path / "典型案例.docx"
    # export saves what was typed first (one write), then builds the file (one read)
    with qtbot.waitSignal(ctx.runner.finished, timeout=15000):
        dialog.export_to(target, word=True)
    qtbot.waitUntil(lambda: target.exists(), timeout=15000)
    text = "".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "张某与李某互谅互让，邻里和好。" in text and "张三" not in text
    with db.read() as s:
        assert typical_cases.write_up(s, head, uuid).analysis == "张三与李四互谅互让，邻里和好。"
    dialog.close()
    assert open_typical(ctx, head, parent, still_open) is None
    assert "尚未结案" in message_mock.single(messages.ERROR).text


def test_saving_from_the_dialog_shows_who_saved(qtbot, ctx, db):
    head, uuid, _ = _closed_case(db)
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = open_typical(ctx, head, parent, uuid)
    assert dialog is not None and dialog.saved.text() == "案例评析尚未保存"
    dialog.analysis.setPlainText("调解员依法释明。")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button), timeout=15000)
    assert "陈所长" in dialog.saved.text()
