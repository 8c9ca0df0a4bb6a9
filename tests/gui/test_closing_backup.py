"""Closing the main window while its automatic backup runs (a large database takes minutes): the
window stays with the backup's progress and 取消备份并退出 instead of refusing to close (or
hanging); stopping leaves no partial backup, letting it finish closes the window after it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QPushButton

from xihu_desk.gui import closing_backup
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.runner import Progress
from xihu_desk.store import backup

from .helpers import click

pytestmark = pytest.mark.sqlite_only  # a desk on a server makes no automatic file backup


class GatedProgress(Progress):
    """The backup's progress, held at its first step until the test lets it go on: the backup
    is surely under way when the window is closed."""

    reached = threading.Event()
    go_on = threading.Event()

    def step(self, done=None, stage=None, total=None):
        if not self.go_on.is_set():
            self.reached.set()
            self.go_on.wait(10)
        return super().step(done, stage, total)


@pytest.fixture
def gated(monkeypatch):
    GatedProgress.reached = threading.Event()
    GatedProgress.go_on = threading.Event()
    monkeypatch.setattr(closing_backup, "Progress", GatedProgress)
    yield GatedProgress
    GatedProgress.go_on.set()  # never leave the DB thread waiting


def _window_backing_up(qtbot, ctx, admin, gated):
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.auto_backup()
    qtbot.waitUntil(gated.reached.is_set, timeout=5000)
    return window


def _leftovers(ctx) -> list[str]:
    return sorted(p.name for p in ctx.data.backups.rglob("*")) if ctx.data.backups.exists() else []


def test_closing_during_the_backup_shows_it_and_cancel_leaves_no_partial_file(qtbot, ctx, admin, gated, message_mock):
    before = _leftovers(ctx)
    window = _window_backing_up(qtbot, ctx, admin, gated)
    assert window.close() is False  # kept: the backup is shown, not refused with a warning
    dialog = window.findChild(closing_backup.ClosingBackupDialog)
    assert dialog is not None and dialog.isVisible()
    assert "正在自动备份" in dialog.labelText()
    assert not message_mock.of("warning")
    assert window.close() is False  # a second click on ×: the same box, not a second one
    assert len(window.findChildren(closing_backup.ClosingBackupDialog)) == 1

    with qtbot.waitSignal(window.closed, timeout=10000):
        cancel = dialog.findChild(QPushButton)
        assert cancel is not None and cancel.text() == "取消备份并退出"
        click(qtbot, cancel)
        assert "正在取消" in dialog.labelText()
        gated.go_on.set()
    assert not window.isVisible()
    assert _leftovers(ctx) == before  # no backup, no partial file, no attachments folder
    assert not message_mock.of("info")  # not the runner's 已取消 box on the way out
    assert not ctx.runner.busy()


def test_closing_during_the_backup_waits_for_it_then_closes(qtbot, ctx, admin, gated, message_mock):
    window = _window_backing_up(qtbot, ctx, admin, gated)
    assert window.close() is False
    with qtbot.waitSignal(window.closed, timeout=10000):
        gated.go_on.set()
    found = backup.list_backups(ctx.data.backups)
    assert len(found) == 1 and found[0].reason == "auto"
    assert not [p for p in ctx.data.backups.rglob("*") if "partial" in p.name]


def test_closing_without_a_backup_running_closes_at_once(qtbot, ctx, admin):
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.closed, timeout=3000):
        assert window.close() is True
