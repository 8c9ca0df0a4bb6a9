"""卷宗评查: the cases closed in a period scored against the criteria (services/casefile_review.py),
lowest score first; a case's every lost point below; the workbook of the annual check saved. The
scoring runs on the runner's DB thread with progress and can be cancelled."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QSplitter, QTableWidgetItem, QWidget

from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import fit_to_screen
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.reports.period_dialog import PeriodDialog
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import casefile_review
from xihu_desk.services.context import Actor


class CasefileReviewDialog(PeriodDialog):
    scored = Signal(object)  # the Review shown

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        files: FileDialogs,
        period: tuple[date, date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, period, run_icon="mdi6.clipboard-check-outline", prefix="review", parent=parent)
        self.intro.setText(
            self.tr(
                "按评查标准逐件检查所选期间结案的卷宗：受理、告知、身份证明、记录、协议、按期办结、回访、"
                "材料和归档，每一处扣分都写明原因和卷内目录的项次。得分低的排在前面。"
            )
        )
        self.run_button.setText(self.tr("评查"))
        self.run_button.clicked.connect(self.run)
        self.actor, self.files = actor, files
        self.review: casefile_review.Review | None = None
        self.setObjectName("casefileReviewDialog")
        self.setWindowTitle(self.tr("卷宗评查"))
        box = self.box
        self.save_button = QPushButton(theme.icon("mdi6.microsoft-excel"), self.tr("保存评查表…"))
        self.save_button.setObjectName("saveReview")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.period_row.addWidget(self.save_button)
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

    def run(self) -> None:
        period = self.period()
        if period is None:
            return
        ops.read(
            self.ctx,
            self.actor,
            casefile_review.review,
            *period,
            templates=self.templates(),
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
        period = self.period()
        if period is None:
            return
        name = f"卷宗评查_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.xlsx"
        target = self.files.save_workbook(self, self.tr("保存卷宗评查表"), name)
        if target is None:
            return

        def work(session: Any, actor: Actor, progress: Any = None) -> Path:
            from xihu_desk.gui.kit import write_file

            _review, book = casefile_review.workbook(
                session, actor, *period, templates=self.templates(), progress=progress
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
