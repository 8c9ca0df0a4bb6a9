"""卷宗评查: the cases closed in a period scored against the criteria (services/casefile_review.py),
lowest score first; a case's every lost point below; the workbook of the annual check saved. The
scoring runs on the runner's DB thread with progress and can be cancelled."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QSplitter, QTableWidgetItem, QVBoxLayout, QWidget

from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import fit_to_screen
from xihu_desk.gui.kit.dates import date_edit, date_of, set_date
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import casefile_review
from xihu_desk.services.context import Actor


class CasefileReviewDialog(QDialog):
    scored = Signal(object)  # the Review shown

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        files: FileDialogs,
        period: tuple[date, date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.files = ctx, actor, files
        self.review: casefile_review.Review | None = None
        self.setObjectName("casefileReviewDialog")
        self.setWindowTitle(self.tr("卷宗评查"))
        box = QVBoxLayout(self)
        box.setContentsMargins(18, 14, 18, 14)
        box.addWidget(
            label(
                self.tr(
                    "按评查标准逐件检查所选期间结案的卷宗：受理、告知、身份证明、记录、协议、按期办结、回访、"
                    "材料和归档，每一处扣分都写明原因和卷内目录的项次。得分低的排在前面。"
                ),
                "muted",
                wrap=True,
            )
        )
        row = QHBoxLayout()
        self.date_from, self.date_to = date_edit(), date_edit()
        self.date_from.setObjectName("reviewFrom")
        self.date_to.setObjectName("reviewTo")
        set_date(self.date_from, period[0])
        set_date(self.date_to, period[1])
        self.run_button = QPushButton(theme.icon("mdi6.clipboard-check-outline"), self.tr("评查"))
        self.run_button.setObjectName("runReview")
        self.run_button.setProperty("kind", "primary")
        self.run_button.clicked.connect(self.run)
        self.save_button = QPushButton(theme.icon("mdi6.microsoft-excel"), self.tr("保存评查表…"))
        self.save_button.setObjectName("saveReview")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        row.addWidget(label(self.tr("结案日期"), "muted"))
        row.addWidget(self.date_from)
        row.addWidget(label(self.tr("至")))
        row.addWidget(self.date_to)
        row.addWidget(self.run_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        box.addLayout(row)
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("reviewSummary")
        box.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        self.cases = readonly_table(
            [self.tr("得分"), self.tr("案号"), self.tr("案件名称"), self.tr("承办调解员"), self.tr("结案日期")],
            "reviewCases",
        )
        self.cases.itemSelectionChanged.connect(self._show_defects)
        self.defects = readonly_table([self.tr("扣分"), self.tr("评查项目"), self.tr("问题")], "reviewDefects")
        split.addWidget(self.cases)
        split.addWidget(self.defects)
        split.setSizes([300, 160])
        box.addWidget(split, 1)
        self.result_line = label("", "muted")
        self.result_line.setObjectName("reviewResult")
        box.addWidget(self.result_line)
        fit_to_screen(self, 70, 40)

    def _period(self) -> tuple[date, date] | None:
        first, last = date_of(self.date_from), date_of(self.date_to)
        if first is None or last is None:
            self.summary.setText(self.tr("请填写结案日期的起止。"))
            return None
        return first, last

    def _templates(self) -> Path | None:
        folder = self.ctx.data.root / "templates"
        return folder if folder.is_dir() else None

    def run(self) -> None:
        period = self._period()
        if period is None:
            return
        ops.read(
            self.ctx,
            self.actor,
            casefile_review.review,
            *period,
            templates=self._templates(),
            with_progress=True,
            on_ok=self._show,
            on_error=lambda message: messages.error(self, message),
            label=self.tr("正在评查卷宗…"),
            parent=self,
        )

    def _show(self, review: casefile_review.Review) -> None:
        self.review = review
        doc = review.as_json()
        standard = self.tr("（示例标准，待区司法局确定）") if review.criteria.sample else ""
        self.summary.setText(
            self.tr("结案 %1 件，平均 %2 分，满分 %3 分%4")
            .replace("%1", str(len(review.rows)))
            .replace("%2", str(doc["average"] if doc["average"] is not None else "—"))
            .replace("%3", str(review.criteria.max))
            .replace("%4", standard)
        )
        self.cases.setRowCount(len(review.rows))
        for i, r in enumerate(review.rows):
            for j, value in enumerate((r.score.score, r.case_no, r.title, r.mediators, r.closed_on)):
                self.cases.setItem(i, j, QTableWidgetItem(str(value)))
        self.defects.setRowCount(0)
        if review.rows:
            self.cases.selectRow(0)
        self.save_button.setEnabled(True)
        self.scored.emit(review)

    def _show_defects(self) -> None:
        rows = self.cases.selectionModel().selectedRows() if self.review else []
        if not rows or self.review is None:
            return
        score = self.review.rows[rows[0].row()].score
        self.defects.setRowCount(len(score.defects))
        for i, d in enumerate(score.defects):
            for j, value in enumerate((f"-{d.points}", d.item, d.reason)):
                self.defects.setItem(i, j, QTableWidgetItem(value))

    def save(self) -> None:
        period = self._period()
        if period is None:
            return
        name = f"卷宗评查_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.xlsx"
        target = self.files.save_workbook(self, self.tr("保存卷宗评查表"), name)
        if target is None:
            return

        def work(session: Any, actor: Actor, progress: Any = None) -> Path:
            from xihu_desk.gui.kit import write_file

            _review, book = casefile_review.workbook(
                session, actor, *period, templates=self._templates(), progress=progress
            )
            write_file(str(target), book)
            return target

        ops.read(
            self.ctx,
            self.actor,
            work,
            with_progress=True,
            on_ok=lambda path: self.result_line.setText(self.tr("评查表已保存：%1").replace("%1", str(path))),
            on_error=lambda message: messages.error(self, message),
            label=self.tr("正在生成评查表…"),
            parent=self,
        )
