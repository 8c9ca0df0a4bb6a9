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


def start_daily(
    data: DataDir, db: Database, today: date, done: Callable[[dbfile.Health], None] | None = None
) -> threading.Thread | None:
    """Run today's check in a background thread unless it ran today already (or the start-up
    check just ran, which counts); ``done`` hears the result on that thread."""
    if not due(data, today) or db.write_blocked or db.read_blocked:
        return None

    def work() -> None:
        try:
            health = run_check(data, db, today)
        except Exception:  # a check that could not run is not damage; tomorrow tries again
            log.warning("后台完整性检查未能完成", exc_info=True)
            return
        if done is not None:
            done(health)

    thread = threading.Thread(target=work, name="integrity-check", daemon=True)
    thread.start()
    return thread
