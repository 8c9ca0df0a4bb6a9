"""Pieces the review screens share: dates (optional ones with a blank), code-list combo boxes, a
field's error shown under it, form layouts, and how a write reaches the runner.

PySide6 6.12 on Python 3.11 releases a reference to None each time a Qt call returns None; every
combo item here carries data ("" for the blank) so ``currentData()`` never returns None.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from xihu_desk.domain.errors import UserError
from xihu_desk.gui.fieldkit import fill_combo, submit  # noqa: F401 - the forms here import them from this module
from xihu_desk.gui.widgets import restyle

NO_DATE = QDate(1900, 1, 1)


def to_qdate(value: date | str | None) -> QDate:
    if not value:
        return QDate()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return QDate(value.year, value.month, value.day)


def date_edit(optional: bool = False, blank: str = "") -> QDateEdit:
    """A date with a calendar pop-up; an optional one shows ``blank`` until a date is chosen."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setMaximumDate(QDate(2099, 12, 31))
    if optional:
        edit.setSpecialValueText(blank or " ")
        edit.setDate(NO_DATE)
    else:
        edit.setDate(QDate.currentDate())
    return edit


def set_date(edit: QDateEdit, value: date | str | None) -> None:
    edit.setDate(to_qdate(value) if value else (NO_DATE if edit.specialValueText() else QDate.currentDate()))


def date_of(edit: QDateEdit) -> date | None:
    if edit.specialValueText() and edit.date() == NO_DATE:
        return None
    d = edit.date()
    return date(d.year(), d.month(), d.day())




def set_code(combo: QComboBox, code: Any) -> None:
    combo.setCurrentIndex(max(combo.findData(code if code is not None else ""), 0))


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    return form


def required(text: str) -> str:
    """A label of a required field (marked with a red star through rich text)."""
    return f"{text}<span style='color:#b42318'>*</span>："


class FieldErrors:
    """The services name the field they refuse (FieldError.field); the message goes under it."""

    def __init__(self) -> None:
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def label(self, field: str, widget: QWidget) -> QLabel:
        error = QLabel()
        error.setObjectName(f"{field}Error")
        error.setWordWrap(True)
        error.setVisible(False)
        restyle(error, state="error")
        self.fields[field] = (widget, error)
        return error

    def add_row(self, form: QFormLayout, text: str, field: str, widget: QWidget | QLayout,
                focus: QWidget | None = None) -> None:
        """A form row whose field carries its message underneath (hidden while there is none)."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(widget, QLayout):
            column.addLayout(widget)
        else:
            column.addWidget(widget)
        column.addWidget(self.label(field, focus or (widget if isinstance(widget, QWidget) else box)))
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText if "<" in text else Qt.TextFormat.PlainText)
        form.addRow(label, box)

    def show(self, field: str | None, message: str) -> bool:
        if field not in self.fields:
            return False
        widget, error = self.fields[field]
        error.setText(message)
        error.setVisible(True)
        widget.setFocus()
        return True

    def message(self, field: str) -> str:
        error = self.fields[field][1]
        return error.text() if error.isVisible() or error.text() else ""

    def clear(self) -> None:
        for _widget, error in self.fields.values():
            error.clear()
            error.setVisible(False)




def write_file(path: str, data: bytes) -> str:
    """Write a workbook; a full disk or a file open in Excel is a message, not a crash."""
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise UserError(f"无法写入 {path}：{exc.strerror or exc}。如果该文件正在 Excel 中打开，请先关闭。") from None
    return path
