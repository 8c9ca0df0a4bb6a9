"""Pieces the case screens share: dates, money in 元 (kept exactly in 分), code-list combo boxes,
a field's error shown under it, read-only forms, and how a save reaches the runner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QRegularExpression, QTime
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QAbstractSpinBox, QCheckBox, QComboBox, QDateEdit, QDateTimeEdit, QLabel,
    QLineEdit, QPlainTextEdit, QRadioButton, QSpinBox, QWidget,
)

from xihu_desk.gui.fieldkit import fill_combo, submit  # noqa: F401 - the forms here import them from this module
from xihu_desk.gui.widgets import restyle

# ---------------------------------------------------------------- dates


def to_qdate(value: date | str | None) -> QDate:
    if value is None or value == "":
        return QDate()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return QDate(value.year, value.month, value.day)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def set_date(edit: QDateEdit, value: date | str | None) -> None:
    """Show ``value``; None shows the edit's blank (its minimum date with the special text)."""
    edit.setDate(to_qdate(value) if value else edit.minimumDate())


def date_of(edit: QDateEdit) -> date | None:
    """The chosen date, or None when an optional edit shows its blank text."""
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return None
    return to_date(edit.date())


NO_DATE = QDate(1900, 1, 1)


def setup_date(edit: QDateEdit, *, optional: bool = False, blank: str = "") -> None:
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setMaximumDate(QDate(2099, 12, 31))
    edit.setSpecialValueText(blank if optional else "")
    edit.setDate(NO_DATE if optional else QDate.currentDate())


def set_datetime(edit: QDateTimeEdit, value: datetime) -> None:
    edit.setDateTime(QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute)))


def datetime_of(edit: QDateTimeEdit) -> datetime:
    moment = edit.dateTime()
    d, t = moment.date(), moment.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


# ---------------------------------------------------------------- money


class MoneyError(ValueError):
    pass


MONEY_PATTERN = r"^\d{0,12}(\.\d{0,2})?$"


def setup_money(edit: QLineEdit) -> None:
    """元 with at most two decimals; anything else cannot be typed."""
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(MONEY_PATTERN), edit))


def fen_from_text(text: str) -> int:
    """'3000' -> 300000, '12.5' -> 1250: exact (Decimal), never through a float."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not cleaned:
        return 0
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise MoneyError(cleaned) from None
    fen = amount * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise MoneyError(cleaned)
    return int(fen)


def text_from_fen(fen: int) -> str:
    if not fen:
        return ""
    yuan = Decimal(fen) / 100
    return f"{yuan:.2f}".removesuffix(".00")


def yuan_label(fen: int) -> str:
    return f"{Decimal(fen) / 100:,.2f} 元"


# ---------------------------------------------------------------- combo boxes




def set_code(combo: QComboBox, code: str | None) -> None:
    index = combo.findData(code or "")
    if index < 0 and combo.isEditable():
        combo.setEditText(code or "")
        return
    combo.setCurrentIndex(max(index, 0))


def code_of(combo: QComboBox) -> str:
    if combo.isEditable():
        index = combo.findText(combo.currentText())
        return combo.itemData(index) if index >= 0 else combo.currentText().strip()
    data = combo.currentData()
    return data if isinstance(data, str) else ""


# ---------------------------------------------------------------- editing state


def changed_signal(widget: QWidget):
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, QPlainTextEdit):
        return widget.textChanged
    if isinstance(widget, QComboBox):
        return widget.editTextChanged if widget.isEditable() else widget.currentIndexChanged
    if isinstance(widget, QDateTimeEdit):  # QDateEdit too
        return widget.dateTimeChanged
    if isinstance(widget, QSpinBox):
        return widget.valueChanged
    if isinstance(widget, (QCheckBox, QRadioButton)):
        return widget.toggled
    return None


def input_widgets(root: QWidget) -> list[QWidget]:
    kinds = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QCheckBox, QRadioButton)
    found = [w for w in root.findChildren(QWidget) if isinstance(w, kinds)]
    # A combo box's own line edit and a spin box's are parts of it, not inputs of their own.
    return [w for w in found if not (isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QAbstractSpinBox)))]


def set_editable(root: QWidget, editable: bool, *, keep: tuple[QWidget, ...] = (),
                 buttons: tuple[QAbstractButton, ...] = (), views: tuple[QAbstractItemView, ...] = ()) -> None:
    """Read-only forms stay readable: text fields become read-only rather than grey. ``buttons``
    (add, remove…) are disabled and ``views`` stop editing when the form is read-only."""
    for w in input_widgets(root):
        if w in keep:
            continue
        if isinstance(w, (QLineEdit, QPlainTextEdit, QAbstractSpinBox)):
            w.setReadOnly(not editable)
        else:
            w.setEnabled(editable)
    for button in buttons:
        button.setEnabled(editable)
    triggers = QAbstractItemView.EditTrigger
    for view in views:
        view.setEditTriggers(triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed if editable
                             else triggers.NoEditTriggers)


class DirtyWatch:
    """Whether the user changed anything in a part of the form since it was last filled in."""

    def __init__(self, widgets: list[QWidget], on_change: Callable[[], None] | None = None) -> None:
        self.dirty = False
        self.loading = False
        self._on_change = on_change
        for w in widgets:
            signal = changed_signal(w)
            if signal is not None:
                signal.connect(self.mark)

    def mark(self, *_args: Any) -> None:
        if not self.loading:
            self.dirty = True
            if self._on_change:
                self._on_change()


class Loading:
    """``with Loading(watch):`` fills widgets without counting it as the user's change."""

    def __init__(self, *watches: DirtyWatch) -> None:
        self.watches = watches

    def __enter__(self) -> None:
        for w in self.watches:
            w.loading = True

    def __exit__(self, *_exc: object) -> None:
        for w in self.watches:
            w.loading = False
            w.dirty = False


# ---------------------------------------------------------------- a field's message


class FieldErrors:
    """The services name the field they refuse (FieldError.field); this shows the message under it.

    Each field has an error label (hidden when empty: a QFormLayout closes up hidden rows) and a
    widget to focus. ``before_show`` may bring the field into view first (its tab, its party).
    Editing the field takes its message away.
    """

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel | None, Callable[[], None] | None]] = {}

    def add(self, field: str, widget: QWidget, error: QLabel | None,
            before_show: Callable[[], None] | None = None, *, auto_hide: bool = True) -> None:
        self._fields[field] = (widget, error, before_show)
        signal = changed_signal(widget)
        if auto_hide and signal is not None and error is not None:
            signal.connect(lambda *_a, e=error: self._hide(e))

    def knows(self, field: str | None) -> bool:
        return field in self._fields

    def show(self, field: str | None, message: str) -> bool:
        if field not in self._fields:
            return False
        widget, error, before = self._fields[field]
        if before is not None:
            before()
        if error is not None:
            error.setText(message)
            restyle(error, state="error")
            error.setVisible(True)
        widget.setFocus()
        return True

    def widget(self, field: str) -> QWidget | None:
        return self._fields[field][0] if field in self._fields else None

    def message(self, field: str) -> str:
        error = self._fields[field][1]
        return error.text() if error is not None and not error.isHidden() else ""

    def clear(self) -> None:
        for _w, error, _b in self._fields.values():
            if error is not None:
                self._hide(error)

    @staticmethod
    def _hide(error: QLabel) -> None:
        error.clear()
        error.setVisible(False)


def show_row(form: QWidget, name: str, visible: bool) -> None:
    """Show or hide a form row by its field's object name (label, field and its error label)."""
    # findChildren, not findChild: PySide6 6.12 on Python 3.11 drops a reference to None each
    # time a call returns None (see find_optional), and rows are shown and hidden all day.
    for suffix in ("", "Label"):
        for widget in form.findChildren(QWidget, name + suffix):
            widget.setVisible(visible)
    if not visible:
        for error in form.findChildren(QLabel, name + "Error"):
            error.clear()
            error.setVisible(False)


def find_optional(root: QWidget, kind: type[QWidget], name: str) -> QWidget | None:
    """A named child that may be missing. PySide6 6.12 with Python 3.11 (where None is not yet
    immortal) releases a reference to None every time a Qt call returns None (findChild of a
    missing child, property() of an unset property, item() of an empty cell, currentData() of an
    item without data…); enough of them and the interpreter aborts. These screens are used all day,
    so they never ask Qt a question whose answer may be None."""
    found = root.findChildren(kind, name)
    return found[0] if found else None


# ---------------------------------------------------------------- saving

