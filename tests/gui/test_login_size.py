"""The login box keeps its size when it shows an error, and window titles name the program once
(Qt adds the application's display name to every title)."""

from __future__ import annotations

from xihu_desk.gui.login import LoginDialog


def test_login_box_keeps_its_size_when_it_shows_an_error(qtbot, ctx) -> None:  # noqa: ANN001
    dialog = LoginDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.wait(20)
    # the offscreen platform does not resize windows, so compare what the layout asks for at the
    # box's width (what makes a real window grow)

    def asks() -> tuple:  # noqa: ANN202
        return dialog.size(), dialog.minimumSizeHint(), dialog.layout().totalHeightForWidth(dialog.width())

    before = asks()
    for message in ("该账户因多次输入错误密码已锁定，请 15 分钟后再试，或请管理员解锁。",  # the longest auth gives
                    "请输入密码。"):
        dialog._failed(message)
        qtbot.wait(20)
        assert asks() == before, message
    dialog._failed("")
    qtbot.wait(20)
    assert asks() == before


def test_window_titles_do_not_repeat_the_program_name(qtbot, ctx, main_window) -> None:  # noqa: ANN001
    login = LoginDialog(ctx)
    qtbot.addWidget(login)
    for window in (login, main_window):
        assert "西湖司法所工作台" not in window.windowTitle(), window.windowTitle()
