"""A window that says what a long step before the first window is doing (encrypting the
attachments an older version left plain, issue 21), shown only once the step reports progress:
a start with nothing to do shows nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog


class BusyNote:
    """Called with each progress line; the first call opens the window, ``close`` ends it."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.dialog: QProgressDialog | None = None

    def __call__(self, line: str) -> None:
        if self.dialog is None:
            self.dialog = QProgressDialog()
            self.dialog.setObjectName("busyNote")
            self.dialog.setWindowTitle(self.title)
            self.dialog.setRange(0, 0)  # how long is said in the line itself (n/total)
            self.dialog.setCancelButton(None)  # a half-done step is not left
            self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
            self.dialog.setMinimumDuration(0)
            self.dialog.setMinimumWidth(420)
            self.dialog.show()
        self.dialog.setLabelText(line)
        QApplication.processEvents()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
