"""Item models of the 调解员 area: the roster is the one paged list model (read a page at a time from
SQL, like the case list); the grading applications, a few dozen a year, are read whole."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from xihu_desk.gui import ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.services import roster_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.grading import ApplicationRow
from xihu_desk.services.mediators import MediatorRow
from xihu_desk.services.roster_queries import RosterPage

ID_ROLE = UUID_ROLE
_INVALID = QModelIndex()
PAGE_SIZE, MAX_PAGES = 100, 20
ROSTER_NAME, ROSTER_COMMITTEE, ROSTER_EMPLOYMENT, ROSTER_GRADE, ROSTER_STATUS, ROSTER_APPOINTED = range(6)
ROSTER_SORT_KEYS: dict[int, str | None] = {
    0: "name",
    1: "committee",
    2: "employment",
    3: "grade",
    4: "status",
    5: "appointed_on",
    6: "registration_no",
    7: "phone",
}
# The longest text each column shows whole (None: the committee, which takes the rest of the width).
ROSTER_COLUMN_SAMPLES = (
    "欧阳调解员",
    None,
    "专职",
    "无等级",
    "离任",
    "2026-12-31",
    "西司调备〔2026〕000号",
    "13800000000",
)


class _ListModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []  # each model's own (a class-level list would be shared by all)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def uuid_at(self, row: int) -> str | None:
        return self.rows[row].uuid if 0 <= row < len(self.rows) else None

    def find_row(self, uuid: str | None) -> int | None:
        for i, r in enumerate(self.rows):
            if r.uuid == uuid:
                return i
        return None


class RosterModel(PagedListModel):
    """The roster, read from SQL a page at a time (gui/paged.py); header clicks sort in SQL: names
    and committees by their pinyin keys, codes by code, then the name."""

    sort_keys = ROSTER_SORT_KEYS
    roles = frozenset(
        {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole, ID_ROLE}
    )
    unreadable_column = ROSTER_NAME

    def __init__(self, ctx: AppContext, actor: Actor, parent: Any = None) -> None:
        super().__init__(ctx, actor, RosterPage(), page_size=PAGE_SIZE, max_pages=MAX_PAGES, parent=parent)
        self.headers = [
            self.tr("姓名"),
            self.tr("调委会"),
            self.tr("用工类型"),
            self.tr("等级"),
            self.tr("状态"),
            self.tr("聘任日期"),
            self.tr("备案编号"),
            self.tr("联系电话"),
        ]
        self._muted = QColor(theme.MUTED)

    def count_rows(self) -> int:
        return ops.read(self.ctx, self.actor, roster_queries.count_roster, self.filter)

    def read_rows(self, offset: int, limit: int) -> list[MediatorRow]:
        return ops.read(self.ctx, self.actor, roster_queries.list_roster, self.filter, offset, limit)

    def cell(self, r: MediatorRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                r.name,
                r.committee.removesuffix("人民调解委员会"),
                r.employment_label,
                r.grade_label,
                r.status_label,
                r.appointed_on.isoformat() if r.appointed_on else "",
                r.registration_no,
                r.phone,
            )[column]
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status != "serving" or (column == ROSTER_GRADE and not r.grade):
                return self._muted
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == ROSTER_COMMITTEE:
            return r.committee
        return None


class ApplicationsModel(_ListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = [
            self.tr("姓名"),
            self.tr("调委会"),
            self.tr("申请等级"),
            self.tr("申请日期"),
            self.tr("办理状态"),
            self.tr("对照条件"),
            self.tr("评定等级"),
        ]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r: ApplicationRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            conditions = self.tr("全部达到") if r.passed else self.tr("{n} 项未达到").format(n=r.missed)
            status = r.status_label
            if r.status == "in_notice" and r.notice_to is not None:
                status += self.tr("（至 {d}）").format(d=r.notice_to.isoformat())
            return (
                r.mediator,
                r.committee.removesuffix("人民调解委员会"),
                r.level_name,
                r.applied_on.isoformat(),
                status,
                conditions,
                r.granted_name,
            )[index.column()]
        if role == ID_ROLE:
            return r.uuid
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == 5:
                return QColor(theme.SUCCESS if r.passed else theme.DANGER)
            if r.status in ("returned", "withdrawn", "not_granted"):
                return QColor(theme.MUTED)
        return None
