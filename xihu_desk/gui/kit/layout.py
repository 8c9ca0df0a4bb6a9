"""How the forms lay themselves out: the form layout, a required field's label, a first size that
follows the text size and fits the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QWidget


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
