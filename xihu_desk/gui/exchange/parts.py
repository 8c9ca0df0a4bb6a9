"""Small parts of the exchange page: its read-only tables, captions beside their values, and the box
that shows the outcome of the last operation on one side."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import theme
from xihu_desk.gui.widgets import label


def fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(value))


def captioned(rows: list[tuple[str, QWidget]]) -> QGridLayout:
    """Right-aligned captions beside their values, as in the forms."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(4)
    for r, (title, widget) in enumerate(rows):
        caption = label(title, "muted")
        caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(caption, r, 0)
        grid.addWidget(widget, r, 1)
    grid.setColumnStretch(1, 1)
    return grid


class ResultBox(QGroupBox):
    """The outcome of the last operation on one side, with a button to open the folder it wrote to.
    Hidden until there is something to show: an empty box looks unfinished."""

    def __init__(self, title: str, name: str, show_folder: Any, hint: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.folder: Path | None = None
        self.hint = hint  # says how the side works until there is a result to show in its place
        self.setVisible(False)
        box = QVBoxLayout(self)
        self.text = QLabel()
        self.text.setObjectName(name)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Scrolls rather than grows: a long problem list must not push the window past a 768-line screen.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.text)
        box.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.folder_button = QPushButton(theme.icon("mdi6.folder-open-outline"), "")
        self.folder_button.setObjectName(f"{name}Folder")
        self.folder_button.clicked.connect(lambda: self.folder and show_folder(self.folder))
        row.addWidget(self.folder_button)
        row.addStretch(1)
        box.addLayout(row)

    def show_result(self, html: str, folder: Path | None = None, folder_text: str = "") -> None:
        self.text.setText(html)
        self.folder = folder
        self.folder_button.setText(folder_text)
        self.folder_button.setVisible(folder is not None)
        self.hint.setVisible(False)
        self.setVisible(True)
