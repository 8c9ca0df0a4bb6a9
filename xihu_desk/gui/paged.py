"""The one table model of the lists (案件, 合法性审查, 调解员): rows read from SQL a page at a time
through the one door (style.md §B).

``rowCount`` is what the filter matches (the subclass's ``count_rows``); ``data()`` works out
which page of ``page_size`` rows holds the row asked for and, if that page is not in hand, reads
it (``read_rows(offset, limit)``, one short read session). The pages read last are kept (an LRU
of ``max_pages``): scrolling back is free and memory stays flat however long the list is.
Filtering and sorting are SQL: the filter is a frozen dataclass with ``sort`` and ``descending``
fields, and ``sort()`` changes them and starts again.

A page that cannot be read (storage trouble, rights) shows a note in its rows and is NOT kept:
the next time the view asks, it is read again.

Counting can be slower than a page (PostgreSQL reads every row for ``count(*)``): when the subclass
says so (``slow_count``), the first rows come at once and the exact count runs off the GUI thread
(``count_rows_later``); until it lands ``total`` is the planner's estimate (``estimate_total``,
``approximate``) or the rows read so far, ``exact`` is False, and ``counted`` is emitted after.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.gui.context import AppContext
from xihu_desk.services.context import Actor

log = logging.getLogger(__name__)

UUID_ROLE = Qt.ItemDataRole.UserRole + 1
_INVALID = QModelIndex()


class PagedListModel(QAbstractTableModel):
    """Subclasses set ``headers``, ``sort_keys`` (column -> the filter's sort key, None: not
    sortable) and ``roles`` (the roles ``cell`` answers), and implement ``count_rows``,
    ``read_rows`` and ``cell``."""

    sort_keys: ClassVar[dict[int, str | None]] = {}
    roles: ClassVar[frozenset[int]] = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, UUID_ROLE})
    unreadable_column = 1  # where a row that could not be read says so
    counted = Signal()  # the exact total landed after the rows (slow_count)

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        first_filter: Any,
        *,
        page_size: int = 100,
        max_pages: int = 50,
        today: Callable[[], date] = clock.local_today,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.page_size, self.max_pages = page_size, max_pages
        self.today = today
        self.filter = first_filter
        self.total = 0
        self.exact = True  # False while the exact count runs after the rows (slow_count)
        self.approximate = False  # total is the planner's estimate (shown as 约 n 件)
        self._count_round = 0  # a count that lands after the filter changed again is dropped
        self.pages_read = 0  # how many pages came from the database (tests and curiosity)
        self.failed_reads = 0
        self.headers: list[str] = []
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._day = today()

    # -- what a subclass says -----------------------------------------------------------------------

    def count_rows(self) -> int:
        """How many rows ``self.filter`` matches (through ops.read)."""
        raise NotImplementedError

    def read_rows(self, offset: int, limit: int) -> list[Any]:
        """Rows ``offset`` .. ``offset + limit`` in the filter's order (through ops.read)."""
        raise NotImplementedError

    def cell(self, item: Any, column: int, role: int) -> Any:
        """What ``data()`` answers for a row that was read."""
        raise NotImplementedError

    def unreadable_text(self) -> str:
        return self.tr("（无法读取）")

    def slow_count(self) -> bool:
        """Whether counting would keep the screen waiting (a big table on a server): then the rows
        come first and ``count_rows_later`` counts off the GUI thread."""
        return False

    def estimate_total(self) -> int | None:
        """A cheap estimate of what the filter matches (slow_count only), or None."""
        return None

    def count_rows_later(self, on_ok: Callable[[int], None], on_error: Callable[[str], None]) -> None:
        """``count_rows`` on the DB thread (ops.read with ``on_ok``)."""
        raise NotImplementedError

    # -- the query ----------------------------------------------------------------------------------

    def set_filter(self, f: Any) -> None:
        """New conditions (the sort stays as the user chose it by clicking the header)."""
        self.filter = replace(f, sort=self.filter.sort, descending=self.filter.descending)
        self._reset()

    def refresh(self) -> None:
        """Read again after a change: rows may have been added, changed or moved. When the count is
        the same the view keeps its state (selection, scroll) and only repaints."""
        if self.slow_count():  # repaint what is shown now; the rows follow the count when it lands
            self._count_later()
            total = self.total
        else:
            total = self.count_rows()
            self.exact, self.approximate = True, False
            if total != self.total:
                self._reset(total)
                return
        self._pages.clear()
        self._day = self.today()
        if total:
            self.dataChanged.emit(self.index(0, 0), self.index(total - 1, len(self.headers) - 1))

    def _reset(self, total: int | None = None) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._day = self.today()
        self.total = self._first_total() if total is None else total
        self.endResetModel()

    def _first_total(self) -> int:
        """The count now, or (slow_count) the estimate or the first page's rows, the count later."""
        self._count_round += 1
        if not self.slow_count():
            self.exact, self.approximate = True, False
            return self.count_rows()
        estimate = self.estimate_total()
        if estimate is None:  # rows first: a short first page is the whole list
            self.exact, self.approximate = False, False
            page = self._read_page(0)
            if page is not None and len(page) < self.page_size:
                self.exact = True
                return len(page)
            self._count_later()
            return self.page_size if page is not None else 0
        self.exact, self.approximate = False, True
        self._count_later()
        return estimate

    def _count_later(self) -> None:
        round_ = self._count_round
        self.count_rows_later(lambda n: self._counted(round_, n), lambda _message: self._not_counted(round_))

    def _counted(self, round_: int, total: int) -> None:
        """The exact count landed: rows added or taken at the end, pages past it dropped."""
        if round_ != self._count_round:
            return
        old = self.total
        if total > old:
            self.beginInsertRows(_INVALID, old, total - 1)
            self.total = total
            self.endInsertRows()
        elif total < old:
            self.beginRemoveRows(_INVALID, total, old - 1)
            self.total = total
            self.endRemoveRows()
        for number in [n for n in self._pages if n * self.page_size >= total]:
            del self._pages[number]
        self.exact, self.approximate = True, False
        self.counted.emit()

    def _not_counted(self, round_: int) -> None:
        """The count failed (storage trouble): the rows in hand stay; the next refresh tries again."""
        if round_ == self._count_round:
            log.warning("%s count not read", type(self).__name__)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.sort_keys.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.filter.sort, self.filter.descending):
            return
        # Every row may move and the list cannot know where to: start again (the count stays,
        # and a count still running for this filter lands as well).
        self.filter = replace(self.filter, sort=key, descending=descending)
        self._reset(self.total)

    def sort_column(self) -> int:
        return next(c for c, k in self.sort_keys.items() if k == self.filter.sort)

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.filter.descending else Qt.SortOrder.AscendingOrder

    # -- pages --------------------------------------------------------------------------------------

    def row(self, row: int) -> Any | None:
        """The item at ``row``, reading its page if need be; None if it cannot be read."""
        if not 0 <= row < self.total:
            return None
        number = row // self.page_size
        page = self._pages.get(number)
        if page is None:
            page = self._read_page(number)
            if page is None:
                return None
        else:
            self._pages.move_to_end(number)
        offset = row - number * self.page_size
        return page[offset] if offset < len(page) else None

    def _read_page(self, number: int) -> list[Any] | None:
        try:
            page = self.read_rows(number * self.page_size, self.page_size)
        except UserError as exc:  # storage trouble or rights: blank rows now, read again next time
            self.failed_reads += 1
            log.warning("%s page %s not read: %s", type(self).__name__, number, exc.message)
            return None
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def uuid_at(self, row: int) -> str | None:
        item = self.row(row)
        return item.uuid if item is not None else None

    def find_row(self, uuid: str | None) -> int | None:
        """The row of an item among the pages in hand (the list never reads everything to look)."""
        if not uuid:
            return None
        for number, page in self._pages.items():
            for offset, item in enumerate(page):
                if item.uuid == uuid:
                    return number * self.page_size + offset
        return None

    # -- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in self.roles:
            return None  # asking for a role the list does not use reads nothing
        item = self.row(index.row())
        if item is None:
            # a page that could not be read is not kept; a row past an estimate's real end is just blank
            unread = index.row() // self.page_size not in self._pages
            if role == Qt.ItemDataRole.DisplayRole and index.column() == self.unreadable_column and unread:
                return self.unreadable_text()
            return None
        if role == UUID_ROLE:
            return item.uuid
        return self.cell(item, index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and self.sort_keys:
            return self.tr("点击按此列排序") if self.sort_keys.get(section) else self.tr("此列不能排序")
        return None
