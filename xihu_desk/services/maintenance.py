"""Data safety: the integrity check, backups (manual and automatic) and restore."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest, attachment_backup, audit, audit_anchor
from xihu_desk.services.context import Actor
from xihu_desk.store import backup, clean_exit, dbfile, migrate, source_files, sqlfile
from xihu_desk.store import progress as progress_steps
from xihu_desk.store import uow
from xihu_desk.store.sqlite_words import words
from xihu_desk.store.uow import Database
from xihu_desk.sync import scratch


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
    records: audit.RecordsReport | None = None  # cases whose rows were changed outside the app

    @property
    def ok(self) -> bool:
        return (
            not self.integrity
            and self.audit_first_broken is None
            and self.schema_revision == self.schema_head
            and (self.records is None or self.records.ok)
        )

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "database": self.database,
            "sqlite_version": self.sqlite_version,
            "integrity": "ok" if not self.integrity else self.integrity,
            "schema_revision": self.schema_revision,
            "schema_head": self.schema_head,
            "reference_version": self.reference_version,
            "audit": {
                "events": self.audit_events,
                "first_broken": self.audit_first_broken,
                "reason": self.audit_reason,
            },
            "backups": [
                {
                    "file": str(b.path),
                    "taken_at": b.taken_at.isoformat(timespec="seconds"),
                    "reason": b.reason,
                    "size": b.size,
                    "attachments": backup.attachments_of(b.path).is_dir(),  # its .attachments folder
                }
                for b in self.backups
            ],
            "records": None if self.records is None else self.records.as_json(),
        }


BackupInfo = backup.BackupInfo


def list_backups(data: DataDir) -> list[backup.BackupInfo]:
    """The backups in the data folder, newest first (the 数据安全 page lists them); on a server
    database the pg_dump files there."""
    if data.server:
        from xihu_desk.services import server_maintenance

        return server_maintenance.backup_infos(data)
    return backup.list_backups(data.backups)


def check_estimate(data: DataDir) -> float:
    """Seconds the full check will take, estimated from the file's size."""
    try:
        return progress_steps.check_seconds(data.database.stat().st_size)
    except OSError:
        return 0.0


def backup_estimate(data: DataDir) -> float:
    """Seconds a backup (the copy and its full check) will take, estimated from the file's size."""
    if data.server:
        from xihu_desk.services import server_maintenance

        return server_maintenance.backup_estimate(data)
    try:
        copy = progress_steps.backup_seconds(data.database.stat().st_size)
    except OSError:
        return 0.0
    files = attachment_backup.pending_bytes(data.database, _attachments_lender(data))
    return copy + files / attachment_backup.WRITE_BYTES_PER_S


duration_text = progress_steps.duration_text  # "约 40 秒", "约 3 分钟"


# The full check's share of the whole: the file's integrity, then the audit chain and the records.
FILE_SHARE, CHAIN_SHARE = 0.85, 0.95


def inspect(data: DataDir, progress: Any = None) -> dbfile.Health:
    """The full integrity check of the live file, without opening it through the app;
    ``progress`` (``step(done=, stage=, total=)``) hears of it and may stop it by raising."""
    if progress is None:
        return _remember(data, dbfile.inspect(data.database, full=True))
    steps = progress_steps.Steps(progress)
    handler = steps.timed(0.0, FILE_SHARE, check_estimate(data), "正在检查数据库文件…")
    try:
        return _remember(data, dbfile.inspect(data.database, full=True, progress=handler))
    finally:
        steps.raise_if_stopped()


def _block_if_damaged(data: DataDir, db: Database) -> None:
    """Every backup checks its copy; when that fails because the live file is damaged, the running
    program stops writing at once, as the start-up and background checks do."""
    if dbfile.inspect(data.database).damaged:
        db.write_blocked = migrate.CORRUPT_MESSAGE
        clean_exit.abandon(data.root)


def _remember(data: DataDir, health: dbfile.Health) -> dbfile.Health:
    """A full check's verdict counts for start-up (store/clean_exit.py): damage means every later
    start checks again; a pass is today's daily check."""
    if health.damaged:
        clean_exit.abandon(data.root)
    elif health.state == "ok":
        clean_exit.record_check(data.root, clock.local_today())
    return health


def damage_advice(data: DataDir, health: dbfile.Health) -> str:
    """One line: the database is damaged, and what to do about it."""
    newest = backup.newest_good(data.backups)
    what = f"数据库已损坏（{health.summary or '完整性检查未通过'}）：{data.database}"
    if newest is None:
        return (
            f"{what}，也没有找到完好的备份。请不要删除或改动数据目录，把它复制一份后联系技术支持；"
            "如有别处保存的备份，用 xihu-desk restore 备份文件 恢复。"
        )
    return (
        f'{what}。请运行 xihu-desk restore "{newest.path}" 从最新的完好备份'
        f"（{newest.taken_at:%Y-%m-%d %H:%M}，{newest.reason_label}）恢复，损坏的文件会移到备份文件夹中保留。"
    )


def check(data: DataDir, db: Database, health: dbfile.Health | None = None, progress: Any = None) -> CheckReport:
    """Full integrity check, schema version, audit chain, backups. Reads only.

    ``health`` is the result of ``inspect`` when the caller has it already; ``progress`` as
    for ``inspect`` (a large file takes minutes: check_estimate)."""
    if data.server:  # a PostgreSQL server: the app's own checks (services/server_maintenance.py)
        from xihu_desk.services import server_maintenance

        report: CheckReport = server_maintenance.check_report(data, db, progress)
        return report
    health = health or inspect(data, progress)
    steps = progress_steps.Steps(progress) if progress is not None else None
    if health.creatable:
        raise UserError(f"数据库不存在：{data.database}。请先初始化。")
    health.raise_if_unavailable()  # a full disk or a lock is not damage: nothing to restore
    integrity = list(health.problems) or [health.summary] if health.damaged else []
    revision = health.revision
    events, broken, reason, ref, records = 0, None, "", None, None
    if not integrity:
        from xihu_desk.store import seed  # with the models it fills: not on the way to the login window

        with db.read() as session:
            if steps:
                steps.at(FILE_SHARE, "正在核对审计日志…")
            chain = audit.verify_chain(session)
            ref = seed.reference_version(session, "org_units")
            anchored = audit_anchor.check(session, data.root, chain.events) if chain.ok else (None, "")
            if steps:
                steps.at(CHAIN_SHARE, "正在核对案件记录…")
            records = audit.verify_records(session)
        events, broken, reason = chain.events, chain.first_broken, chain.reason
        if broken is None:  # a sound chain that was cut short or rewritten whole: the anchors tell
            broken, reason = anchored
    return CheckReport(
        database=str(data.database),
        sqlite_version=sqlfile.sqlite_version(data.database),  # SQLCipher's own SQLite when encrypted
        integrity=integrity,
        schema_revision=revision,
        schema_head=migrate.head_revision(),
        reference_version=ref,
        audit_events=events,
        audit_first_broken=broken,
        audit_reason=reason,
        backups=backup.list_backups(data.backups),
        records=records,
    )


def backup_now(
    data: DataDir, db: Database, actor: Actor, target: Path | None = None, reason: str = "manual", progress: Any = None
) -> Path:
    """A verified backup now; ``progress`` (``step(done=, stage=, total=)``) hears of the copy
    and the check, and stops them by raising (no partial file is left)."""
    actor.require(Perm.MANAGE_DATA)
    if data.server:  # a pg_dump custom-format file (services/server_maintenance.py)
        from xihu_desk.services import server_maintenance

        return server_maintenance.backup_now(data, db, actor, target, progress=progress)
    if target is not None and target.is_dir():
        target = target / f"xihu-desk-{clock.local_now():%Y%m%d-%H%M%S}-manual.sqlite3"
    try:
        path = _backup_with_attachments(data, reason, clock.local_now(), target, progress)
    except dbfile.DiskFull:
        raise
    except StorageError:
        _block_if_damaged(data, db)  # the copy failed its check: is the live file the damaged one?
        raise
    if target is None:
        backup.prune(data.backups)
    if db.write_blocked is None:
        with db.write() as session:
            audit.record(session, actor, "data.backup", "database", path.name, summary=f"备份数据到 {path}")
    return path


def auto_backup_if_changed(data: DataDir, now: datetime | None = None, progress: Any = None) -> Path | None:
    """The periodic backup: only when something was written since the newest backup. Not for a
    server database: its backups are the office's nightly pg_dump (README), not each desk's.
    ``progress`` as for backup_now (the program's closing stops it)."""
    if data.server:
        return None
    newest = backup.list_backups(data.backups)
    live = backup.last_audit_seq(data.database)
    if newest and backup.last_audit_seq(newest[0].path) >= live:
        return None
    path = _backup_with_attachments(data, "auto", now, None, progress)
    backup.prune(data.backups, now)
    return path


def _attachments_lender(data: DataDir) -> Path | None:
    """The newest backup with attachments: the next one links its files (a before-migrate backup
    carries none)."""
    found = (b.path for b in backup.list_backups(data.backups) if backup.attachments_of(b.path).is_dir())
    return next(found, None)


def _backup_with_attachments(
    data: DataDir, reason: str, now: datetime | None, target: Path | None, progress: Any
) -> Path:
    """A verified backup of the database and, beside it, of the attachment files its records name
    (services/attachment_backup.py): both or neither. ``progress`` sees one bar for the two."""
    lender = _attachments_lender(data)
    steps, start = None, 1.0
    if progress is not None:
        size = data.database.stat().st_size
        copy = progress_steps.backup_seconds(size)
        files = attachment_backup.pending_bytes(data.database, lender) / attachment_backup.WRITE_BYTES_PER_S
        start = copy / (copy + files) if copy + files > 0 else 1.0
        steps = progress_steps.BackupProgress(attachment_backup.Share(progress, 0.0, start), size)
    path = backup.make_backup(data.database, data.backups, reason, now, target=target, progress=steps)
    try:
        attachment_backup.write(path, data.root, progress, reuse=lender, start=start)
    except BaseException:  # no backup without its attachments: the database copy goes too
        backup._remove_with_companions(path)
        raise
    return path


@dataclass
class RestoreResult:
    opened: migrate.OpenResult
    source: Path
    node: dbfile.NodeIdentity | None  # the identity the node has now (the backup's)
    live_state: str  # what the replaced file was: ok, damaged, missing, new
    kept: Path | None = None  # the before-restore backup, or the folder the damaged files went to
    replaced_node: dbfile.NodeIdentity | None = None  # with --other-node: the identity given up
    other_node: bool = False
    attachments: attachment_backup.Staged | None = None  # what the backup brought of the attachments

    @property
    def db(self) -> Database:
        return self.opened.db

    def as_json(self) -> dict:
        node = self.node
        return {
            "restored_from": str(self.source),
            "database": str(self.opened.health.path if self.opened.health else ""),
            "node": None
            if node is None
            else {
                "node_id": node.node_id,
                "org_code": node.org_code,
                "org_name": node.org_name,
                "fingerprint": node.fingerprint,
            },
            "previous_state": self.live_state,
            "kept": None if self.kept is None else str(self.kept),
            "kept_damaged": self.live_state == "damaged",
            "other_node": self.other_node,
            "replaced_node_id": None if self.replaced_node is None else self.replaced_node.node_id,
            "verified": True,
            "attachments": None if self.attachments is None else self.attachments.as_json(),
        }

    def text(self) -> str:
        who = self.node.label() if self.node else "（备份中尚无节点身份）"
        lines = [f"已从 {self.source} 恢复：{who}。恢复后的数据库完整性检查通过，版本正确。"]
        if self.live_state == "damaged":
            lines.append(f"损坏的数据库已移到 {self.kept}，未删除。")
        elif self.live_state == "ok" and self.kept is not None:
            lines.append(f"恢复前的数据已备份到 {self.kept}。")
        elif self.kept is not None:
            lines.append(f"原来的空数据库文件已移到 {self.kept}。")
        if self.other_node and self.replaced_node is not None:
            lines.append(f"本机原来的身份 {self.replaced_node.label()} 已由备份中的身份取代（已记入审计日志）。")
        if self.attachments is not None:
            lines += self.attachments.lines()
        return "\n".join(lines)


def _refuse_other_node(ours: dbfile.NodeIdentity, theirs: dbfile.NodeIdentity | None) -> None:
    what = f"备份属于另一单位：{theirs.label()}" if theirs else "备份中没有节点身份（备份时尚未初始化）"
    raise UserError(
        f"{what}，本机是 {ours.label()}。恢复会让本机接替该单位的身份和密钥。"
        "如确是把该单位搬到本机，请由管理员用 xihu-desk restore 备份文件 --other-node 确认。"
    )


def _move_aside(data: DataDir, live: Path, now: datetime) -> Path:
    """Move the damaged database and its -wal/-shm into backups/damaged-<time>/, names unchanged
    (so SQLite still pairs them for whoever examines them); nothing is deleted."""
    folder = data.backups / f"damaged-{now:%Y%m%d-%H%M%S}"
    n = 1
    while folder.exists():
        folder = data.backups / f"damaged-{now:%Y%m%d-%H%M%S}-{n}"
        n += 1
    folder.mkdir(parents=True)
    moved = []
    try:
        for path in (live, *dbfile.companions(live)):
            if path.exists():
                path.replace(folder / path.name)
                moved.append(path)
    except OSError as exc:
        for path in moved:  # put back what was moved: the folder stays as it was
            (folder / path.name).replace(path)
        if dbfile.is_disk_full(exc, data.root):
            raise dbfile.DiskFull(data.root) from exc
        raise StorageError(
            f"无法移走损坏的数据库文件（{words(exc)}），可能正被其他程序使用。请关闭所有西湖司法所工作台窗口后重试。"
        ) from exc
    return folder


def restore(
    data: DataDir,
    db: Database | None,
    actor: Actor,
    source: Path,
    *,
    other_node: bool = False,
    now: datetime | None = None,
    recovery_code: str | None = None,
) -> RestoreResult:
    """Replace the live database by a verified backup, whatever state the live file is in.

    The live file is never opened through the app first. A sound one is backed up (verified)
    and overwritten through SQLite's backup API; a damaged one (damaged pages, zero bytes,
    garbage, only a -wal left) is moved with its -wal/-shm into ``backups/damaged-<time>/`` and
    the verified copy put in its place. The result is checked (integrity_check, schema head)
    before it is used. A backup of another node is refused unless ``other_node`` (an
    administrator's confirmed move, audited). The caller's ``db`` is disposed.
    """
    actor.require(Perm.MANAGE_DATA)
    if data.server:  # never over a database other desks work in: the IT person restores into a new one
        from xihu_desk.services import server_maintenance

        raise UserError(server_maintenance.RESTORE_ADVICE)
    now = now or clock.local_now()
    source = Path(source)
    source_files.require_file(source, "备份文件")  # a folder, /dev/null or an empty file is said as such
    if data.database.exists() and source.resolve() == data.database.resolve():
        raise UserError("不能用正在使用的数据库文件本身来恢复，请选择备份文件。")
    at_rest.restore_key(data, source, recovery_code)  # an encrypted backup of another PC: its recovery key
    backup.verify(source)
    revision = backup.schema_revision(source)
    if revision is None or not migrate.known_revision(revision):
        raise StorageError("该备份由更新版本的程序生成，请先升级程序再恢复。")
    conn = dbfile._connect_ro(source)
    try:
        theirs = dbfile.read_node(conn)
    finally:
        conn.close()

    if db is not None:
        db.dispose()
    uow.dispose_all(data.database)  # our own idle connections; another program's still count below
    live = dbfile.inspect(data.database, full=True)
    live.raise_if_unavailable()  # a full disk, a lock, no permission: the file is left as it is
    replaced = None
    if live.node is not None and (theirs is None or theirs.node_id != live.node.node_id):
        if not other_node:
            _refuse_other_node(live.node, theirs)
        replaced = live.node
    if live.state == "ok" and dbfile.probe_exclusive(data.database).busy:
        raise StorageError("数据库正被另一个程序（西湖司法所工作台窗口或命令）使用，请先关闭它再恢复。")

    # the backup's attachments copied and checked first, moved in once the database is restored;
    # the scratch folder goes when this ends, however it ends (the attachment folder untouched)
    with scratch.folder(data.root, "restore") as work:
        staged = attachment_backup.stage(source, work / "attachments")
        result, kept = _restore_database(data, source, live, now)
        try:
            # the database is restored from here on: the log says so before the files move in, so a
            # file held open by a viewer (move_in refuses) does not lose the restore from the log
            _audit_restore(result, actor, source, theirs, live, kept, staged, replaced)
            attachment_backup.move_in(staged, data.root)
        except BaseException:
            result.db.dispose()
            raise
    return RestoreResult(
        opened=result,
        source=source,
        node=theirs,
        live_state=live.state,
        kept=kept,
        replaced_node=replaced,
        other_node=replaced is not None,
        attachments=staged,
    )


def _audit_restore(
    result: migrate.OpenResult,
    actor: Actor,
    source: Path,
    theirs: dbfile.NodeIdentity | None,
    live: dbfile.Health,
    kept: Path | None,
    staged: attachment_backup.Staged,
    replaced: dbfile.NodeIdentity | None,
) -> None:
    """restore's audit events, in the restored database (one transaction)."""
    with result.db.write() as session:
        audit.record(
            session,
            actor,
            "data.restore",
            "database",
            source.name,
            summary=f"从备份 {source.name} 恢复数据",
            after={
                "source": str(source),
                "node_id": theirs.node_id if theirs else None,
                "previous_state": live.state,
                "kept": str(kept) if kept else None,
                "before_restore_backup": str(kept) if live.state == "ok" else None,
                "attachments": staged.as_json(),
            },
        )
        if replaced is not None:
            audit.record(
                session,
                actor,
                "node.move",
                "node",
                theirs.node_id if theirs else "",
                summary=f"管理员确认迁移：本机改用备份中的身份 "
                f"{theirs.label() if theirs else '（无）'}，不再是 {replaced.label()}",
                before={
                    "node_id": replaced.node_id,
                    "org_code": replaced.org_code,
                    "fingerprint": replaced.fingerprint,
                },
                after={
                    "node_id": theirs.node_id if theirs else None,
                    "org_code": theirs.org_code if theirs else None,
                    "fingerprint": theirs.fingerprint if theirs else None,
                },
            )


def _restore_database(
    data: DataDir, source: Path, live: dbfile.Health, now: datetime
) -> tuple[migrate.OpenResult, Path | None]:
    """restore's replacement of the database file and the check of the result; returns the opened
    database and what was kept of the old one."""
    kept: Path | None = None
    data.ensure()
    if live.state == "ok":
        kept = _backup_with_attachments(data, "before-restore", now, None, None)
        try:
            backup.copy_into(source, data.database)
        except dbfile.DB_ERRORS + (OSError,) as exc:
            if dbfile.is_disk_full(exc, data.root):
                raise dbfile.DiskFull(data.root) from exc
            raise StorageError(f"恢复失败：{words(exc)}。原数据库没有改变，并已另行备份（{kept.name}）。") from exc
    else:
        staging = data.database.with_name(data.database.name + ".restore" + backup.PARTIAL)
        try:
            backup.copy_database(source, staging)
            backup.verify(staging)
        except dbfile.DB_ERRORS + (OSError, StorageError) as exc:
            backup._remove_with_companions(staging)
            if dbfile.is_disk_full(exc, data.root):
                raise dbfile.DiskFull(data.root) from exc
            if isinstance(exc, StorageError):
                raise
            raise StorageError(f"恢复失败：{words(exc)}。数据目录没有改变。") from exc
        if live.state == "damaged" or dbfile.companions(data.database) or data.database.exists():
            kept = _move_aside(data, data.database, now)
        staging.replace(data.database)
        at_rest.adopt_restored(data)  # its key sealed for this account (a backup of another PC)

    result = migrate.open_database(data)
    after = dbfile.inspect(data.database, full=True)
    head = migrate.head_revision()
    if result.problems or after.state != "ok" or after.revision != head:
        result.db.dispose()
        raise StorageError(
            f"恢复后的数据库校验未通过（{'；'.join(after.problems[:1]) or after.revision}）。"
            f"请换一份备份再试；原来的数据在 {kept or '（无）'}。"
        )
    return result, kept
