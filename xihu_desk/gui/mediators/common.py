"""What the 调解员 screens share: code-list combo boxes, dates, a field's message under it, the form
layout, and how a save reaches the runner (one unit of work; a refusal names its field)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDateEdit, QFormLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QTableView,
    QWidget,
)

from xihu_desk.gui.fieldkit import fill_combo, submit  # noqa: F401 - the forms here import them from this module
from xihu_desk.gui.widgets import label, restyle
from xihu_desk.services.context import Actor

NO_DATE = QDate(1900, 1, 1)


def fresh(actor: Actor) -> Actor:
    """The signed-in user as of now: the audit log and the "not after today" checks use this time."""
    return actor.stamped()




def code_of(combo: QComboBox) -> str:
    if combo.currentIndex() < 0:
        return ""
    data = combo.itemData(combo.currentIndex())
    return data if isinstance(data, str) else ""


def set_code(combo: QComboBox, code: str | None) -> None:
    index = combo.findData(code or "")
    combo.setCurrentIndex(max(index, 0))


def setup_date(edit: QDateEdit, *, optional: bool = False, blank: str = "未填") -> None:
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setMaximumDate(QDate(2099, 12, 31))
    edit.setSpecialValueText(blank if optional else "")
    edit.setDate(NO_DATE if optional else QDate.currentDate())


def set_date(edit: QDateEdit, value: date | str | None) -> None:
    if isinstance(value, str):
        value = date.fromisoformat(value[:10]) if value else None
    edit.setDate(QDate(value.year, value.month, value.day) if value else edit.minimumDate())


def date_of(edit: QDateEdit) -> date | None:
    """The chosen date, or None when an optional edit shows its blank text."""
    d = edit.date()
    if edit.specialValueText() and d == edit.minimumDate():
        return None
    return date(d.year(), d.month(), d.day())


def fit_to_screen(widget: QWidget, width_em: float, height_em: float) -> None:
    """A first size in characters (so it follows the text size), never larger than the screen."""
    em = widget.fontMetrics().horizontalAdvance("中")
    line = widget.fontMetrics().height()
    width, height = round(width_em * em), round(height_em * line)
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - 16), min(height, room.height() - 48)
    widget.resize(width, height)


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setHorizontalSpacing(10)
    form.setVerticalSpacing(6)
    return form


def table_view(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return view


class FieldErrors:
    """The message a service gives for a field (FieldError.field), shown under that field; editing
    the field takes it away."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, field: str, widget: QWidget, error: QLabel) -> None:
        self._fields[field] = (widget, error)
        signal = None
        if isinstance(widget, QLineEdit):
            signal = widget.textEdited
        elif isinstance(widget, QPlainTextEdit):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentIndexChanged
        elif isinstance(widget, QDateEdit):
            signal = widget.dateChanged
        if signal is not None:
            signal.connect(lambda *_a, e=error: self._hide(e))

    def show(self, field: str | None, message: str) -> bool:
        if field not in self._fields:
            return False
        widget, error = self._fields[field]
        error.setText(message)
        restyle(error, state="error")
        error.setVisible(True)
        widget.setFocus()
        return True

    def message(self, field: str) -> str:
        error = self._fields[field][1]
        return error.text() if not error.isHidden() else ""

    def clear(self) -> None:
        for _w, error in self._fields.values():
            self._hide(error)

    @staticmethod
    def _hide(error: QLabel) -> None:
        error.clear()
        error.setVisible(False)


def add_field(form: QFormLayout, errors: FieldErrors, field: str, text: str, widget: QWidget,
              required: bool = False) -> QLabel:
    """A row ``text：`` (``*`` when required) and under it the line where the field's message appears."""
    caption = QLabel(text + "：" + ("*" if required else ""))
    caption.setObjectName(f"{field}Label")
    caption.setBuddy(widget)
    form.addRow(caption, widget)
    error = label("", wrap=True)
    error.setObjectName(f"{field}Error")
    error.setProperty("state", "error")
    error.setVisible(False)
    form.addRow("", error)
    errors.add(field, widget, error)
    return error

