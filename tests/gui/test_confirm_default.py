"""A confirmation shows which button Enter presses (the default, 取消, framed in the accent colour),
and Enter presses that one."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from xihu_desk.gui import messages, theme


def _edge(button: QPushButton) -> QColor:
    image = button.grab().toImage()
    return image.pixelColor(1, image.height() // 2)


def test_enter_presses_the_button_shown_as_default(qtbot, styled_app) -> None:  # noqa: ANN001
    seen: dict = {}

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        default = box.defaultButton()
        other = next(b for b in box.findChildren(QPushButton) if b is not default)
        seen.update(default=default.text(), default_edge=_edge(default), other_edge=_edge(other))
        QTest.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(100, press)
    answer = messages.ask_box(None, "请确认", "确定删除这条调解记录吗？删除后不能恢复。")
    assert seen["default"] == "取消" and answer is False  # Enter pressed the button shown
    accent = QColor(theme.ACCENT)
    assert seen["default_edge"] == accent, seen["default_edge"].name()
    assert seen["other_edge"] != accent
