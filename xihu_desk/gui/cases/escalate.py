"""提级/移交 on screen (issue 18): the case moves to another committee of this office (the
street's committee, a specialised one), with the reason; it takes that committee's number and
its former number stays in the case history (services/escalation.py). One unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from xihu_desk.gui import messages
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label
from xihu_desk.services import escalation
from xihu_desk.services.context import Actor


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseEscalate", text)


class EscalateDialog(CaseSubDialog):
    """The receiving committee, the reason, what will happen to the number; earlier moves listed."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        detail: dict[str, Any],
        choices: escalation.Choices,
        parent: QWidget,
        done: Callable[[str, Any], None],
    ) -> None:
        super().__init__(ctx, _tr("提级/移交 {no}").format(no=detail["case_no"]), parent, "cases/escalate_dialog")
        self.setObjectName("escalateDialog")
        self.actor, self.detail, self.done_fn = actor, detail, done
        self.body.addWidget(
            label(
                _tr(
                    "案件改由所选调委会承办，取得该调委会的新编号；原编号、理由和日期记入案件历史，"
                    "用原编号仍可查到本案。两个调委会都能看到本案，统计只计一次，计在结案的调委会。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.body.addWidget(label(_tr("现承办：{c}").format(c=detail.get("committee", "")), "", wrap=True))
        form = form_layout()
        self.committee = QComboBox(self)
        self.committee.setObjectName("toCommittee")
        for uuid, name, kind in choices.committees:
            self.committee.addItem(f"{name}（{kind}）", uuid)
        add_field(form, self.errors, "to_committee", _tr("接收的调委会"), self.committee, True)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(_tr("如：涉及两个社区的居民，社区调委会调解未果"))
        self.reason.setFixedHeight(80)
        add_field(form, self.errors, "reason", _tr("理由"), self.reason, True)
        self.body.addLayout(form)
        if choices.moves:
            lines = [
                _tr("{on} {kind}：{a} → {b}（{r}）").format(
                    on=m.escalated_on, kind=m.kind_label, a=m.from_committee, b=m.to_committee, r=m.reason
                )
                for m in choices.moves
            ]
            self.body.addWidget(label(_tr("此前：") + "；".join(lines), "muted", wrap=True))
        self.save_button.setText(_tr("提级/移交"))
        self.finish_layout(_tr("带 * 的为必填项"))
        self.setMinimumWidth(520)

    def save(self) -> None:
        target = self.committee.currentData()
        reason = self.reason.toPlainText()
        if not target:
            self.refuse("to_committee", _tr("请选择接收的调委会。"))
            return
        if not reason.strip():
            self.refuse("reason", _tr("请写明提级或移交的理由。"))
            return
        question = _tr("确定将 {no} 提级/移交至“{c}”吗？案件将取得该调委会的新编号。").format(
            no=self.detail["case_no"], c=self.committee.currentText()
        )
        if not messages.confirm(self, question, self.windowTitle()):
            return
        actor, uuid = self.actor, self.detail["uuid"]
        self.run(
            lambda s: escalation.escalate(s, actor.stamped(), uuid, target, reason),
            lambda row: self.done_fn(
                _tr("已提级/移交至“{c}”，新编号 {no}。").format(c=row.to_committee, no=row.to_case_no), row
            ),
        )
