"""Progress of the long jobs on the database file (the full check, a backup): how long they will
take, estimated from the file's size, and their steps reported as thousandths of the whole to a
``progress`` object with ``step(done=, stage=, total=)`` (the GUI runner's Progress, the command
line's printer). Whatever ``step`` raises (the user cancelled) stops the job: SQLite's callbacks
cannot carry it, so it is kept here and raised again once SQLite has stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

# Measured on the 2-core machine of tech-notes.md with other work running: PRAGMA integrity_check
# of the 2.7 GB node of a million cases took ~45 s (60 MB/s; a busier machine is slower, and the
# bar then waits near the end of the file's share). The backup API copies at several times that.
CHECK_BYTES_PER_S = 50_000_000
COPY_BYTES_PER_S = 120_000_000
WHOLE = 1000


def check_seconds(size: int) -> float:
    return size / CHECK_BYTES_PER_S


def backup_seconds(size: int) -> float:
    """The copy and the full check of the copy."""
    return size / COPY_BYTES_PER_S + check_seconds(size)


def duration_text(seconds: float) -> str:
    if seconds < 90:
        return f"约 {max(1, round(seconds))} 秒"
    return f"约 {round(seconds / 60)} 分钟"


class Steps:
    """One job's progress, in thousandths of the whole."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.stopped: BaseException | None = None

    def at(self, fraction: float, stage: str) -> None:
        self.progress.step(done=int(min(max(fraction, 0.0), 1.0) * WHOLE), stage=stage, total=WHOLE)

    def timed(self, start: float, end: float, seconds: float, stage: str) -> Callable[[], bool]:
        """A handler for dbfile.inspect's ``progress``: the time spent against the estimate moves
        the bar from ``start`` to ``end`` (never quite to the end: the estimate is an estimate);
        a stop asked for is kept and answered True (SQLite interrupts the check)."""
        began = time.monotonic()

        def handler() -> bool:
            share = min(0.98, (time.monotonic() - began) / seconds) if seconds > 0 else 0.98
            try:
                self.at(start + (end - start) * share, stage)
            except BaseException as exc:  # Cancelled (or KeyboardInterrupt): stop SQLite, raise later
                self.stopped = exc
                return True
            return False

        return handler

    def raise_if_stopped(self) -> None:
        if self.stopped is not None:
            raise self.stopped


class BackupProgress(Steps):
    """A backup: the copy (pages, as the backup API reports them), then the full check of the copy
    (timed), each its share of the whole by the estimates."""

    def __init__(self, progress: Any, size: int) -> None:
        super().__init__(progress)
        copy = size / COPY_BYTES_PER_S
        self.split = copy / (copy + check_seconds(size)) if size else 0.5
        self.check_estimate = check_seconds(size)

    def copied(self, done: int, total: int) -> None:
        self.at(self.split * done / total if total else self.split, "正在复制数据库…")

    def check_step(self) -> Callable[[], bool]:
        return self.timed(self.split, 1.0, self.check_estimate, "正在校验备份…")
