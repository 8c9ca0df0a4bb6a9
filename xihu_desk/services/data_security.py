"""What the desktop program's 数据安全 page asks of the encrypted database (issue 21), on top of
the services the command line uses (services/at_rest.py, services/maintenance.py):

* ``overview``: encrypted or not and where the key is sealed (``at_rest.status``, the facts
  ``check --json`` reports) and when the recovery key was last set (the audit log);
* ``restore_plan`` / ``check_recovery_code``: before a restore, whether the backup needs a recovery
  key (made on another PC or account), whether a typed one opens it, and whose backup it is;
* ``rekey_and_reopen``: ``rekey`` for the window, which goes on with the re-keyed file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest
from xihu_desk.services.units import reads
from xihu_desk.store import db_key, dbfile, recovery_code, source_files, sqlfile
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.sqlite_words import words

# The audit actions after which the node's file answers to a new recovery code.
RECOVERY_SET = ("node.init", "data.encrypt", "data.rekey")


@dataclass(frozen=True)
class Overview:
    status: at_rest.Status | None  # None on an office's PostgreSQL server (no file to encrypt)
    recovery_set_at: datetime | None  # local time the current recovery key was made
    may_manage: bool  # encrypt, 更换恢复密钥 (backup and restore rights)


@reads
def overview(session: Session, actor: Any, data: DataDir) -> Overview:
    if data.server:
        return Overview(None, None, actor.can(Perm.MANAGE_DATA))
    status = at_rest.status(data)
    at = None
    if status.encrypted:
        text = session.scalar(
            select(AuditEvent.at).where(AuditEvent.action.in_(RECOVERY_SET)).order_by(AuditEvent.seq.desc()).limit(1)
        )
        at = clock.to_local(datetime.fromisoformat(text)) if text else None
    return Overview(status, at, actor.can(Perm.MANAGE_DATA))


@dataclass(frozen=True)
class RestorePlan:
    source: Path
    needs_code: bool  # encrypted, and no key of this account or process opens it
    other_node: dbfile.NodeIdentity | None = None  # the backup's node, when not this one
    this_node: dbfile.NodeIdentity | None = None
    code: str | None = None  # the recovery code that opened it (passed on to the restore)


def _plan(data: DataDir, source: Path, code: str | None) -> RestorePlan:
    """Whose backup ``source`` is, once its key is known (``needs_code`` otherwise)."""
    try:
        conn = dbfile._connect_ro(source)
        try:
            theirs = dbfile.read_node(conn)
        finally:
            conn.close()
    except dbfile.DB_ERRORS as exc:  # SQLite's header with no database behind it (a copy cut short)
        raise StorageError(f"备份文件 {source.name} 无法读取：{words(exc)}。请换一份备份；数据目录没有改变。") from exc
    ours = dbfile.inspect(data.database).node
    if ours is not None and (theirs is None or theirs.node_id != ours.node_id):
        return RestorePlan(source, False, theirs, ours, code)
    return RestorePlan(source, False, None, ours, code)


def restore_plan(data: DataDir, actor: Any, source: Path | str) -> RestorePlan:
    """Before a restore from ``source``: does it need the recovery key, and is it another node's?"""
    actor.require(Perm.MANAGE_DATA)
    source = Path(source)
    source_files.require_file(source, "备份文件")  # a folder, /dev/null or an empty file is said as such
    source_files.require_database(source)  # zeros: no recovery key is asked for
    if sqlfile.is_encrypted(source):
        at_rest.consider_own_keys(data)  # this PC's own backup on a USB stick needs no recovery key
        try:
            key = sqlfile.key_for(source)
        except db_key.KeyUnavailable:
            key = None
        if key is None:
            return RestorePlan(source, True)
    return _plan(data, source, None)


def check_recovery_code(data: DataDir, actor: Any, source: Path | str, code: str) -> RestorePlan:
    """Whether the typed ``code`` opens the backup ``source``; UserError saying what is wrong
    (format, a slipped character, not this backup's key) and that nothing changed otherwise."""
    actor.require(Perm.MANAGE_DATA)
    source = Path(source)
    code = check_code_form(code)
    at_rest.restore_key(data, source, code)
    return _plan(data, source, code)


def check_code_form(text: str) -> str:
    """The typed recovery key as the sheet prints it; UserError when it cannot be one (wrong
    length, a slipped character caught by the check character). Nothing is read: no thread."""
    return recovery_code.format_code(recovery_code.normalise(text))


def read_key_file(path: Path | str) -> str:
    """The recovery key in a key file (``--recovery-key-file``, 保存为文件)."""
    return recovery_code.read_file(path)


@dataclass
class Rekeyed:
    code: str  # the new recovery code, shown once
    opened: Any  # migrate.OpenResult: the re-keyed file, opened for the window to go on with


def rekey_and_reopen(data: DataDir, db: Any, actor: Any) -> Rekeyed:
    """``at_rest.rekey`` (the command line's ``rekey``, audited the same way), then the node
    opened again: the old engine's connections carried the old key."""
    from xihu_desk.store import migrate

    new = at_rest.rekey(data, db, actor)
    return Rekeyed(new.code, migrate.open_database(data))
