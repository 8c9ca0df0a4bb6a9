"""退回补正 on the exchange page: the records an upper level returned for correction (and, for a
node with children, the ones it returned itself).

A node with children returns a case by its number with a comment; the request goes down in the
next downward bundle (生成下发数据包…). A node with a parent sees what came down, corrects the case
in 案件 (the fix goes up in its next bundle) and marks the request done here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.errors import FieldError, NotFound, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.dialogs import AskingSlot, ReturnDialog
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.widgets import label, readonly_table, show_state
from xihu_desk.services import cases, exchange
from xihu_desk.services.context import Actor
from xihu_desk.services.node import NodeInfo

translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls


def find_case(session: Any, actor: Actor, case_no: str) -> str:
    """The uuid of the case with this number or uuid: the one lookup of services/cases, which refuses
    a number two committees once shared (listing each with its uuid)."""
    try:
        return cases.find_case_uuid(session, case_no)
    except NotFound:
        raise FieldError(
            "case_no",
            translate("exchange", "找不到案号为“{case_no}”的案件。请从“案件”中复制完整案号。").format(case_no=case_no),
        ) from None
    except UserError as exc:
        raise FieldError("case_no", exc.message) from None


class CorrectionsTab(QWidget):
    changed = Signal()  # a request was returned or resolved: the page reads everything again

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        info: NodeInfo,
        has_parent: bool,
        has_children: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.info = ctx, actor, info
        self.has_parent, self.has_children = has_parent, has_children
        self.rows: list[dict[str, Any]] = []
        self.asking: AskingSlot[ReturnDialog] = AskingSlot(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 12, 14, 12)
        notes = []
        if has_parent:
            notes.append(
                self.tr(
                    "上级退回补正的案件：请在“案件”中按要求改正，改正后的案件随下一个数据包报送；"
                    "改好后在这里标记已补正。"
                )
            )
        if has_children:
            notes.append(self.tr("本单位退回下级补正的案件：补正要求随下一个“生成下发数据包…”发给该单位。"))
        box.addWidget(label("\n".join(notes), "muted", wrap=True))
        self.table = readonly_table(
            [
                self.tr("方向"),
                self.tr("案件"),
                self.tr("补正要求"),
                self.tr("提出单位"),
                self.tr("退回时间"),
                self.tr("状态"),
            ],
            "correctionsTable",
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)  # the comment column takes the room instead
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.empty = label(self.tr("没有退回补正的案件。"), "muted")
        self.empty.setObjectName("correctionsEmpty")
        box.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.return_button = QPushButton(theme.icon("mdi6.file-undo-outline"), self.tr("退回补正…"))
        self.return_button.setObjectName("returnForCorrectionButton")
        self.resolve_button = QPushButton(theme.icon("mdi6.check-circle-outline"), self.tr("标记已补正"))
        self.resolve_button.setObjectName("resolveCorrectionButton")
        for button, wanted in ((self.return_button, has_children), (self.resolve_button, has_parent)):
            button.setVisible(wanted)
            buttons.addWidget(button)
        self.note = label("", wrap=True)
        self.note.setObjectName("correctionsNote")
        buttons.addWidget(self.note, 1)
        box.addLayout(buttons)
        blocked = ctx.db.write_blocked is not None
        if not actor.can(Perm.VIEW_CASES) or blocked:
            self.return_button.setEnabled(False)
            self.return_button.setToolTip(
                self.tr("退回补正需要查看案件的权限（区局工作人员或所长）。") if not blocked else ""
            )
        self.return_button.clicked.connect(self.ask_return)
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    # -- reading ----------------------------------------------------------------------------------

    def is_ours(self, row: dict[str, Any]) -> bool:
        """Returned by this node (the service names peers only; our own id stands for us)."""
        return row["from"] in (self.info.node_id, self.info.org_name)

    def open_count(self) -> int:
        return sum(1 for r in self.rows if not r["resolved_at"] and not self.is_ours(r))

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        red, green = QColor(theme.DANGER), QColor(theme.SUCCESS)
        for r, row in enumerate(rows):
            ours = self.is_ours(row)
            if row["resolved_at"]:
                state, colour = self.tr("已补正（{at}）").format(at=local_time(row["resolved_at"])), green
            else:
                state, colour = self.tr("待补正"), red
            cells = (
                self.tr("发出") if ours else self.tr("收到"),
                row["label"],
                row["comment"],
                self.info.org_name if ours else row["from"],
                local_time(row["created_at"]),
                state,
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c == 2:
                    item.setToolTip(row["comment"])
                if c == 5:
                    item.setForeground(colour)
                self.table.setItem(r, c, item)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self._update_buttons()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        may = self.actor.can(Perm.EDIT_CASES) and self.ctx.db.write_blocked is None
        self.resolve_button.setEnabled(bool(may and chosen and not chosen["resolved_at"] and not self.is_ours(chosen)))
        self.resolve_button.setToolTip(
            "" if self.actor.can(Perm.EDIT_CASES) else self.tr("标记已补正需要编辑案件的权限（所长或调解员）。")
        )

    # -- acting -----------------------------------------------------------------------------------

    @property
    def dialog(self) -> ReturnDialog | None:
        return self.asking.dialog

    def ask_return(self) -> None:
        dialog = ReturnDialog(self)
        dialog.submitted.connect(self._return)
        self.asking.open(dialog)

    def _return(self, case_no: str, comment: str) -> None:
        actor = self.actor

        def work(session: Any) -> str:
            uuid = find_case(session, actor, case_no)
            exchange.return_for_correction(session, actor, uuid, comment)
            return case_no

        ops.write_unit(
            self.ctx,
            work,
            parent=self,
            on_ok=self._returned,
            on_error=self.asking.failed,
        )

    def _returned(self, case_no: str) -> None:
        self.asking.done()
        self._done(
            self.tr("已退回 {case_no} 补正。补正要求随下一个“生成下发数据包…”发给该单位。").format(case_no=case_no)
        )

    def resolve_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        ops.write(
            self.ctx,
            self.actor,
            exchange.resolve_correction,
            chosen["id"],
            parent=self,
            on_ok=lambda _r: self._done(self.tr("{label} 已标记为已补正。").format(label=chosen["label"])),
        )

    def _done(self, note: str) -> None:
        show_state(self.note, "ok", note)
        self.changed.emit()
