"""Forks on the exchange page (接收下级数据): a child whose bundles no longer continue the line held
here, typically because it restored a backup. Nothing of a forked bundle was written; the panel says
so and offers the two ways out: a receipt that re-bases the child (it takes the receipt and exports
again), or, for a system administrator, accepting the child's new line and importing the bundle.

Hidden while there is no open fork: an empty box looks unfinished.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.exchange.files import FileDialogs
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.widgets import label
from xihu_desk.services import exchange
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange import ForkRow


class ForkPanel(QGroupBox):
    changed = Signal()  # a fork was resolved or a bundle imported: the page reads everything again

    def __init__(
        self, ctx: AppContext, actor: Actor, files: Callable[[], FileDialogs], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("分叉：下级的数据包与本单位已导入的不衔接"))
        self.setObjectName("forkPanel")
        self.ctx, self.actor, self.files = ctx, actor, files  # the page's file dialogs, as they are at the time
        self.rows: list[ForkRow] = []
        self.setVisible(False)
        box = QVBoxLayout(self)
        what = label(
            self.tr(
                "这通常是因为该单位恢复过备份：它的数据包序号从备份时的位置重新开始，与本单位已导入的不衔接，"
                "因此被拒绝，没有写入任何数据。处理办法任选其一：\n"
                "① 把拒绝时在数据包旁写出的重新对齐回执（或用“生成重新对齐回执…”另写一份）交给该单位，"
                "对方“登记回执”后重新导出数据包，再在这里导入；\n"
                "② 由系统管理员“接受新序列并导入”：本单位此前收到的、分叉处之后的数据包作废（其中的记录保留），"
                "随即导入对方的新数据包；与本单位已有记录冲突的记录会被隔离，回执交回后对方会自动改正再报送。"
            ),
            wrap=True,
        )
        what.setObjectName("forkAdvice")
        box.addWidget(what)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("forkTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("下级单位"),
                self.tr("分叉的数据包"),
                self.tr("双方共有的最后一个"),
                self.tr("发现时间"),
                self.tr("数据包文件"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        box.addWidget(self.table)
        buttons = QHBoxLayout()
        self.resync_button = QPushButton(
            theme.icon("mdi6.receipt-text-arrow-left-outline"), self.tr("生成重新对齐回执…")
        )
        self.resync_button.setObjectName("forkResyncButton")
        self.accept_button = QPushButton(theme.icon("mdi6.source-branch-check"), self.tr("接受新序列并导入"))
        self.accept_button.setObjectName("forkAcceptButton")
        self.admin = actor.can(Perm.MANAGE_DATA) and actor.can(Perm.EXCHANGE)
        if not self.admin:
            self.accept_button.setToolTip(self.tr("接受新序列需要系统管理员操作。"))
        for button in (self.resync_button, self.accept_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.resync_button.clicked.connect(self.write_resync)
        self.accept_button.clicked.connect(self.accept_new_line)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    def show_rows(self, rows: list[ForkRow]) -> None:
        chosen = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, f in enumerate(rows):
            good = (
                self.tr("第 {n} 号").format(n=f.last_good)
                if f.last_good
                else (self.tr("（无）") if f.last_good == 0 else self.tr("不衔接任何已导入的数据包"))
            )
            cells = (
                f.sender_name,
                self.tr("第 {n} 号").format(n=f.sequence),
                good,
                local_time(f.detected_at),
                Path(f.file).name if f.file else "",
            )
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if c == 4:
                    item.setToolTip(f.file)
                self.table.setItem(r, c, item)
        keep = next((r for r, f in enumerate(rows) if chosen and f.id == chosen.id), 0 if rows else -1)
        if keep >= 0:
            self.table.selectRow(keep)
        self.setVisible(bool(rows))
        self._update_buttons()

    def selected(self) -> ForkRow | None:
        picked = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[picked[0].row()] if picked and picked[0].row() < len(self.rows) else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        blocked = self.ctx.db.write_blocked is not None
        self.resync_button.setEnabled(chosen is not None and not blocked)
        self.accept_button.setEnabled(chosen is not None and self.admin and not blocked)

    def write_resync(self) -> None:
        chosen = self.selected()
        folder = self.files().export_folder(self) if chosen else None
        if chosen is None or folder is None:
            return
        ops.call(
            self.ctx,
            self.actor,
            exchange.resync_receipt,
            chosen.sender,
            folder,
            label=self.tr("正在生成重新对齐回执…"),
            parent=self,
            on_ok=lambda path: messages.info(
                self,
                self.tr("重新对齐回执已写入：\n{path}\n\n请交给{org}，对方“登记回执”后重新导出数据包。").format(
                    path=path, org=chosen.sender_name
                ),
                self.tr("回执已生成"),
            ),
        )

    def accept_new_line(self) -> None:
        chosen = self.selected()
        if chosen is None or not messages.confirm(
            self,
            self.tr(
                "接受{org}自第 {n} 号起的新序列？\n\n本单位此前收到的该单位第 {n} 号及以后的数据包将作废（其中的记录保留），"
                "随后导入对方的新数据包。此操作记入审计日志。"
            ).format(org=chosen.sender_name, n=(chosen.last_good or 0) + 1),
            self.tr("接受新序列"),
        ):
            return
        ops.call(
            self.ctx,
            self.actor,
            exchange.resolve_fork_and_import,
            chosen.sender,
            with_data=True,
            with_progress=True,
            label=self.tr("正在接受新序列并导入…"),
            parent=self,
            on_ok=self._accepted,
        )

    def _accepted(self, done: tuple[exchange.ForkResolution, Any]) -> None:
        resolution, imported = done
        head = self.tr("已接受{org}自第 {n} 号起的新序列。").format(
            org=resolution.sender_name, n=resolution.last_good + 1
        )
        if imported is None:
            messages.warning(
                self,
                head + "\n\n" + self.tr("分叉的数据包文件已不在原处，请用“导入数据包…”导入对方的数据包。"),
                self.tr("新序列已接受"),
            )
        elif isinstance(imported, str):
            messages.error(
                self, head + "\n\n" + self.tr("导入被拒绝：{reason}").format(reason=imported), self.tr("未导入")
            )
        else:
            messages.info(self, head + "\n\n" + imported.text(), self.tr("新序列已接受"))
        self.changed.emit()
