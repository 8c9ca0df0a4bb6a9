"""Helpers shared by the GUI tests."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from xihu_desk.gui.runner import Runner


def wait_op(qtbot, runner: Runner, action: Callable[[], object], timeout: int = 5000) -> bool:  # noqa: ANN001
    """Do ``action`` (usually a click) and wait until the op it starts has finished; returns ok."""
    with qtbot.waitSignal(runner.finished, timeout=timeout) as blocker:
        action()
    return blocker.args[1]


def click(qtbot, button: QAbstractButton) -> None:  # noqa: ANN001
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_text(qtbot, widget, text: str) -> None:  # noqa: ANN001
    """Type like a user: ASCII key by key; Chinese as an input method commits it (QTest cannot
    synthesise key events for characters outside Latin-1)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
