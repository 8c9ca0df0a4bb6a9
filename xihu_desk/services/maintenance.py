"""Data safety: the integrity check, backups (manual and automatic) and restore."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.store import backup, migrate
from xihu_desk.store.seed import reference_version
from xihu_desk.store.uow import Database


@dataclass
class CheckReport:
    database: str
    sqlite_version: str
    integrity: list[str]
    schema_revision: str | None
    schema_head: str
    reference_version: str | None
    audit_events: int
    audit_first_broken: int | None
    audit_reason: str
    backups: list[backup.BackupInfo] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.integrity and self.audit_first_broken is None and self.schema_revision == self.schema_head

    def as_json(self) -> dict:
        return {
            "ok": self.ok, "database": self.database, "sqlite_version": self.sqlite_version,
            "integrity": "ok" if not self.integrity else self.integrity,
            "schema_revision": self.schema_revision, "schema_head": self.schema_head,
            "reference_version": self.reference_version,
            "audit": {"events": self.audit_events, "first_broken": self.audit_first_broken,
                      "reason": self.audit_reason},
            "backups": [{"file": str(b.path), "taken_at": b.taken_at.isoformat(timespec="seconds"),
                         "reason": b.reason, "size": b.size} for b in self.backups],
        }


def check(data: DataDir, db: Database) -> CheckReport:
    """Full integrity check, schema version, audit chain, backups. Reads only."""
    if not data.database.exists():
        raise UserError(f"数据库不存在：{data.database}。请先初始化。")
    integrity = backup.quick_check(data.database, full=True)
    revision = backup.schema_revision(data.database)
    events, broken, reason, ref = 0, None, "", None
    if not integrity:
        with db.read() as session:
            chain = audit.verify_chain(session)
            ref = reference_version(session, "org_units")
        events, broken, reason = chain.events, chain.first_broken, chain.reason
    return CheckReport(
        database=str(data.database), sqlite_version=sqlite3.sqlite_version, integrity=integrity,
        schema_revision=revision, schema_head=migrate.head_revision(), reference_version=ref,
        audit_events=events, audit_first_broken=broken, audit_reason=reason,
        backups=backup.list_backups(data.backups),
    )


def backup_now(data: DataDir, db: Database, actor: Actor, target: Path | None = None,
               reason: str = "manual") -> Path:
    actor.require(Perm.MANAGE_DATA)
    if target is not None and target.is_dir():
        target = target / f"xihu-desk-{actor.now:%Y%m%d-%H%M%S}-manual.sqlite3"
    path = backup.make_backup(data.database, data.backups, reason, datetime.now(), target=target)
    if target is None:
        backup.prune(data.backups)
    if db.write_blocked is None:
        with db.write() as session:
            audit.record(session, actor, "data.backup", "database", path.name, summary=f"备份数据到 {path}")
    return path


def auto_backup_if_changed(data: DataDir, now: datetime | None = None) -> Path | None:
    """The periodic backup: only when something was written since the newest backup."""
    newest = backup.list_backups(data.backups)
    live = backup.last_audit_seq(data.database)
    if newest and backup.last_audit_seq(newest[0].path) >= live:
        return None
    path = backup.make_backup(data.database, data.backups, "auto", now)
    backup.prune(data.backups, now)
    return path


def restore(data: DataDir, db: Database, actor: Actor, source: Path) -> migrate.OpenResult:
    """Replace the live database by a verified backup; the current one is backed up first.

    The caller's ``db`` is disposed; use the returned result's ``db`` afterwards.
    """
    actor.require(Perm.MANAGE_DATA)
    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到备份文件：{source}")
    backup.verify(source)
    revision = backup.schema_revision(source)
    if revision is None or not migrate.known_revision(revision):
        raise StorageError("该备份由更新版本的程序生成，请先升级程序再恢复。")
    before = None
    if data.database.exists():
        if not backup.quick_check(data.database):
            before = backup.make_backup(data.database, data.backups, "before-restore")
        else:  # a damaged file cannot go through the backup API: keep a plain copy for inspection
            import shutil

            db.dispose()
            before = data.backups / f"xihu-desk-{datetime.now():%Y%m%d-%H%M%S}-damaged.sqlite3.keep"
            shutil.copy2(data.database, before)
    db.dispose()
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(str(data.database))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    except sqlite3.Error as exc:
        raise StorageError(f"恢复失败：{exc}。原数据库已在恢复前备份（{before}）。") from exc
    result = migrate.open_database(data)
    with result.db.write() as session:
        audit.record(session, actor, "data.restore", "database", source.name,
                     summary=f"从备份 {source.name} 恢复数据", after={"before_restore_backup": str(before)})
    return result
