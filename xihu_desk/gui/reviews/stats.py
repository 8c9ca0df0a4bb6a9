"""统计: the legality-review figures for a period on screen (cards and a type × month table) and
the same as an Excel workbook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import reviews as rules
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import date_edit, date_of, write_file
from xihu_desk.gui.widgets import FigureCard, label
from xihu_desk.services import codes, node, review_ledger, review_queries
from xihu_desk.services.context import Actor


class StatsView(QWidget):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        choose_save_file: Callable[[QWidget, str, str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.choose_save_file = ctx, actor, choose_save_file
        self.stats: rules.Statistics | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 10, 12, 10)
        bar = QHBoxLayout()
        today = QDate(clock.local_today())
        self.date_from = date_edit()
        self.date_from.setObjectName("statsFrom")
        self.date_from.setDate(QDate(today.year(), 1, 1))
        self.date_to = date_edit()
        self.date_to.setObjectName("statsTo")
        self.run_button = QPushButton(theme.icon("mdi6.calculator-variant-outline"), self.tr("统计"))
        self.run_button.setObjectName("statsRun")
        self.export_button = QPushButton(theme.icon("mdi6.microsoft-excel", "#ffffff"), self.tr("导出统计表…"))
        self.export_button.setObjectName("statsExport")
        self.export_button.setProperty("kind", "primary")
        bar.addWidget(QLabel(self.tr("送审日期：")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("至")))
        bar.addWidget(self.date_to)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        box.addLayout(bar)
        self.scope = label("", "muted", wrap=True)
        self.scope.setObjectName("statsScope")
        box.addWidget(self.scope)
        self.cards = QGridLayout()
        self.cards.setSpacing(10)
        box.addLayout(self.cards)
        box.addWidget(label(self.tr("按类型、按送审月份"), "subtitle"))
        self.table = QTableWidget()
        self.table.setObjectName("statsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        box.addWidget(self.table, 1)
        self.run_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.org = ops.session_read(ctx, node.node_info)
        self.type_labels = dict(ops.session_read(ctx, codes.items, "review_type"))
        self._loaded = False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def period(self) -> tuple[date, date] | None:
        """The period chosen; None (after saying so) when a date is empty or the end is before the start."""
        start, end = date_of(self.date_from), date_of(self.date_to)
        if start is None or end is None:
            messages.error(self, self.tr("请填写统计期间的开始和结束日期。"))
            return None
        if end < start:
            messages.error(self, self.tr("统计期间的结束日期不能早于开始日期。"))
            return None
        return start, end

    def refresh(self) -> None:
        chosen = self.period()
        if chosen is None:
            return
        start, end = chosen
        s = ops.read(self.ctx, self.actor, review_queries.statistics, start, end)
        self.stats = s
        self.scope.setText(
            self.tr("{org}（{code}）　{start} 至 {end} 送审的事项；{rule}。其他口径见导出的统计表“说明”页。").format(
                org=self.org.org_name, code=self.org.org_code, start=start, end=end, rule=rules.REVIEW_RATE_RULE
            )
        )
        while self.cards.count():
            taken = self.cards.takeAt(0)
            card = taken.widget() if taken is not None else None
            if card is not None:
                card.deleteLater()
        days = "—" if s.average_days is None else f"{s.average_days:.1f}"
        figures = [
            (
                self.tr("应审查"),
                str(s.needing),
                self.tr("登记 {t}，退回 {r}，应审未审 {m}").format(t=s.total, r=s.returned, m=s.unreviewed),
                "mdi6.inbox-arrow-down-outline",
            ),
            (
                self.tr("审查率"),
                rules.percent(s.review_rate),
                self.tr("已审查 {n} ÷ 应审查 {d}；在审 {p} 件").format(n=s.reviewed, d=s.needing, p=s.pending),
                "mdi6.percent-outline",
            ),
            (
                self.tr("采纳率"),
                rules.percent(s.adoption_rate),
                self.tr("采纳 {a} / 已反馈 {k}").format(a=s.adopted, k=s.adoption_known),
                "mdi6.thumb-up-outline",
            ),
            (
                self.tr("按期率"),
                rules.percent(s.on_time_rate),
                self.tr("按期 {a} / {k} 件").format(a=s.on_time, k=s.timed),
                "mdi6.timer-check-outline",
            ),
            (self.tr("平均用时"), days, self.tr("个工作日"), "mdi6.calendar-clock"),
            (
                self.tr("不合法或退回"),
                str(s.unlawful_or_returned),
                self.tr("不合法 {u}，退回 {r}").format(u=s.unlawful, r=s.returned),
                "mdi6.alert-octagon-outline",
            ),
        ]
        for i, (title, value, note, icon) in enumerate(figures):
            card = FigureCard(title, 0, note, icon)
            card.value.setText(value)
            card.setObjectName(f"statsCard{i}")
            self.cards.addWidget(card, i // 3, i % 3)
        months = s.months()
        types = list(self.type_labels) + [c for c in s.by_type if c not in self.type_labels]
        self.table.clear()
        self.table.setColumnCount(len(months) + 2)
        self.table.setRowCount(len(types) + 1)
        self.table.setHorizontalHeaderLabels(
            [self.tr("事项类型"), *[f"{m[:4]}.{int(m[5:])}" for m in months], self.tr("合计")]
        )
        for r, code in enumerate(types):
            cells = [
                self.type_labels.get(code, code),
                *[str(s.by_type_month.get((code, m), 0)) for m in months],
                str(s.by_type.get(code, 0)),
            ]
            self._row(r, cells)
        self._row(len(types), [self.tr("合计"), *[str(s.by_month.get(m, 0)) for m in months], str(s.total)], bold=True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    def _row(self, r: int, cells: list[str], bold: bool = False) -> None:
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if bold:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.table.setItem(r, c, item)

    def export(self) -> None:
        chosen = self.period()
        if chosen is None:
            return
        start, end = chosen
        path = self.choose_save_file(
            self,
            self.tr("导出合法性审查统计表"),
            self.tr("合法性审查统计_{a}_{b}.xlsx").format(a=start.strftime("%Y%m%d"), b=end.strftime("%Y%m%d")),
        )
        if not path:
            return
        ops.read(
            self.ctx,
            self.actor,  # on the runner's thread: the workbook made and written there
            lambda session, actor: write_file(path, review_ledger.statistics_workbook(session, actor, start, end)),
            label=self.tr("正在生成统计表…"),
            parent=self,
            on_ok=lambda p: messages.info(self, self.tr("已生成统计表：{p}").format(p=p)),
        )
