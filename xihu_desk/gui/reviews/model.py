"""The register: the one paged list model (gui/paged.py) over count_reviews / list_reviews, with
the register's columns, clock colours and icons. Filter and sort are SQL (ReviewFilter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from xihu_desk.domain import clock
from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.services import review_queries
from xihu_desk.services.review_queries import ReviewFilter, ReviewRow
from xihu_desk.services.context import Actor

PAGE_SIZE = 100
MAX_PAGES = 30

# The clock and the status come right after the title: at 150 % text the columns at the right
# (also in the summary under the table) are the ones that scroll out of view.
NUMBER, TITLE, CLOCK, DUE, STATUS, TYPE, UNIT, RECEIVED = range(8)
# The longest text each column shows whole (None: the title, which takes the rest of the width;
# type and unit show their usual length and elide the rare longer one).
REVIEW_COLUMN_SAMPLES = (
    "（2026）西溪花园合审字第0000号",
    None,
    "剩余 12 个工作日",
    "2026-12-31",
    "已出具意见",
    "规范文件",
    "北山街道",
    "2026-12-31",
)
SORT_KEYS: dict[int, str | None] = {
    NUMBER: "number",
    TYPE: "type",
    TITLE: "title",
    UNIT: "unit",
    RECEIVED: "received_on",
    DUE: "due_on",
    CLOCK: None,
    STATUS: "status",
}
WARNING_COLOUR = "#a15c00"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReviewListModel", text)


class ReviewListModel(PagedListModel):
    sort_keys = SORT_KEYS
    roles = frozenset(
        {
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.DecorationRole,
            UUID_ROLE,
        }
    )
    unreadable_column = TITLE

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        *,
        page_size: int = PAGE_SIZE,
        today: Callable[[], date] = clock.local_today,
        parent: Any = None,
    ) -> None:
        super().__init__(
            ctx, actor, ReviewFilter(), page_size=page_size, max_pages=MAX_PAGES, today=today, parent=parent
        )
        self.headers = [
            _tr("审查编号"),
            _tr("事项名称"),
            _tr("剩余工作日 / 提示"),
            _tr("期限届满"),
            _tr("状态"),
            _tr("事项类型"),
            _tr("送审单位"),
            _tr("送审日期"),
        ]
        self._danger, self._warn, self._muted = QColor(theme.DANGER), QColor(WARNING_COLOUR), QColor(theme.MUTED)
        self._icons = {
            "overdue": theme.icon("mdi6.alert-circle-outline", theme.DANGER),
            "soon": theme.icon("mdi6.clock-alert-outline", WARNING_COLOUR),
            "paused": theme.icon("mdi6.pause-circle-outline", theme.ACCENT),
            "note": theme.icon("mdi6.information-outline", theme.MUTED),
        }

    def count_rows(self) -> int:
        return ops.read(self.ctx, self.actor, review_queries.count_reviews, self.filter, self.today())

    def read_rows(self, offset: int, limit: int) -> list[ReviewRow]:
        return ops.read(self.ctx, self.actor, review_queries.list_reviews, self.filter, self._day, offset, limit)

    def unreadable_text(self) -> str:
        return _tr("（读取失败）")

    def cell(self, r: ReviewRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == CLOCK:
                if r.remaining is not None or r.paused or r.status == "waiting":
                    return r.clock_text
                return r.warnings[0] if r.warnings else ""
            return (
                r.number,
                r.title,
                "",
                r.due_on.isoformat() if r.due_on else "",
                r.status_label,
                r.type_label,
                r.unit,
                r.received_on.isoformat() if r.received_on else _tr("不详"),
            )[column]
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
