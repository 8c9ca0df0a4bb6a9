"""A case after closing, on screen (issue 14): 更正…, 重新调解…, 作废… and 由此新立案件…, each a
dialog that asks the reason (required) and a confirmation, then one unit of work on the runner
(services/case_lifecycle.py). ``add_actions`` puts them into a menu: the case form's 案件处理 button
and the case list's summary button and right-click menu."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label
from xihu_desk.services import case_lifecycle, case_queries
from xihu_desk.services.context import Actor

Done = Callable[[str, Any], None]  # (what happened, the service's result)


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseLifecycle", text)


def _reason_box(parent: QWidget, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit(parent)
    box.setObjectName("reason")
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(80)
    return box


class CorrectDialog(CaseSubDialog):
    """更正: one field of a closed (or returned) case, its value now, the corrected value, the reason."""

    def __init__(self, ctx: AppContext, actor: Actor, detail: dict[str, Any], parent: QWidget, done: Done) -> None:
        super().__init__(ctx, _tr("更正案件 {no}").format(no=detail["case_no"]), parent, "cases/correct_dialog")
        self.setObjectName("correctDialog")
        self.actor, self.detail, self.done_fn = actor, detail, done
        self.values = ops.read(ctx, actor, case_lifecycle.current_values, detail["uuid"])
        self.specs = {f["name"]: f for f in detail["correctable_fields"]}
        returned = detail.get("returned_for_correction") or []
        note = (
            _tr("区局退回补正：{c}").format(c="；".join(r["comment"] for r in returned))
            if returned
            else _tr(
                "更正后案件升一个版本，原内容、更正内容和理由记入案件历史和审计日志，随下一个数据包报送；"
                "已打印的文书内容有变化的，核验时显示“已被更正取代”，请重新打印。"
            )
        )
        self.body.addWidget(label(note, "muted", wrap=True))
        form = form_layout()
        self.field = QComboBox()
        self.field.setObjectName("correctField")
        for f in detail["correctable_fields"]:
            self.field.addItem(f["label"], f["name"])
        self.before = QPlainTextEdit()
        self.before.setObjectName("beforeValue")
        self.before.setReadOnly(True)
        self.before.setFixedHeight(60)
        self.line = QLineEdit()
        self.line.setObjectName("newValueLine")
        self.text = QPlainTextEdit()
        self.text.setObjectName("newValueText")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(90)
        self.editor = QStackedWidget()
        self.editor.addWidget(self.line)
        self.editor.addWidget(self.text)
        self.editor.setFixedHeight(90)
        self.reason = _reason_box(self, _tr("如：签字时当事人指出姓名写错，按身份证更正"))
        add_field(form, self.errors, "field", _tr("更正项目"), self.field, True)
        add_field(form, self.errors, "before", _tr("原内容"), self.before)
        add_field(form, self.errors, "value", _tr("更正为"), self.editor, True, focus=self.line)
        add_field(form, self.errors, "reason", _tr("更正理由"), self.reason, True)
        self.body.addLayout(form)
        self.save_button.setText(_tr("更正"))
        self.finish_layout(_tr("带 * 的为必填项"))
        self.setMinimumWidth(560)
        self.field.currentIndexChanged.connect(self._field_changed)
        self._field_changed()

    def _field_changed(self) -> None:
        name = self.field.currentData()
        spec = self.specs.get(name, {})
        current = self.values.get(name, "")
        self.before.setPlainText(current)
        many = spec.get("kind") in ("longtext", "clauses")
        self.editor.setCurrentWidget(self.text if many else self.line)
        if many:
            self.text.setPlainText(current)
        else:
            self.line.setText(current)
        hints = {
            "date": _tr("日期，如 2026-03-05"),
            "money": _tr("金额（元），如 3000 或 1250.50"),
            "clauses": _tr("每行一条协议条款"),
            "code": _tr("代码或名称"),
        }
        (self.text if many else self.line).setPlaceholderText(hints.get(spec.get("kind", ""), ""))

    def value(self) -> str:
        return self.text.toPlainText() if self.editor.currentWidget() is self.text else self.line.text()

    def save(self) -> None:
        name, value, reason = self.field.currentData(), self.value(), self.reason.toPlainText()
        if not reason.strip():
            self.refuse("reason", _tr("请写明更正的理由。"))
            return
        label_text = self.field.currentText()
        if not messages.confirm(
            self,
            _tr("将“{f}”更正为：\n{v}\n\n理由：{r}\n\n确定更正吗？").format(
                f=label_text, v=value.strip() or _tr("（空）"), r=reason.strip()
            ),
            _tr("更正案件"),
        ):
            return
        uuid, actor, loaded = self.detail["uuid"], self.actor, self.detail["version"]
        self.run(  # refused when another desk changed the case since the values shown were read
            lambda s: case_lifecycle.correct(s, actor, uuid, [(name, value)], reason, loaded_version=loaded),
            lambda version: self.done_fn(_tr("已更正“{f}”（第 {v} 版）。").format(f=label_text, v=version), version),
        )


class ReasonDialog(CaseSubDialog):
    """重新调解 / 作废 / 由此新立案件: what will happen, the reason, a confirmation."""

    def __init__(
        self,
        ctx: AppContext,
        title: str,
        explain: str,
        action: str,
        question: str,
        parent: QWidget,
        work: Callable[[Any, str], Any],
        done: Callable[[Any], None],
        placeholder: str = "",
    ) -> None:
        super().__init__(ctx, title, parent, "cases/reason_dialog")
        self.setObjectName("reasonDialog")
        self.question, self.work, self.done_fn = question, work, done
        self.body.addWidget(label(explain, "muted", wrap=True))
        form = form_layout()
        self.reason = _reason_box(self, placeholder)
        add_field(form, self.errors, "reason", _tr("理由"), self.reason, True)
        self.body.addLayout(form)
        self.save_button.setText(action)
        self.finish_layout(_tr("带 * 的为必填项"))
        self.setMinimumWidth(480)

    def save(self) -> None:
        reason = self.reason.toPlainText()
        if not reason.strip():
            self.refuse("reason", _tr("请写明理由。"))
            return
        if not messages.confirm(
            self, self.question + "\n\n" + _tr("理由：{r}").format(r=reason.strip()), self.windowTitle()
        ):
            return
        work = self.work
        self.run(lambda s: work(s, reason), self.done_fn)


class HistoryDialog(QDialog):
    """案件历史: every version changed after the fact — who, when, what (before → after), why."""

    def __init__(self, detail: dict[str, Any], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle(_tr("案件历史 {no}").format(no=detail["case_no"]))
        heads = [
            _tr("版本"),
            _tr("时间"),
            _tr("经办人"),
            _tr("操作"),
            _tr("项目"),
            _tr("原内容"),
            _tr("改为"),
            _tr("理由"),
        ]
        self.table = QTableWidget(len(detail["history"]), len(heads))
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, h in enumerate(detail["history"]):
            values = (
                str(h["version"]),
                h["at"],
                h["by"],
                h["action_label"],
                h["field_label"],
                h["before"],
                h["after"],
                h["reason"],
            )
            for col, text in enumerate(values):
                item = QTableWidgetItem(text.replace("\n", "；"))
                item.setToolTip(text)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        for col in (5, 6, 7):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), 260))
        close = QPushButton(_tr("关闭"))
        close.clicked.connect(self.accept)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(980, 360)


def open_dialog(
    kind: str, ctx: AppContext, actor: Actor, detail: dict[str, Any], parent: QWidget, done: Done
) -> QDialog:
    """The dialog of one action (correct, reopen, void, link, history) on the case ``detail``, shown."""
    uuid, no = detail["uuid"], detail["case_no"]
    if kind == "history":
        history = HistoryDialog(detail, parent)
        history.open()
        return history
    if kind == "escalate":  # 提级/移交 (gui/cases/escalate.py, issue 18)
        from xihu_desk.gui.cases.escalate import EscalateDialog
        from xihu_desk.services import escalation

        dialog: CaseSubDialog = EscalateDialog(
            ctx, actor, detail, ops.read(ctx, actor, escalation.choices, uuid), parent, done
        )
    elif kind == "transfer":  # 移送 to another street's office (gui/cases/transfer.py, issue 18)
        from xihu_desk.gui.cases.transfer import TransferDialog
        from xihu_desk.services import case_transfer

        dialog = TransferDialog(ctx, actor, detail, ops.read(ctx, actor, case_transfer.choices, uuid), parent, done)
    elif kind == "correct":
        dialog = CorrectDialog(ctx, actor, detail, parent, done)
    elif kind == "reopen":
        dialog = ReasonDialog(
            ctx,
            _tr("重新调解 {no}").format(no=no),
            _tr(
                "案件回到“调解中”，编号不变，调解期限自今日起重新计算；原调解结果、结案报告和协议内容保留在案件历史中。"
                "适用于协议未履行等需要再次调解的情形。"
            ),
            _tr("重新调解"),
            _tr("确定将 {no} 重新调解吗？").format(no=no),
            parent,
            lambda s, r: case_lifecycle.reopen(s, actor, uuid, r),
            lambda result: done(_tr("已重新调解，案件回到“调解中”。"), result),
            _tr("如：被申请人未按协议履行，申请人要求再次调解"),
        )
    elif kind == "void":
        dialog = ReasonDialog(
            ctx,
            _tr("作废 {no}").format(no=no),
            _tr(
                "作废用于误登记的案件：编号保留不再使用，案件不再计入任何统计和台账，列表和案件中都显示作废理由。"
                "作废后不能再修改。"
            ),
            _tr("作废"),
            _tr("确定作废 {no} 吗？作废后不能撤销。").format(no=no),
            parent,
            lambda s, r: case_lifecycle.void(s, actor, uuid, r),
            lambda result: done(_tr("案件已作废。"), result),
            _tr("如：同一纠纷重复登记"),
        )
    else:
        dialog = ReasonDialog(
            ctx,
            _tr("由 {no} 新立案件").format(no=no),
            _tr("以本案的当事人、纠纷类型和调解员新立一件案件（新编号，今日受理），两件案件互相关联。"),
            _tr("新立案件"),
            _tr("确定由 {no} 新立一件案件吗？").format(no=no),
            parent,
            lambda s, r: case_lifecycle.open_linked(s, actor, uuid, r),
            lambda ref: done(_tr("已新立案件 {no}。").format(no=ref.case_no), ref),
            _tr("如：协议履行后又发生新的纠纷"),
        )
    dialog.open()
    return dialog


def add_actions(menu: QMenu, ctx: AppContext, actor: Actor, parent: QWidget, uuid: str | None, done: Done) -> None:
    """更正…, 重新调解…, 作废…, 由此新立案件… for the case ``uuid``, each enabled when this user may."""
    detail = None
    if uuid:
        try:
            detail = ops.read(ctx, actor, case_queries.case_detail, uuid)
        except UserError:
            detail = None
    entries = (
        (
            "correct",
            _tr("更正…"),
            "mdi6.pencil-box-outline",
            bool(detail and detail["correctable_fields"]),
            (detail or {}).get("correction_refusal"),
        ),
        (
            "reopen",
            _tr("重新调解…"),
            "mdi6.restore",
            bool(detail and detail["may_reopen"]),
            _tr("已结案的案件才能重新调解"),
        ),
        ("void", _tr("作废…"), "mdi6.cancel", bool(detail and detail["may_void"]), ""),
        ("link", _tr("由此新立案件…"), "mdi6.folder-plus-outline", bool(detail and detail["may_link"]), ""),
        ("escalate", _tr("提级/移交…"), "mdi6.arrow-up-bold-box-outline", *_may_escalate(ctx, actor, uuid)),
        ("transfer", _tr("移送…"), "mdi6.swap-horizontal-bold", *_may_transfer(ctx, actor, uuid)),
        (
            "history",
            _tr("案件历史…"),
            "mdi6.history",
            bool(detail and detail["history"]),
            _tr("本案尚无更正等历史记录"),
        ),
    )
    for kind, text, icon, enabled, why in entries:
        if kind == "history":
            menu.addSeparator()
        action = menu.addAction(theme.icon(icon), text)
        action.setObjectName(f"{kind}Action")
        action.setEnabled(enabled)
        if not enabled and why:
            action.setToolTip(why)
        if detail is not None and enabled:
            action.triggered.connect(lambda _c=False, k=kind, d=detail: open_dialog(k, ctx, actor, d, parent, done))
    menu.setToolTipsVisible(True)


def _may_escalate(ctx: AppContext, actor: Actor, uuid: str | None) -> tuple[bool, str]:
    """Whether 提级/移交 is open for the case now, and why not (services/escalation.choices)."""
    if not uuid:
        return False, ""
    from xihu_desk.services import escalation

    try:
        choices = ops.read(ctx, actor, escalation.choices, uuid)
    except UserError:
        return False, ""
    if choices.allowed and not choices.committees:
        return False, _tr("本单位没有其他调委会可以接收")
    return choices.allowed, choices.why


def _may_transfer(ctx: AppContext, actor: Actor, uuid: str | None) -> tuple[bool, str]:
    """Whether 移送 may be asked for the case now, and why not (services/case_transfer.choices)."""
    if not uuid:
        return False, ""
    from xihu_desk.services import case_transfer

    try:
        choices = ops.read(ctx, actor, case_transfer.choices, uuid)
    except UserError:
        return False, ""
    return choices.allowed, choices.why


def lifecycle_menu(
    ctx: AppContext, actor: Actor, parent: QWidget, uuid_of: Callable[[], str | None], done: Done
) -> QMenu:
    """A 案件处理 menu filled each time it opens, for the case ``uuid_of()`` names then."""
    menu = QMenu(_tr("案件处理"), parent)
    menu.setObjectName("lifecycleMenu")

    def refill() -> None:
        menu.clear()
        add_actions(menu, ctx, actor, parent, uuid_of(), done)

    menu.aboutToShow.connect(refill)
    return menu
