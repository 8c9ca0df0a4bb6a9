"""The daily integrity check that runs behind a started program (issue 15): start-up checks only
after an unclean exit or a file changed since (store/clean_exit.py), so once a day the whole file
is read with ``quick_check`` while the user works, and a failure turns the running program
read-only at once (``Database.write_blocked``) and says how to restore.

Plain threads and read-only SQLite: no Qt here; the desktop program passes a callback that posts
the result to its own thread (app.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from xihu_desk.paths import DataDir
from xihu_desk.store import clean_exit, dbfile, migrate
from xihu_desk.store.uow import Database

log = logging.getLogger("xihu_desk")


def due(data: DataDir, today: date) -> bool:
    return clean_exit.check_due(data.root, today)


def run_check(data: DataDir, db: Database, today: date) -> dbfile.Health:
    """``quick_check`` the live file (while it is in use: WAL readers do not block writers).
    Damage blocks every later write of ``db`` and drops the clean record, so the next start
    checks too; a pass is recorded as today's check."""
    health = dbfile.inspect(data.database)
    if health.damaged:
        db.write_blocked = migrate.CORRUPT_MESSAGE
        clean_exit.abandon(data.root)
        log.error("后台完整性检查未通过，已禁止写入：%s", "; ".join(health.problems[:5]))
    elif health.state == "ok":
        clean_exit.record_check(data.root, today)
        log.info("后台完整性检查通过")
    return health


class WriteGate:
    """Writes wait here until the day's background check has given its verdict (issue 15): the
    file may have been damaged with its size and time unchanged since the last clean exit, which
    start-up cannot see. Waiting (not refusing) keeps every save the user asks for; on a large
    file the first write of the day may wait for the check (~45 s at a million cases)."""

    def __init__(self) -> None:
        self._done = threading.Event()

    def __call__(self) -> None:
        if not self._done.is_set():
            log.info("等待后台完整性检查完成后再写入")
            self._done.wait()

    def open(self) -> None:
        self._done.set()

    @property
    def is_open(self) -> bool:
        return self._done.is_set()


def hold_writes(data: DataDir, db: Database, today: date) -> WriteGate | None:
    """At start, when today's check is due: every write of ``db`` waits until ``start_daily``
    has run it (call that soon after). None when nothing is due."""
    if db.path is None or not due(data, today) or db.write_blocked or db.read_blocked:
        return None
    gate = WriteGate()
    db.write_gate = gate
    return gate


def start_daily(
    data: DataDir,
    db: Database,
    today: date,
    done: Callable[[dbfile.Health], None] | None = None,
    gate: WriteGate | None = None,
) -> threading.Thread | None:
    """Run today's check in a background thread unless it ran today already (or the start-up
    check just ran, which counts); ``done`` hears the result on that thread. Writes wait for it
    (``gate`` from ``hold_writes``, else one made here)."""
    if not due(data, today) or db.write_blocked or db.read_blocked:
        if gate is not None:
            gate.open()
        return None
    gate = gate or WriteGate()
    db.write_gate = gate

    def work() -> None:
        try:
            health = run_check(data, db, today)
        except Exception:  # a check that could not run is not damage; tomorrow tries again
            log.warning("后台完整性检查未能完成", exc_info=True)
            return
        finally:
            gate.open()  # after run_check: damage has set write_blocked before any write goes on
        if done is not None:
            done(health)

    thread = threading.Thread(target=work, name="integrity-check", daemon=True)
    thread.start()
    return thread


def check_before_writes(
    data: DataDir, db: Database, today: date, announce: Callable[[int], object] | None = None
) -> None:
    """Commands (no background): when today's check has not run, the first write of ``db`` runs
    it first; reads never wait. Damage then refuses that write and every later one. ``announce``
    hears the file's size just before (a large file takes a while)."""
    if db.path is None or not due(data, today) or db.write_blocked or db.read_blocked:
        return

    def gate() -> None:
        db.write_gate = None  # once
        try:
            if announce is not None:
                announce(data.database.stat().st_size)
            run_check(data, db, today)
        except Exception:  # could not run (not damage): the write goes on as before the check existed
            log.warning("写入前的完整性检查未能完成", exc_info=True)

    db.write_gate = gate
