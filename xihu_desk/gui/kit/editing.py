"""Editing state of a form: which widgets are inputs, read-only forms that stay readable, whether
the user changed anything (DirtyWatch, Loading), and rows shown or hidden by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)


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
    return [
        w for w in found if not (isinstance(w, QLineEdit) and isinstance(w.parent(), (QComboBox, QAbstractSpinBox)))
    ]


def set_editable(
    root: QWidget,
    editable: bool,
    *,
    keep: tuple[QWidget, ...] = (),
    buttons: tuple[QAbstractButton, ...] = (),
    views: tuple[QAbstractItemView, ...] = (),
) -> None:
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
        view.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
            if editable
            else triggers.NoEditTriggers
        )


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
