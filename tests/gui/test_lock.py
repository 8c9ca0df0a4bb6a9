"""The idle lock: covers the work after the set time without input; the same user's password, or
another user, gets past it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from xihu_desk.gui.mainwindow import MainWindow

from .conftest import ADMIN_PASSWORD
from .helpers import click, wait_op


def make_window(qtbot, ctx, admin, idle_ms: int) -> MainWindow:  # noqa: ANN001
    ctx.idle_timeout_ms = idle_ms
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    return window


def test_idle_lock_triggers_and_unlocks(qtbot, ctx, admin) -> None:  # noqa: ANN001
    window = make_window(qtbot, ctx, admin, 150)
    qtbot.waitUntil(window.is_locked, timeout=3000)
    dialog = window.lock_dialog
    assert dialog.isVisible() and dialog.isModal()
    assert window.outer.currentWidget() is window.cover  # nothing of the work stays readable
    assert not window.menuBar().isEnabled()
    dialog.reject()  # Esc does not unlock
    assert window.is_locked() and dialog.isVisible()

    qtbot.keyClicks(dialog.password, "Wrong-pass-1")
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.unlock_button))
    assert dialog.error_label.text() == "用户名或密码不正确。再错 4 次账户将被锁定。"  # counts toward lockout

    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    with qtbot.waitSignal(dialog.unlocked):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert not window.is_locked()
    assert window.outer.currentWidget() is window.splitter and window.menuBar().isEnabled()
    qtbot.waitUntil(window.is_locked, timeout=3000)  # and it watches again


def test_input_postpones_the_lock(qtbot, ctx, admin) -> None:  # noqa: ANN001
    window = make_window(qtbot, ctx, admin, 2000)
    timer = window.idle._timer
    qtbot.waitUntil(lambda: timer.remainingTime() < 1600, timeout=3000)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert timer.remainingTime() > 1800  # started afresh (a coarse timer may be 5 % early)
    assert window.current_area() == "cases"


def test_ctrl_l_locks_and_switch_user_leaves(qtbot, ctx, admin) -> None:  # noqa: ANN001
    window = make_window(qtbot, ctx, admin, 60_000)
    window.activateWindow()  # shortcuts work in the active window; offscreen activates later
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()
    with qtbot.waitSignal(window.switch_user):
        click(qtbot, window.lock_dialog.switch_button)
