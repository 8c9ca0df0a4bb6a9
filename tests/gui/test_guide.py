"""帮助 has a user guide in Chinese, shipped with the program, beside 关于."""

from __future__ import annotations

import pytest

from xihu_desk.gui import guide


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|propagateSizeHints)")  # offscreen
def test_help_menu_opens_the_chinese_user_guide(qtbot, main_window) -> None:  # noqa: ANN001
    assert guide.guide_file().is_file()
    help_menu = next(a.menu() for a in main_window.menuBar().actions() if a.text().startswith("帮助"))
    texts = [a.text() for a in help_menu.actions()]
    assert texts[0].startswith("使用指南") and texts[1].startswith("关于")
    dialog = main_window.show_guide()
    qtbot.waitExposed(dialog)
    text = dialog.browser.toPlainText()
    assert "使用指南" in text and "受理一件新纠纷" in text and "Ctrl+P" in text
    assert main_window.show_guide() is dialog  # one window
