"""The status bar's message at 1366×768 and 150 % text: "已备份并校验：…" readable beside the unit,
user and database labels (it was cut to "已备"), the whole text in its tooltip, and the window no
wider than the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel

from xihu_desk.gui import prefs, theme
from xihu_desk.gui.mainwindow import MainWindow

SCREEN = QRect(0, 0, 1366, 768)
MESSAGE = "已备份并校验：西湖区留下街道司法所-备份-20261204-105300.xdb"


@pytest.mark.parametrize("scale", [100, 150])
def test_backup_message_readable(qtbot, ctx, admin, styled_app, tmp_path, scale) -> None:
    prefs.set_text_scale(scale)
    theme.apply_text_scale(styled_app, scale)
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.setGeometry(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    window.statusBar().showMessage(MESSAGE, 8000)
    qtbot.wait(50)
    shown = window.statusBar().findChild(QLabel, "statusMessage")
    assert shown is not None and shown.isVisible()
    fm = shown.fontMetrics()
    assert shown.contentsRect().width() >= fm.horizontalAdvance("已备份并校验：西湖")  # what happened, readable
    assert shown.toolTip() == MESSAGE and window.statusBar().currentMessage() == MESSAGE
    assert window.minimumSizeHint().width() <= SCREEN.width() and window.width() <= SCREEN.width()
    out = Path(os.environ.get("XIHU_SCREENS_OUT") or tmp_path)  # the picture, to be looked at
    window.grab().save(str(out / f"status{scale}.png"))
    window.statusBar().clearMessage()  # no message: the unit, user and database labels have the room
    qtbot.wait(50)
    assert not shown.isVisible() and window.statusBar().currentMessage() == ""
    for fixed in (window.org_status, window.level_status, window.user_status):  # the folder path gives way first
        assert fixed.contentsRect().width() >= fixed.fontMetrics().horizontalAdvance(fixed.text()), fixed.text()
    window.grab().save(str(out / f"status{scale}-none.png"))
    window.close()
