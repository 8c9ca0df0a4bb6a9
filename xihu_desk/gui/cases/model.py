"""The case list as a table model that reads from SQL one page at a time (style.md §B).

``rowCount`` is the number of matching cases (count_cases). ``data()`` works out which page of
``page_size`` rows holds the row asked for and, if that page is not in hand, reads it with
``list_cases(offset, limit, total)`` in a short read session; the pages read last are kept (an LRU
of ``max_pages``), so scrolling back is free and memory stays flat however many cases there are.
Filtering and sorting are SQL (CaseFilter): ``sort()`` changes the ORDER BY and starts again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from xihu_desk.domain import clock
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.services import case_queries
from xihu_desk.services.case_queries import CaseFilter, CaseRow
from xihu_desk.services.context import Actor

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGES = 50
CASE_UUID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2

NO, TITLE, TYPE, ACCEPTED, STATUS, COMMITTEE, DUE = range(7)
# The longest text each column shows whole (None: the title, which takes the rest of the width).
CASE_COLUMN_SAMPLES = ("（2026）西溪花园社区人调字第0000号", None, "婚姻家庭", "2026-12-31", "调解中",
                       "西溪花园社区", "2026-12-31")


def short_committee(name: str) -> str:
    """The committee as the list shows it: 北山街道青芝坞社区人民调解委员会 → 青芝坞社区 (the office's
    own committee keeps its name: 北山街道); the tooltip gives the whole name."""
    name = name.removesuffix("人民调解委员会")
    for word in ("街道", "镇"):
        head, sep, rest = name.partition(word)
        if sep and rest and len(head) <= 4:
            return rest
    return name
# column -> the CaseFilter.sort key it sorts by (None: not sortable)
SORT_KEYS: dict[int, str | None] = {
    NO: "case_no", TITLE: "title", TYPE: "dispute_type", ACCEPTED: "accepted_on", STATUS: "status",
    COMMITTEE: None, DUE: "due_on",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseListModel", text)


class CaseListModel(QAbstractTableModel):
    def __init__(self, ctx: AppContext, actor: Actor, *, page_size: int = PAGE_SIZE, max_pages: int = MAX_PAGES,
                 today: Callable[[], date] = clock.local_today, parent: Any = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.page_size, self.max_pages = page_size, max_pages
        self.today = today
        self.filter = CaseFilter()
        self.total = 0
        self.pages_read = 0  # how many pages came from the database (tests and curiosity)
        self._pages: OrderedDict[int, list[CaseRow]] = OrderedDict()
        self._day = today()
        self.headers = [_tr("案件编号"), _tr("卷名/当事人"), _tr("纠纷类型"), _tr("受理日期"), _tr("状态"),
                        _tr("调委会"), _tr("期限")]
        self._danger = QColor(theme.DANGER)
        self._muted = QColor(theme.MUTED)
        self._overdue_icon = theme.icon("mdi6.alert-circle-outline", theme.DANGER)

    # -- the query ----------------------------------------------------------------------------------

    def set_filter(self, f: CaseFilter) -> None:
        """New conditions (the sort stays as the user chose it by clicking the header)."""
        self.filter = replace(f, sort=self.filter.sort, descending=self.filter.descending)
        self._reset()

    def refresh(self) -> None:
        """Read again after a change: rows may have been added, changed or moved."""
        total = self._count()
        if total != self.total:
            self._reset(total)
            return
        self._pages.clear()
        self._day = self.today()
        if total:
            self.dataChanged.emit(self.index(0, 0), self.index(total - 1, len(self.headers) - 1))

    def _count(self) -> int:
        return ops.read(self.ctx, self.actor, case_queries.count_cases, self.filter, self.today())

    def _reset(self, total: int | None = None) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._day = self.today()
        self.total = self._count() if total is None else total
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.filter.sort, self.filter.descending):
            return
        # Every row may move and the list cannot know where to: start again (the count stays).
        self.filter = replace(self.filter, sort=key, descending=descending)
        self._reset(self.total)

    def sort_column(self) -> int:
        return next(c for c, k in SORT_KEYS.items() if k == self.filter.sort)

    # -- pages --------------------------------------------------------------------------------------

    def row(self, row: int) -> CaseRow | None:
        """The case at ``row``, reading its page if need be; None if it cannot be read."""
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

    def _read_page(self, number: int) -> list[CaseRow] | None:
        try:
            page = ops.read(self.ctx, self.actor, case_queries.list_cases, self.filter, self._day,
                            number * self.page_size, self.page_size, self.total)
        except UserError as exc:  # storage trouble or rights: show blank rows, never raise in data()
            log.warning("case list page %s not read: %s", number, exc.message)
            return None
        self.pages_read += 1
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def uuid_at(self, row: int) -> str | None:
        case = self.row(row)
        return case.uuid if case else None

    def find_row(self, uuid: str) -> int | None:
        """The row of a case among the pages in hand (the list never reads everything to look)."""
        for number, page in self._pages.items():
            for offset, case in enumerate(page):
                if case.uuid == uuid:
                    return number * self.page_size + offset
        return None

    # -- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        Qt.ItemDataRole.DecorationRole, CASE_UUID_ROLE, OVERDUE_ROLE):
            return None  # asking for a role the list does not use reads nothing
        case = self.row(index.row())
        column = index.column()
        if case is None:
            return _tr("（无法读取）") if role == Qt.ItemDataRole.DisplayRole and column == TITLE else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, column)
        if role == CASE_UUID_ROLE:
            return case.uuid
        if role == OVERDUE_ROLE:
            return case.overdue
        if role == Qt.ItemDataRole.ForegroundRole:
            if case.overdue:
                return self._danger
            if column == DUE and case.status not in ("accepted", "mediating"):
                return self._muted
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._overdue_icon if case.overdue and column == DUE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(case, column)
        return None

    def _text(self, case: CaseRow, column: int) -> str:
        if column == NO:
            return case.case_no
        if column == TITLE:
            return case.title or case.parties
        if column == TYPE:
            return case.dispute_type
        if column == ACCEPTED:
            return case.accepted_on.isoformat()
        if column == STATUS:
            return case.status_label
        if column == COMMITTEE:
            return short_committee(case.committee)
        if case.status in ("accepted", "mediating"):
            return case.due_on.isoformat()
        return _tr("—")

    def _tooltip(self, case: CaseRow, column: int) -> str | None:
        if case.overdue:
            days = (self._day - case.due_on).days
            return _tr("调解期限 {due} 已过 {n} 天").format(due=case.due_on.isoformat(), n=days)
        if column == TITLE:
            return _tr("当事人：{names}").format(names=case.parties)
        if column == STATUS and case.outcome:
            return Outcome(case.outcome).label
        if column == COMMITTEE:
            return case.committee
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tr("点击按此列排序") if SORT_KEYS[section] else _tr("此列不能排序")
        return None
