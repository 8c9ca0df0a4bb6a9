"""At the signing table the typed agreement is kept: 保存草稿, close the form, open it again and the
clauses are back, marked 草稿（尚未登记）; 打印草稿 stores what it prints; registering after signing
removes the draft."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui import documents as gui_documents
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.services import agreement_drafts, cases
from xihu_desk.store.case_models import MediationCase

from .casegui import cell_editor, tick


def _open(qtbot, ctx, actor, uuid) -> CaseDialog:
    dialog = CaseDialog(ctx, actor, uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_tab(dialog.outcome)
    return dialog


def _stored(db, head, uuid):
    with db.read() as s:
        return agreement_drafts.read(s, head, uuid)


def test_a_saved_draft_comes_back_and_registering_removes_it(qtbot, ctx, db, monkeypatch, message_mock):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        uuid = cases.open_case(s, head, casekit.intake(db, roster)).uuid
        cases.record_notice(s, head, uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, uuid, casekit.record())
    version = _version(db, uuid)

    dialog = _open(qtbot, ctx, head, uuid)
    outcome = dialog.outcome
    assert not outcome.save_draft_button.isVisible() and not outcome.draft_label.isVisible()
    tick(qtbot, outcome.radios["written"])
    assert outcome.save_draft_button.isVisible()
    click(qtbot, outcome.add_clause)
    editor = cell_editor(outcome.clauses)
    type_text(qtbot, editor, "李四于一周内修复漏水")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: outcome.clauses.item(0, 0).text() == "李四于一周内修复漏水")
    type_text(qtbot, outcome.performance_method, "银行转账")
    assert outcome.dirty
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, outcome.save_draft_button))
    stored = _stored(db, head, uuid)
    assert stored is not None and stored.agreement.clauses == ("李四于一周内修复漏水",)
    assert stored.agreement.performance_method == "银行转账"
    assert not outcome.dirty and "草稿（尚未登记）" in outcome.draft_label.text()
    assert _version(db, uuid) == version  # not a change to the case
    dialog.reject()  # nothing unsaved: closes without asking
    assert not message_mock.messages

    again = _open(qtbot, ctx, head, uuid)
    outcome = again.outcome
    assert outcome.radios["written"].isChecked() and outcome.clauses.rowCount() == 1
    assert outcome.clauses.item(0, 0).text() == "李四于一周内修复漏水"
    assert outcome.performance_method.text() == "银行转账"
    assert outcome.draft_label.isVisible() and "草稿（尚未登记）" in outcome.draft_label.text()
    assert not outcome.dirty

    # a typo found at the table: 打印草稿 stores the changed clause, then prints it
    opened: list[gui_documents.PreviewDialog] = []
    original = gui_documents.PreviewDialog.__init__

    def spy(self, printed, parent=None):
        original(self, printed, parent)
        opened.append(self)

    monkeypatch.setattr(gui_documents.PreviewDialog, "__init__", spy)
    outcome.clauses.item(0, 0).setText("李四于三日内修复漏水")
    menu = again.print_button.menu()
    draft_action = menu.findChild(type(menu.actions()[0]), "printDraftAgreement")
    with qtbot.waitSignal(ctx.runner.finished, timeout=5000):
        draft_action.trigger()  # the save
    qtbot.waitUntil(lambda: bool(opened), timeout=15000)  # then the print
    assert opened[-1].printed.draft and not opened[-1].printed.code
    opened[-1].close()
    assert _stored(db, head, uuid).agreement.clauses == ("李四于三日内修复漏水",)

    # signed: registering removes the draft
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, again.save_button))
    with db.read() as s:
        assert s.get(MediationCase, uuid).status == "closed"
    assert _stored(db, head, uuid) is None
    assert not outcome.draft_label.isVisible() and not outcome.save_draft_button.isVisible()
    assert outcome.clauses.item(0, 0).text() == "李四于三日内修复漏水"


def _version(db, uuid: str) -> int:
    with db.read() as s:
        return s.get(MediationCase, uuid).version
