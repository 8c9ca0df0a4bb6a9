"""The rounds list: the one paged list model (gui/paged.py) over count_rounds / list_rounds; the
filter and the sort are SQL (ScreeningFilter)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor

from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.services import screening_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.screening_queries import RoundRow, ScreeningFilter

HELD, COMMITTEE, METHOD, AREA, FOUND, OPEN, STAFF = range(7)
COLUMN_SAMPLES = (
    "2026-12-31",
    None,
    "信息员报告",
    "北山社区 3 幢至 8 幢",
    "3 件（重大 1）",
    "待处置",
    "周调解、吴调解",
)
SORT_KEYS: dict[int, str | None] = {
    HELD: "held_on",
    COMMITTEE: "committee",
    METHOD: "method",
    AREA: "area",
    FOUND: "found",
    OPEN: None,
    STAFF: None,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RoundListModel", text)


class RoundListModel(PagedListModel):
    sort_keys = SORT_KEYS
    roles = frozenset(
        {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole, UUID_ROLE}
    )
    unreadable_column = COMMITTEE

    def __init__(self, ctx: AppContext, actor: Actor, parent: Any = None) -> None:
        super().__init__(ctx, actor, ScreeningFilter(), page_size=100, max_pages=30, parent=parent)
        self.headers = [
            _tr("排查日期"),
            _tr("调委会"),
            _tr("方式"),
            _tr("排查范围"),
            _tr("发现纠纷"),
            _tr("待处置"),
            _tr("排查人员"),
        ]
        self._danger, self._muted = QColor(theme.DANGER), QColor(theme.MUTED)

    def count_rows(self) -> int:
        return ops.read(self.ctx, self.actor, screening_queries.count_rounds, self.filter)

    def read_rows(self, offset: int, limit: int) -> list[RoundRow]:
        return ops.read(self.ctx, self.actor, screening_queries.list_rounds, self.filter, offset, limit)

    def unreadable_text(self) -> str:
        return _tr("（读取失败）")

    def cell(self, r: RoundRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            found = (
                _tr("零报告") if r.zero_report else (f"{r.found} 件" + (f"（重大 {r.serious}）" if r.serious else ""))
            )
            return (
                r.held_on.isoformat(),
                r.committee,
                r.method,
                r.area,
                found,
                str(r.open) if r.open else "",
                r.staff,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == FOUND and r.serious:
                return self._danger
            if column == FOUND and r.zero_report:
                return self._muted
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.zero_report and r.period:
                return _tr("零报告：{p} 未发现矛盾纠纷").format(p=r.period)
            if column in (COMMITTEE, AREA, STAFF):
                return (r.committee, r.area, r.staff)[(COMMITTEE, AREA, STAFF).index(column)]
        return None
