"""议题和合同: the office's list of meeting items and contracts beside the register, each line marked
against it (已审查 / 审查中 / 先上会后审查 / 应审未审 / 无需审查); imported from the office's Excel
list the way the register's ledger is (a dry run, then the rows confirmed), exported with the marks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import write_file
from xihu_desk.gui.widgets import label
from xihu_desk.services import review_matters
from xihu_desk.services.context import Actor

FLAG = QColor("#fde2e1")  # 应审未审
LATE = QColor("#fff4d6")  # 先上会（签订）后审查


def ask_reason(parent: QWidget, title: str, prompt: str) -> str:
    text, ok = QInputDialog.getText(parent, title, prompt)
    return text.strip() if ok else ""


class MattersView(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        choose_open_file: Callable[[QWidget, str, str], str],
        choose_save_file: Callable[[QWidget, str, str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.choose_open_file, self.choose_save_file = choose_open_file, choose_save_file
        self.ask_reason: Callable[[QWidget, str, str], str] = ask_reason
        self.rows: list[review_matters.MatterRow] = []
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        bar = QHBoxLayout()
        can_edit = actor.can(Perm.EDIT_REVIEWS)
        self.import_button = QPushButton(theme.icon("mdi6.file-import-outline"), self.tr("导入清单…"))
        self.import_button.setToolTip(self.tr("导入本单位的会议议题清单或合同台账（Excel），与审查台账对照"))
        self.import_button.setEnabled(can_edit)
        self.export_button = QPushButton(theme.icon("mdi6.file-export-outline"), self.tr("导出…"))
        self.exempt_button = QPushButton(theme.icon("mdi6.checkbox-marked-circle-outline"), self.tr("标记无需审查…"))
        self.exempt_button.setEnabled(False)
        self.only_missing = QCheckBox(self.tr("只看应审未审"))
        for w in (self.import_button, self.export_button, self.exempt_button, self.only_missing):
            bar.addWidget(w)
        bar.addStretch(1)
        box.addLayout(bar)
        self.summary = label("", "muted", wrap=True)
        box.addWidget(self.summary)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("mattersTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("会议（签订）日期"),
                self.tr("类型"),
                self.tr("事项名称"),
                self.tr("承办单位"),
                self.tr("会议"),
                self.tr("审查情况"),
                self.tr("对应审查事项"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        box.addWidget(self.table, 1)
        self.import_button.clicked.connect(self.import_list)
        self.export_button.clicked.connect(self.export_list)
        self.exempt_button.clicked.connect(self.mark_exempt)
        self.only_missing.toggled.connect(lambda _on: self.refresh())
        self.table.itemSelectionChanged.connect(self._selected)
        self._loaded = False

    def showEvent(self, event) -> None:
        # Read again each time the tab is shown: an item registered meanwhile clears its line's flag.
        super().showEvent(event)
        self._loaded = True
        self.refresh()

    def refresh(self) -> None:
        rows = ops.read(self.ctx, self.actor, review_matters.list_matters)
        missing = sum(r.state == "missing" for r in rows)
        self.rows = [r for r in rows if r.state == "missing"] if self.only_missing.isChecked() else rows
        self.summary.setText(
            self.tr(
                "清单共 {n} 项，应审未审 {m} 项（红色）。按审查编号或事项名称与审查台账对照；"
                "应审未审计入统计的应审查数，审查率 = 已审查 ÷ 应审查。"
            ).format(n=len(rows), m=missing)
            if rows
            else self.tr(
                "尚未导入会议议题或合同清单。点“导入清单…”选择 Excel 文件（须有事项名称和会议或签订日期两列）。"
            )
        )
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            cells = [str(r.matter_on), r.kind_label, r.title, r.unit, r.meeting, r.state_label, r.review_number]
            for j, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if r.state == "missing":
                    cell.setBackground(QBrush(FLAG))
                elif r.state == "late":
                    cell.setBackground(QBrush(LATE))
                if j == 2:
                    cell.setToolTip(r.title + (f"\n{r.note}" if r.note else ""))
                self.table.setItem(i, j, cell)
        self._selected()

    def current(self) -> review_matters.MatterRow | None:
        i = self.table.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) and self.table.selectedItems() else None

    def _selected(self) -> None:
        r = self.current()
        self.exempt_button.setEnabled(self.actor.can(Perm.EDIT_REVIEWS) and r is not None and r.needs_review)

    def mark_exempt(self) -> None:
        r = self.current()
        if r is None:
            return
        reason = self.ask_reason(
            self, self.tr("标记无需审查"), self.tr("“{t}”无需合法性审查的理由：").format(t=r.title)
        )
        if not reason:
            return
        ops.write(
            self.ctx,
            self.actor,
            review_matters.set_needs_review,
            r.uuid,
            False,
            reason,
            parent=self,
            on_ok=lambda _r: self.refresh(),
        )

    def import_list(self) -> None:
        from xihu_desk.gui.reviews import importing

        importing.start(
            self,
            review_matters.import_list,
            title=self.tr("选择会议议题清单或合同台账"),
            noun=self.tr("清单"),
            then=lambda _report: self.refresh(),
        )

    def export_list(self) -> None:
        path = self.choose_save_file(
            self,
            self.tr("导出会议议题和合同清单"),
            self.tr("议题和合同清单_{d}.xlsx").format(d=clock.local_today().strftime("%Y%m%d")),
        )
        if not path:
            return
        ops.read(
            self.ctx,
            self.actor,
            lambda session, actor: write_file(path, review_matters.export_list(session, actor)),
            label=self.tr("正在导出清单…"),
            parent=self,
            on_ok=lambda p: messages.info(self, self.tr("已导出：{p}").format(p=p)),
        )
