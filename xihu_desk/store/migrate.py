"""Open a node's database safely: integrity check, backup, Alembic upgrade, reference data.

A database made by a newer version of the app is refused (its revision is unknown here); a
damaged one (``store/dbfile.py``: damaged pages, zero bytes, garbage) is never recreated or
written: it is opened for reading only when its schema can still be read, otherwise not at all,
and the caller offers a restore. A full disk or a locked file is reported as what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from xihu_desk import paths
from xihu_desk.domain.errors import StorageError
from xihu_desk.store import backup, dbfile
from xihu_desk.store.seed import seed_all
from xihu_desk.store.uow import Database

CORRUPT_MESSAGE = (
    "数据库完整性检查未通过，为防止损坏扩大，程序已禁止写入。"
    "请在“系统设置 → 数据安全”中或用命令 xihu-desk restore 从最新的完好备份恢复。"
)
UNREADABLE_MESSAGE = (
    "数据库文件已损坏（{summary}），无法读取。"
    "请在程序启动时或用命令 xihu-desk restore 从最新的完好备份恢复。"
)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(paths.migrations_dir()))
    return cfg


# Revisions are written as their sorted heads joined by commas ("0003,0004"): areas developed
# side by side may add migration branches from the same parent, and Alembic applies them all.


def head_revision() -> str:
    return ",".join(sorted(ScriptDirectory.from_config(alembic_config()).get_heads()))


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None


def known_revision(rev: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    try:
        return all(script.get_revision(r) is not None for r in rev.split(","))
    except Exception:  # alembic raises its own error types for unknown ids
        return False


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
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def _blocked(result: OpenResult, health: dbfile.Health) -> OpenResult:
    result.problems = list(health.problems) or [health.summary]
    result.health = health
    result.db.write_blocked = CORRUPT_MESSAGE
    if not health.readable:
        result.db.read_blocked = UNREADABLE_MESSAGE.format(summary=health.summary or "无法读取")
    return result


def open_database(data: paths.DataDir, now: datetime | None = None) -> OpenResult:
    data.ensure()
    removed = backup.remove_partials(data.root, data.backups)
    health = dbfile.inspect(data.database)
    health.raise_if_unavailable()  # a full disk, a lock, no permission: not damage, nothing to restore
    db = Database(data.url)
    result = OpenResult(db=db, health=health, removed_partials=removed)
    if health.damaged:
        return _blocked(result, health)
    existed = health.state == "ok"
    try:
        current = current_revision(db)
        if current is not None and not known_revision(current):
            db.dispose()
            raise StorageError(
                f"数据库版本（{current}）比本程序新，请先升级西湖司法所工作台再打开此数据库。"
            )
        if current != head_revision():
            if existed and current is not None:
                result.backup = backup.make_backup(data.database, data.backups, "before-migrate", now)
            upgrade(db)
            result.migrated_from = current
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
        damaged = dbfile.Health(data.database, "damaged", (str(getattr(exc, "orig", exc)),),
                                summary="有记录无法读取", revision=health.revision, node=health.node)
        return _blocked(OpenResult(db=Database(data.url), removed_partials=removed), damaged)
    return result
