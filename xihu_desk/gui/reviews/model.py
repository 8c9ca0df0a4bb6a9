"""The register as a table model that reads from SQL one page at a time (style.md §B, shape 1).

``rowCount`` is the number of items the filter matches (count_reviews); ``data()`` reads the page
holding the row asked for with ``list_reviews(offset, limit)`` in a short read session and keeps
the pages read last, so memory stays flat and scrolling back is free. Filter and sort are SQL.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.services import review_queries
from xihu_desk.services.review_queries import ReviewFilter, ReviewRow
from xihu_desk.services.context import Actor

PAGE_SIZE = 100
MAX_PAGES = 30
UUID_ROLE = Qt.ItemDataRole.UserRole + 1

# The clock and the status come right after the title: at 150 % text the columns at the right
# (also in the summary under the table) are the ones that scroll out of view.
NUMBER, TITLE, CLOCK, DUE, STATUS, TYPE, UNIT, RECEIVED = range(8)
# The longest text each column shows whole (None: the title, which takes the rest of the width;
# type and unit show their usual length and elide the rare longer one).
REVIEW_COLUMN_SAMPLES = ("（2026）西溪花园合审字第0000号", None, "剩余 12 个工作日", "2026-12-31", "已出具意见",
                         "规范文件", "北山街道", "2026-12-31")
SORT_KEYS: dict[int, str | None] = {NUMBER: "number", TYPE: "type", TITLE: "title", UNIT: "unit",
                                    RECEIVED: "received_on", DUE: "due_on", CLOCK: None, STATUS: "status"}
WARNING_COLOUR = "#a15c00"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReviewListModel", text)


class ReviewListModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, actor: Actor, *, page_size: int = PAGE_SIZE,
                 today: Callable[[], date] = clock.local_today, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.page_size, self.today = ctx, actor, page_size, today
        self.filter = ReviewFilter()
        self.total = 0
        self.pages_read = 0
        self._pages: OrderedDict[int, list[ReviewRow]] = OrderedDict()
        self.headers = [_tr("审查编号"), _tr("事项名称"), _tr("剩余工作日 / 提示"), _tr("期限届满"), _tr("状态"),
                        _tr("事项类型"), _tr("送审单位"), _tr("送审日期")]
        self._danger, self._warn, self._muted = QColor(theme.DANGER), QColor(WARNING_COLOUR), QColor(theme.MUTED)
        self._icons = {"overdue": theme.icon("mdi6.alert-circle-outline", theme.DANGER),
                       "soon": theme.icon("mdi6.clock-alert-outline", WARNING_COLOUR),
                       "paused": theme.icon("mdi6.pause-circle-outline", theme.ACCENT),
                       "note": theme.icon("mdi6.information-outline", theme.MUTED)}

    # -- the query ----------------------------------------------------------------------------------

    def set_filter(self, f: ReviewFilter) -> None:
        self.filter = replace(f, sort=self.filter.sort, descending=self.filter.descending)
        self._reset()

    def refresh(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self.total = ops.read(self.ctx, self.actor, review_queries.count_reviews, self.filter, self.today())
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self.filter.sort, self.filter.descending):
            self.filter = replace(self.filter, sort=key, descending=descending)
            self._reset()

    def sort_column(self) -> int:
        return next(c for c, k in SORT_KEYS.items() if k == self.filter.sort)

    # -- rows ---------------------------------------------------------------------------------------

    def row(self, row: int) -> ReviewRow | None:
        if not 0 <= row < self.total:
            return None
        number = row // self.page_size
        page = self._pages.get(number)
        if page is None:
            try:
                page = ops.read(self.ctx, self.actor, review_queries.list_reviews, self.filter, self.today(),
                                number * self.page_size, self.page_size)
            except UserError:
                page = []
            self.pages_read += 1
            self._pages[number] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        offset = row - number * self.page_size
        return page[offset] if offset < len(page) else None

    def uuid_at(self, row: int) -> str:
        r = self.row(row)
        return r.uuid if r else ""

    def row_of(self, uuid: str) -> int:
        """The row of an item among the pages read (-1 if not read yet)."""
        for number, page in self._pages.items():
            for i, r in enumerate(page):
                if r.uuid == uuid:
                    return number * self.page_size + i
        return -1

    # -- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.row(index.row())
        if r is None:
            return _tr("（读取失败）") if role == Qt.ItemDataRole.DisplayRole and index.column() == TITLE else None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == CLOCK:
                if r.remaining is not None or r.paused or r.status == "waiting":
                    return r.clock_text
                return r.warnings[0] if r.warnings else ""
            return (r.number, r.title, "", r.due_on.isoformat() if r.due_on else "", r.status_label, r.type_label,
                    r.unit, r.received_on.isoformat() if r.received_on else _tr("不详"))[column]
        if role == UUID_ROLE:
            return r.uuid
        if role == Qt.ItemDataRole.ForegroundRole and column in (CLOCK, DUE):
            if r.overdue:
                return self._danger
            if r.due_soon:
                return self._warn
            if column == CLOCK and r.remaining is None and not r.paused:
                return self._muted
        if role == Qt.ItemDataRole.DecorationRole and column == CLOCK:
            if r.overdue:
                return self._icons["overdue"]
            if r.due_soon:
                return self._icons["soon"]
            if r.paused:
                return self._icons["paused"]
            if r.warnings:
                return self._icons["note"]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == TITLE:
                return r.title
            if column == CLOCK and (r.warnings or r.clock_text):
                return "\n".join([r.clock_text] * bool(r.clock_text) + list(r.warnings))  # the whole text
        return None
