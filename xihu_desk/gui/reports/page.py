"""统计报表: choose a period and a scope, see the main figures and two charts (cases by month, by
dispute type), and write the workbooks: the 人民调解工作统计表, the case ledger (ID numbers masked),
and the wizard that takes in an office's old Excel ledger.

Figures are computed off the GUI thread (``Runner.call`` with its own read session); a result that
arrives after the period changed again is dropped. File pickers are behind ``self.files``
(files.FileDialogs), replaced in tests.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit.dates import to_date
from xihu_desk.gui.reports.charts import BarChart, ColumnChart
from xihu_desk.gui.reports.files import FileDialogs
from xihu_desk.gui.reports.wizard import LedgerImportWizard
from xihu_desk.gui.widgets import icon_label, label
from xihu_desk.services import case_ledger, mediation_stats
from xihu_desk.services.context import Actor
from xihu_desk.services.mediation_stats import MediationStats, Scope, StatsQuery

PRESETS = ("this_month", "last_month", "this_quarter", "last_quarter", "this_year", "last_year", "custom")
TOP_TYPES = 10


def preset_period(key: str, today: date) -> tuple[date, date]:
    """本月, 上月, 本季度, 上季度, 本年, 上年 as (first day, last day)."""

    def month_end(y: int, m: int) -> date:
        return (date(y + (m == 12), m % 12 + 1, 1)) - timedelta(days=1)

    y, m = today.year, today.month
    if key == "this_month":
        return date(y, m, 1), month_end(y, m)
    if key == "last_month":
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        return date(y, m, 1), month_end(y, m)
    q = (m - 1) // 3
    if key == "last_quarter":
        y, q = (y - 1, 3) if q == 0 else (y, q - 1)
    if key in ("this_quarter", "last_quarter"):
        return date(y, q * 3 + 1, 1), month_end(y, q * 3 + 3)
    if key == "last_year":
        y -= 1
    return date(y, 1, 1), date(y, 12, 31)


class Figure(QFrame):
    """One main figure: its name, the number, a note; no icon, so six fit beside each other."""

    def __init__(self, title: str, value: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("kind", "card")
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 8, 10, 8)
        box.setSpacing(0)
        self.title = label(title, "muted")
        self.value = label(value, "figure")
        self.value.setObjectName("figureValue")
        self.note = label(note, "muted")
        for widget in (self.title, self.value, self.note):
            box.addWidget(widget)


def _card(title: str, body: QWidget, name: str) -> QFrame:
    frame = QFrame()
    frame.setProperty("kind", "card")
    frame.setObjectName(name)
    box = QVBoxLayout(frame)
    box.setContentsMargins(14, 10, 14, 10)
    box.addWidget(label(title, "subtitle"))
    box.addWidget(body, 1)
    return frame


class ReportsPage(QWidget):
    loaded = Signal(object)  # MediationStats shown
    saved = Signal(object)  # Path of a workbook written

    def __init__(
        self, ctx: AppContext, actor: Actor, files: FileDialogs | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.files = files or FileDialogs(self)
        self.stats: MediationStats | None = None
        self.wizard: LedgerImportWizard | None = None
        self._seq = 0
        self._started = False
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(icon_label("mdi6.chart-box-outline", 36))
        head.addWidget(label(self.tr("统计报表"), "title"), 1)
        box.addLayout(head)
        summary = label(
            self.tr(
                "按期间和范围查看人民调解的主要数字；生成区司法局要求的人民调解工作统计表，导出案件台账，"
                "导入以前用 Excel 登记的台账。"
            ),
            "muted",
            wrap=True,
        )
        summary.setObjectName("areaSummary")
        box.addWidget(summary)
        self.allowed = actor.can(Perm.REPORTS)
        if not self.allowed:
            note = label(self.tr("统计报表由调解员、审查员、所长和区司法局查看；系统管理员不查看案件数据。"), wrap=True)
            note.setObjectName("notAllowed")
            box.addWidget(note)
            box.addStretch(1)
            return
        self.scopes, self.level = ops.read(ctx, actor, mediation_stats.page_setup)
        box.addWidget(self._controls())
        # the figures and charts scroll when the window is shorter than they are (150 % text on a
        # 768-pixel screen), so the charts keep a readable height
        body = QWidget()
        body_box = QVBoxLayout(body)
        body_box.setContentsMargins(0, 0, 0, 0)
        body_box.setSpacing(10)
        self.cards = QGridLayout()
        self.cards.setSpacing(12)
        body_box.addLayout(self.cards)
        charts = QHBoxLayout()
        charts.setSpacing(12)
        self.month_chart = ColumnChart(self.tr("所选期间没有受理案件"))
        self.month_chart.setObjectName("monthChart")
        self.type_chart = BarChart(self.tr("所选期间没有受理案件"))
        self.type_chart.setObjectName("typeChart")
        for chart in (self.month_chart, self.type_chart):  # room for the labels at every text size
            chart.setMinimumHeight(max(chart.minimumSizeHint().height(), 9 * self.fontMetrics().height()))
        charts.addWidget(_card(self.tr("按月：受理与调解成功"), self.month_chart, "monthCard"), 3)
        charts.addWidget(_card(self.tr("按纠纷类型：受理件数"), self.type_chart, "typeCard"), 2)
        body_box.addLayout(charts, 1)
        scroll = screenfit.scrolling(body, "reportsBody")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(scroll, 1)
        result = QHBoxLayout()
        self.result = label("", "muted")
        self.result.setObjectName("resultLine")
        self.folder_button = QPushButton(theme.icon("mdi6.folder-open-outline"), self.tr("打开所在文件夹"))
        self.folder_button.setObjectName("openFolder")
        self.folder_button.setVisible(False)
        self.folder_button.clicked.connect(self._show_last_folder)
        self._last_folder: Path | None = None
        result.addWidget(self.result, 1)
        result.addWidget(self.folder_button)
        box.addLayout(result)
        self._apply_preset()

    # -- the controls -----------------------------------------------------------------------------

    def _controls(self) -> QFrame:
        bar = QFrame()
        bar.setProperty("kind", "card")
        outer = QVBoxLayout(bar)
        outer.setContentsMargins(12, 8, 12, 8)
        row = QHBoxLayout()
        row.setSpacing(8)
        outer.addLayout(row)
        self.preset = QComboBox()
        self.preset.setObjectName("periodPreset")
        names = {
            "this_month": self.tr("本月"),
            "last_month": self.tr("上月"),
            "this_quarter": self.tr("本季度"),
            "last_quarter": self.tr("上季度"),
            "this_year": self.tr("本年"),
            "last_year": self.tr("上年"),
            "custom": self.tr("自定义"),
        }
        for key in PRESETS:
            self.preset.addItem(names[key], key)
        self.preset.setCurrentIndex(PRESETS.index("this_year"))
        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for edit, name in ((self.date_from, "dateFrom"), (self.date_to, "dateTo")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.scope = QComboBox()
        self.scope.setObjectName("scope")
        for i, s in enumerate(self.scopes):
            self.scope.addItem(s.label)
            self.scope.setItemData(i, s.label, Qt.ItemDataRole.ToolTipRole)
        self.scope.setMinimumContentsLength(12)
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope.currentIndexChanged.connect(self.refresh)
        row.addWidget(label(self.tr("统计期间"), "muted"))
        row.addWidget(self.preset)
        row.addWidget(self.date_from)
        row.addWidget(label(self.tr("至")))
        row.addWidget(self.date_to)
        row.addSpacing(10)
        row.addWidget(label(self.tr("范围"), "muted"))
        row.addWidget(self.scope, 1)
        row.addSpacing(10)
        self.stats_button = QPushButton(theme.icon("mdi6.microsoft-excel", "#ffffff"), self.tr("生成统计表…"))
        self.stats_button.setObjectName("writeStats")
        self.stats_button.setProperty("kind", "primary")
        self.stats_button.setToolTip(
            self.tr("人民调解工作统计表（Excel）：按纠纷类型、调委会、组织类型和月份，含合计与数据来源")
        )
        self.stats_button.clicked.connect(self.write_statistics)
        self.submit_button = QPushButton(theme.icon("mdi6.send-check-outline"), self.tr("报出…"))
        self.submit_button.setObjectName("submitStats")
        self.submit_button.setToolTip(
            self.tr(
                "报出本期统计表：保存本期数字和报出人、时间，随数据包报送上级；以后案件有变化，在下一期的“更正”表中列出"
            )
        )
        self.submit_button.clicked.connect(self.submit_statistics)
        self.submit_button.setVisible(self.actor.can(Perm.REPORTS) and self.actor.can(Perm.EXCHANGE))
        self.ledger_button = QPushButton(theme.icon("mdi6.table-arrow-right"), self.tr("导出案件台账…"))
        self.ledger_button.setObjectName("exportLedger")
        self.ledger_button.setToolTip(self.tr("所选范围内全部案件的台账（Excel），证件号码已遮蔽"))
        self.ledger_button.clicked.connect(self.export_ledger)
        self.ledger_button.setVisible(self.actor.can(Perm.VIEW_CASES))
        self.import_button = QPushButton(theme.icon("mdi6.table-arrow-left"), self.tr("导入原有台账…"))
        self.import_button.setObjectName("importLedger")
        self.import_button.setToolTip(self.tr("把以前用 Excel 登记的案件台账导入本程序：先试导入，再确认"))
        self.import_button.clicked.connect(self.open_wizard)
        self.import_button.setVisible(self.actor.can(Perm.EDIT_CASES) and self.level != Level.DISTRICT)
        self.platform_button = QPushButton(theme.icon("mdi6.compare-horizontal"), self.tr("平台对账…"))
        self.platform_button.setObjectName("platformReconcile")
        self.platform_button.setToolTip(self.tr("与省平台（浙里调 / 浙江解纷码）导出的案件表核对，导出待录入的案件"))
        self.platform_button.clicked.connect(self.open_platform)
        self.platform_button.setVisible(self.actor.can(Perm.VIEW_CASES) and self.level != Level.DISTRICT)
        # 卷宗评查 and 以案定补 share one button with a menu: the bar stays within a 1366-pixel screen
        self.review_button = QPushButton(theme.icon("mdi6.clipboard-check-outline"), self.tr("评查与补贴"))
        self.review_button.setObjectName("reviewAndSubsidy")
        self.review_button.setToolTip(
            self.tr("卷宗评查：逐件打分并写明扣分；以案定补：计算调解员补贴、保存发放表、审核通过")
        )
        more = QMenu(self.review_button)
        self.review_action = more.addAction(self.tr("卷宗评查…"))
        self.review_action.setObjectName("casefileReview")
        self.review_action.triggered.connect(self.open_casefile_review)
        self.subsidy_action = more.addAction(self.tr("以案定补…"))
        self.subsidy_action.setObjectName("subsidy")
        self.subsidy_action.triggered.connect(self.open_subsidy)
        self.subsidy_action.setVisible(self.level != Level.DISTRICT)
        self.review_button.setMenu(more)
        self.review_button.setVisible(self.actor.can(Perm.VIEW_CASES))
        # the buttons on a line of their own below the period, so the bar fits a 1366-pixel screen
        # at every text size (six of them since 报出, 平台对账 and 评查与补贴)
        actions = QHBoxLayout()
        actions.addStretch(1)
        outer.addLayout(actions)
        for b in (
            self.stats_button,
            self.submit_button,
            self.ledger_button,
            self.import_button,
            self.platform_button,
            self.review_button,
        ):
            actions.addWidget(b)
        return bar

    def _apply_preset(self) -> None:
        key = self.preset.currentData()
        if key == "custom":
            return
        first, last = preset_period(key, clock.local_today())
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        if self._started:
            self.refresh()

    def _dates_edited(self) -> None:
        self.preset.blockSignals(True)
        self.preset.setCurrentIndex(PRESETS.index("custom"))
        self.preset.blockSignals(False)
        self.refresh()

    def _show_last_folder(self) -> None:
        if self._last_folder is not None:
            self.files.show_folder(self._last_folder)

    def query(self) -> StatsQuery:
        scope: Scope = self.scopes[max(self.scope.currentIndex(), 0)]
        return StatsQuery(
            to_date(self.date_from.date()), to_date(self.date_to.date()), scope.org_code, scope.committee_uuid
        )

    # -- figures ----------------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.allowed and not self._started:
            self._started = True
            self.refresh()

    def refresh(self) -> None:
        if not self.allowed or not self._started:
            return
        q = self.query()
        if q.date_to < q.date_from:
            self.result.setText(self.tr("结束日期早于开始日期，请调整统计期间。"))
            return
        self._seq += 1
        seq = self._seq
        ops.read(
            self.ctx, self.actor, mediation_stats.compute, q, parent=self, on_ok=lambda stats: self._show(seq, stats)
        )

    def _show(self, seq: int, stats: MediationStats) -> None:
        if seq != self._seq:
            return  # the period changed again meanwhile
        self.stats = stats
        t = stats.total
        rate = f"{t['succeeded'] / t['closed']:.1%}" if t["closed"] else "—"
        figures = [
            (self.tr("受理（件）"), f"{t['accepted']}", self.tr("统计期间内受理")),
            (
                self.tr("调解成功（件）"),
                f"{t['succeeded']}",
                self.tr("书面 {w}，口头 {o}").format(w=t["written"], o=t["oral"]),
            ),
            (self.tr("成功率"), rate, self.tr("调解成功 ÷ 结案 {n}").format(n=t["closed"])),
            (self.tr("协议金额（万元）"), f"{t['amount_fen'] / 1_000_000:,.2f}", self.tr("调解成功案件")),
            (self.tr("司法确认（件）"), f"{t['confirmed']}", self.tr("已履行 {n} 件").format(n=t["performed"])),
            (
                self.tr("期末在办（件）"),
                f"{t['open']}",
                self.tr("不成功 {f}，终止 {e}").format(f=t["failed"], e=t["terminated"]),
            ),
        ]
        while self.cards.count():
            taken = self.cards.takeAt(0)
            card = taken.widget() if taken is not None else None
            if card is not None:
                card.deleteLater()
        # six cards in a row, or two rows of three where six would not fit (large text)
        per_row = 6 if self.width() >= 6 * 11 * self.fontMetrics().horizontalAdvance("中") else 3
        for i, (title, value, note) in enumerate(figures):
            card = Figure(title, value, note)
            card.setObjectName(f"figure{i}")
            self.cards.addWidget(card, i // per_row, i % per_row)
        months = stats.by_month
        self.month_chart.set_data(
            [self._month_label(r.label, len(months)) for r in months],
            [
                (self.tr("受理"), [r.figures["accepted"] for r in months]),
                (self.tr("调解成功"), [r.figures["succeeded"] for r in months]),
            ],
        )
        types = sorted((r for r in stats.by_type if r.figures["accepted"]), key=lambda r: -r.figures["accepted"])
        shown = types[:TOP_TYPES]
        rest = sum(r.figures["accepted"] for r in types[TOP_TYPES:])
        labels = [r.label for r in shown] + ([self.tr("其余类型")] if rest else [])
        self.type_chart.set_data(
            labels, [(self.tr("受理"), [r.figures["accepted"] for r in shown] + ([rest] if rest else []))]
        )
        missing = [b.sender for b in stats.cover.bundles or [] if b.missing or not b.sequences]
        self.result.setText(
            self.tr("{scope}，{first:%Y-%m-%d} 至 {last:%Y-%m-%d}。").format(
                scope=stats.cover.scope, first=stats.cover.date_from, last=stats.cover.date_to
            )
            + (
                self.tr("注意：{names} 的数据包不全，其案件可能未全部计入。").format(names="、".join(missing))
                if missing
                else ""
            )
        )
        self.folder_button.setVisible(False)
        self.loaded.emit(stats)

    @staticmethod
    def _month_label(text: str, count: int) -> str:
        """2026年3月 -> 3月 for a year or less, 26年3月 for longer periods."""
        year, month = text.split("年", 1)
        return month if count <= 12 else f"{year[2:]}年{month}"

    # -- workbooks --------------------------------------------------------------------------------

    def _saved(self, path: Path, text: str) -> None:
        self._last_folder = path.parent
        self.result.setText(text)
        self.folder_button.setVisible(True)
        self.saved.emit(path)

    def write_statistics(self) -> None:
        q = self.query()
        if q.date_to < q.date_from:
            messages.error(self, self.tr("结束日期早于开始日期，请调整统计期间。"))
            return
        name = f"人民调解工作统计表_{q.date_from:%Y%m%d}-{q.date_to:%Y%m%d}.xlsx"
        target = self.files.save_workbook(self, self.tr("保存人民调解工作统计表"), name)
        if target is None:
            return
        templates = self.ctx.data.root / "templates"

        def work(session: Any, actor: Actor) -> Path:
            _write(target, mediation_stats.statistics_workbook(session, actor, q, templates))
            return target

        ops.read(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在生成统计表…"),
            parent=self,
            on_ok=lambda path: self._saved(path, self.tr("统计表已保存：{path}").format(path=path)),
        )

    def submit_statistics(self) -> None:
        """报出: the period's figures kept as they are now, the workbook saved as submitted."""
        q = self.query()
        if q.org_code or q.committee_uuid:
            messages.error(self, self.tr("报出的统计表须包括本单位全部调委会：请把“范围”选为第一项后再报出。"))
            return
        if q.date_to >= clock.local_today():
            messages.error(self, self.tr("统计期间尚未结束，期满后才能报出。"))
            return
        period = f"{q.date_from:%Y-%m-%d} 至 {q.date_to:%Y-%m-%d}"
        if not messages.confirm(
            self,
            self.tr(
                "报出 {period} 的人民调解工作统计表？报出后本期数字按现在的样子保存，随数据包报送上级；"
                "以后案件有变化，在下一期统计表的“更正”表中列出。"
            ).format(period=period),
            self.tr("报出统计表"),
        ):
            return
        name = f"人民调解工作统计表_{q.date_from:%Y%m%d}-{q.date_to:%Y%m%d}_报出.xlsx"
        target = self.files.save_workbook(self, self.tr("保存报出的统计表"), name)
        if target is None:
            return
        templates = self.ctx.data.root / "templates"

        def work(session: Any, actor: Actor) -> Path:
            from xihu_desk.services import report_submissions

            done = report_submissions.submit_from(session, actor, q, templates)
            _write(target, done.workbook)  # inside the write: a file not written leaves no submission
            return target

        ops.write(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在报出…"),
            parent=self,
            on_ok=lambda path: self._saved(path, self.tr("已报出，报出的统计表已保存：{path}").format(path=path)),
        )

    def export_ledger(self) -> None:
        scope: Scope = self.scopes[max(self.scope.currentIndex(), 0)]
        target = self.files.save_workbook(
            self, self.tr("保存案件台账"), f"人民调解案件台账_{clock.local_today():%Y%m%d}.xlsx"
        )
        if target is None:
            return
        ledger_scope = case_ledger.LedgerScope(org_code=scope.org_code, committee_uuid=scope.committee_uuid)

        def work(session: Any, actor: Actor) -> Path:
            _write(target, case_ledger.export_ledger(session, actor, ledger_scope))
            return target

        ops.write(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在导出案件台账…"),
            parent=self,
            on_ok=lambda path: self._saved(path, self.tr("案件台账已保存（证件号码已遮蔽）：{path}").format(path=path)),
        )

    def open_platform(self) -> None:
        from xihu_desk.gui.reports.platform_dialog import PlatformDialog

        self.platform = PlatformDialog(self.ctx, self.actor, self.files, self)
        self.platform.setModal(True)
        self.platform.show()

    def open_subsidy(self) -> None:
        from xihu_desk.gui.reports.subsidy_dialog import SubsidyDialog

        period = (self.query().date_from, self.query().date_to)
        self.subsidy = SubsidyDialog(self.ctx, self.actor, self.files, period, self)
        self.subsidy.setModal(True)
        self.subsidy.show()

    def open_casefile_review(self) -> None:
        from xihu_desk.gui.reports.casefile_dialog import CasefileReviewDialog

        period = (self.query().date_from, self.query().date_to)
        self.casefile_review = CasefileReviewDialog(self.ctx, self.actor, self.files, period, self)
        self.casefile_review.setModal(True)
        self.casefile_review.show()

    def open_wizard(self) -> None:
        self.wizard = LedgerImportWizard(self.ctx, self.actor, self.files, self)
        self.wizard.imported.connect(lambda _report: self.refresh())
        self.wizard.setModal(True)
        self.wizard.show()


def _write(target: Path, data: bytes) -> None:
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise UserError(f"无法写入 {target}：{exc.strerror or exc}") from None
