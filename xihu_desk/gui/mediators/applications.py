"""等级评定 (the 调解员 area's second tab): the grading applications, the evidence, conditions and
steps of the chosen one, and its next step on a button; the application form printed and the
year's results exported."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import save_bytes
from xihu_desk.gui.listpage import list_view
from xihu_desk.gui.mediators.assess import ApplyDialog, StepDialog, step_icon
from xihu_desk.gui.mediators.evidence import EvidencePanel
from xihu_desk.gui.mediators.form import save_file_dialog
from xihu_desk.gui.mediators.model import ApplicationsModel
from xihu_desk.gui.widgets import label
from xihu_desk.services import grading, mediator_ledger
from xihu_desk.services.context import Actor


class ApplicationsTab(QWidget):
    """等级评定: the applications and the next step of the chosen one."""

    status = Signal(str)
    grade_changed = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialog: QDialog | None = None
        self.save_file = save_file_dialog
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        bar = QHBoxLayout()
        self.apply_button = QPushButton(theme.icon("mdi6.file-sign", "#ffffff"), self.tr("申请等级评定…"))
        self.apply_button.setObjectName("newApplication")
        self.apply_button.setProperty("kind", "primary")
        self.next_button = QPushButton(theme.icon("mdi6.check", theme.ACCENT), self.tr("办理下一步"))
        self.next_button.setObjectName("nextStep")
        self.withdraw_button = QPushButton(theme.icon("mdi6.undo-variant"), self.tr("撤回…"))
        self.withdraw_button.setObjectName("withdraw")
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline"), self.tr("打印申请表…"))
        self.print_button.setObjectName("printApplication")
        self.results_button = QPushButton(theme.icon("mdi6.microsoft-excel"), self.tr("导出评定结果…"))
        self.results_button.setObjectName("exportResults")
        self.results_button.setToolTip(self.tr("本年度的评定申请、办理过程和现有等级（Excel）"))
        self.open_only = QCheckBox(self.tr("只看正在办理的"))
        self.open_only.setObjectName("openOnly")
        for w in (self.apply_button, self.next_button, self.withdraw_button, self.print_button, self.results_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.open_only)
        box.addLayout(bar)
        self.model = ApplicationsModel(self)
        self.view = list_view("applicationsView", stretch_last=True)
        self.view.setModel(self.model)
        em = self.view.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate((5, 10, 4.5, 6.5, 10, 6)):
            self.view.setColumnWidth(column, round(chars * em) + 12)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("applicationsSplitter")
        self.splitter.addWidget(self.view)
        detail = QWidget()
        dbox = QHBoxLayout(detail)
        dbox.setContentsMargins(0, 0, 0, 0)
        self.panel = EvidencePanel()
        self.panel.setObjectName("applicationEvidence")
        dbox.addWidget(self.panel, 3)
        steps_box = QVBoxLayout()
        steps_box.addWidget(label(self.tr("办理过程"), "subtitle"))
        self.steps = QTableWidget(0, 4)
        self.steps.setObjectName("stepsTable")
        self.steps.setHorizontalHeaderLabels(
            [self.tr("步骤"), self.tr("结果"), self.tr("日期"), self.tr("办理人 · 意见")]
        )
        self.steps.verticalHeader().hide()
        self.steps.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setWordWrap(True)
        self.steps.horizontalHeader().setStretchLastSection(True)
        self.steps.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        steps_box.addWidget(self.steps, 1)
        self.notice_label = label("", wrap=True)
        self.notice_label.setObjectName("noticeLabel")
        steps_box.addWidget(self.notice_label)
        dbox.addLayout(steps_box, 2)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 2)
        prefs.restore_state("mediators/applications/splitter", self.splitter)
        self.splitter.splitterMoved.connect(
            lambda *_: prefs.save_state("mediators/applications/splitter", self.splitter)
        )
        box.addWidget(self.splitter, 1)
        can = actor.can(Perm.MANAGE_MEDIATORS)
        self.apply_button.setEnabled(can)
        self.apply_button.clicked.connect(self.new_application)
        self.next_button.clicked.connect(self.next_step)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.print_button.clicked.connect(self.print_application)
        self.results_button.clicked.connect(self.export_results)
        self.open_only.toggled.connect(lambda _on: self.refresh())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show(self.current_uuid()))
        self.view.activated.connect(lambda _index: self.next_step())
        self._show(None)

    def refresh(self, select: str | None = None) -> None:
        chosen = select if isinstance(select, str) else self.current_uuid()
        rows = ops.read(self.ctx, self.actor, grading.list_applications, open_only=self.open_only.isChecked())
        self.model.set_rows(rows)
        row = self.model.find_row(chosen)
        if row is None and rows:
            row = 0
        if row is not None:
            self.view.selectRow(row)
        self._show(self.model.uuid_at(row) if row is not None else None)

    def current_uuid(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.uuid_at(index.row()) if index.isValid() else None

    def _show(self, uuid: str | None) -> None:
        self.detail = None
        if uuid:
            try:
                self.detail = ops.read(self.ctx, self.actor, grading.application_detail, uuid)
            except UserError:
                self.detail = None
        d = self.detail
        can = self.actor.can(Perm.MANAGE_MEDIATORS)
        step = d["next_step"] if d else None
        self.next_button.setEnabled(bool(can and step))
        self.next_button.setText(
            self.tr("{step}…").format(step=rules_domain.STEP_LABELS[step]) if step else self.tr("办理下一步")
        )
        self.next_button.setIcon(step_icon(step))
        self.withdraw_button.setEnabled(bool(can and d and d["status"] in rules_domain.OPEN_STATUSES))
        self.print_button.setEnabled(d is not None)
        self.steps.setRowCount(0)
        if d is None:
            self.panel.clear(self.tr("选择一份评定申请，这里显示申请时的评定材料和办理过程"))
            self.notice_label.setText("")
            return
        self.panel.show_evidence(d["evidence"], d["rules"], d["evaluation"])
        self.steps.setRowCount(len(d["steps"]))
        for r, s in enumerate(d["steps"]):
            result = (
                self.tr("提交")
                if s["step"] == "apply"
                else self.tr("撤回")
                if s["step"] == "withdraw"
                else (self.tr("通过") if s["passed"] else self.tr("不通过"))
            )
            who = s["actor_name"] or s["actor"]
            text = (
                f"{who}"
                + (f" · {s['opinion']}" if s["opinion"] else "")
                + (f"（{s['document_no']}）" if s["document_no"] else "")
            )
            for c, value in enumerate((s["label"], result, s["on"].isoformat(), text)):
                item = QTableWidgetItem(value)
                if c == 1 and not s["passed"] and s["step"] != "apply":
                    item.setForeground(QColor(theme.DANGER))
                item.setToolTip(
                    self.tr("记录于 {at}（{actor}）").format(at=s["at"].strftime("%Y-%m-%d %H:%M"), actor=s["actor"])
                )
                self.steps.setItem(r, c, item)
        if d["status"] == "in_notice":
            self.notice_label.setText(
                self.tr("拟评定为{level}，公示期 {start} 至 {end}；期满后确认。").format(
                    level=d["granted_name"], start=d["notice_from"].isoformat(), end=d["notice_to"].isoformat()
                )
            )
        elif d["status"] == "granted":
            self.notice_label.setText(
                self.tr("已评定为{level}（{on}）。").format(level=d["granted_name"], on=d["closed_on"].isoformat())
            )
        else:
            self.notice_label.setText(self.tr("办理状态：{status}").format(status=d["status_label"]))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    def new_application(self, mediator_uuid: str | None = None) -> None:
        dialog = ApplyDialog(self.ctx, self.actor, mediator_uuid if isinstance(mediator_uuid, str) else None, self)
        dialog.saved.connect(
            lambda row: self._done(
                row, self.tr("已提交{name}的{level}评定申请").format(name=row.mediator, level=row.level_name)
            )
        )
        self._open(dialog)

    def next_step(self) -> None:
        d = self.detail
        if d is None or not d["next_step"] or not self.actor.can(Perm.MANAGE_MEDIATORS):
            return
        self._step(d["uuid"], d["next_step"])

    def withdraw(self) -> None:
        if self.detail is not None:
            self._step(self.detail["uuid"], "withdraw")

    def _step(self, uuid: str, step: str) -> None:
        dialog = StepDialog(self.ctx, self.actor, uuid, step, self)
        dialog.saved.connect(lambda row: self._stepped(row, step))
        self._open(dialog)

    def _stepped(self, row: grading.ApplicationRow, step: str) -> None:
        if row.status == "granted":
            messages.info(
                self,
                self.tr("{name}的等级已确定为{level}，已记入名册和等级变更记录。").format(
                    name=row.mediator, level=row.granted_name
                ),
                self.tr("评定完成"),
            )
            self.grade_changed.emit()
        self._done(
            row,
            self.tr("{name}：{step}已办理，{status}").format(
                name=row.mediator, step=rules_domain.STEP_LABELS[step], status=row.status_label
            ),
        )

    def _done(self, row: grading.ApplicationRow, note: str) -> None:
        self.refresh(row.uuid)
        self.status.emit(note)

    def print_application(self) -> None:
        d = self.detail
        if d is None:
            return
        path = self.save_file(
            self,
            self.tr("保存申请表"),
            self.tr("{name}等级评定申请表.pdf").format(name=d["mediator"]),
            self.tr("PDF 文件 (*.pdf)"),
        )
        if not path:
            return
        ops.write(
            self.ctx,
            self.actor,
            grading.application_pdf,
            d["uuid"],
            label=self.tr("正在生成申请表…"),
            parent=self,
            on_ok=lambda data: self._write(path, data, self.tr("申请表已保存：{path}")),
        )

    def export_results(self) -> None:
        year = clock.local_today().year
        path = self.save_file(
            self,
            self.tr("导出评定结果"),
            self.tr("{year}年人民调解员等级评定结果.xlsx").format(year=year),
            self.tr("Excel 文件 (*.xlsx)"),
        )
        if not path:
            return
        ops.read(
            self.ctx,
            self.actor,
            mediator_ledger.results_workbook,
            date(year, 1, 1),
            date(year, 12, 31),
            label=self.tr("正在导出…"),
            parent=self,
            on_ok=lambda data: self._write(path, data, self.tr("评定结果已导出：{path}")),
        )

    def _write(self, path: str, data: bytes, note: str) -> None:
        if save_bytes(self, path, data):
            self.status.emit(note.format(path=path))
