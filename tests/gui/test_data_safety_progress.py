"""系统设置 → 数据安全 on a large database: the check and the backup run on the runner with a
progress dialog that says how long they will take and moves; 取消 stops a backup and leaves no
partial file (issue 15)."""

from __future__ import annotations

import time

import pytest

from tests.conftest import PG
from xihu_desk.gui.pages.datasafety import DataSafetyTab
from xihu_desk.store import backup, dbfile
from xihu_desk.store import progress as estimates

from .helpers import click, wait_op


@pytest.fixture
def tab(qtbot, ctx, admin) -> DataSafetyTab:
    widget = DataSafetyTab(ctx, admin)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def slow_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The small test database copied in many slow steps, as a large one is."""
    monkeypatch.setattr(backup, "STEP_PAGES", 2)
    monkeypatch.setattr(dbfile, "PROGRESS_STEPS", 200)
    real = estimates.BackupProgress.copied

    def copied(self, done: int, total: int) -> None:
        time.sleep(0.02)
        real(self, done, total)

    monkeypatch.setattr(estimates.BackupProgress, "copied", copied)


def test_the_backup_shows_its_estimate_and_moves(qtbot, ctx, tab, slow_copy) -> None:
    shown: list[int] = []
    ctx.runner.progress_shown.connect(shown.append)
    values: list[int] = []
    with qtbot.waitSignal(ctx.runner.finished, timeout=20000) as finished:
        click(qtbot, tab.backup_button)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        dialog = ctx.runner.progress_dialog(shown[0])
        assert dialog is not None and "预计约" in dialog.labelText()
        qtbot.waitUntil(lambda: (values.append(dialog.value()) or dialog.value() > 0), timeout=5000)
    assert finished.args[1] is True and max(values) > 0


def test_cancelling_the_backup_leaves_no_partial_file(qtbot, ctx, tab, slow_copy, message_mock) -> None:
    before = sorted(p.name for p in ctx.data.backups.glob("*"))
    rows = tab.table.rowCount()
    shown: list[int] = []
    ctx.runner.progress_shown.connect(shown.append)
    with qtbot.waitSignal(ctx.runner.finished, timeout=20000) as finished:
        click(qtbot, tab.backup_button)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        dialog = ctx.runner.progress_dialog(shown[0])
        assert dialog is not None
        dialog.cancel_clicked.emit()  # the 取消 button
    assert finished.args[1] is False
    assert sorted(p.name for p in ctx.data.backups.glob("*")) == before  # nothing half-written
    assert tab.table.rowCount() == rows
    assert any("已取消" in m.text for m in message_mock.messages)


def test_the_check_can_be_cancelled_too(qtbot, ctx, tab, monkeypatch) -> None:
    monkeypatch.setattr(dbfile, "PROGRESS_STEPS", 50)
    from xihu_desk.services import maintenance

    real = maintenance.inspect

    def slow_inspect(data, progress=None):
        def step(**kwargs):
            time.sleep(0.005)
            return progress.step(**kwargs)
        return real(data, type("P", (), {"step": staticmethod(step)})())

    monkeypatch.setattr(maintenance, "inspect", slow_inspect)
    if PG:  # a server database has no file to inspect: its audit chain is what takes long
        from xihu_desk.services import server_maintenance

        chain = server_maintenance.audit.verify_chain
        monkeypatch.setattr(server_maintenance.audit, "verify_chain", lambda s: time.sleep(1) or chain(s))
    shown: list[int] = []
    ctx.runner.progress_shown.connect(shown.append)
    with qtbot.waitSignal(ctx.runner.finished, timeout=20000) as finished:
        click(qtbot, tab.check_button)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        ctx.runner.progress_dialog(shown[0]).cancel_clicked.emit()
    assert finished.args[1] is False
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.check_button))  # and runs again
