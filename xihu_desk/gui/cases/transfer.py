"""移送 on screen (issue 18): the office asks the district to move a case to another street's or
town's office, with the reason (services/case_transfer.py). The request travels up in the next
bundle; until the district answers, the case cannot be changed here. One unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from xihu_desk.gui import messages
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label
from xihu_desk.services import case_transfer
from xihu_desk.services.context import Actor


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseTransfer", text)


def banner_text(transfer: dict[str, Any] | None) -> str:
    """The line the case page shows for a case being or having been transferred, or ''."""
    if not transfer:
        return ""
    if transfer["direction"] == "in":
        return _tr("本案经区司法局同意由{a}移送本单位，原案号 {no}。").format(
            a=transfer["from_name"] or _tr("其他街道（镇）"), no=transfer["from_case_no"]
        )
    if transfer["status"] == "pending":
        return _tr("已于 {on} 申请移送至{b}，等待区司法局决定；决定前本案不能修改。").format(
            on=transfer["requested_on"], b=transfer["to_name"]
        )
    if transfer["status"] == "accepted":
        if transfer["direction"] == "district":
            return _tr("已于 {on} 同意由{a}移送至{b}。").format(
                on=transfer["decided_on"], a=transfer["from_name"], b=transfer["to_name"]
            )
        return _tr("已移送：{on} 经区司法局同意移送至{b}，本单位保留只读副本。").format(
            on=transfer["decided_on"], b=transfer["to_name"]
        )
    return _tr("{a}申请移送至{b}，未同意：{r}").format(
        a=transfer["from_name"], b=transfer["to_name"], r=transfer["refusal"]
    )


class TransferDialog(CaseSubDialog):
    """The receiving office and the reason; what will happen, said before it happens."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        detail: dict[str, Any],
        choices: case_transfer.Choices,
        parent: QWidget,
        done: Callable[[str, Any], None],
    ) -> None:
        super().__init__(ctx, _tr("移送 {no}").format(no=detail["case_no"]), parent, "cases/transfer_dialog")
        self.setObjectName("transferDialog")
        self.actor, self.detail, self.done_fn = actor, detail, done
        self.body.addWidget(
            label(
                _tr(
                    "申请随下一个数据包报送区司法局，决定前本案不能修改。同意后由接收单位以新编号办理"
                    "（原案号保留），本单位保留只读副本，统计计在结案的单位。"
                ),
                "muted",
                wrap=True,
            )
        )
        form = form_layout()
        self.office = QComboBox(self)
        self.office.setObjectName("toOffice")
        for code, name in choices.offices:
            self.office.addItem(name, code)
        self.office.setCurrentIndex(-1)
        add_field(form, self.errors, "to_org", _tr("接收的司法所"), self.office, True)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(_tr("如：双方当事人均居住在接收街道，纠纷发生地也在该街道"))
        self.reason.setFixedHeight(80)
        add_field(form, self.errors, "reason", _tr("理由"), self.reason, True)
        self.body.addLayout(form)
        self.save_button.setText(_tr("申请移送"))
        self.finish_layout(_tr("带 * 的为必填项"))
        # wide enough for the note at any text size (a wrapped label clipped at 150 % otherwise)
        self.setMinimumWidth(max(520, self.fontMetrics().horizontalAdvance("汉") * 36))

    def save(self) -> None:
        target = self.office.currentData()
        reason = self.reason.toPlainText()
        if not target:
            self.refuse("to_org", _tr("请选择接收的司法所。"))
            return
        if not reason.strip():
            self.refuse("reason", _tr("请写明移送的理由。"))
            return
        question = _tr("确定申请将 {no} 移送至{b}吗？区司法局决定前本案不能修改。").format(
            no=self.detail["case_no"], b=self.office.currentText()
        )
        if not messages.confirm(self, question, self.windowTitle()):
            return
        actor, uuid = self.actor, self.detail["uuid"]
        self.run(
            lambda s: case_transfer.request(s, actor.stamped(), uuid, target, reason),
            lambda row: self.done_fn(
                _tr("已申请移送至{b}：申请随下一个数据包报送区司法局，决定前本案不能修改。").format(b=row.to_name), row
            ),
        )
