"""Background work (style.md §C): database writes on one thread, results back on the GUI thread.

``Runner.write(work)`` runs ``work(session, progress)`` inside ``db.write()`` on the single DB
thread, so writers are serialised and a failed or cancelled op rolls back whole. ``Runner.call``
runs ``work(progress)`` on the same thread without opening a session, for services that open
their own units of work (sign-in, backup, restore). Results arrive through a queued signal on the
runner, which lives on the GUI thread; ``on_ok`` runs there. UserError becomes a message (or
``on_error``), Cancelled a short note, anything else the crash handler.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import bus, crash, messages
from xihu_desk.store import dbfile
from xihu_desk.store.uow import Database

if TYPE_CHECKING:  # the audit service (and the models under it) loads after the login window (issue 15)
    from xihu_desk.services.audit import Change

log = logging.getLogger(__name__)
SHOW_PROGRESS_AFTER_MS = 600
REFRESH_MS = 120


class Cancelled(Exception):
    """The user asked to stop; raised inside the unit of work so it rolls back."""


class Progress:
    """Shared between the worker (writes) and the GUI (reads, cancels); every access is locked."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stage = ""
        self._done = 0
        self._total = 0
        self._cancel = threading.Event()

    def update(self, stage: str | None = None, done: int | None = None, total: int | None = None) -> None:
        with self._lock:
            if stage is not None:
                self._stage = stage
            if done is not None:
                self._done = done
            if total is not None:
                self._total = total

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        """Report progress between batches; raises Cancelled once the user has cancelled."""
        self.update(stage, done, total)
        if self._cancel.is_set():
            raise Cancelled

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def snapshot(self) -> tuple[str, int, int]:
        with self._lock:
            return self._stage, self._done, self._total


class _ProgressDialog(QProgressDialog):
    """Cancel (button, Esc or close) only asks the worker to stop; the dialog stays until it has."""

    cancel_clicked = Signal()

    def __init__(self, label: str, parent: QWidget | None, cancellable: bool) -> None:
        super().__init__(label, self.tr("取消"), 0, 0, parent)
        self.setWindowTitle(self.tr("请稍候"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(360)
        self.canceled.disconnect(self.cancel)  # QProgressDialog would hide itself at once
        self.canceled.connect(self.cancel_clicked)
        if not cancellable:
            self.setCancelButton(None)
        self._cancellable = cancellable

    def reject(self) -> None:  # Esc
        if self._cancellable:
            self.cancel_clicked.emit()

    def closeEvent(self, event) -> None:
        event.ignore()
        self.reject()


@dataclass
class _Op:
    op_id: int
    label: str
    parent: QWidget | None
    cancellable: bool
    on_ok: Callable[[Any], None] | None
    on_error: Callable[[str], None] | None
    progress: Progress = field(default_factory=Progress)
    dialog: _ProgressDialog | None = None
    timer: QTimer | None = None


@dataclass(frozen=True)
class _Committed:
    """An op's result with the audit records its units of work wrote (what changed)."""

    value: Any
    records: tuple[Change, ...]


class Runner(QObject):
    started = Signal(int)  # op_id
    finished = Signal(int, bool)  # op_id, ok
    progress_shown = Signal(int)  # op_id: the progress dialog became visible
    _delivered = Signal(int, object, object)  # op_id, result, exception (from the DB thread)

    def __init__(
        self, db: Database, *, show_after_ms: int = SHOW_PROGRESS_AFTER_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.show_after_ms = show_after_ms
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xihu-db")
        self._ids = itertools.count(1)
        self._ops: dict[int, _Op] = {}
        self._delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    # -- submitting -------------------------------------------------------------------------------

    def write(self, work: Callable[[Any, Progress], Any], **kwargs: Any) -> int:
        """Run ``work(session, progress)`` in one unit of work on the DB thread."""
        db = self.db  # captured now: the op writes to the database that was current when asked

        def in_unit_of_work(progress: Progress) -> Any:
            with db.write() as session:
                return work(session, progress)

        return self.call(in_unit_of_work, **kwargs)

    def call(
        self,
        work: Callable[[Progress], Any],
        *,
        label: str = "",
        parent: QWidget | None = None,
        on_ok: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        cancellable: bool = True,
    ) -> int:
        """Run ``work(progress)`` on the DB thread; with a ``label`` a progress dialog may appear."""
        op = _Op(next(self._ids), label, parent, cancellable, on_ok, on_error)
        self._ops[op.op_id] = op
        if label:
            op.timer = QTimer(self)
            op.timer.setSingleShot(True)
            op.timer.timeout.connect(lambda op_id=op.op_id: self._show_progress(op_id))
            op.timer.start(self.show_after_ms)
        self.started.emit(op.op_id)
        from xihu_desk.services import audit  # noqa: F401 - loaded here, on the GUI thread, before the DB thread needs it

        self._executor.submit(self._run, op.op_id, work, op.progress)
        return op.op_id

    def busy(self) -> bool:
        return bool(self._ops)

    def progress_dialog(self, op_id: int) -> QProgressDialog | None:
        op = self._ops.get(op_id)
        return op.dialog if op else None

    def shutdown(self) -> None:
        """Wait for the op in hand; called when the application ends."""
        self._executor.shutdown(wait=True, cancel_futures=True)

    # -- the DB thread ----------------------------------------------------------------------------

    def _run(self, op_id: int, work: Callable[[Progress], Any], progress: Progress) -> None:
        from xihu_desk.services import audit  # already loaded by call()

        try:
            # the op's instant is taken when it runs, not when the user signed in; what its units
            # of work record in the audit log is what changed, announced once it has succeeded
            with clock.operation(), audit.collecting() as records:
                result = _Committed(work(progress), tuple(records))
        except BaseException as exc:
            if isinstance(exc, Exception) and not isinstance(exc, UserError):
                # a file written outside a unit of work (export, PDF) on a full disk: one message
                exc = dbfile.disk_full_error(exc, getattr(self.db, "folder", None)) or exc
            self._delivered.emit(op_id, None, exc)
        else:
            self._delivered.emit(op_id, result, None)

    # -- the GUI thread ---------------------------------------------------------------------------

    def _show_progress(self, op_id: int) -> None:
        op = self._ops.get(op_id)
        if op is None or op.dialog is not None:
            return
        op.dialog = _ProgressDialog(op.label, op.parent, op.cancellable)
        op.dialog.cancel_clicked.connect(lambda: self._cancel(op_id))
        refresh = QTimer(op.dialog)
        refresh.timeout.connect(lambda: self._refresh(op_id))
        refresh.start(REFRESH_MS)
        self._refresh(op_id)
        op.dialog.show()
        self.progress_shown.emit(op_id)

    def _refresh(self, op_id: int) -> None:
        op = self._ops.get(op_id)
        if op is None or op.dialog is None or not shiboken6.isValid(op.dialog):
            return
        stage, done, total = op.progress.snapshot()
        if op.progress.cancel_requested:
            op.dialog.setLabelText(self.tr("正在取消，请稍候…"))
        else:
            op.dialog.setLabelText(f"{op.label}\n{stage}" if stage else op.label)
        op.dialog.setMaximum(max(total, 0))  # 0: a busy indicator while the total is unknown
        if total:
            op.dialog.setValue(min(done, total))

    def _cancel(self, op_id: int) -> None:
        op = self._ops.get(op_id)
        if op is not None:
            op.progress.cancel()
            self._refresh(op_id)

    def _close(self, op: _Op) -> None:
        if op.timer is not None:
            op.timer.stop()
            op.timer.deleteLater()
        if op.dialog is not None and shiboken6.isValid(op.dialog):  # gone if its parent was closed
            op.dialog.hide()
            op.dialog.deleteLater()
        op.dialog = None

    @staticmethod
    def _announce(committed: _Committed) -> Any:
        bus.announce(committed.records)
        return committed.value

    def _on_delivered(self, op_id: int, result: Any, exc: BaseException | None) -> None:
        op = self._ops.pop(op_id)
        self._close(op)
        ok = False
        if op.parent is not None and not shiboken6.isValid(op.parent):
            # The window that asked was closed meanwhile. The unit of work has committed or rolled
            # back whole; a bug is still reported, anything else only logged.
            if isinstance(result, _Committed):
                self._announce(result)  # committed all the same: the other screens follow
            if exc is not None and not isinstance(exc, UserError | Cancelled):
                crash.report(exc, None, op.label)
            else:
                log.info("操作 %s 结束时发起的窗口已关闭：%s", op.label or op_id, exc or "完成")
            self.finished.emit(op_id, exc is None)
            return
        try:
            if exc is None:
                if isinstance(result, _Committed):
                    result = self._announce(result)
                if op.on_ok is not None:
                    op.on_ok(result)
                ok = True
            elif isinstance(exc, Cancelled):
                messages.info(op.parent, self.tr("已取消，没有做任何更改。"))
            elif isinstance(exc, UserError):
                if op.on_error is not None:
                    op.on_error(exc.message)
                else:
                    messages.error(op.parent, exc.message)
            else:
                crash.report(exc, op.parent, op.label)
        except Exception as callback_exc:
            crash.report(callback_exc, op.parent)
            ok = False
        finally:
            self.finished.emit(op_id, ok)
