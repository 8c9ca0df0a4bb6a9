"""The main window's status bar: a passing message ("已备份并校验：…") that keeps the room it needs.

QStatusBar paints a message only in the space its permanent labels leave, and cuts it there (at
150 % text on 1366×768 the unit, user and database labels left "已备"). Here the message is a label
that stretches, the fixed labels give way with "…", and any cut text is whole in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStatusBar, QWidget

from xihu_desk.gui.widgets import ElidedLabel

MESSAGE_CHARS = 12  # "已备份并校验：" and a few characters of the file name always show


class FittedLabel(ElidedLabel):
    """A status label (unit, user…) that gives way when the message needs the room, cut at its end
    (its start says what it is); the tooltip keeps its whole text."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setToolTip(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)


class MessageLabel(FittedLabel):
    """The passing message: never narrower than what it says happened, and out of the way (the
    fixed labels whole) when there is none."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("备") * MESSAGE_CHARS, super().minimumSizeHint().height())


class WhereLabel(ElidedLabel):
    """The database's place (a long folder path): the first to give way, cut in its middle, so the
    unit and user show whole; it fills what room is left."""

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()


class StatusBar(QStatusBar):
    """showMessage/clearMessage as QStatusBar's, shown in a stretching label left of the fixed ones."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = MessageLabel("")
        self.message.setObjectName("statusMessage")
        self.message.hide()
        self.addPermanentWidget(self.message, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clearMessage)
        # Qt's own messages (an action's status tip) go through the C++ call: shown here as well.
        self.messageChanged.connect(self._qt_message)

    def add_label(self, label: QWidget) -> None:
        """A fixed label right of the message; a WhereLabel takes the room left over."""
        self.addPermanentWidget(label, 1 if isinstance(label, WhereLabel) else 0)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # type: ignore[override]
        self.message.setText(text)
        self._timer.stop()
        if timeout > 0:
            self._timer.start(timeout)

    def clearMessage(self) -> None:
        self._timer.stop()
        self.message.setText("")

    def currentMessage(self) -> str:
        return self.message.text()

    def _qt_message(self, text: str) -> None:
        if text:
            self.message.setText(text)
            super().clearMessage()  # painted by the label, not a second time under it
