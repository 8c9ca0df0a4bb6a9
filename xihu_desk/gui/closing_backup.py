"""The main window's automatic backup (services/maintenance.auto_backup_if_changed), run on the
DB thread with a Progress of its own, so that closing the window while it runs does not hang:
the window stays with a progress box (what is being done, how far) and 取消备份并退出; it closes
when the backup has finished, or has been stopped with no partial backup left (store/backup.py
removes the unfinished copy and its attachments folder)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import REFRESH_MS, Cancelled, Progress
from xihu_desk.services import maintenance

log = logging.getLogger(__name__)

_STOPPED = object()  # the work's answer when closing stopped it (not the runner's 已取消 message)


class AutoBackup(QObject):
    """One automatic backup at a time; ``hold_close`` keeps the window while one runs."""

    saved = Signal(object)  # the new backup's Path
    finished = Signal()  # done, stopped or failed: the op is over

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.ctx, self.window = ctx, window
        self.op_id: int | None = None
        self.progress: Progress | None = None
        self.dialog: ClosingBackupDialog | None = None
        ctx.runner.finished.connect(self._op_finished)

    @property
    def running(self) -> bool:
        return self.op_id is not None

    def start(self) -> None:
        if self.running or self.ctx.db.write_blocked:  # a damaged database is not copied over the good backups
            return
        progress = self.progress = Progress()
        data = self.ctx.data

        def work(_runner_progress: Progress) -> object:
            try:
                return maintenance.auto_backup_if_changed(data, progress=progress)
            except Cancelled:
                log.info("关闭窗口时取消了自动备份，未留下未完成的备份文件")
                return _STOPPED

        self.op_id = self.ctx.runner.call(work, parent=self.window, on_ok=self._done)

    def _done(self, result: object) -> None:
        if isinstance(result, Path):
            self.saved.emit(result)

    def _op_finished(self, op_id: int, _ok: bool) -> None:
        if op_id != self.op_id:
            return
        self.op_id = self.progress = None
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.hide()
            self.dialog.deleteLater()
        self.dialog = None
        self.finished.emit()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.cancel()

    def hold_close(self, close: Callable[[], object]) -> bool:
        """When a backup runs: show it with 取消备份并退出, call ``close`` once it is over, and
        answer True (the window stays for now); False when nothing runs."""
        if not self.running or self.progress is None:
            return False
        if self.dialog is None:
            self.dialog = ClosingBackupDialog(self.progress, self.window)
            self.dialog.stop_clicked.connect(self.stop)
            self.finished.connect(lambda: QTimer.singleShot(0, close), Qt.ConnectionType.SingleShotConnection)
            self.dialog.show()
        return True


class ClosingBackupDialog(QProgressDialog):
    """正在自动备份 while the window waits to close: the stage and the bar from the backup's own
    Progress; 取消备份并退出 (the button, Esc, the close button) asks it to stop."""

    stop_clicked = Signal()

    def __init__(self, progress: Progress, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.progress = progress
        self.setObjectName("closingBackup")
        self.setWindowTitle(self.tr("正在自动备份"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setCancelButtonText(self.tr("取消备份并退出"))
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setRange(0, 0)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 30)
        self.canceled.disconnect(self.cancel)  # QProgressDialog would hide itself at once
        self.canceled.connect(self._stop)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.refresh()

    def refresh(self) -> None:
        stage, done, total = self.progress.snapshot()
        if self.progress.cancel_requested:
            self.setLabelText(self.tr("正在取消备份，不会留下未完成的备份文件…"))
        else:
            lead = self.tr("正在自动备份数据库，完成后程序退出。")
            self.setLabelText(f"{lead}\n{stage}" if stage else lead)
        self.setMaximum(max(total, 0))  # 0: a busy indicator while the total is unknown
        if total:
            self.setValue(min(done, total))

    def _stop(self) -> None:
        self.stop_clicked.emit()
        self.refresh()

    def reject(self) -> None:  # Esc
        self._stop()

    def closeEvent(self, event) -> None:  # the window's close button: the same as 取消
        event.ignore()
        self._stop()
