"""Open a node's database safely: integrity check, backup, Alembic upgrade, reference data.

Opening costs the same whatever the database's size (issue 15): ``quick_check`` runs at start only
when the last session did not end cleanly or the file was changed since (store/clean_exit.py); the
revision is read with one query and compared with the heads read from the migration files, so
Alembic is imported only when a migration is due.

A database made by a newer version of the app is refused (its revision is unknown here); a
damaged one (``store/dbfile.py``: damaged pages, zero bytes, garbage) is never recreated or
written: it is opened for reading only when its schema can still be read, otherwise not at all,
and the caller offers a restore. A full disk or a locked file is reported as what it is.
"""

from __future__ import annotations

import ast
import atexit
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError

from xihu_desk import paths
from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError
from xihu_desk.store import backup, clean_exit, db_key, dbfile, reference_check
from xihu_desk.store.uow import Database, dispose_all

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("xihu_desk")

CORRUPT_MESSAGE = (
    "数据库完整性检查未通过，为防止损坏扩大，程序已禁止写入。"
    "请在“系统设置 → 数据安全”中或用命令 xihu-desk restore 从最新的完好备份恢复。"
)
UNREADABLE_MESSAGE = (
    "数据库文件已损坏（{summary}），无法读取。请在程序启动时或用命令 xihu-desk restore 从最新的完好备份恢复。"
)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


# Revisions are written as their sorted heads joined by commas ("0003,0004"): areas developed
# side by side may add migration branches from the same parent, and Alembic applies them all.


_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)


@lru_cache(maxsize=1)
def _graph() -> dict[str, tuple[str, ...]]:
    """revision -> its parents, read from the migration files' two assignments without importing
    Alembic (which costs more than the rest of a command's start; tests/test_start_check.py
    holds this equal to Alembic's own reading)."""
    graph: dict[str, tuple[str, ...]] = {}
    for path in sorted((paths.migrations_dir() / "versions").glob("*.py")):
        found = dict((m.group(1), m.group(2)) for m in _ASSIGN.finditer(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        down = ast.literal_eval(found.get("down_revision", "None"))
        parents = () if down is None else (down,) if isinstance(down, str) else tuple(down)
        graph[ast.literal_eval(found["revision"])] = parents
    return graph


def head_revision() -> str:
    graph = _graph()
    parents = {p for ps in graph.values() for p in ps}
    return ",".join(sorted(r for r in graph if r not in parents))


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        heads = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    return ",".join(sorted(heads)) or None


def known_revision(rev: str) -> bool:
    return all(r in _graph() for r in rev.split(","))


@dataclass
class OpenResult:
    db: Database
    problems: list[str] = field(default_factory=list)
    migrated_from: str | None = None
    backup: Path | None = None
    reference_loaded: list[str] = field(default_factory=list)
    health: dbfile.Health | None = None
    removed_partials: list[Path] = field(default_factory=list)

    @property
    def damaged(self) -> bool:
        return bool(self.problems)

    @property
    def readable(self) -> bool:
        """False when even reading is refused (zero bytes, garbage, schema unreadable)."""
        return self.db.read_blocked is None


def upgrade(db: Database) -> None:
    from alembic import command

    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def _blocked(result: OpenResult, health: dbfile.Health) -> OpenResult:
    # Damage seen: no exit of this process may call the file clean; the next start checks again.
    clean_exit.abandon(health.path.parent)
    result.problems = list(health.problems) or [health.summary]
    result.health = health
    result.db.write_blocked = CORRUPT_MESSAGE
    if not health.readable:
        result.db.read_blocked = UNREADABLE_MESSAGE.format(summary=health.summary or "无法读取")
    return result


def open_database(data: paths.DataDir, now: datetime | None = None) -> OpenResult:
    if data.server:  # a PostgreSQL server: no file to check or copy (store/pg.py)
        from xihu_desk.store import pg

        return pg.open_server(data, OpenResult)
    data.ensure()
    removed = backup.remove_partials(data.root, data.backups)
    verdict = start_verdict(data)
    health = dbfile.inspect(data.database, check=verdict.check)
    health.raise_if_unavailable()  # a full disk, a lock, no permission: not damage, nothing to restore
    if health.state == "missing" and db_key.read_marker(data.root) is None:
        db_key.create(data.root)  # a new node's file is encrypted from its first page (store/sqlfile.py)
    if verdict.check:
        log.info("启动时检查数据库完整性：%s", verdict.reason)
    # the key inspect found opens the engine too: one lookup per start (a keyring asked once)
    db = Database(data.url, key=health.key) if health.state in ("ok", "new") else Database(data.url)
    result = OpenResult(db=db, health=health, removed_partials=removed)
    if health.damaged:
        return _blocked(result, health)
    existed = health.state == "ok"
    try:
        current = health.revision if existed else None
        if current is not None and not known_revision(current):
            db.dispose()
            raise StorageError(f"数据库版本（{current}）比本程序新，请先升级西湖司法所工作台再打开此数据库。")
        if current != head_revision():
            if existed and current is not None:
                result.backup = backup.make_backup(data.database, data.backups, "before-migrate", now)
            upgrade(db)
            result.migrated_from = current
        if reference_due(db):
            from xihu_desk.store.seed import seed_all  # with the models it fills: only when due

            with db.write() as session:
                result.reference_loaded = seed_all(session)
    except (DBAPIError, OSError, StorageError, UnicodeDecodeError) as exc:
        # quick_check passes over damage inside a record; reading it is where it shows.
        if dbfile.is_disk_full(exc, data.root):
            db.dispose()
            raise dbfile.DiskFull(data.root) from exc
        if not dbfile.is_damage(exc):
            raise
        db.dispose()
        damaged = dbfile.Health(
            data.database,
            "damaged",
            (str(getattr(exc, "orig", exc)),),
            summary="有记录无法读取",
            revision=health.revision,
            node=health.node,
        )
        return _blocked(OpenResult(db=Database(data.url), removed_partials=removed), damaged)
    if verdict.check:
        clean_exit.forget_stale(data.root)  # the sessions that ended badly are accounted for
        clean_exit.record_check(data.root, clock.local_today())  # counts as today's background check
    if clean_exit.begin(data.root, clock.utc_now().isoformat(timespec="seconds")) is not None:
        # A process that exits normally has committed or rolled back all it wrote; only one that
        # is killed (or loses power) leaves its marker for the next start to check.
        atexit.unregister(end_sessions)  # once per process
        atexit.register(end_sessions)
    return result


def reference_due(db: Database) -> bool:
    """Reference data to load: one read of ``meta``, no write lock, no models (store/reference_check.py)."""
    with db.engine.connect() as conn:
        loaded = reference_check.stored(conn.exec_driver_sql(reference_check.QUERY))
    return bool(reference_check.due(loaded))


def start_verdict(data: paths.DataDir) -> clean_exit.Verdict:
    """Whether this start checks integrity first; the lock probe only when a marker's process runs."""
    if not data.database.exists():
        return clean_exit.Verdict(True, "新数据库")
    if clean_exit.others_running(data.root):
        return clean_exit.verdict(data.root, data.database, dbfile.probe_exclusive(data.database).busy)
    return clean_exit.verdict(data.root, data.database)


def end_sessions() -> None:
    """This process ends cleanly: close its connections, then clear its session markers (the
    desktop program on exit, the command line after each command)."""
    for root in clean_exit.open_roots():
        database = paths.DataDir(root).database
        dispose_all(database)
        clean_exit.end(root, database)
