"""调解员名册 (the 调解员 area's first tab): the roster on the one list-page skeleton (gui/listpage.py)
with its filter bar, a summary of the chosen mediator, the mediator forms opened from it, and
import and export as Excel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import code_of, fill_combo, save_bytes
from xihu_desk.gui.listpage import ListPage, _AfterPaint
from xihu_desk.gui.mediators.form import MediatorDialog, save_file_dialog
from xihu_desk.gui.mediators.model import ROSTER_COLUMN_SAMPLES, ROSTER_COMMITTEE, RosterModel
from xihu_desk.gui.widgets import label
from xihu_desk.services import committees, grading, mediator_ledger, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.roster_queries import RosterPage

SEARCH_DEBOUNCE_MS = 250
MEDIATOR_ENTITIES = (
    "mediator",
    "mediator_appointment",
    "mediator_event",
    "mediator_training",
    "grading_application",
    "committee",
    "bundle_in",
)


def open_file_dialog(parent: QWidget, title: str, filters: str) -> str:
    """The file picker for an import (a seam: tests replace it)."""
    path, _filter = QFileDialog.getOpenFileName(parent, title, "", filters)
    return path


class RosterTab(ListPage):
    status = Signal(str)
    applications_changed = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialogs: dict[str, MediatorDialog] = {}
        self.new_dialog: MediatorDialog | None = None
        self.open_file = open_file_dialog
        self.save_file = save_file_dialog
        self._choices_later = True  # the first fill_filters reads the roster's choices after the first rows
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(6)
        box.addWidget(self._toolbar())
        box.addLayout(self._filter_bar())
        # Header clicks sort in SQL: names and committees by their pinyin keys, codes by code; the
        # list opens in the service's order (committee, then name), which the indicator shows.
        self.make_view(
            "rosterView",
            RosterModel(ctx, actor, parent=self),
            header_key="mediators/roster/header",
            samples=ROSTER_COLUMN_SAMPLES,
            stretch=ROSTER_COMMITTEE,
        )
        box.addWidget(self.make_splitter("rosterSplitter", "mediators/roster/splitter", self._preview()), 1)

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        self.new_action = self.action(
            self.tr("新增调解员"),
            self.new_mediator,
            "mdi6.account-plus-outline",
            self.tr("在名册中登记一名调解员（Ctrl+N）"),
            QKeySequence.StandardKey.New,
        )
        self.open_action = self.action(
            self.tr("打开"),
            self.open_current,
            "mdi6.account-details-outline",
            self.tr("打开选中的调解员（Enter 或双击）"),
        )
        self.import_action = self.action(
            self.tr("导入名册…"),
            self.import_roster,
            "mdi6.file-import-outline",
            self.tr("从原有的 Excel 调解员名册导入"),
        )
        self.export_action = self.action(
            self.tr("导出名册…"),
            self.export_roster,
            "mdi6.file-export-outline",
            self.tr("把名册导出为 Excel（身份证号遮盖）"),
        )
        self.refresh_action = self.action(
            self.tr("刷新"),
            self.refresh,
            "mdi6.refresh",
            self.tr("重新读取名册（F5）"),
            QKeySequence.StandardKey.Refresh,
        )
        can = self.actor.can(Perm.MANAGE_MEDIATORS)
        self.new_action.setEnabled(can)
        self.import_action.setEnabled(can)
        self.open_action.setEnabled(False)
        return self.make_toolbar(
            "rosterToolbar",
            [self.new_action, self.open_action, self.import_action, self.export_action, self.refresh_action],
            "rosterCount",
        )

    def _filter_bar(self) -> Any:
        self.make_search("rosterSearch", self.tr("姓名、电话或备案编号"), debounce_ms=SEARCH_DEBOUNCE_MS)
        self.committee, self.employment, self.status_filter, self.grade = (
            QComboBox(),
            QComboBox(),
            QComboBox(),
            QComboBox(),
        )
        for name, combo in (
            ("committeeFilter", self.committee),
            ("employmentFilter", self.employment),
            ("statusFilter", self.status_filter),
            ("gradeFilter", self.grade),
        ):
            combo.setObjectName(name)
            combo.currentIndexChanged.connect(self.apply_filter)
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("清除条件"))
        self.reset_button.setObjectName("resetFilter")
        self.reset_button.clicked.connect(self.reset_filter)
        row = self.make_filter_row(
            [self.search, self.committee, self.employment, self.status_filter, self.grade, self.reset_button]
        )
        self.committee.setMinimumContentsLength(10)
        self.committee.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return row

    def _preview(self) -> QFrame:
        card = QFrame()
        card.setObjectName("rosterPreview")
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(16, 10, 16, 10)
        self.preview_title = label("", "subtitle")
        self.preview_title.setObjectName("previewTitle")
        box.addLayout(self.make_summary_head(self.preview_title))
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.preview_fields: dict[str, QLabel] = {}
        names = (
            ("grade", self.tr("现有等级")),
            ("years", self.tr("调解工作年限")),
            ("year_cases", self.tr("本年度调解")),
            ("training", self.tr("本年度培训")),
            ("records", self.tr("奖惩")),
            ("assessment", self.tr("等级评定")),
        )
        for i, (key, text) in enumerate(names):
            r, c = i // 3, (i % 3) * 2
            grid.addWidget(
                label(text + self.tr("："), "muted"), r, c, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
            )
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
        # the title and two rows of facts, each of which may wrap once, at any text size (the splitter keeps it)
        card.setMinimumHeight(self.fontMetrics().lineSpacing() * 6 + 40)
        return card

    def summary_buttons(self) -> list[QAbstractButton]:
        self.preview_open = QPushButton(theme.icon("mdi6.account-details-outline", "#ffffff"), self.tr("打开"))
        self.preview_open.setProperty("kind", "primary")
        self.preview_open.setObjectName("previewOpen")
        self.preview_open.clicked.connect(self.open_current)
        return [self.preview_open]

    # -- filters and list ---------------------------------------------------------------------------

    def fill_filters(self) -> None:
        """The filter bar's choices. At the first showing the committees and grades (read from the
        roster: a scan of every mediator for the grades) come just after the first rows are
        painted; until then each offers only its first choice (全部), which the first read uses."""
        fill_combo(self.employment, rules_domain.EMPLOYMENT, self.tr("全部用工类型"))
        fill_combo(
            self.status_filter,
            [
                ("serving", self.tr("在任")),
                ("*", self.tr("全部状态")),
                *[(k, v) for k, v in rules_domain.STATUS.items() if k != "serving"],
            ],
        )
        if self._choices_later:
            self._choices_later = False
            fill_combo(self.committee, [], self.tr("全部调委会"))
            fill_combo(self.grade, [], self.tr("全部等级"))
            _AfterPaint(self.view.viewport(), self._fill_read_choices)
        else:
            self._fill_read_choices()

    def _fill_read_choices(self) -> None:
        rows, grades = ops.session_read(self.ctx, lambda s: (committees.list_committees(s), mediators.grades_in_use(s)))
        fill_combo(
            self.committee, [(c.uuid, c.name.removesuffix("人民调解委员会")) for c in rows], self.tr("全部调委会")
        )
        fill_combo(
            self.grade, [(g, g) for g in grades] + [(rules_domain.NO_GRADE, rules_domain.NO_GRADE)], self.tr("全部等级")
        )

    def current_filter(self) -> RosterPage:
        status = code_of(self.status_filter)
        return RosterPage(
            committee_uuid=code_of(self.committee),
            employment_type=code_of(self.employment),
            status="" if status == "*" else status,
            grade=code_of(self.grade),
            text=self.search.text().strip(),
        )

    def filter_widgets(self) -> tuple[QWidget, ...]:
        return (self.committee, self.employment, self.status_filter, self.grade, self.search)

    def count_text(self, n: int) -> str:
        return self.tr("共 {n} 人").format(n=n)

    def refresh(self, select: str | None = None) -> None:
        """Read the roster again keeping the chosen mediator, or choosing ``select`` (just saved)."""
        super().refresh()
        if isinstance(select, str) and select:
            self.select(select)

    def selection_changed(self, uuid: str | None) -> None:
        self.open_action.setEnabled(bool(uuid))

    def show_summary(self, uuid: str | None) -> None:
        self._show_preview(uuid)

    def open_item(self, uuid: str) -> MediatorDialog | None:
        return self.open_mediator(uuid)

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
        f["year_cases"].setText(
            self.tr("{n} 件，成功率 {rate}").format(
                n=year.cases_total, rate=rules_domain.shown("success_rate", year.success_rate)
            )
        )
        f["training"].setText(
            self.tr("{h} 学时（{n} 次）").format(h=f"{year.training_hours.normalize():f}", n=year.training_sessions)
        )
        counts = {k: sum(1 for e in d["events"] if e["kind"] == k) for k in rules_domain.EVENT_KINDS}
        f["records"].setText(
            self.tr("表彰 {a} · 投诉 {c} · 违纪 {d}").format(
                a=counts["award"], c=counts["complaint"], d=counts["discipline"]
            )
        )
        if d["employment_type"] == "invited":
            f["assessment"].setText(self.tr("特邀调解员不参加等级评定"))
        elif apps:
            f["assessment"].setText(
                self.tr("{level}申请{status}").format(level=apps[0].level_name, status=apps[0].status_label)
            )
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

        ops.write(
            self.ctx,
            self.actor,
            work,
            with_progress=True,
            label=self.tr("正在导入名册…"),
            parent=self,
            on_ok=self._imported,
        )

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
        path = self.save_file(
            self, self.tr("导出调解员名册"), self.tr("调解员名册.xlsx"), self.tr("Excel 文件 (*.xlsx)")
        )
        if not path:
            return
        ops.read(
            self.ctx,
            self.actor,
            mediator_ledger.export_roster,
            self.current_filter(),
            label=self.tr("正在导出名册…"),
            parent=self,
            on_ok=lambda data: self._written(path, data, self.tr("名册已导出：{path}")),
        )

    def _written(self, path: str, data: bytes, note: str) -> None:
        if save_bytes(self, path, data):
            self.status.emit(note.format(path=path))
