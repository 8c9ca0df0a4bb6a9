"""The exchange page's asking dialogs (退回补正, 不同意移送): the save's answer belongs to the tab, so
a refusal that arrives after the dialog was closed is still said, and a closed dialog is deleted
(not left behind as a hidden child of the tab, nor deleted under a callback that still uses it)."""

from __future__ import annotations

from tests import casekit
from tests.gui.helpers import click, type_text, wait_op
from xihu_desk.gui import messages
from xihu_desk.gui.exchange.corrections import CorrectionsTab
from xihu_desk.gui.exchange.dialogs import ReturnDialog
from xihu_desk.gui.exchange.transfers import RefuseDialog, TransfersTab
from xihu_desk.services import case_transfer, node
from xihu_desk.services.context import cli_actor


def _request(case_no: str) -> case_transfer.TransferRow:
    """A pending request as the district lists it (this node is a township: deciding is refused)."""
    return case_transfer.TransferRow(
        "0" * 32, "1" * 32, case_no, case_no, "330106002", "北山街道", "330106004", "西溪街道",
        "纠纷发生地在西溪", "2026-12-01", "王所长", case_transfer.PENDING, "待区司法局决定",
        None, "", "", "",
    )  # fmt: skip


def test_a_refusal_after_the_return_dialog_closed_is_said_over_the_tab(qtbot, ctx, db, runner, message_mock):
    head = casekit.head_actor(db)
    with db.read() as s:
        info = node.node_info(s)
    tab = CorrectionsTab(ctx, head, info, False, True)
    qtbot.addWidget(tab)
    tab.show()
    click(qtbot, tab.return_button)
    dialog = tab.dialog
    assert isinstance(dialog, ReturnDialog)
    type_text(qtbot, dialog.case_no, "（2026）不存在第9999号")
    type_text(qtbot, dialog.comment, "请补充当事人身份证明")

    def save_then_close() -> None:
        click(qtbot, dialog.save_button)
        dialog.reject()  # the user closes it before the answer comes

    assert not wait_op(qtbot, runner, save_then_close)
    assert tab.dialog is None
    assert "找不到案号" in message_mock.single(messages.ERROR).text


def test_the_refuse_dialog_is_deleted_once_closed_and_a_late_refusal_is_said(qtbot, ctx, runner, message_mock):
    tab = TransfersTab(ctx, cli_actor(), True)
    qtbot.addWidget(tab)
    tab.show()
    tab.show_rows([_request("（2026）北山人调字第0001号")])
    tab.table.selectRow(0)

    click(qtbot, tab.refuse_button)
    first = tab.findChildren(RefuseDialog)
    assert len(first) == 1 and first[0].isVisible()
    first[0].reject()
    qtbot.waitUntil(lambda: not tab.findChildren(RefuseDialog), timeout=2000)

    click(qtbot, tab.refuse_button)
    [dialog] = tab.findChildren(RefuseDialog)
    type_text(qtbot, dialog.reason, "纠纷发生地在北山街道")

    def save_then_close() -> None:
        click(qtbot, dialog.save_button)
        dialog.reject()

    assert not wait_op(qtbot, runner, save_then_close)
    assert "区司法局决定" in message_mock.single(messages.ERROR).text
    qtbot.waitUntil(lambda: not tab.findChildren(RefuseDialog), timeout=2000)
