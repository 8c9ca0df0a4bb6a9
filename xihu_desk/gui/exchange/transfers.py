"""移送申请 on the exchange page (issue 18; services/case_transfer.py).

At the district: the requests offices sent up, to accept (the receiving office owns the case from
then on) or refuse with a reason; either answer goes down in the next 生成下发数据包… to the offices
concerned. At an office: its own requests and the cases it received, with their state.

The list is the one paged list model (gui/paged.py): a page at a time from SQL, never every request
ever made; its first page and the counts come with the rest of the 数据交换 page in one read
(``show_first``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.roles import Perm
from xihu_desk.gui import columns, messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.dialogs import AskingDialog, AskingSlot
from xihu_desk.gui.listpage import list_view
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import case_transfer
from xihu_desk.services.context import Actor


class RefuseDialog(AskingDialog):
    """不同意移送: the reason, which the office that asked will read."""

    submitted = Signal(str)

    def __init__(self, case_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refuseTransferDialog")
        self.setWindowTitle(self.tr("不同意移送 {no}").format(no=case_no))
        box = QVBoxLayout(self)
        box.addWidget(
            label(self.tr("写明不同意的理由；决定随下一个“生成下发数据包…”发给申请单位，案件仍由其办理。"), wrap=True)
        )
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("refuseReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("如：纠纷发生地在本街道，请继续调解"))
        self.reason.setFixedHeight(80)
        box.addWidget(self.reason)
        self.finish(box, self.tr("不同意移送"), "refuseTransferButton", self._submit)
        self.setMinimumWidth(460)

    def _submit(self) -> None:
        text = self.reason.toPlainText().strip()
        if not text:
            self.error_label.setText(self.tr("请写明不同意移送的理由。"))
            return
        self.submitted.emit(text)


PAGE_SIZE = case_transfer.PAGE_SIZE
REASON, STATE = 4, 5
COLUMN_SAMPLES = ("（2026）北山人调字第0000号", "北山街道", "北山街道", "2026-12-31", None, "待区司法局决定")


def _tr(text: str) -> str:
    return QCoreApplication.translate("TransferListModel", text)


@dataclass(frozen=True)
class TransferFilter:
    """The list has one order (newest first); the fields are the ones every paged filter has."""

    sort: str = "requested_on"
    descending: bool = True


class TransferListModel(PagedListModel):
    roles = frozenset(
        {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole, UUID_ROLE}
    )
    unreadable_column = 0

    def __init__(self, ctx: AppContext, actor: Actor, parent: Any = None) -> None:
        super().__init__(ctx, actor, TransferFilter(), page_size=PAGE_SIZE, max_pages=20, parent=parent)
        self.headers = [_tr("案件"), _tr("申请单位"), _tr("接收单位"), _tr("申请日期"), _tr("理由"), _tr("状态")]
        self._colours = {
            case_transfer.PENDING: QColor(theme.DANGER),
            case_transfer.ACCEPTED: QColor(theme.SUCCESS),
        }

    def count_rows(self) -> int:
        return ops.read(self.ctx, self.actor, case_transfer.count)

    def read_rows(self, offset: int, limit: int) -> list[case_transfer.TransferRow]:
        return ops.read(self.ctx, self.actor, case_transfer.listing, offset=offset, limit=limit)

    def show_first(self, total: int, first_page: list[case_transfer.TransferRow]) -> None:
        """The count and first page read with the rest of the page: kept as read, nothing read here."""
        self._count_round += 1  # a count still running for the list before is dropped
        self.beginResetModel()
        self._pages.clear()
        self._pages[0] = first_page
        self._day = self.today()
        self.total = total
        self.exact, self.approximate = True, False
        self.endResetModel()

    def cell(self, row: case_transfer.TransferRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colours.get(row.status) if column == STATE else None
        state = row.status_label
        if row.new_case_no:
            state += _tr("（新编号 {no}）").format(no=row.new_case_no)
        if row.refusal:
            state += _tr("：{r}").format(r=row.refusal)
        cells = (row.from_case_no, row.from_name, row.to_name, row.requested_on, row.reason, state)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells[column] if column in (REASON, STATE) else None
        return cells[column]


class TransfersTab(QWidget):
    changed = Signal()  # a request was answered: the page reads everything again

    def __init__(self, ctx: AppContext, actor: Actor, deciding: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.deciding = ctx, actor, deciding
        self.pending = 0
        self.asking: AskingSlot[RefuseDialog] = AskingSlot(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 12, 14, 12)
        note = (
            self.tr(
                "各街道（镇）申请移送的案件。同意后案件改由接收单位管理；决定随下一个“生成下发数据包…”"
                "发给两个单位：接收单位收到完整案件，申请单位保留只读副本。"
            )
            if deciding
            else self.tr(
                "本单位申请移送的案件和移送来的案件。申请随下一个数据包报送区司法局，决定随区司法局的数据包到达。"
            )
        )
        box.addWidget(label(note, "muted", wrap=True))
        self.model = TransferListModel(ctx, actor, self)
        self.table = list_view("transfersTable")  # column widths from samples: never measured row by row
        self.table.setModel(self.model)
        columns.fit(self.table, "transfers", COLUMN_SAMPLES, stretch=REASON)
        box.addWidget(self.table, 1)
        self.empty = label(self.tr("没有移送申请。"), "muted")
        self.empty.setObjectName("transfersEmpty")
        box.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton(theme.icon("mdi6.check-circle-outline"), self.tr("同意移送"))
        self.accept_button.setObjectName("acceptTransferButton")
        self.refuse_button = QPushButton(theme.icon("mdi6.close-circle-outline"), self.tr("不同意…"))
        self.refuse_button.setObjectName("refuseTransferButton")
        for button in (self.accept_button, self.refuse_button):
            button.setVisible(deciding)
            buttons.addWidget(button)
        self.note = label("", wrap=True)
        self.note.setObjectName("transfersNote")
        buttons.addWidget(self.note, 1)
        box.addLayout(buttons)
        self.accept_button.clicked.connect(self.accept_selected)
        self.refuse_button.clicked.connect(self.ask_refuse)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def refresh(self) -> None:
        """Read the list on its own (the 数据交换 page reads it with the rest: ``show_first``)."""
        self.show_first(ops.read(self.ctx, self.actor, case_transfer.first_screen, PAGE_SIZE))

    def pending_count(self) -> int:
        return self.pending

    def show_first(self, first: case_transfer.FirstScreen) -> None:
        self.pending = first.pending
        self.model.show_first(first.total, first.rows)
        self._shown()

    def show_rows(self, rows: list[case_transfer.TransferRow]) -> None:
        """Show exactly these rows (a list known whole)."""
        self.show_first(
            case_transfer.FirstScreen(len(rows), sum(r.status == case_transfer.PENDING for r in rows), rows)
        )

    def _shown(self) -> None:
        any_rows = self.model.rowCount() > 0
        self.table.setVisible(any_rows)
        self.empty.setVisible(not any_rows)
        self._update_buttons()

    def selected(self) -> case_transfer.TransferRow | None:
        chosen = self.table.selectionModel().selectedRows()
        return self.model.row(chosen[0].row()) if chosen else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        may = self.actor.can(Perm.EXCHANGE) and self.ctx.db.write_blocked is None
        open_ = bool(may and chosen and chosen.status == case_transfer.PENDING)
        self.accept_button.setEnabled(open_)
        self.refuse_button.setEnabled(open_)

    def accept_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        question = self.tr("确定同意 {no} 由{a}移送至{b}吗？同意后案件改由{b}管理，不能撤回。").format(
            no=chosen.from_case_no, a=chosen.from_name, b=chosen.to_name
        )
        if not messages.confirm(self, question, self.tr("同意移送")):
            return
        ops.write(
            self.ctx,
            self.actor,
            case_transfer.accept,
            chosen.uuid,
            parent=self,
            on_ok=lambda row: self._done(
                self.tr("已同意 {no} 移送至{b}。请分别给{a}和{b}生成下发数据包。").format(
                    no=row.from_case_no, a=row.from_name, b=row.to_name
                )
            ),
        )

    def ask_refuse(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        dialog = RefuseDialog(chosen.from_case_no, self)
        dialog.submitted.connect(lambda reason, t=chosen: self._refuse(t, reason))
        self.asking.open(dialog)

    def _refuse(self, chosen: case_transfer.TransferRow, reason: str) -> None:
        def refused(row: Any) -> None:
            self.asking.done()
            self._done(
                self.tr("已决定不同意 {no} 移送。请给{a}生成下发数据包。").format(no=row.from_case_no, a=row.from_name)
            )

        ops.write(
            self.ctx,
            self.actor,
            case_transfer.refuse,
            chosen.uuid,
            reason,
            parent=self,  # not the dialog: it closes (and goes) as soon as the answer is saved
            on_ok=refused,
            on_error=self.asking.failed,
        )

    def _done(self, note: str) -> None:
        show_state(self.note, "ok", note)
        self.changed.emit()
