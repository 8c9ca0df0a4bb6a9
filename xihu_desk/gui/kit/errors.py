"""The one way a field shows its error: the services name the field they refuse
(FieldError.field); the message goes in a label under that field, the field gets the focus, and
editing the field takes the message away."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QVBoxLayout, QWidget

from xihu_desk.gui.kit.editing import changed_signal
from xihu_desk.gui.widgets import restyle


def error_label(field: str) -> QLabel:
    """The label under ``field`` where its message appears (hidden while there is none; a
    QFormLayout closes up hidden rows)."""
    error = QLabel()
    error.setObjectName(f"{field}Error")
    error.setWordWrap(True)
    error.setVisible(False)
    restyle(error, state="error")
    return error


class FieldErrors:
    """Each field has an error label and a widget to focus. ``before_show`` may bring the field
    into view first (its tab, its party)."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel | None, Callable[[], None] | None]] = {}

    def add(
        self,
        field: str,
        widget: QWidget,
        error: QLabel | None,
        before_show: Callable[[], None] | None = None,
        *,
        auto_hide: bool = True,
    ) -> None:
        self._fields[field] = (widget, error, before_show)
        signal = changed_signal(widget)
        if auto_hide and signal is not None and error is not None:
            signal.connect(lambda *_a, e=error: self._hide(e))

    def label(self, field: str, widget: QWidget) -> QLabel:
        """A new error label for ``field`` (the caller lays it out under the widget)."""
        error = error_label(field)
        self.add(field, widget, error)
        return error

    def add_row(
        self, form: QFormLayout, text: str, field: str, widget: QWidget | QLayout, focus: QWidget | None = None
    ) -> None:
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
        caption = QLabel(text)
        caption.setTextFormat(Qt.TextFormat.RichText if "<" in text else Qt.TextFormat.PlainText)
        form.addRow(caption, box)

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


def add_field(
    form: QFormLayout,
    errors: FieldErrors,
    field: str,
    text: str,
    widget: QWidget | QLayout,
    required: bool = False,
    before_show: Callable[[], None] | None = None,
    focus: QWidget | None = None,
) -> QLabel:
    """A row ``text：`` (``*`` when required) with the widget (or a layout), and under it the line
    where the field's message appears; returns that line. ``focus``: the widget a refusal focuses
    (a layout's own field)."""
    caption = QLabel(text + "：" + ("*" if required else ""))
    caption.setObjectName(f"{field}Label")
    form.addRow(caption, widget)
    if isinstance(widget, QWidget):
        caption.setBuddy(widget)
    error = error_label(field)
    form.addRow("", error)
    target = focus or (widget if isinstance(widget, QWidget) else None)
    if target is not None:
        errors.add(field, target, error, before_show)
    return error
