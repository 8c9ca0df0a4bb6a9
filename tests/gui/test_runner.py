"""The runner: results on the GUI thread, progress after a delay, cancel rolls back, bugs logged."""

from __future__ import annotations

import logging
import threading

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from xihu_desk import app
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import crash
from xihu_desk.services import settings
from xihu_desk.services.context import system_actor

from .helpers import wait_op


def test_result_arrives_on_gui_thread(qtbot, runner) -> None:  # noqa: ANN001
    # A quick write shows no progress: "quick" against the production delay, not the 50 ms the
    # other tests use (an audited, fsynced commit on a loaded 2-core machine can take longer).
    runner.show_after_ms = 600
    seen = {}

    def work(session, progress):  # noqa: ANN001, ANN202
        seen["worker"] = threading.current_thread()
        return settings.update(session, system_actor(), {"idle_lock_minutes": 20})

    def on_ok(values: dict) -> None:
        seen["gui"] = threading.current_thread()
        seen["values"] = values

    with qtbot.assertNotEmitted(runner.progress_shown):
        assert wait_op(qtbot, runner, lambda: runner.write(work, label="保存", on_ok=on_ok))
    assert seen["gui"] is threading.main_thread() and seen["worker"] is not threading.main_thread()
    assert seen["values"]["idle_lock_minutes"] == 20
    with runner.db.read() as session:
        assert settings.get(session, "idle_lock_minutes") == 20


def test_slow_op_shows_progress_and_cancel_rolls_back(qtbot, runner, message_mock) -> None:  # noqa: ANN001
    never = threading.Event()

    def slow(session, progress):  # noqa: ANN001, ANN202
        settings.update(session, system_actor(), {"idle_lock_minutes": 42})
        n = 0
        while True:  # a long import, say: one batch after another until cancelled
            n += 1
            progress.step(done=n % 100, total=100, stage=f"第 {n} 批")
            never.wait(0.005)

    with qtbot.waitSignal(runner.progress_shown, timeout=3000) as shown:
        op = runner.write(slow, label="正在导入…")
    assert shown.args == [op] and runner.busy()
    dialog = runner.progress_dialog(op)
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: "第" in dialog.labelText())
    with qtbot.waitSignal(runner.finished, timeout=5000) as finished:
        qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    assert finished.args == [op, False]
    assert not runner.busy()
    assert message_mock.single("info").text == "已取消，没有做任何更改。"
    with runner.db.read() as session:
        assert settings.get(session, "idle_lock_minutes") == 15  # rolled back


def test_user_error_becomes_a_message(qtbot, runner, message_mock) -> None:  # noqa: ANN001
    def refused(session, progress):  # noqa: ANN001, ANN202
        settings.update(session, system_actor(), {"idle_lock_minutes": 1000})

    assert not wait_op(qtbot, runner, lambda: runner.write(refused))
    assert message_mock.single("error").text == "“无操作自动锁定”须在 1–240分钟之间。"


def test_on_error_replaces_the_message_box(qtbot, runner, message_mock) -> None:  # noqa: ANN001
    got = []

    def refused(progress):  # noqa: ANN001, ANN202
        raise UserError("不行")

    assert not wait_op(qtbot, runner, lambda: runner.call(refused, on_error=got.append))
    assert got == ["不行"] and message_mock.messages == []


def test_crash_in_op_is_logged_and_shown(qtbot, runner, data_dir, message_mock) -> None:  # noqa: ANN001
    handler = app.setup_logging(data_dir)
    crash.set_log_file(app.log_file(data_dir))
    try:
        def buggy(session, progress):  # noqa: ANN001, ANN202
            settings.update(session, system_actor(), {"idle_lock_minutes": 30})
            raise ZeroDivisionError("division by zero in a service")

        assert not wait_op(qtbot, runner, lambda: runner.write(buggy, label="统计"))
    finally:
        logging.getLogger("xihu_desk").removeHandler(handler)
        handler.close()
        crash.set_log_file(None)
    shown = message_mock.single("crash")
    assert str(app.log_file(data_dir)) in shown.text
    assert "ZeroDivisionError" in shown.details
    log = app.log_file(data_dir).read_text(encoding="utf-8")
    assert "程序错误（统计）" in log and "ZeroDivisionError: division by zero in a service" in log
    with runner.db.read() as session:
        assert settings.get(session, "idle_lock_minutes") == 15  # the unit of work rolled back


def test_main_window_will_not_close_during_a_write(qtbot, main_window, ctx, message_mock) -> None:  # noqa: ANN001
    release = threading.Event()

    def slow(session, progress):  # noqa: ANN001, ANN202
        settings.update(session, system_actor(), {"idle_lock_minutes": 20})
        release.wait(5)

    op = ctx.runner.write(slow)
    assert not main_window.close()
    assert main_window.isVisible()
    assert message_mock.single("warning").text == "正在保存数据，请等操作完成后再退出。"
    with qtbot.waitSignal(ctx.runner.finished, check_params_cb=lambda op_id, ok: op_id == op and ok):
        release.set()
    assert main_window.close()


def test_result_for_a_closed_window_is_not_delivered(qtbot, runner, message_mock) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QDialog

    dialog = QDialog()
    got = []
    release = threading.Event()

    def work(session, progress):  # noqa: ANN001, ANN202
        release.wait(5)
        return settings.update(session, system_actor(), {"idle_lock_minutes": 25})

    op = runner.write(work, parent=dialog, on_ok=got.append)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    with qtbot.waitSignal(runner.finished, check_params_cb=lambda op_id, ok: op_id == op and ok):
        release.set()
    assert got == [] and message_mock.messages == []  # committed, nobody left to tell
    with runner.db.read() as session:
        assert settings.get(session, "idle_lock_minutes") == 25


def test_garbage_is_collected_on_the_gui_thread_only(qtbot, styled_app):  # noqa: ANN001
    """Automatic collection is off (it could run on the runner's thread and destroy Qt objects
    there); the timer on the GUI thread collects cyclic garbage instead."""
    import gc
    import weakref

    from xihu_desk.gui import gcguard

    assert not gc.isenabled()

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a
    probe = weakref.ref(a)
    del a, b
    # Enough live allocations to cross the threshold (objects freed at once do not count).
    alive = [Node() for _ in range(gc.get_threshold()[0] + 10)]
    collector = gcguard.install(styled_app)
    qtbot.waitUntil(lambda: probe() is None, timeout=3 * gcguard.INTERVAL_MS + 2000)
    assert collector.timer.isActive()
    del alive
