"""The case list: the one paged list model (gui/paged.py) over count_cases / list_cases, with
the case columns, colours and tooltips. Filtering and sorting are SQL (CaseFilter)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from xihu_desk.domain import clock
from xihu_desk.domain.cases import Outcome
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.services import case_estimate, case_queries
from xihu_desk.services.case_queries import CaseFilter, CaseRow
from xihu_desk.services.context import Actor

PAGE_SIZE = 100
MAX_PAGES = 50
# Above this many cases on a server the rows come first and the exact count after (paged.py):
# PostgreSQL's count(*) reads every row, 0.25 s at a million; SQLite counts from an index.
COUNT_LATER_ABOVE = 100_000
CASE_UUID_ROLE = UUID_ROLE
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2

NO, TITLE, TYPE, ACCEPTED, STATUS, COMMITTEE, DUE = range(7)
# The longest text each column shows whole (None: the title, which takes the rest of the width).
CASE_COLUMN_SAMPLES = (
    "（2026）西溪花园社区人调字第0000号",
    None,
    "婚姻家庭",
    "2026-12-31",
    "调解中",
    "西溪花园社区",
    "2026-12-31",
)
# What the title column keeps room for at any text size: the simple-procedure tag and two names.
TITLE_SAMPLE = "〔简易〕黄涛与王晓明…"


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
    NO: "case_no",
    TITLE: "title",
    TYPE: "dispute_type",
    ACCEPTED: "accepted_on",
    STATUS: "status",
    COMMITTEE: None,
    DUE: "due_on",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseListModel", text)


class CaseListModel(PagedListModel):
    sort_keys = SORT_KEYS
    roles = frozenset(
        {
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.DecorationRole,
            CASE_UUID_ROLE,
            OVERDUE_ROLE,
        }
    )
    unreadable_column = TITLE

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        *,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
        today: Callable[[], date] = clock.local_today,
        parent: Any = None,
    ) -> None:
        super().__init__(ctx, actor, CaseFilter(), page_size=page_size, max_pages=max_pages, today=today, parent=parent)
        self.headers = [
            _tr("案件编号"),
            _tr("卷名/当事人"),
            _tr("纠纷类型"),
            _tr("受理日期"),
            _tr("状态"),
            _tr("调委会"),
            _tr("期限"),
        ]
        self._danger = QColor(theme.DANGER)
        self._muted = QColor(theme.MUTED)
        self._overdue_icon = theme.icon("mdi6.alert-circle-outline", theme.DANGER)

    count_later_above = COUNT_LATER_ABOVE
    _table_estimate: int | None = None

    def count_rows(self) -> int:
        return ops.read(self.ctx, self.actor, case_queries.count_cases, self.filter, self.today())

    def slow_count(self) -> bool:
        if not case_estimate.estimated(ops.dialect(self.ctx)):  # SQLite: no figure, its count is fast
            self._table_estimate = None
            return False
        self._table_estimate = ops.read(self.ctx, self.actor, case_estimate.estimate_cases)
        return self._table_estimate is not None and self._table_estimate >= self.count_later_above

    def estimate_total(self) -> int | None:
        """The table's estimate for the whole list; a filtered list shows its rows, then its count."""
        unfiltered = replace(self.filter, sort="accepted_on", descending=True) == CaseFilter()
        return self._table_estimate if unfiltered else None

    def count_rows_later(self, on_ok: Callable[[int], None], on_error: Callable[[str], None]) -> None:
        ops.read(
            self.ctx, self.actor, case_queries.count_cases, self.filter, self.today(), on_ok=on_ok, on_error=on_error
        )

    def read_rows(self, offset: int, limit: int) -> list[CaseRow]:
        # an estimated total must not pick the from-the-end plan (it would give the wrong rows)
        total = self.total if self.exact else None
        return ops.read(self.ctx, self.actor, case_queries.list_cases, self.filter, self._day, offset, limit, total)

    def unreadable_text(self) -> str:
        return _tr("（无法读取）")

    def cell(self, case: CaseRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(case, column)
        if role == OVERDUE_ROLE:
            return case.overdue
        if role == Qt.ItemDataRole.ForegroundRole:
            if case.overdue:
                return self._danger
            if case.transferred_to:  # 移送: a read-only copy, greyed as nobody's work here
                return self._muted
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
        if column == TITLE:  # a simple-procedure case is tagged where the eye starts reading
            title = case.title or case.parties
            return _tr("〔简易〕") + title if case.procedure == "simple" else title
        if column == TYPE:
            return case.dispute_type
        if column == ACCEPTED:
            return case.accepted_on.isoformat()
        if column == STATUS:  # 已作废 alone in the narrow column; its reason is the tooltip
            return case.status_label.split("（", 1)[0]
        if column == COMMITTEE:
            return short_committee(case.committee)
        if case.status in ("accepted", "mediating") and not case.transferred_to:
            return case.due_on.isoformat()
        return _tr("—")

    def _tooltip(self, case: CaseRow, column: int) -> str | None:
        if case.overdue:
            days = (self._day - case.due_on).days
            return _tr("调解期限 {due} 已过 {n} 天").format(due=case.due_on.isoformat(), n=days)
        if column == TITLE:
            names = _tr("当事人：{names}").format(names=case.parties)
            return names + _tr("\n简易程序（当场调解，口头协议登记表）") if case.procedure == "simple" else names
        if column == STATUS and (case.status == "void" or case.transferred_to):
            return case.status_label
        if column == STATUS and case.outcome:
            return Outcome(case.outcome).label
        if column == COMMITTEE:
            return case.committee
        return None
