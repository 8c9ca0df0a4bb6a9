"""立即备份 returns at once: the time estimate (it counts the attachment files in the database,
0.18 s at 20,000) is worked out on the DB thread with the backup, no database statement runs on
the GUI thread, and the progress dialog shows the estimate once it is known."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event

from xihu_desk.gui.pages.datasafety import DataSafetyTab
from xihu_desk.services import maintenance

from .helpers import click


@pytest.fixture
def tab(qtbot, ctx, admin) -> DataSafetyTab:
    widget = DataSafetyTab(ctx, admin)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_backup_now_estimates_off_the_gui_thread(qtbot, ctx, tab, monkeypatch) -> None:
    gui = threading.current_thread()
    estimated_on: list[threading.Thread] = []
    real = maintenance.backup_estimate

    def slow_estimate(data):
        estimated_on.append(threading.current_thread())
        time.sleep(0.4)  # a large node's count of attachment files
        return real(data)

    monkeypatch.setattr(maintenance, "backup_estimate", slow_estimate)
    real_backup = maintenance.backup_now

    def slow_backup(*args, progress, **kwargs):
        progress.step(stage="正在复制数据库…")
        time.sleep(0.6)  # the dialog stays up long enough to be read
        return real_backup(*args, progress=progress, **kwargs)

    monkeypatch.setattr(maintenance, "backup_now", slow_backup)
    on_gui: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many) -> None:
        if threading.current_thread() is gui:
            on_gui.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", on_execute)
    shown: list[int] = []
    ctx.runner.progress_shown.connect(shown.append)
    try:
        with qtbot.waitSignal(ctx.runner.finished, timeout=20000) as finished:
            started = time.perf_counter()
            click(qtbot, tab.backup_button)
            took = time.perf_counter() - started
            qtbot.waitUntil(lambda: bool(shown), timeout=5000)
            dialog = ctx.runner.progress_dialog(shown[0])
            qtbot.waitUntil(lambda: "预计约" in dialog.labelText(), timeout=5000)  # once it is known
            event.remove(ctx.db.engine, "before_cursor_execute", on_execute)  # the page's refresh after is not the click's
    finally:
        if event.contains(ctx.db.engine, "before_cursor_execute", on_execute):
            event.remove(ctx.db.engine, "before_cursor_execute", on_execute)
    assert finished.args[1] is True
    assert took < 0.2, f"the click took {took:.2f} s"
    assert estimated_on and all(t is not gui for t in estimated_on)
    assert on_gui == [], on_gui
