"""系统设置 on a 1366×768 screen at 150 % display scaling (911×512 logical pixels): the page never
makes the main window taller than the screen. The 系统参数 tab asked for 475 px of its own, so the
administrator's settings page grew the window to 584 px, its status bar below the screen's edge;
like 数据安全 and 本节点 it scrolls instead."""

from __future__ import annotations

from PySide6.QtCore import QRect

from xihu_desk.gui.mainwindow import MainWindow

SHORT = QRect(0, 0, 911, 512)  # 1366×768 at 150 %, in logical pixels


def test_the_settings_page_keeps_the_window_within_a_short_screen(qtbot, ctx, admin) -> None:
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.setGeometry(SHORT)
    window.show()
    qtbot.waitExposed(window)
    window.go("settings")
    settings = window.page("settings")
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert window.height() <= SHORT.height(), settings.tabs.tabText(index)
    assert settings.params is not None and settings.params.save_button is not None
    window.close()
