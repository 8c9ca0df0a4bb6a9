"""Citizens' data at rest (issue 21): the encrypted database file, its sealed key, the recovery
key, and turning a plain node into an encrypted one.

For the setup wizard and the recovery sheet (documents/recovery_sheet.py):

* ``take_recovery_code(root)``: after ``init`` succeeded, the new node's recovery code
  (``ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y``), exactly once: it is not kept anywhere afterwards.
  None when there is none to show (a plain or PostgreSQL node, or shown already).
* ``recovery_code.file_text(code, label)``: the text ``--recovery-key-file`` writes.
* ``status(data)``: encrypted or not, and where the key is sealed (the 数据安全 page, ``check``).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.store import db_key, dbfile, recovery_code, source_files, sqlfile, write_errors
from xihu_desk.store.sqlite_words import words

NOT_ENCRYPTED_SERVER = "本节点的数据在 PostgreSQL 服务器上，加密由服务器负责（磁盘加密、备份加密），本命令不适用。"
IN_USE = "数据库正被另一个程序（西湖司法所工作台窗口或命令）使用，请先关闭它再{what}。"


@dataclass(frozen=True)
class Status:
    encrypted: bool
    sealed: str | None  # where the key is sealed, in words; None for a plain file
    store: str | None  # "keyring" / "file" / None

    def as_json(self) -> dict[str, Any]:
        return {"encrypted": self.encrypted, "key_sealed": self.store, "key_sealed_where": self.sealed}

    def line(self) -> str:
        if not self.encrypted:
            return "加密：否（数据库文件未加密，请运行 xihu-desk encrypt 转换）"
        return f"加密：是（SQLCipher；密钥保存在{self.sealed or '（未知）'}）"


def status(data: DataDir) -> Status:
    marker = db_key.read_marker(data.root)
    encrypted = sqlfile.is_encrypted(data.database)
    if not encrypted or marker is None:
        return Status(encrypted, None, None)
    return Status(True, marker.where(), marker.sealed)


def take_recovery_code(root: Path | str) -> str | None:
    """The new node's recovery code, once (see the module's text)."""
    return db_key.take_pending_code(Path(root))


def outside_data(root: Path, target: Path | str, refusal: str) -> Path:
    """``target``, refused with ``refusal`` inside the data folder ``root`` (a key beside the data
    it opens protects nothing): the recovery-key file and the recovery sheet."""
    path = Path(target).expanduser()
    folder = Path(root).expanduser().resolve()
    where = path.resolve()
    if where == folder or folder in where.parents:
        raise UserError(refusal)
    return path


def write_whole(path: Path, content: bytes, what: str) -> Path:
    """``content`` into ``path`` through a partial file replaced at once: never half a key."""
    partial = path.with_name(path.name + ".part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(content)
        partial.replace(path)
    except OSError as exc:
        raise write_errors.describe(path, exc, what) from None
    finally:
        write_errors.remove_partial(partial)
    return path


def recovery_target(data: DataDir, target: Path | str) -> Path:
    return outside_data(
        data.root, target, f"恢复密钥不能保存在数据目录 {data.root} 中：请写到 U 盘或打印后锁入保险柜。"
    )


def write_recovery_file(data: DataDir, target: Path | str, code: str, label: str = "") -> Path:
    """Write the code to ``target`` (never inside the data folder)."""
    path = recovery_target(data, target)
    return write_whole(path, recovery_code.file_text(code, label).encode("utf-8"), "恢复密钥文件")


def _stage_recovery_file(data: DataDir, target: Path | str, code: str) -> tuple[Path, Path]:
    """(the key file, its partial) with the code written whole to the partial, or the UserError
    saying why the target cannot be written (nothing left behind)."""
    path = recovery_target(data, target)
    partial = path.with_name(path.name + ".part")
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))  # found now, not at the rename
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(recovery_code.file_text(code).encode("utf-8"))
    except OSError as exc:
        write_errors.remove_partial(partial)
        raise write_errors.describe(path, exc, "恢复密钥文件") from None
    return path, partial


def _place_recovery_file(path: Path, partial: Path) -> Path:
    """The staged key file under its name, once the database is re-keyed with its code."""
    try:
        partial.replace(path)
    except OSError as exc:  # the database already opens with the new code only: say where it is
        raise StorageError(
            f"已更换恢复密钥，但新的恢复密钥文件无法改名为 {path}（{exc.strerror or exc}）："
            f"新的恢复密钥在 {partial} 中，请立即把它改名，打印后锁入保险柜。"
        ) from None
    return path


def require_sqlite(data: DataDir) -> None:
    if data.server:
        raise UserError(NOT_ENCRYPTED_SERVER)


def exclusive(data: DataDir, db: Any, what: str) -> None:
    """The node's file closed here (``db`` and every other engine of this process) and opened by
    no other window or command, before it is rewritten whole; StorageError saying so otherwise."""
    from xihu_desk.store import uow

    if db is not None:
        db.dispose()
    uow.dispose_all(data.database)
    if dbfile.probe_exclusive(data.database).busy:
        raise StorageError(IN_USE.format(what=what))


def code_form(text: str) -> str:
    """A typed recovery key as the sheet prints it; UserError when it cannot be one (wrong length,
    a slipped character caught by the check character). Nothing is read."""
    return recovery_code.format_code(recovery_code.normalise(text))


def read_key_file(path: Path | str) -> str:
    """The recovery key in a key file (``--recovery-key-file``, 保存为文件)."""
    return recovery_code.read_file(path)


def sealed_where(data: DataDir) -> str:
    """Where this folder's key should be sealed, in words ("" when its marker cannot say)."""
    try:
        return db_key.where(data.root) or ""
    except UserError:
        return ""


def unlock(data: DataDir, code: str) -> Status:
    """Seal the node's key again for this account from its recovery code (the sealed key was
    lost: a new Windows profile, a wiped keyring, another account of a shared PC)."""
    require_sqlite(data)
    if not sqlfile.is_encrypted(data.database):
        raise UserError("本节点的数据库没有加密，不需要恢复密钥。")
    key = db_key.key_from_code(code)  # not the marker's check: a restore may have changed the file's key
    if not sqlfile.opens(data.database, key):  # tried alone: the lost sealed key is not the question
        raise UserError(db_key.WRONG_RECOVERY)
    sqlfile.remember(key)
    try:
        former = db_key.keys(data.root)
    except db_key.KeyUnavailable:
        former = []
    db_key.adopt(data.root, key, former)
    return status(data)


def replace_recovery_key(data: DataDir, db: Any, actor: Any, target: Path | str) -> Path:
    """``rekey`` with the new code written to ``target`` (the command line)."""
    written = rekey(data, db, actor, target).path
    assert written is not None
    return written


@dataclass(frozen=True)
class NewRecoveryKey:
    code: str  # shown once by the desktop program; not kept anywhere
    path: Path | None  # the key file it was written to, if one was asked for


def rekey(data: DataDir, db: Any, actor: Any, target: Path | str | None = None) -> NewRecoveryKey:
    """A new recovery key (the old one lost or seen by someone): the database is re-keyed
    (SQLCipher rewrites every page) under the key of a new code, written to ``target`` when
    given; the old code stops opening the node, while backups made before still open here (the
    former key stays sealed beside the new one) and elsewhere with the old code. Audited."""
    from xihu_desk.store import backup

    actor.require(Perm.MANAGE_DATA)
    require_sqlite(data)
    if not sqlfile.is_encrypted(data.database):
        raise UserError("本节点的数据库尚未加密，请先运行 xihu-desk encrypt。")
    current = sqlfile.key_for(data.database)  # the key that opens the file: not always the first sealed
    if current is None:
        raise StorageError("本机保存的密钥都打不开数据库文件，它可能已损坏：请先运行 xihu-desk check。")
    old = [current] + [k for k in db_key.keys(data.root) if k != current]
    code = recovery_code.new_code()
    new = recovery_code.derive_key(code)
    # The key file is written whole beside its target before anything changes: a target that cannot
    # be written (a read-only stick, a full disk, a path through a file) stops here, with no backup
    # made and no key sealed. It takes the target's name only once the file is re-keyed, so a key
    # file already there (the old code) is never replaced by a code that opens nothing.
    staged = _stage_recovery_file(data, target, code) if target is not None else None
    try:
        exclusive(data, db, "更换恢复密钥")
        kept = backup.make_backup(data.database, data.backups, "before-rekey")  # a restore point under the old key
        # sealed first, with the old key kept: whatever happens next, one of them opens the file
        db_key.adopt(data.root, new, old)
        conn = sqlfile.connect(data.database, key=current, isolation_level=None)
        try:
            conn.execute(f"PRAGMA rekey = \"x'{new.hex()}'\"")
        except dbfile.DB_ERRORS as exc:
            raise StorageError(
                f"更换恢复密钥失败：{words(exc)}。数据库仍可用旧的恢复密钥打开，未写出新的恢复密钥文件。"
            ) from exc
        finally:
            conn.close()
    except BaseException:
        if staged is not None:
            write_errors.remove_partial(staged[1])
        raise
    written = _place_recovery_file(*staged) if staged is not None else None
    audit_rewritten(
        data,
        actor,
        "data.rekey",
        "更换数据库恢复密钥（数据库已改用新密钥加密；旧的恢复密钥不再能打开本节点）",
        {"before_rekey_backup": kept.name},
    )
    return NewRecoveryKey(code, written)


def audit_rewritten(data: DataDir, actor: Any, action: str, summary: str, after: dict[str, Any]) -> None:
    """Audit a change to the node's file as a whole (encrypted, re-keyed) in the file itself,
    opened again for it: the caller's engine was closed before the file was rewritten."""
    from xihu_desk.services import audit
    from xihu_desk.store import migrate

    opened = migrate.open_database(data)
    try:
        with opened.db.write() as session:
            audit.record(session, actor, action, "database", data.database.name, summary=summary, after=after)
    finally:
        opened.db.dispose()


def consider_own_keys(data: DataDir) -> None:
    """This node's keys (current and former) tried on a backup wherever it lies: a backup copied
    to a USB stick is looked up beside itself, not in the data folder, and asked for the recovery
    key on the very PC that made it."""
    if data.server:
        return
    try:
        own = db_key.keys(data.root)
    except db_key.KeyUnavailable:  # this account cannot unseal them: the recovery key is asked for
        return
    for key in own:
        sqlfile.remember(key)


def restore_key(data: DataDir, source: Path, code: str | None) -> bytes | None:
    """Before a restore: the key that opens the backup ``source`` (None for a plain backup).
    A backup of another PC needs its recovery code; without it, or with a wrong one, a Chinese
    message and nothing changed."""
    if not sqlfile.is_encrypted(source):
        return None
    source_files.require_database(source)  # a file of zeros is no encrypted backup: said so, no key asked
    consider_own_keys(data)
    if code:
        sqlfile.remember(db_key.key_from_code(code))
    try:
        key = sqlfile.key_for(source)
    except db_key.KeyUnavailable:
        key = None
    if key is not None:
        return key
    # an encrypted file nobody's key opens and a damaged one look the same: both are said
    if code:
        raise StorageError(
            f"恢复密钥打不开备份 {source.name}：它不是这份备份所属节点的恢复密钥，或备份文件已损坏。数据目录没有改变。"
        )
    raise StorageError(
        f"备份 {source.name} 无法打开：它已加密而本机没有它的密钥，或文件已损坏。在另一台电脑上恢复加密的备份时，"
        "请加上 --recovery-key-file 恢复密钥文件（恢复密钥单上的代码）。数据目录没有改变。"
    )


def adopt_restored(data: DataDir) -> None:
    """After a restore put a file in place (a new data folder, or one whose file was damaged or
    missing): seal the key that opens it for this account, keeping the folder's old keys for
    the older backups."""
    key = sqlfile.key_for(data.database)
    if key is None:
        return
    try:
        current = db_key.keys(data.root)
    except db_key.KeyUnavailable:
        current = []
    if current[:1] != [key]:
        db_key.adopt(data.root, key, current)


def plain_backups(data: DataDir) -> list[Path]:
    from xihu_desk.store import backup

    return [b.path for b in backup.list_backups(data.backups) if not sqlfile.is_encrypted(b.path)]


def remove_plain_backups(data: DataDir, actor: Any) -> list[Path]:
    """Delete the backups that are not encrypted (after an encrypted one was verified)."""
    from xihu_desk.store import backup

    actor.require(Perm.MANAGE_DATA)
    if not sqlfile.is_encrypted(data.database):
        raise UserError("本节点的数据库尚未加密：未加密的备份是仅有的备份，不能删除。")
    if not any(sqlfile.is_encrypted(b.path) for b in backup.list_backups(data.backups)):
        raise UserError("还没有加密的备份：请先运行 xihu-desk backup，再删除未加密的备份。")
    removed = []
    for path in plain_backups(data):
        try:
            os.remove(path)
            removed.append(path)
        except OSError:
            continue
    return removed


def conversion_seconds(data: DataDir) -> float:
    """About how long ``encrypt`` or ``rekey`` keeps the program busy: a backup of the database
    file (theirs carry no attachments) and SQLCipher rewriting every page, each about as long.
    From the file's size only: the window asks before it starts, on the GUI thread."""
    from xihu_desk.store import progress

    try:
        size = data.database.stat().st_size
    except OSError:
        return 0.0
    return 2 * progress.backup_seconds(size)
