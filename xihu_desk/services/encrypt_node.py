"""Turning an existing plain node into an encrypted one, once (issue 21).

1. The file is ours alone (no other window or command has it open) and sound.
2. A verified backup (``before-encrypt``, plain like the file it copies).
3. A new recovery code and its key, sealed for this account (store/db_key.py).
4. ``sqlcipher_export`` writes an encrypted copy beside the file (``….encrypt.partial``: a
   killed run leaves only that, removed at the next start), with progress.
5. The copy is verified: integrity_check, and every table holds as many rows as in the plain file.
6. The copy is renamed over the plain file in one step: at every moment the folder holds one
   sound database. The plain file's -wal/-shm (empty after a checkpoint) are removed first.

The plain file is *not* overwritten before deletion: on SSDs and flash (every office PC now) a
write goes to fresh cells chosen by the drive and the old ones keep their data until the drive
erases them, so overwriting gives a false assurance, and it would leave a moment with no sound
plain file. Freed blocks are discarded by the system's TRIM (Windows' weekly drive optimisation,
fstrim.timer on UOS / Kylin); what protects the old blocks for certain is full-disk encryption
(BitLocker / device encryption, LUKS), which the result's text recommends. Plain backups made
before (and the ``before-encrypt`` one) are left where they are, so that the time before the
conversion can still be restored; the user is told how many there are and that
``xihu-desk encrypt --remove-plain-backups`` deletes them once an encrypted backup is verified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.store import cipher_copy, db_key, dbfile, progress as progress_steps, sqlfile

STAGING = ".encrypt.partial"
ADVICE = (
    "旧的未加密文件已删除（未逐块覆盖：固态硬盘上覆盖写入并不能可靠清除旧数据）。"
    "要确保磁盘上不留任何未加密的残余，请开启 Windows 的 BitLocker（设备加密）或系统的磁盘加密。"
)


@dataclass
class EncryptResult:
    database: Path
    backup: Path
    recovery_code: str
    tables: int
    rows: int
    plain_backups: list[Path]

    def as_json(self) -> dict[str, Any]:
        return {
            "database": str(self.database),
            "encrypted": True,
            "before_encrypt_backup": str(self.backup),
            "tables": self.tables,
            "rows": self.rows,
            "plain_backups": [str(p) for p in self.plain_backups],
        }

    def text(self) -> str:
        lines = [
            f"数据库已加密：{self.database}（{self.tables} 张表、{self.rows} 行，逐表核对一致，完整性检查通过）。",
            f"转换前的备份：{self.backup}。",
            ADVICE,
        ]
        if self.plain_backups:
            lines.append(
                f"backups/ 中还有 {len(self.plain_backups)} 份未加密的旧备份（含转换前的这一份），保留以便恢复转换前的数据；"
                "做一次新的备份并确认无误后，可用 xihu-desk encrypt --remove-plain-backups 删除它们。"
            )
        return "\n".join(lines)


def _counts(conn: Any) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {}
    for name in names:
        try:
            counts[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        except dbfile.DB_ERRORS:  # a virtual table's shadow machinery: compared through its own tables
            continue
    return counts


def _export(plain: Path, target: Path, key: bytes, steps: progress_steps.Steps | None, seconds: float) -> None:
    handler = steps.timed(0.5, 0.9, seconds, "正在写入加密的数据库…") if steps is not None else None
    cipher_copy.export(plain, target, key, handler)
    if steps is not None:
        steps.raise_if_stopped()


def encrypt(data: DataDir, db: Any, actor: Any, progress: Any = None) -> EncryptResult:
    """Convert the node's plain database (see the module's text). Nothing changes on failure
    except the verified ``before-encrypt`` backup and the sealed key, which a later run reuses."""
    from xihu_desk.services import at_rest
    from xihu_desk.store import backup

    actor.require(Perm.MANAGE_DATA)
    at_rest.require_sqlite(data)
    database = data.database
    if sqlfile.is_encrypted(database):
        raise UserError("本节点的数据库已经加密，无需转换。")
    at_rest.exclusive(data, db, "加密")
    health = dbfile.inspect(database)
    health.raise_if_unavailable()
    if health.state != "ok":
        raise StorageError("数据库完整性检查未通过，不能加密：请先从完好的备份恢复（xihu-desk restore）。")
    size = database.stat().st_size
    steps = progress_steps.Steps(progress) if progress is not None else None
    copy = progress_steps.BackupProgress(_Scaled(progress, 0.0, 0.5), size) if progress is not None else None
    kept = backup.make_backup(database, data.backups, "before-encrypt", clock.local_now(), progress=copy)

    # every committed page into the main file: the -wal must hold nothing when the file is swapped
    plain = sqlfile.connect(database, key=None, isolation_level=None)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    if db_key.read_marker(data.root) is None or not db_key.has_pending_code(data.root):
        db_key.create(data.root)
    key = db_key.current_key(data.root)
    assert key is not None
    staging = database.with_name(database.name + STAGING)
    backup._remove_with_companions(staging)
    try:
        _export(database, staging, key, steps, progress_steps.check_seconds(size))
        if steps is not None:
            steps.at(0.9, "正在核对加密后的数据库…")
        src = sqlfile.connect(database, readonly=True, key=None)
        try:
            before = _counts(src)
        finally:
            src.close()
        checked = dbfile.inspect(staging, full=True)
        enc = sqlfile.connect(staging, readonly=True, key=key)
        try:
            after = _counts(enc)
        finally:
            enc.close()
        if checked.state != "ok" or after != before:
            raise StorageError("加密后的数据库核对不一致，已放弃转换；原数据库没有改变。")
        if dbfile.probe_exclusive(database).busy:
            raise StorageError(at_rest.IN_USE.format(what="加密"))
        for companion in dbfile.companions(database):
            companion.unlink()
        os.replace(staging, database)
    except BaseException:
        backup._remove_with_companions(staging)
        raise
    code = db_key.take_pending_code(data.root) or ""
    at_rest.audit_rewritten(
        data,
        actor,
        "data.encrypt",
        "数据库文件转换为加密存储（SQLCipher），生成恢复密钥",
        {"before_encrypt_backup": kept.name, "tables": len(after)},
    )
    if steps is not None:
        steps.at(1.0, "加密完成")
    return EncryptResult(database, kept, code, len(after), sum(after.values()), at_rest.plain_backups(data))


class _Scaled:
    """A part of the whole bar: the backup's own progress drawn into [start, end]."""

    def __init__(self, progress: Any, start: float, end: float) -> None:
        self.progress, self.start, self.end = progress, start, end

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        if done is None or not total:
            return
        share = self.start + (self.end - self.start) * done / total
        self.progress.step(done=int(share * progress_steps.WHOLE), stage=stage, total=progress_steps.WHOLE)


@dataclass
class Encrypted:
    result: EncryptResult
    opened: Any  # migrate.OpenResult: the encrypted file, opened for the program to go on with


def encrypt_and_reopen(data: DataDir, db: Any, actor: Any, progress: Any = None) -> Encrypted:
    """``encrypt``, then the node opened again (the desktop program swaps its database for it)."""
    from xihu_desk.store import migrate

    result = encrypt(data, db, actor, progress=progress)
    return Encrypted(result, migrate.open_database(data))
