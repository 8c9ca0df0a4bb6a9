"""调解员 area: 名册 (the roster with its filter bar, a summary of the chosen mediator, import and
export as Excel), 等级评定 (the applications, each one's evidence, conditions and steps, and the
next step on a button) and 评定标准 (the rule sets, with their example thresholds marked; edited
on the district's node)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFrame, QGridLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QSizePolicy, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QToolBar,
    QVBoxLayout, QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.mediators.assess import ApplyDialog, StepDialog, step_icon
from xihu_desk.gui.kit import code_of, fill_combo
from xihu_desk.gui.listpage import list_view
from xihu_desk.gui.mediators.evidence import EvidencePanel
from xihu_desk.gui.mediators.form import MediatorDialog, save_file_dialog
from xihu_desk.gui.mediators.model import ID_ROLE, ROSTER_COMMITTEE, ApplicationsModel, RosterModel
from xihu_desk.gui.widgets import label
from xihu_desk.services import committees, grading, mediator_ledger, mediators, node
from xihu_desk.services.context import Actor

SEARCH_DEBOUNCE_MS = 250


def open_file_dialog(parent: QWidget, title: str, filters: str) -> str:
    """The file picker for an import (a seam: tests replace it)."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


MEDIATOR_ENTITIES = ("mediator", "mediator_appointment", "mediator_event", "mediator_training",
                     "grading_application", "committee", "bundle_in")


class RosterTab(QWidget):
    status = Signal(str)
    applications_changed = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialogs: dict[str, MediatorDialog] = {}
        self.new_dialog: MediatorDialog | None = None
        self.open_file = open_file_dialog
        self.save_file = save_file_dialog
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(6)
        box.addWidget(self._toolbar())
        box.addLayout(self._filter_bar())
        self.model = RosterModel(self)
        self.view = list_view("rosterView", stretch_last=True)
        self.view.setModel(self.model)
        em = self.view.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate((5, 10, 4.5, 4, 3.5, 6.5, 11)):  # in characters: they follow the text size
            self.view.setColumnWidth(column, round(chars * em) + 12)
        header = self.view.horizontalHeader()
        prefs.restore_state("mediators/roster/header", header)
        header.sectionResized.connect(lambda *_: prefs.save_state("mediators/roster/header", header))
        # Header clicks sort: names by their pinyin key, other text by QCollator (zh_CN); the list
        # opens in the service's order (committee, then name), which the indicator shows.
        header.setSortIndicator(ROSTER_COMMITTEE, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.activated.connect(lambda index: self.open_mediator(self.model.data(index, ID_ROLE)))
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("rosterSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self._preview())
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        prefs.restore_state("mediators/roster/splitter", self.splitter)
        self.splitter.splitterMoved.connect(lambda *_: prefs.save_state("mediators/roster/splitter", self.splitter))
        box.addWidget(self.splitter, 1)

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("rosterToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.new_action = QAction(theme.icon("mdi6.account-plus-outline", theme.ACCENT), self.tr("新增调解员"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setToolTip(self.tr("在名册中登记一名调解员（Ctrl+N）"))
        self.new_action.triggered.connect(self.new_mediator)
        self.open_action = QAction(theme.icon("mdi6.account-details-outline", theme.ACCENT), self.tr("打开"), self)
        self.open_action.setToolTip(self.tr("打开选中的调解员（Enter 或双击）"))
        self.open_action.triggered.connect(lambda: self.open_mediator(self.current_uuid()))
        self.import_action = QAction(theme.icon("mdi6.file-import-outline"), self.tr("导入名册…"), self)
        self.import_action.setToolTip(self.tr("从原有的 Excel 调解员名册导入"))
        self.import_action.triggered.connect(self.import_roster)
        self.export_action = QAction(theme.icon("mdi6.file-export-outline"), self.tr("导出名册…"), self)
        self.export_action.setToolTip(self.tr("把名册导出为 Excel（身份证号遮盖）"))
        self.export_action.triggered.connect(self.export_roster)
        self.refresh_action = QAction(theme.icon("mdi6.refresh"), self.tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.refresh)
        for action in (self.new_action, self.open_action, self.import_action, self.export_action, self.refresh_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            bar.addAction(action)
        can = self.actor.can(Perm.MANAGE_MEDIATORS)
        self.new_action.setEnabled(can)
        self.import_action.setEnabled(can)
        self.open_action.setEnabled(False)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.count_label = label("", "subtitle")
        self.count_label.setObjectName("rosterCount")
        bar.addWidget(self.count_label)
        return bar

    def _filter_bar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("rosterSearch")
        self.search.setPlaceholderText(self.tr("姓名、电话或备案编号"))
        self.search.addAction(theme.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.committee, self.employment, self.status_filter, self.grade = QComboBox(), QComboBox(), QComboBox(), QComboBox()
        for name, combo in (("committeeFilter", self.committee), ("employmentFilter", self.employment),
                            ("statusFilter", self.status_filter), ("gradeFilter", self.grade)):
            combo.setObjectName(name)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.committee.setMinimumContentsLength(10)
        self.committee.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("清除条件"))
        self.reset_button.setObjectName("resetFilter")
        row.addWidget(self.search, 1)
        for combo in (self.committee, self.employment, self.status_filter, self.grade):
            row.addWidget(combo)
        row.addWidget(self.reset_button)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.refresh)
        for combo in (self.committee, self.employment, self.status_filter, self.grade):
            combo.currentIndexChanged.connect(self.refresh)
        self.reset_button.clicked.connect(self.reset_filter)
        return row

    def _preview(self) -> QFrame:
        card = QFrame()
        card.setObjectName("rosterPreview")
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(16, 10, 16, 10)
        head = QHBoxLayout()
        self.preview_title = label("", "subtitle")
        self.preview_title.setObjectName("previewTitle")
        self.preview_open = QPushButton(theme.icon("mdi6.account-details-outline", "#ffffff"), self.tr("打开"))
        self.preview_open.setProperty("kind", "primary")
        self.preview_open.setObjectName("previewOpen")
        self.preview_open.clicked.connect(lambda: self.open_mediator(self.current_uuid()))
        head.addWidget(self.preview_title, 1)
        head.addWidget(self.preview_open)
        box.addLayout(head)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.preview_fields: dict[str, QLabel] = {}
        names = (("grade", self.tr("现有等级")), ("years", self.tr("调解工作年限")), ("year_cases", self.tr("本年度调解")),
                 ("training", self.tr("本年度培训")), ("records", self.tr("奖惩")), ("assessment", self.tr("等级评定")))
        for i, (key, text) in enumerate(names):
            r, c = i // 3, (i % 3) * 2
            grid.addWidget(label(text + self.tr("："), "muted"), r, c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setObjectName(f"preview_{key}")
            value.setWordWrap(True)
            grid.addWidget(value, r, c + 1)
            self.preview_fields[key] = value
        for col in (1, 3, 5):
            grid.setColumnStretch(col, 1)
        box.addLayout(grid)
        box.addStretch(1)
        self.preview_empty = label(self.tr("在上方名册中选择一名调解员，这里显示概要；按 Enter 或双击打开。"), "muted")
        box.addWidget(self.preview_empty)
        self._show_preview(None)
        return card

    # -- filters and list ---------------------------------------------------------------------------

    def fill_filters(self) -> None:
        rows = ops.session_read(self.ctx, committees.list_committees)
        grades = ops.session_read(self.ctx, mediators.grades_in_use)
        widgets = (self.committee, self.employment, self.status_filter, self.grade)
        for w in widgets:
            w.blockSignals(True)
        fill_combo(self.committee, [(c.uuid, c.name.removesuffix("人民调解委员会")) for c in rows], self.tr("全部调委会"))
        fill_combo(self.employment, rules_domain.EMPLOYMENT, self.tr("全部用工类型"))
        fill_combo(self.status_filter, [("serving", self.tr("在任")), ("*", self.tr("全部状态")),
                                        *[(k, v) for k, v in rules_domain.STATUS.items() if k != "serving"]])
        fill_combo(self.grade, [(g, g) for g in grades] + [(rules_domain.NO_GRADE, rules_domain.NO_GRADE)],
                   self.tr("全部等级"))
        for w in widgets:
            w.blockSignals(False)

    def current_filter(self) -> mediators.RosterFilter:
        status = code_of(self.status_filter)
        return mediators.RosterFilter(committee_uuid=code_of(self.committee), employment_type=code_of(self.employment),
                                      status="" if status == "*" else status, grade=code_of(self.grade),
                                      text=self.search.text().strip())

    def refresh(self, select: str | None = None) -> None:
        self._debounce.stop()
        chosen = select if isinstance(select, str) else self.current_uuid()
        scroll = self.view.verticalScrollBar().value()
        rows = ops.read(self.ctx, self.actor, mediators.roster, self.current_filter())
        self.model.set_rows(rows)
        self.count_label.setText(self.tr("共 {n} 人").format(n=len(rows)))
        row = self.model.find_row(chosen)
        if row is None and rows:
            row = 0
        if row is not None:
            self.view.selectRow(row)
            self._show_preview(self.model.uuid_at(row))
            if self.model.uuid_at(row) == chosen:
                self.view.verticalScrollBar().setValue(scroll)  # where the user was
        else:
            self._show_preview(None)

    def reset_filter(self) -> None:
        widgets = (self.committee, self.employment, self.status_filter, self.grade, self.search)
        for w in widgets:
            w.blockSignals(True)
        for combo in widgets[:4]:
            combo.setCurrentIndex(0)
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.refresh()

    def current_uuid(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.uuid_at(index.row())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uuid = self.model.uuid_at(current.row()) if current.isValid() else None
        self.open_action.setEnabled(bool(uuid))
        self._show_preview(uuid)

    def _show_preview(self, uuid: str | None) -> None:
        d = None
        if uuid:
            try:
                shown = ops.read(self.ctx, self.actor, grading.mediator_preview, uuid)
                d, year, career, apps = shown.detail, shown.year, shown.career, shown.open_applications
            except UserError:
                d = None
        self.preview_open.setVisible(d is not None)
        self.preview_empty.setVisible(d is None)
        for widget in self.preview_fields.values():
            widget.setText("")
        if d is None:
            self.preview_title.setText(self.tr("调解员概要"))
            return
        self.preview_title.setText(f"{d['name']}　{d['committee']}　{d['employment_label']}　{d['status_label']}")
        f = self.preview_fields
        f["grade"].setText(d["grade_label"])
        f["years"].setText(rules_domain.shown("years_of_service", career.years_of_service))
        f["year_cases"].setText(self.tr("{n} 件，成功率 {rate}").format(
            n=year.cases_total, rate=rules_domain.shown("success_rate", year.success_rate)))
        f["training"].setText(self.tr("{h} 学时（{n} 次）").format(h=f"{year.training_hours.normalize():f}",
                                                                   n=year.training_sessions))
        counts = {k: sum(1 for e in d["events"] if e["kind"] == k) for k in rules_domain.EVENT_KINDS}
        f["records"].setText(self.tr("表彰 {a} · 投诉 {c} · 违纪 {d}").format(
            a=counts["award"], c=counts["complaint"], d=counts["discipline"]))
        if d["employment_type"] == "invited":
            f["assessment"].setText(self.tr("特邀调解员不参加等级评定"))
        elif apps:
            f["assessment"].setText(self.tr("{level}申请{status}").format(level=apps[0].level_name, status=apps[0].status_label))
        else:
            f["assessment"].setText(self.tr("无正在办理的申请"))

    # -- opening ------------------------------------------------------------------------------------

    def open_mediator(self, uuid: str | None) -> MediatorDialog | None:
        if not uuid:
            return None
        dialog = self.dialogs.get(uuid)
        if dialog is None:
            dialog = MediatorDialog(self.ctx, self.actor, uuid, parent=self)
            self._track(dialog)
            self.dialogs[uuid] = dialog
        self._bring_up(dialog)
        return dialog

    @staticmethod
    def _bring_up(dialog: MediatorDialog) -> None:
        if dialog.isVisible():  # open already, perhaps behind the main window
            dialog.raise_()
        else:
            dialog.show()
        dialog.activateWindow()

    def new_mediator(self) -> MediatorDialog | None:
        if not self.actor.can(Perm.MANAGE_MEDIATORS):
            return None
        if self.new_dialog is None:
            self.new_dialog = MediatorDialog(self.ctx, self.actor, None, parent=self)
            self._track(self.new_dialog)
        self._bring_up(self.new_dialog)
        return self.new_dialog

    def _track(self, dialog: MediatorDialog) -> None:
        dialog.saved.connect(self._dialog_saved)
        dialog.applied.connect(lambda _uuid: self.applications_changed.emit())
        dialog.finished.connect(lambda _code, d=dialog: self._forget(d))

    def _dialog_saved(self, uuid: str) -> None:
        dialog = self.sender()
        if dialog is self.new_dialog:
            self.new_dialog = None
            self.dialogs[uuid] = dialog
            self.fill_filters()
        self.refresh(uuid)

    def _forget(self, dialog: MediatorDialog) -> None:
        if dialog is self.new_dialog:
            self.new_dialog = None
        for uuid, d in list(self.dialogs.items()):
            if d is dialog:
                del self.dialogs[uuid]
        dialog.deleteLater()

    # -- Excel --------------------------------------------------------------------------------------

    def import_roster(self) -> None:
        path = self.open_file(self, self.tr("选择调解员名册"), self.tr("Excel 文件 (*.xlsx)"))
        if not path:
            return
        def work(session: Any, actor: Actor, progress: Any) -> Any:
            with open(path, "rb") as f:
                data = f.read()
            return mediator_ledger.import_roster(session, actor, data, progress=progress)

        ops.write(self.ctx, self.actor, work, with_progress=True, label=self.tr("正在导入名册…"), parent=self,
                  on_ok=self._imported)

    def _imported(self, report: Any) -> None:
        self.fill_filters()
        self.refresh()
        text = report.text()
        if report.problems or report.refused:
            messages.warning(self, text, self.tr("名册导入完成，有问题需要处理"))
        else:
            messages.info(self, text, self.tr("名册导入完成"))
        self.status.emit(self.tr("名册导入：{n} 人").format(n=report.imported))

    def export_roster(self) -> None:
        path = self.save_file(self, self.tr("导出调解员名册"), self.tr("调解员名册.xlsx"), self.tr("Excel 文件 (*.xlsx)"))
        if not path:
            return
        ops.read(self.ctx, self.actor, mediator_ledger.export_roster, self.current_filter(),
                 label=self.tr("正在导出名册…"), parent=self,
                 on_ok=lambda data: self._written(path, data, self.tr("名册已导出：{path}")))

    def _written(self, path: str, data: bytes, note: str) -> None:
        try:
            with open(path, "wb") as out:
                out.write(data)
        except OSError as exc:
            messages.error(self, self.tr("无法写入 {path}：{reason}").format(path=path, reason=exc.strerror or exc))
            return
        self.status.emit(note.format(path=path))


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
        self.steps.setHorizontalHeaderLabels([self.tr("步骤"), self.tr("结果"), self.tr("日期"), self.tr("办理人 · 意见")])
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
        self.splitter.splitterMoved.connect(lambda *_: prefs.save_state("mediators/applications/splitter", self.splitter))
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
        self.next_button.setText(self.tr("{step}…").format(step=rules_domain.STEP_LABELS[step]) if step else self.tr("办理下一步"))
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
            result = self.tr("提交") if s["step"] == "apply" else self.tr("撤回") if s["step"] == "withdraw" else (
                self.tr("通过") if s["passed"] else self.tr("不通过"))
            who = s["actor_name"] or s["actor"]
            text = f"{who}" + (f" · {s['opinion']}" if s["opinion"] else "") + (f"（{s['document_no']}）" if s["document_no"] else "")
            for c, value in enumerate((s["label"], result, s["on"].isoformat(), text)):
                item = QTableWidgetItem(value)
                if c == 1 and not s["passed"] and s["step"] != "apply":
                    item.setForeground(QColor(theme.DANGER))
                item.setToolTip(self.tr("记录于 {at}（{actor}）").format(at=s["at"].strftime("%Y-%m-%d %H:%M"), actor=s["actor"]))
                self.steps.setItem(r, c, item)
        if d["status"] == "in_notice":
            self.notice_label.setText(self.tr("拟评定为{level}，公示期 {start} 至 {end}；期满后确认。").format(
                level=d["granted_name"], start=d["notice_from"].isoformat(), end=d["notice_to"].isoformat()))
        elif d["status"] == "granted":
            self.notice_label.setText(self.tr("已评定为{level}（{on}）。").format(level=d["granted_name"],
                                                                               on=d["closed_on"].isoformat()))
        else:
            self.notice_label.setText(self.tr("办理状态：{status}").format(status=d["status_label"]))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    def new_application(self, mediator_uuid: str | None = None) -> None:
        dialog = ApplyDialog(self.ctx, self.actor, mediator_uuid if isinstance(mediator_uuid, str) else None, self)
        dialog.saved.connect(lambda row: self._done(row, self.tr("已提交{name}的{level}评定申请").format(
            name=row.mediator, level=row.level_name)))
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
            messages.info(self, self.tr("{name}的等级已确定为{level}，已记入名册和等级变更记录。").format(
                name=row.mediator, level=row.granted_name), self.tr("评定完成"))
            self.grade_changed.emit()
        self._done(row, self.tr("{name}：{step}已办理，{status}").format(
            name=row.mediator, step=rules_domain.STEP_LABELS[step], status=row.status_label))

    def _done(self, row: grading.ApplicationRow, note: str) -> None:
        self.refresh(row.uuid)
        self.status.emit(note)

    def print_application(self) -> None:
        d = self.detail
        if d is None:
            return
        path = self.save_file(self, self.tr("保存申请表"), self.tr("{name}等级评定申请表.pdf").format(name=d["mediator"]),
                              self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        ops.write(self.ctx, self.actor, grading.application_pdf, d["uuid"], label=self.tr("正在生成申请表…"), parent=self,
                  on_ok=lambda data: self._write(path, data, self.tr("申请表已保存：{path}")))

    def export_results(self) -> None:
        year = clock.local_today().year
        path = self.save_file(self, self.tr("导出评定结果"), self.tr("{year}年人民调解员等级评定结果.xlsx").format(year=year),
                              self.tr("Excel 文件 (*.xlsx)"))
        if not path:
            return
        ops.read(self.ctx, self.actor, mediator_ledger.results_workbook, date(year, 1, 1), date(year, 12, 31),
                 label=self.tr("正在导出…"), parent=self,
                 on_ok=lambda data: self._write(path, data, self.tr("评定结果已导出：{path}")))

    def _write(self, path: str, data: bytes, note: str) -> None:
        try:
            with open(path, "wb") as out:
                out.write(data)
        except OSError as exc:
            messages.error(self, self.tr("无法写入 {path}：{reason}").format(path=path, reason=exc.strerror or exc))
            return
        self.status.emit(note.format(path=path))


class RulesTab(QWidget):
    """评定标准: each level's conditions; on the district's node the figures and 示例 marks can be
    changed and saved (then sent down with the next bundle)."""

    status = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.sets: dict[str, grading.RuleSetRow] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        bar = QHBoxLayout()
        self.rule_set = QComboBox()
        self.rule_set.setObjectName("rulesCombo")
        bar.addWidget(QLabel(self.tr("评定标准：")))
        bar.addWidget(self.rule_set, 1)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("保存修改"))
        self.save_button.setObjectName("saveRules")
        self.save_button.setProperty("kind", "primary")
        bar.addWidget(self.save_button)
        box.addLayout(bar)
        self.info = label("", wrap=True)
        self.info.setObjectName("rulesInfo")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.info)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("rulesTable")
        self.table.setHorizontalHeaderLabels([self.tr("等级"), self.tr("条件"), self.tr("不低于/不超过"), self.tr("数值"),
                                              self.tr("示例")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3, 4):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        box.addWidget(self.table, 1)
        self.note = label("", "muted", wrap=True)
        self.note.setObjectName("rulesNote")
        box.addWidget(self.note)
        self.district = ops.session_read(ctx, node.node_info).level == "district"
        self.editable = self.district and actor.can(Perm.MANAGE_MEDIATORS)
        self.save_button.setVisible(self.editable)
        self.note.setText(self.tr("修改后保存；新的申请按修改后的标准对照，已提出的申请仍按提出时的标准。") if self.editable else
                          self.tr("评定标准由区司法局统一制定，随数据包下发；本单位只能查看。标“示例”的数值未经区司法局确认。"))
        self.rule_set.currentIndexChanged.connect(self._show)
        self.save_button.clicked.connect(self.save)

    def refresh(self) -> None:
        rows = ops.session_read(self.ctx, grading.rule_sets)
        self.sets = {r.code: r for r in rows}
        fill_combo(self.rule_set, [(r.code, r.name) for r in rows])
        self._show()

    def _show(self) -> None:
        row = self.sets.get(code_of(self.rule_set))
        self.table.setRowCount(0)
        if row is None:
            self.info.setText("")
            return
        r = row.rules
        window = self.tr("从业以来") if r.window_years is None else self.tr("近 {n} 年").format(n=r.window_years)
        self.info.setText(self.tr("施行日期 {on}；统计期间 {window}；公示 {days} 天{example}；可申请：{who}。\n依据：{source}").format(
            on=r.effective_on.isoformat(), window=window, days=r.notice_days,
            example=self.tr("（示例）") if r.notice_example else "",
            who="、".join(rules_domain.EMPLOYMENT[e] for e in r.eligible), source=r.source or self.tr("未注明"))
            + (self.tr("\n本标准已由区司法局修改（第 {v} 版）。").format(v=row.version) if row.edited else ""))
        entries = [(self.tr("基本条件"), "", i, t) for i, t in enumerate(r.basic)]
        entries += [(lv.name, lv.code, i, t) for lv in r.levels for i, t in enumerate(lv.thresholds)]
        self.table.setRowCount(len(entries))
        self.entries = entries
        flags_ro = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        for n, (level_name, _code, _i, t) in enumerate(entries):
            metric = rules_domain.METRICS[t.metric]
            cells = [level_name, metric.label + (f"（{t.note}）" if t.note else ""),
                     self.tr("不低于") if t.op == "min" else self.tr("不超过"),
                     f"{t.value.normalize():f}" + ("%" if metric.rate else f" {metric.unit}")]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(flags_ro | (Qt.ItemFlag.ItemIsEditable if c == 3 and self.editable else Qt.ItemFlag.NoItemFlags))
                if t.example:
                    item.setForeground(QColor(theme.MUTED))
                self.table.setItem(n, c, item)
            mark = QTableWidgetItem(self.tr("示例") if t.example else "")
            mark.setFlags(flags_ro | (Qt.ItemFlag.ItemIsUserCheckable if self.editable else Qt.ItemFlag.NoItemFlags))
            if self.editable:
                mark.setCheckState(Qt.CheckState.Checked if t.example else Qt.CheckState.Unchecked)
            if t.example:
                mark.setForeground(QColor(theme.DANGER))
            self.table.setItem(n, 4, mark)

    def save(self) -> None:
        row = self.sets.get(code_of(self.rule_set))
        if row is None or not self.editable:
            return
        doc = json.loads(json.dumps(row.rules.as_json()))
        for n, (_name, code, i, t) in enumerate(self.entries):
            text = self.table.item(n, 3).text().strip().rstrip("%").split(" ")[0]
            example = self.table.item(n, 4).checkState() == Qt.CheckState.Checked
            target = doc["basic"][i] if not code else next(lv for lv in doc["levels"] if lv["code"] == code)["thresholds"][i]
            try:
                target[t.op] = float(text) if "." in text else int(text)
            except ValueError:
                messages.error(self, self.tr("第 {n} 行的数值“{text}”不是数字。").format(n=n + 1, text=text))
                return
            target["example"] = example
        ops.write(self.ctx, self.actor, grading.save_rule_set, doc, parent=self, on_ok=lambda saved: self._saved(saved.name))

    def _saved(self, name: str) -> None:
        self.refresh()
        self.status.emit(self.tr("已保存评定标准“{name}”").format(name=name))


class MediatorsPage(QWidget):
    status = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mediatorsTabs")
        self.roster = RosterTab(ctx, actor)
        self.applications = ApplicationsTab(ctx, actor)
        self.rules = RulesTab(ctx, actor)
        self.tabs.addTab(self.roster, theme.icon("mdi6.account-group-outline"), self.tr("调解员名册"))
        self.tabs.addTab(self.applications, theme.icon("mdi6.stairs-up"), self.tr("等级评定"))
        self.tabs.addTab(self.rules, theme.icon("mdi6.scale-balance"), self.tr("评定标准"))
        box.addWidget(self.tabs)
        for tab in (self.roster, self.applications, self.rules):
            tab.status.connect(self.status)
        self.roster.applications_changed.connect(self.applications.refresh)
        self.applications.grade_changed.connect(lambda: (self.roster.fill_filters(), self.roster.refresh()))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._loaded = False
        # the roster follows every committed write to mediators (a form, a bundle, a ledger import)
        self.follower = ops.ListRefresher(self, MEDIATOR_ENTITIES, lambda: self._loaded and self.roster.refresh())

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.roster.fill_filters()
            self.roster.refresh()
            self.applications.refresh()
            self.rules.refresh()

    def _tab_changed(self, index: int) -> None:
        if self._loaded and self.tabs.widget(index) is self.applications:
            self.applications.refresh()
