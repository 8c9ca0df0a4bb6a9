"""check, backup and restore for a node on a PostgreSQL server (issue 17).

The file-level work SQLite needs (integrity_check, copying the file, moving a damaged one aside)
is the server's own business on PostgreSQL: it keeps pages safe with its write-ahead log. What
stays the app's is the same as on SQLite: the schema revision, the audit hash chain and its anchor,
the record digests. A backup is a ``pg_dump`` custom-format file in the data folder's backups/
(or ``-o``), checked by listing it with ``pg_restore --list``; a restore loads one into an empty
database only, so it never overwrites what another desk is working on.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from xihu_desk import dbserver
from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import audit, audit_anchor
from xihu_desk.services.context import Actor
from xihu_desk.store import migrate, pg, source_files
from xihu_desk.store.backup import BackupInfo
from xihu_desk.store.progress import BackupProgress, Steps
from xihu_desk.store.uow import Database


# The names the 数据安全 page lists: what backup_now and the start's before-upgrade backup write.
_NAME = re.compile(r"^xihu-desk-(\d{8})-(\d{6})-([a-z-]+)" + re.escape(pg.DUMP_SUFFIX) + "$")

# What the IT person does to restore an office's server database (README, 单位服务器): the app
# never overwrites a database that other desks are working in.
RESTORE_ADVICE = (
    "单位服务器上的数据库不能在工作台中直接恢复（其他工作台可能正在使用它）。"
    "请信息管理员新建一个空数据库，运行 xihu-desk --database 新数据库地址 restore 备份文件，"
    "再把各工作台的数据库地址改为新数据库。"
)


def backup_infos(data: DataDir) -> list[BackupInfo]:
    """The pg_dump files in the data folder's backups/ as the 数据安全 page lists backups, newest first."""
    found = []
    if data.backups.is_dir():
        for path in data.backups.glob(f"*{pg.DUMP_SUFFIX}"):
            m = _NAME.match(path.name)
            try:
                size = path.stat().st_size
                taken = (
                    datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
                    if m
                    else datetime.fromtimestamp(path.stat().st_mtime)
                )
            except (ValueError, OSError):  # removed meanwhile; an impossible date in a hand-made name
                continue
            found.append(BackupInfo(path, taken, m.group(3) if m else "manual", size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


# pg_dump's custom format is compressed: its output grows about this fast on the machine of
# tech-notes.md (the previous backup's size gives the estimate; the server's size is not on hand).
DUMP_BYTES_PER_S = 20_000_000


def backup_estimate(data: DataDir) -> float:
    """Seconds a backup will take, from the newest backup's size (0 before the first)."""
    infos = backup_infos(data)
    return infos[0].size / DUMP_BYTES_PER_S if infos else 0.0


def check(data: DataDir, db: Database, progress: Any = None) -> dict[str, Any]:
    """The app's own checks on the server database (reads only): revision, audit chain, anchor,
    records; ``progress`` (``step(done=, stage=, total=)``) hears of each and stops them by raising."""
    return _checked(data, db, progress)[0]


def _checked(
    data: DataDir, db: Database, progress: Any
) -> tuple[dict[str, Any], audit.RecordsReport, list[BackupInfo]]:
    from xihu_desk.store import seed

    steps = Steps(progress) if progress is not None else None
    url = data.url
    if steps:
        steps.at(0.0, "正在核对审计日志…")
    revision = pg.current_revision(db.engine)
    with db.read() as session:
        chain = audit.verify_chain(session)
        reference = seed.reference_version(session, "org_units")
        anchored = audit_anchor.check(session, data.root, chain.events) if chain.ok else (None, "")
        if steps:
            steps.at(0.5, "正在核对案件记录…")
        records = audit.verify_records(session)
    if steps:
        steps.at(1.0, "")
    broken, reason = chain.first_broken, chain.reason
    if broken is None:
        broken, reason = anchored
    head = migrate.head_revision()
    backups = backup_infos(data)  # as the 数据安全 page lists them
    ok = broken is None and revision == head and records.ok
    doc = {
        "ok": ok,
        "database": dbserver.display(url),
        "backend": "postgresql",
        "server_version": pg.server_version(db.engine),
        "integrity": "ok",  # pages are the server's: its write-ahead log keeps them
        "schema_revision": revision,
        "schema_head": head,
        "reference_version": reference,
        "audit": {"events": chain.events, "first_broken": broken, "reason": reason},
        "records": records.as_json(),
        "records_line": records.line(),
        "backups": [
            {"file": str(b.path), "taken_at": b.taken_at.isoformat(timespec="seconds"), "size": b.size} for b in backups
        ],
    }
    return doc, records, backups


def check_report(data: DataDir, db: Database, progress: Any = None) -> Any:
    """The same checks as maintenance.CheckReport, for the callers of maintenance.check (the GUI's
    数据安全 page): no file integrity line; the backups are the pg_dump files in backups/."""
    from xihu_desk.services.maintenance import CheckReport

    doc, records, backups = _checked(data, db, progress)
    return CheckReport(
        database=doc["database"],
        sqlite_version=f"PostgreSQL {doc['server_version']}",
        integrity=[],
        schema_revision=doc["schema_revision"],
        schema_head=doc["schema_head"],
        reference_version=doc["reference_version"],
        audit_events=doc["audit"]["events"],
        audit_first_broken=doc["audit"]["first_broken"],
        audit_reason=doc["audit"]["reason"],
        backups=backups,
        records=records,
    )


def check_text(report: dict[str, Any]) -> str:
    audit_doc = report["audit"]
    backups = report["backups"]
    return "\n".join(
        [
            f"数据库：{report['database']}（{dbserver.SERVER_LABEL}，版本 {report['server_version']}）",
            f"数据库版本：{report['schema_revision']}（程序支持 {report['schema_head']}）",
            f"参考数据版本：{report['reference_version']}",
            f"审计日志：{audit_doc['events']} 条，哈希链完整"
            if audit_doc["first_broken"] is None
            else f"审计日志：哈希链断裂，首个问题在第 {audit_doc['first_broken']} 条：{audit_doc['reason']}",
            report["records_line"],
            f"备份：{len(backups)} 份" + (f"，最新 {Path(backups[0]['file']).name}" if backups else "（尚无备份）"),
        ]
    )


def backup_now(data: DataDir, db: Database, actor: Actor, target: Path | None = None, progress: Any = None) -> Path:
    """A pg_dump custom-format backup now, verified by listing it; audited. ``progress``
    (``step(done=, stage=, total=)``) hears of each table dumped and of the check, and stops the
    backup by raising (pg_dump is stopped, no partial file is left)."""
    actor.require(Perm.MANAGE_DATA)
    stamp = f"xihu-desk-{clock.local_now():%Y%m%d-%H%M%S}-manual{pg.DUMP_SUFFIX}"
    if target is None:
        data.backups.mkdir(parents=True, exist_ok=True)
        target = data.backups / stamp
    elif target.is_dir():
        target = target / stamp
    if progress is None:
        pg.dump(data.url, target)
    else:
        steps = BackupProgress(progress, 0)
        steps.split = 0.9  # the dump; listing it to verify is quick
        pg.dump(data.url, target, steps, pg.table_count(db.engine))
    with db.write() as session:
        audit.record(session, actor, "data.backup", "database", target.name, summary=f"备份数据到 {target}")
    return target


def restore(data: DataDir, actor: Actor, source: Path) -> dict[str, Any]:
    """Load ``source`` (a pg_dump file) into the server database, which must be empty; then open
    it as any start does (migrated if the backup is older) and audit the restore."""
    actor.require(Perm.MANAGE_DATA)
    source_files.require_file(source, "备份文件")  # a folder, /dev/null or an empty file is said as such
    url = data.url
    tables = pg.listing(source)  # refuses a file that is not a pg_dump custom-format file
    probe = Database(url)
    try:
        empty = pg.is_empty(probe.engine)
    finally:
        probe.dispose()
    if not empty:
        raise UserError(
            f"数据库 {dbserver.display(url)} 不是空的。恢复只能装入一个新建的空数据库"
            "（请信息管理员新建一个数据库，用 --database 指向它后再恢复）。"
        )
    pg.restore_into(url, source)
    opened = migrate.open_database(data)
    try:
        with opened.db.write() as session:
            audit.record(session, actor, "data.restore", "database", source.name, summary=f"从备份 {source} 恢复")
    finally:
        opened.db.dispose()
    return {
        "restored_from": str(source),
        "database": dbserver.display(url),
        "entries": len(tables),
        "migrated_from": opened.migrated_from,
        "verified": True,
    }
