"""Item models of the 调解员 area. A roster and its applications are a few hundred rows at most, so
each model reads its whole (filtered) list in one query; filtering and ordering happen in SQL."""

from __future__ import annotations

from datetime import date
from functools import cmp_to_key
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCollator, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from xihu_desk.gui import theme
from xihu_desk.services.grading import ApplicationRow
from xihu_desk.services.mediators import MediatorRow

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_INVALID = QModelIndex()
ROSTER_NAME, ROSTER_COMMITTEE, ROSTER_APPOINTED = 0, 1, 5


def chinese_collator() -> QCollator:
    """Text in the order of a Chinese dictionary (pinyin), numbers by value."""
    collator = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    collator.setNumericMode(True)
    return collator


class _ListModel(QAbstractTableModel):
    headers: list[str] = []

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
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


class RosterModel(_ListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = [self.tr("姓名"), self.tr("调委会"), self.tr("用工类型"), self.tr("等级"), self.tr("状态"),
                        self.tr("聘任日期"), self.tr("备案编号"), self.tr("联系电话")]
        self._collator = chinese_collator()
        self._sorted: tuple[int, Qt.SortOrder] | None = None  # the header's choice, kept over reloads

    def set_rows(self, rows: list[Any]) -> None:
        if self._sorted is not None:
            rows = self._ordered(rows, *self._sorted)
        super().set_rows(rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Names by the stored pinyin key (the order of SQL, the exports and the command line),
        the committee by its key then the name, dates as dates, other text with QCollator zh_CN."""
        if not 0 <= column < len(self.headers):
            return
        self._sorted = (column, order)
        self.layoutAboutToBeChanged.emit()
        self.rows = self._ordered(self.rows, column, order)
        self.layoutChanged.emit()

    def _ordered(self, rows: list[MediatorRow], column: int, order: Qt.SortOrder) -> list[MediatorRow]:
        descending = order == Qt.SortOrder.DescendingOrder
        if column == ROSTER_NAME:
            return sorted(rows, key=lambda r: (r.name_key, r.uuid), reverse=descending)
        if column == ROSTER_COMMITTEE:
            return sorted(rows, key=lambda r: (r.committee_key, r.name_key, r.uuid), reverse=descending)
        if column == ROSTER_APPOINTED:
            return sorted(rows, key=lambda r: (r.appointed_on or date.min, r.name_key), reverse=descending)
        texts = {r.uuid: self._text(r, column) for r in rows}
        compare = self._collator.compare
        by_text = cmp_to_key(lambda a, b: compare(texts[a.uuid], texts[b.uuid]) or (a.name_key > b.name_key)
                             - (a.name_key < b.name_key))
        return sorted(rows, key=by_text, reverse=descending)

    @staticmethod
    def _text(r: MediatorRow, column: int) -> str:
        return (r.name, r.committee, r.employment_label, r.grade_label, r.status_label, "", r.registration_no,
                r.phone)[column]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r: MediatorRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.name, r.committee.removesuffix("人民调解委员会"), r.employment_label, r.grade_label, r.status_label,
                    r.appointed_on.isoformat() if r.appointed_on else "", r.registration_no, r.phone)[index.column()]
        if role == ID_ROLE:
            return r.uuid
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status != "serving":
                return QColor(theme.MUTED)
            if index.column() == 3 and not r.grade:
                return QColor(theme.MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return r.committee
        return None


class ApplicationsModel(_ListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.headers = [self.tr("姓名"), self.tr("调委会"), self.tr("申请等级"), self.tr("申请日期"), self.tr("办理状态"),
                        self.tr("对照条件"), self.tr("评定等级")]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r: ApplicationRow = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            conditions = self.tr("全部达到") if r.passed else self.tr("{n} 项未达到").format(n=r.missed)
            status = r.status_label + (self.tr("（至 {d}）").format(d=r.notice_to.isoformat()) if r.status == "in_notice" else "")
            return (r.mediator, r.committee.removesuffix("人民调解委员会"), r.level_name, r.applied_on.isoformat(), status,
                    conditions, r.granted_name)[index.column()]
        if role == ID_ROLE:
            return r.uuid
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.column() == 5:
                return QColor(theme.SUCCESS if r.passed else theme.DANGER)
            if r.status in ("returned", "withdrawn", "not_granted"):
                return QColor(theme.MUTED)
        return None
