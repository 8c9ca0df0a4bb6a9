"""The form shows the limit of a free-text field (store/lengths.TEXT_LIMITS) as the command line
does: a 6,000-character clause saved as a draft is refused with the case and the field named, and
nothing is stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.services import agreement_drafts, cases

from .casegui import cell_editor, tick


def test_an_over_long_clause_is_refused_in_the_form(qtbot, ctx, db, message_mock):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, casekit.ACCEPTED, "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
    dialog = CaseDialog(ctx, head, ref.uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.show_tab(dialog.outcome)
    outcome = dialog.outcome
    tick(qtbot, outcome.radios["written"])
    click(qtbot, outcome.add_clause)
    editor = cell_editor(outcome.clauses)
    type_text(qtbot, editor, "李四赔偿")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: outcome.clauses.item(0, 0).text() == "李四赔偿")
    outcome.clauses.item(0, 0).setText("赔" * 6_000)
    type_text(qtbot, outcome.performance_method, "银行转账")
    wait_op(qtbot, ctx.runner, lambda: click(qtbot, outcome.save_draft_button))
    shown = list(message_mock.messages) + [w.text() for w in dialog.findChildren(QLabel) if w.isVisible()]
    said = [t for t in map(str, shown) if "协议条款" in t and "5000" in t]
    assert said and ref.case_no in said[0], shown
    with db.read() as s:
        assert agreement_drafts.read(s, head, ref.uuid) is None
