"""The one code combo: a QComboBox whose items carry their code as data ("" for the blank item),
so ``currentData()`` never returns None (PySide6 6.12 on Python 3.11 drops a reference to None
each time a Qt call returns it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox


def fill_combo(combo: QComboBox, items: list[tuple[Any, str]] | dict[Any, str], blank: str | None = None) -> None:
    """(code, label) items; ``blank`` adds a first item whose code is ''. Keeps the choice it had."""
    current = combo.currentData() if combo.count() else ""
    combo.blockSignals(True)
    combo.clear()
    if blank is not None:
        combo.addItem(blank, "")
    for code, text in items.items() if isinstance(items, dict) else items:
        combo.addItem(text, code)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


def set_code(combo: QComboBox, code: Any) -> None:
    """Choose the item of ``code`` (None: the blank item, or the first). An editable combo shows
    a code it has no item for as typed text."""
    index = combo.findData(code if code is not None else "")
    if index < 0 and combo.isEditable():
        combo.setEditText(code or "")
        return
    combo.setCurrentIndex(max(index, 0))


def code_of(combo: QComboBox) -> str:
    """The chosen code ('' for the blank item or nothing chosen); an editable combo gives the code
    of the item whose text was typed, else the text itself."""
    if combo.isEditable():
        index = combo.findText(combo.currentText())
        return combo.itemData(index) if index >= 0 else combo.currentText().strip()
    if combo.currentIndex() < 0:
        return ""
    data = combo.itemData(combo.currentIndex())
    return data if isinstance(data, str) else ""
