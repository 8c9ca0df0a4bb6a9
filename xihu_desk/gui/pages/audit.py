"""审计日志: the hash-chained log, newest first, read page by page (style.md §B, shape 2).

Filtering happens in SQL (services.audit); the model only ever holds the pages the user has
scrolled to, so the viewer stays quick however long the log grows.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.gui import ops, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.fmt import local_time
from xihu_desk.gui.widgets import label
from xihu_desk.services import audit
from xihu_desk.services.context import Actor

PAGE_SIZE = 200
SEQ_ROLE = Qt.ItemDataRole.UserRole + 1


class AuditModel(QAbstractTableModel):
    def __init__(
        self, ctx: AppContext, actor: Actor, page_size: int = PAGE_SIZE, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.page_size = ctx, actor, page_size
        self.filter = audit.AuditFilter()
        self.rows: list[audit.AuditRow] = []
        # each row's local time, formatted once: the time column sizes to its contents, which asks
        # every row of the page several times before the first paint (issue 15)
        self.times: list[str] = []
        self._more = False
        self._fetching = False
        self.headers = [self.tr("时间"), self.tr("操作人"), self.tr("操作"), self.tr("内容")]

    def set_filter(self, f: audit.AuditFilter) -> None:
        self.beginResetModel()
        self.filter, self.rows, self.times, self._more = f, [], [], True
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def count(self) -> int:
        return ops.read(self.ctx, self.actor, audit.count_events, self.filter)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:
        # Views (and the model tester) may ask again from inside beginInsertRows; one page at a time.
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        try:
            before = self.rows[-1].seq if self.rows else None
            page = ops.read(
                self.ctx, self.actor, audit.list_events, self.filter, before_seq=before, limit=self.page_size
            )
            self._more = len(page) == self.page_size
            if page:
                first = len(self.rows)
                self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
                self.rows.extend(page)
                self.times.extend(local_time(r.at, seconds=True) for r in page)
                self.endInsertRows()
        finally:
            self._fetching = False

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.times[index.row()], row.actor, row.action_label, row.summary)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return row.summary
        if role == SEQ_ROLE:
            return row.seq
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _utc(day: QDate) -> datetime:
    """Local midnight of ``day`` as naive UTC, the form the log stores times in."""
    local = datetime.combine(date(day.year(), day.month(), day.day()), time()).astimezone()
    return local.astimezone(UTC).replace(tzinfo=None)


def _pretty(raw: str | None) -> str:
    if not raw:
        return ""
    try:
        return json.dumps(json.loads(raw), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return raw


class AuditTab(QWidget):
    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 12, 12, 12)
        box.addLayout(self._filter_bar())
        self.model = AuditModel(ctx, actor, parent=self)
        self.view = QTableView()
        self.view.setObjectName("auditView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((160, 120, 110)):
            self.view.setColumnWidth(column, width)
        prefs.restore_state("audit/header", header)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)  # time: always whole
        # Saved once resizing has paused: the first showing's own sizing (three resizes, each a
        # write of the settings file on the GUI thread) must not hold up its first rows.
        self._save_header = QTimer(self)
        self._save_header.setSingleShot(True)
        self._save_header.setInterval(500)
        self._save_header.timeout.connect(lambda: prefs.save_state("audit/header", header))
        header.sectionResized.connect(lambda *_: self._save_header.start())
        self.view.selectionModel().currentRowChanged.connect(self._show_details)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("auditSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self._details_pane())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        prefs.restore_state("audit/splitter", self.splitter)
        self.splitter.splitterMoved.connect(lambda *_: prefs.save_state("audit/splitter", self.splitter))
        box.addWidget(self.splitter, 1)

    # -- filter bar ---------------------------------------------------------------------------------

    def _filter_bar(self) -> QVBoxLayout:
        bar = QVBoxLayout()
        self.actor_combo = QComboBox()
        self.actor_combo.setObjectName("actorFilter")
        self.actor_combo.setMinimumContentsLength(10)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("actionFilter")
        # sized for a usual action name, not the longest one: new actions must not widen the bar
        self.action_combo.setMinimumContentsLength(14)
        self.action_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action_combo.addItem(self.tr("全部操作"), "")
        for action, text in audit.ACTION_LABELS.items():
            self.action_combo.addItem(text, action)
        self.search = QLineEdit()
        self.search.setObjectName("auditSearch")
        self.search.setPlaceholderText(self.tr("搜索内容或对象编号（Ctrl+F）"))
        self.search.addAction(theme.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        find = QShortcut(QKeySequence.StandardKey.Find, self, self.search.setFocus)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # other areas have their own Ctrl+F
        self.use_dates = QCheckBox(self.tr("日期"))
        self.use_dates.setObjectName("useDates")
        today = QDate(clock.local_today())
        self.date_from, self.date_to = QDateEdit(today.addDays(-30)), QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("重置"))
        self._preset: audit.AuditFilter | None = None  # a time window from a home-page card
        self.preset_label = label("", "muted")
        self.preset_label.setObjectName("auditPreset")
        self.preset_label.hide()
        self.count_label = label("", "muted")
        self.count_label.setObjectName("auditCount")
        # Two rows, so the search box keeps its room at 150 % text on a 1366-pixel screen.
        first, second = QHBoxLayout(), QHBoxLayout()
        first.addWidget(QLabel(self.tr("操作人：")))
        first.addWidget(self.actor_combo)
        first.addSpacing(8)
        first.addWidget(QLabel(self.tr("操作：")))
        first.addWidget(self.action_combo)
        first.addSpacing(8)
        first.addWidget(self.use_dates)
        first.addWidget(self.date_from)
        first.addWidget(QLabel(self.tr("至")))
        first.addWidget(self.date_to)
        first.addStretch(1)
        second.addWidget(self.search, 1)
        second.addWidget(self.preset_label)
        second.addWidget(self.reset_button)
        second.addSpacing(8)
        second.addWidget(self.count_label)
        bar.addLayout(first)
        bar.addLayout(second)
        # Typing waits for a pause before querying; everything else applies at once.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filter)
        self.actor_combo.currentIndexChanged.connect(self.apply_filter)
        self.action_combo.currentIndexChanged.connect(self.apply_filter)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(self.apply_filter)
        self.date_to.dateChanged.connect(self.apply_filter)
        self.reset_button.clicked.connect(lambda: self.reset_filter())
        return bar

    def _details_pane(self) -> QWidget:
        pane = QWidget()
        box = QVBoxLayout(pane)
        box.setContentsMargins(0, 6, 0, 0)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.detail_head = QLabel()
        self.detail_head.setObjectName("auditDetailHead")
        self.detail_head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_summary = QLabel()
        self.detail_summary.setWordWrap(True)
        self.detail_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_object = QLabel()
        self.detail_object.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("记录："), self.detail_head)
        form.addRow(self.tr("内容："), self.detail_summary)
        form.addRow(self.tr("对象："), self.detail_object)
        box.addLayout(form)
        sides = QSplitter(Qt.Orientation.Horizontal)
        self.before_text, self.after_text = QPlainTextEdit(), QPlainTextEdit()
        self.before_text.setObjectName("auditBefore")
        self.after_text.setObjectName("auditAfter")
        for title, edit in ((self.tr("修改前"), self.before_text), (self.tr("修改后"), self.after_text)):
            edit.setReadOnly(True)
            edit.setPlaceholderText(self.tr("（无）"))
            side = QWidget()
            side_box = QVBoxLayout(side)
            side_box.setContentsMargins(0, 0, 0, 0)
            side_box.addWidget(label(title, "muted"))
            side_box.addWidget(edit)
            sides.addWidget(side)
        box.addWidget(sides, 1)
        return pane

    # -- behaviour --------------------------------------------------------------------------------

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()  # events keep arriving; the filters stay as the user left them

    def reload(self) -> None:
        """Re-read the actor list and the log (new events may have arrived)."""
        current = self.actor_combo.currentData() or ""
        actors = ops.read(self.ctx, self.actor, audit.known_actors)
        self.actor_combo.blockSignals(True)
        self.actor_combo.clear()
        self.actor_combo.addItem(self.tr("全部操作人"), "")
        for name in actors:
            self.actor_combo.addItem(name, name)
        self.actor_combo.setCurrentIndex(max(self.actor_combo.findData(current), 0))
        self.actor_combo.blockSignals(False)
        self.apply_filter()

    def current_filter(self) -> audit.AuditFilter:
        since, until = (self._preset.since, self._preset.until) if self._preset else (None, None)
        if self.use_dates.isChecked():
            since = _utc(self.date_from.date())
            until = _utc(self.date_to.date()) + timedelta(days=1)
        return audit.AuditFilter(
            actor=self.actor_combo.currentData() or "",
            action=self.action_combo.currentData() or "",
            text=self.search.text().strip(),
            since=since,
            until=until,
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())
        self.count_label.setText(self.tr("共 {n} 条").format(n=self.model.count()))
        if self.model.rowCount():
            self.view.selectRow(0)
        else:
            self._show_details(QModelIndex())

    def show_list(self, f: audit.AuditFilter) -> None:
        """Show exactly the events ``f`` matches (the home page's 近 24 小时操作): its time window
        to the second, said beside the search box; 重置 clears it."""
        self.reset_filter(apply=False)
        for widget in (self.actor_combo, self.action_combo, self.search):
            widget.blockSignals(True)
        self.actor_combo.setCurrentIndex(max(self.actor_combo.findData(f.actor), 0))
        self.action_combo.setCurrentIndex(max(self.action_combo.findData(f.action), 0))
        self.search.setText(f.text)
        for widget in (self.actor_combo, self.action_combo, self.search):
            widget.blockSignals(False)
        self._preset = f if (f.since or f.until) else None
        if self._preset:
            since = local_time(f.since.isoformat(), seconds=True) if f.since else "…"
            until = local_time(f.until.isoformat(), seconds=True) if f.until else self.tr("现在")
            self.preset_label.setText(self.tr("时间：{a} 至 {b}").format(a=since, b=until))
        self.preset_label.setVisible(self._preset is not None)
        self.apply_filter()

    def reset_filter(self, apply: bool = True) -> None:
        self._preset = None
        self.preset_label.hide()
        for widget in (self.actor_combo, self.action_combo, self.search, self.use_dates):
            widget.blockSignals(True)
        self.actor_combo.setCurrentIndex(0)
        self.action_combo.setCurrentIndex(0)
        self.search.clear()
        self.use_dates.setChecked(False)
        self._dates_toggled(False, apply=False)
        for widget in (self.actor_combo, self.action_combo, self.search, self.use_dates):
            widget.blockSignals(False)
        if apply:
            self.apply_filter()

    def _dates_toggled(self, on: bool, apply: bool = True) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        if apply:
            self.apply_filter()

    def _show_details(self, index: QModelIndex) -> None:
        if not index.isValid():
            for widget in (self.detail_head, self.detail_summary, self.detail_object):
                widget.setText("")
            self.before_text.setPlainText("")
            self.after_text.setPlainText("")
            return
        row = self.model.rows[index.row()]
        self.detail_head.setText(
            self.tr("第 {seq} 条　{at}　{actor}　{action}").format(
                seq=row.seq, at=local_time(row.at, seconds=True), actor=row.actor, action=row.action_label
            )
        )
        self.detail_summary.setText(row.summary)
        self.detail_object.setText(f"{row.entity} {row.entity_id}".strip())
        self.before_text.setPlainText(_pretty(row.before))
        self.after_text.setPlainText(_pretty(row.after))
