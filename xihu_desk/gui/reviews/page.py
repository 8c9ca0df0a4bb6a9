"""合法性审查 area: the register (a paged table with filters and a summary of the selected item),
the register form opened from it, import and export of the Excel ledger, and the statistics.

File pickers are seams (``choose_open_file``, ``choose_save_file``) that tests replace; long
work (import, export, the statistics workbook) runs on the app's Runner with progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.reviews.dialogs import LimitsDialog
from xihu_desk.gui.kit import fill_combo, write_file
from xihu_desk.gui.reviews.form import ReviewDialog
from xihu_desk.gui.listpage import ListPage
from xihu_desk.gui.reviews.model import CLOCK, REVIEW_COLUMN_SAMPLES, SORT_KEYS, TITLE, ReviewListModel
from xihu_desk.gui.reviews.model import TYPE as REVIEW_TYPE
from xihu_desk.gui.reviews.model import UNIT as REVIEW_UNIT
from xihu_desk.gui.reviews.matters import MattersView
from xihu_desk.gui.reviews.stats import StatsView
from xihu_desk.gui.widgets import label
from xihu_desk.services import codes, review_ledger, review_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.review_queries import ReviewFilter

XLSX = "Excel 工作簿 (*.xlsx)"
REVIEW_ENTITIES = ("review", "bundle_in", "reference")


def open_file_dialog(parent: QWidget, title: str, _suggested: str) -> str:
    return QFileDialog.getOpenFileName(parent, title, "", XLSX)[0]


def save_file_dialog(parent: QWidget, title: str, suggested: str) -> str:
    path = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), XLSX)[0]
    return path if not path or path.lower().endswith(".xlsx") else path + ".xlsx"


class ReviewsPage(ListPage):
    select_first_when_gone = True

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.choose_open_file: Callable[[QWidget, str, str], str] = open_file_dialog
        self.choose_save_file: Callable[[QWidget, str, str], str] = save_file_dialog
        self.dialogs: dict[str, ReviewDialog] = {}
        self.new_dialog: ReviewDialog | None = None
        self.limits_dialog: LimitsDialog | None = None
        self.last_import: review_ledger.ImportReport | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reviewTabs")
        register = QWidget()
        inner = QVBoxLayout(register)
        inner.setContentsMargins(12, 8, 12, 8)
        inner.setSpacing(6)
        inner.addWidget(self._toolbar())
        inner.addLayout(self._filter_bar())
        # Widths from the font: number, clock, deadline, status and dates whole at any text size on a
        # 1366-pixel screen; the title takes the rest and is the one column elided (tooltip whole).
        self.make_view(
            "reviewView",
            ReviewListModel(ctx, actor, parent=self),
            header_key="reviews/header",
            samples=REVIEW_COLUMN_SAMPLES,
            stretch=TITLE,
            icons=(CLOCK,),
            large_hidden=(REVIEW_TYPE, REVIEW_UNIT),
        )  # both in the summary below
        # the register follows every committed write to reviews (here, a bundle, a ledger import)
        self.follower = self.follow(REVIEW_ENTITIES)
        inner.addWidget(self.make_splitter("reviewsSplitter", "reviews/splitter", self._preview()), 1)
        self.tabs.addTab(register, theme.icon("mdi6.table-large"), self.tr("审查台账"))
        self.stats = StatsView(ctx, actor, lambda *a: self.choose_save_file(*a), self)
        self.tabs.addTab(self.stats, theme.icon("mdi6.chart-bar"), self.tr("统计"))
        self.matters = MattersView(
            ctx, actor, lambda *a: self.choose_open_file(*a), lambda *a: self.choose_save_file(*a), self
        )
        self.tabs.addTab(self.matters, theme.icon("mdi6.format-list-checks"), self.tr("议题和合同"))
        box.addWidget(self.tabs)

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        can_edit = self.actor.can(Perm.EDIT_REVIEWS)
        self.new_action = self.action(
            self.tr("新建登记"),
            self.new_item,
            "mdi6.file-document-plus-outline",
            self.tr("登记一件送审事项（Ctrl+N）"),
            QKeySequence.StandardKey.New,
        )
        self.open_action = self.action(
            self.tr("打开"), self.open_current, "mdi6.file-document-outline", self.tr("打开选中的事项（Enter 或双击）")
        )
        self.import_action = self.action(
            self.tr("导入台账…"),
            self.import_ledger,
            "mdi6.file-import-outline",
            self.tr("导入原有的 Excel 审查台账：每一行都会导入、判为重复或列出问题"),
        )
        self.export_action = self.action(
            self.tr("导出台账…"), self.export_ledger, "mdi6.file-export-outline", self.tr("把审查台账导出为 Excel")
        )
        self.limits_action = self.action(
            self.tr("期限设置…"), self.edit_limits, "mdi6.timer-cog-outline", self.tr("各类事项的审查期限（工作日）")
        )
        self.refresh_action = self.action(
            self.tr("刷新"), self.refresh, "mdi6.refresh", self.tr("重新读取（F5）"), QKeySequence.StandardKey.Refresh
        )
        for a in (self.new_action, self.import_action, self.limits_action):
            a.setEnabled(can_edit)
        self.open_action.setEnabled(False)
        return self.make_toolbar(
            "reviewsToolbar",
            [
                self.new_action,
                self.open_action,
                None,
                self.import_action,
                self.export_action,
                self.limits_action,
                self.refresh_action,
            ],
            "reviewCount",
        )

    def _filter_bar(self) -> QHBoxLayout:
        self.make_search(
            "reviewSearch",
            self.tr("编号、事项名称或送审单位（Ctrl+F）"),
            min_width_text=self.tr("编号、事项名称或送审单位"),
        )
        self.year = QComboBox()
        self.year.setObjectName("yearFilter")
        self.item_type = QComboBox()
        self.item_type.setObjectName("typeFilter")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.overdue = QCheckBox(self.tr("仅超期"))
        self.overdue.setObjectName("overdueOnly")
        self.due_soon = QCheckBox(self.tr("即将到期"))
        self.due_soon.setObjectName("dueSoonOnly")
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("清除条件"))
        self.reset_button.setObjectName("resetFilter")
        row = self.make_filter_row(
            [self.search, self.year, self.item_type, self.status, self.overdue, self.due_soon, self.reset_button]
        )
        for combo in (self.year, self.item_type, self.status):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.due_soon.toggled.connect(self.apply_filter)
        self.reset_button.clicked.connect(self.reset_filter)
        return row

    def _preview(self) -> QFrame:
        card = QFrame()
        card.setObjectName("reviewPreview")
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(16, 10, 16, 10)
        self.preview_title = label("", "subtitle")
        self.preview_title.setObjectName("previewTitle")
        self.preview_title.setWordWrap(True)
        box.addLayout(self.make_summary_head(self.preview_title))
        self.preview_text = label("", wrap=True)
        self.preview_text.setObjectName("previewText")
        self.preview_warnings = label("", wrap=True)
        self.preview_warnings.setObjectName("previewWarnings")
        self.preview_warnings.setProperty("state", "error")
        box.addWidget(self.preview_text)
        box.addWidget(self.preview_warnings)
        box.addStretch(1)
        # title, two lines of facts, a warning, and the 打开 button whole beside the title
        card.setMinimumHeight(max(int(self.fontMetrics().height() * 6), card.minimumSizeHint().height() + 8))
        self._show_preview(None)
        return card

    def summary_buttons(self) -> list[QAbstractButton]:
        self.preview_open = QPushButton(theme.icon("mdi6.file-document-outline", "#ffffff"), self.tr("打开"))
        self.preview_open.setProperty("kind", "primary")
        self.preview_open.setObjectName("previewOpen")
        self.preview_open.clicked.connect(self.open_current)
        return [self.preview_open]

    # -- filters ------------------------------------------------------------------------------------

    def fill_filters(self) -> None:
        years = ops.read(self.ctx, self.actor, review_queries.year_range)
        types = ops.session_read(self.ctx, codes.items, "review_type")
        this_year = clock.local_today().year
        first, last = years or (this_year, this_year)
        fill_combo(
            self.year,
            [(y, self.tr("{y} 年").format(y=y)) for y in range(max(last, this_year), first - 1, -1)],
            self.tr("全部年度"),
        )
        fill_combo(self.item_type, types, self.tr("全部类型"))
        self.status.setToolTip(self.tr("“未办结”：待材料齐全、审查中和补正中的事项"))
        fill_combo(
            self.status, [("open", self.tr("未办结"))] + [(s.value, s.label) for s in ReviewStatus], self.tr("全部状态")
        )

    def current_filter(self) -> ReviewFilter:
        year = self.year.currentData()
        return ReviewFilter(
            year=year or None,
            item_type=self.item_type.currentData(),
            status=self.status.currentData(),
            overdue=self.overdue.isChecked(),
            due_soon=self.due_soon.isChecked(),
            text=self.search.text(),
        )

    def show_list(self, f: ReviewFilter) -> None:
        """Show exactly the items ``f`` matches (a home-page card), its fields in the filter bar."""
        if not self._loaded:
            self._loaded = True
            self.fill_filters()
        widgets = (self.year, self.item_type, self.status, self.overdue, self.due_soon, self.search)
        for w in widgets:
            w.blockSignals(True)
        for combo, value in ((self.year, f.year), (self.item_type, f.item_type), (self.status, f.status)):
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
        self.overdue.setChecked(f.overdue)
        self.due_soon.setChecked(f.due_soon)
        self.search.setText(f.text)
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def filter_widgets(self) -> tuple[QWidget, ...]:
        return (self.year, self.item_type, self.status, self.overdue, self.due_soon, self.search)

    def refresh(self, select_uuid: str = "") -> None:
        """Read the register again (its filter choices too: a new year, a new type), keeping the
        selected item, or selecting ``select_uuid`` (a form just saved it)."""
        self.fill_filters()
        super().refresh()
        if select_uuid:
            self.select(select_uuid)

    # -- the selected item ----------------------------------------------------------------------------

    def selection_changed(self, uuid: str | None) -> None:
        self.open_action.setEnabled(bool(uuid))

    def show_summary(self, uuid: str | None) -> None:
        row = self.model.find_row(uuid)
        self._show_preview(self.model.row(row) if row is not None else None)

    def _show_preview(self, row: review_queries.ReviewRow | None) -> None:
        if row is None:
            self.preview_title.setText(self.tr("在上方列表中选择一件事项，这里显示它的期限；按 Enter 或双击打开。"))
            self.preview_text.setText("")
            self.preview_warnings.setText("")
            return
        self.preview_title.setText(f"{row.number}　{row.title}")
        parts = [
            self.tr("类型：{t}").format(t=row.type_label),
            self.tr("送审单位：{u}").format(u=row.unit),
            self.tr("送审：{d}").format(d=row.received_on or self.tr("不详")),
            self.tr("材料齐全：{d}").format(d=row.complete_on or self.tr("未齐全")),
            self.tr("期限届满：{d}").format(d=row.due_on or "—"),
            self.tr("状态：{s}").format(s=row.status_label),
        ]
        if row.clock_text:
            parts.append(row.clock_text)
        if row.conclusion_label:
            parts.append(self.tr("结论：{c}").format(c=row.conclusion_label))
        self.preview_text.setText("　".join(parts))
        self.preview_warnings.setText("\n".join(f"⚠ {w}" for w in row.warnings))

    def open_item(self, uuid: str) -> None:
        if not uuid:
            return
        dialog = self.dialogs.get(uuid)
        if dialog is None:
            dialog = ReviewDialog(self.ctx, self.actor, uuid, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.changed.connect(self.refresh)
            dialog.finished.connect(lambda _code, u=uuid: self.dialogs.pop(u, None))
            self.dialogs[uuid] = dialog
            dialog.show()
            return
        dialog.raise_()  # already open: bring it to the front
        dialog.activateWindow()

    def new_item(self) -> None:
        if not self.actor.can(Perm.EDIT_REVIEWS):
            return
        if self.new_dialog is not None:
            self.new_dialog.raise_()
            return
        dialog = ReviewDialog(self.ctx, self.actor, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self.refresh)
        dialog.finished.connect(lambda _code: setattr(self, "new_dialog", None))
        self.new_dialog = dialog
        dialog.show()

    def edit_limits(self) -> None:
        dialog = LimitsDialog(self.ctx, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(
            lambda _r: messages.info(self, self.tr("审查期限已保存，此后登记的事项按新期限计算。"))
        )
        dialog.finished.connect(lambda _code: setattr(self, "limits_dialog", None))
        self.limits_dialog = dialog
        dialog.open()

    # -- Excel --------------------------------------------------------------------------------------

    def import_ledger(self) -> None:
        from xihu_desk.gui.reviews import importing

        importing.start(
            self,
            review_ledger.import_ledger,
            title=self.tr("选择要导入的合法性审查台账"),
            noun=self.tr("台账"),
            then=self._imported,
        )

    def _imported(self, report: review_ledger.ImportReport) -> None:
        self.last_import = report
        self.refresh()

    def export_ledger(self) -> None:
        path = self.choose_save_file(
            self,
            self.tr("导出合法性审查台账"),
            self.tr("合法性审查台账_{d}.xlsx").format(d=clock.local_today().strftime("%Y%m%d")),
        )
        if not path:
            return
        f = self.current_filter()
        ops.read(
            self.ctx,
            self.actor,
            lambda session, actor: write_file(path, review_ledger.export_ledger(session, actor, f=f)),
            label=self.tr("正在导出台账…"),
            parent=self,  # on the runner's thread: the file written there
            on_ok=lambda p: messages.info(self, self.tr("已导出（当前筛选条件下的全部事项）：{p}").format(p=p)),
        )


__all__ = ["SORT_KEYS", "ReviewsPage", "reviews_page"]


def reviews_page(ctx: AppContext, actor: Actor) -> QWidget:
    """The area's page for the main window: the register for a role that may see it, otherwise the
    area's description."""
    if actor.can(Perm.VIEW_REVIEWS):
        return ReviewsPage(ctx, actor)
    from xihu_desk.gui.pages.upcoming import UpcomingPage, plans

    return UpcomingPage(plans()["reviews"])
