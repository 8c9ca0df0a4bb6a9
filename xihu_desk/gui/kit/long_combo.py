"""A code combo for a long list (every mediator of a large roster): its items live in a Python
list behind a small model, and Qt asks only for the rows it shows.

fill_combo adds one item per call: 20,000 mediators took some 200 ms before the case list's
first row (and, with PySide6 6.12 on Python 3.11, one dropped reference to None each). Here a
new list is one call, and the choice is kept by a dictionary lookup, not a search of the items.
Items carry their code as data as in fill_combo ("" for the blank item).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox

_INVALID = QModelIndex()
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole)


class ChoiceModel(QAbstractListModel):
    def __init__(self, items: list[tuple[Any, str]], parent: QComboBox) -> None:
        super().__init__(parent)
        self.items = items
        self.rows = {code: row for row, (code, _text) in reversed(list(enumerate(items)))}  # first wins

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _INVALID) -> int:
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code, text = self.items[index.row()]
        if role in _TEXT_ROLES:
            return text
        if role == Qt.ItemDataRole.UserRole:
            return code
        return None


def fill_long_combo(combo: QComboBox, items: list[tuple[Any, str]], blank: str | None = None) -> None:
    """(code, label) items; ``blank`` adds a first item whose code is ''. Keeps the choice it had."""
    current = combo.currentData() if combo.count() else ""
    model = ChoiceModel(([("", blank)] if blank is not None else []) + items, combo)
    combo.blockSignals(True)
    combo.setModel(model)  # the combo deletes the model it had (its own, or the last list's)
    combo.setCurrentIndex(model.rows.get(current, 0) if model.items else -1)
    combo.blockSignals(False)
