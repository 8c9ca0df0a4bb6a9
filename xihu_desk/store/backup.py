"""Backups with SQLite's online backup API, verified after writing, rotated by age.

Rotation keeps every backup of the last 24 hours, then the newest of each of the last 12
days, 10 weeks and 9 months that have one (the same scheme trusted desktop apps use,
reliability.md §1.7). Backups live in the data folder on the local disk; names carry no
characters that NTFS or FAT32 refuse.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError
from xihu_desk.store import cipher_copy, dbfile, owner_lock, sqlfile
from xihu_desk.store.sqlite_words import words
from xihu_desk.store.progress import BackupProgress

_NAME = re.compile(r"^xihu-desk-(\d{8})-(\d{6})(?:-(\d+))?-([a-z-]+)\.sqlite3$")
KEEP_RECENT = timedelta(hours=24)
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 12, 10, 9

REASON_LABELS = {
    "auto": "定时自动备份",
    "manual": "手动备份",
    "before-migrate": "升级数据库前",
    "before-restore": "恢复备份前",
    "before-import": "导入数据前",
    "before-encrypt": "加密转换前",
    "before-rekey": "更换恢复密钥前",
}


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


PARTIAL = ".partial"
# a backup (or a restore's copy) being written; renamed once verified
ATTACHMENTS = ".attachments"
# beside a backup: its attachment files (services/attachment_backup.py), pruned and removed with it


def attachments_of(path: Path) -> Path:
    """The companion folder holding the attachments of the backup ``path`` (absent: an older backup)."""
    return path.with_name(path.name + ATTACHMENTS)


_COPY_ERRORS: tuple[type[Exception], ...] = (*dbfile.DB_ERRORS, OSError)


def _connect_ro(path: Path) -> sqlite3.Connection:
    return dbfile._connect_ro(path)


# Pages copied per step of the backup API: the source is read-locked only during a step, so
# the program's writes go on between steps, and ``progress`` hears of each step (and can stop it).
STEP_PAGES = 4096


def copy_database(source: Path, target: Path, progress: Callable[[int, int], object] | None = None) -> None:
    """Copy a live database page by page into ``target`` (replaced whole); ``progress(done,
    total)`` in pages after each step (what it raises stops the copy and comes out here).
    An encrypted database's copy is encrypted with the same key (store/sqlfile.py)."""
    key = sqlfile.key_for(source)
    src = sqlfile.connect(source, readonly=True, key=key)
    try:
        dst = sqlfile.connect(target, key=key)
        try:
            if progress is None:
                src.backup(dst, pages=STEP_PAGES)
            else:
                src.backup(dst, pages=STEP_PAGES, progress=lambda _status, left, total: progress(total - left, total))
            dst.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dst.close()
    finally:
        src.close()


def copy_into(source: Path, live: Path) -> None:
    """Overwrite a sound live database with ``source`` through SQLite (one write transaction:
    other connections see the old content or the new, never a mix)."""
    source_key, live_key = sqlfile.key_for(source), sqlfile.key_for(live)
    if source_key is None and live_key is not None:  # a backup from before the node was encrypted
        staging = live.with_name(live.name + ".import" + PARTIAL)
        _remove_with_companions(staging)
        try:
            cipher_copy.export(source, staging, live_key)
            _copy_keyed(staging, live_key, live, live_key)
        finally:
            _remove_with_companions(staging)
        return
    if source_key is not None and live_key is None:
        raise StorageError("这份备份已加密，而本机的数据库尚未加密：请先运行 xihu-desk encrypt，再恢复这份备份。")
    _copy_keyed(source, source_key, live, live_key)


def _copy_keyed(source: Path, source_key: bytes | None, live: Path, live_key: bytes | None) -> None:
    """copy_into's copy, each file opened with the key already found for it."""
    src = sqlfile.connect(source, readonly=True, key=source_key)
    try:
        dst = sqlfile.connect(live, timeout=10, key=live_key)  # the live file keeps its own key
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def quick_check(path: Path, full: bool = False, progress: Callable[[], bool] | None = None) -> list[str]:
    """Problems SQLite reports for the file; empty when it is sound.

    A file that cannot be read for a reason other than damage (a full disk, a lock, no
    permission) raises that StorageError instead: it is not a problem *of the file*."""
    health = dbfile.inspect(path, full=full, progress=progress)
    health.raise_if_unavailable()
    if health.state == "missing":
        return ["文件不存在"]
    return list(health.problems) if health.damaged else []


def schema_revision(path: Path) -> str | None:
    conn = _connect_ro(path)
    try:
        heads = sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))
        return ",".join(heads) or None
    except dbfile.DB_ERRORS:
        return None
    finally:
        conn.close()


def last_audit_seq(path: Path) -> int:
    conn = _connect_ro(path)
    try:
        return conn.execute("SELECT coalesce(max(seq), 0) FROM audit_event").fetchone()[0]
    except dbfile.DB_ERRORS:
        return -1
    finally:
        conn.close()


def verify(path: Path, progress: Callable[[], bool] | None = None) -> None:
    """Raise StorageError unless ``path`` is a sound Xihu Desk database (``progress``: see
    dbfile.inspect)."""
    problems = quick_check(path, full=True, progress=progress)
    if problems:
        raise StorageError(f"备份文件 {path.name} 校验未通过：{problems[0]}")
    if schema_revision(path) is None:
        raise StorageError(f"文件 {path.name} 不是西湖司法所工作台的数据库。")


def _file_name(now: datetime, reason: str, folder: Path) -> Path:
    stem = f"xihu-desk-{now:%Y%m%d-%H%M%S}"
    target = folder / f"{stem}-{reason}.sqlite3"
    n = 1
    while target.exists():
        target = folder / f"{stem}-{n}-{reason}.sqlite3"
        n += 1
    return target


def make_backup(
    database: Path,
    folder: Path,
    reason: str,
    now: datetime | None = None,
    target: Path | None = None,
    progress: BackupProgress | None = None,
) -> Path:
    """Write a verified backup; a failed or cancelled one is removed, never left half-written.
    ``progress`` hears of the copy and the check (and stops them by raising)."""
    now = now or clock.local_now()
    folder.mkdir(parents=True, exist_ok=True)
    target = target or _file_name(now, reason, folder)
    partial = target.with_name(target.name + ".partial")
    try:
        copy_database(database, partial, progress.copied if progress else None)
        try:
            verify(partial, progress.check_step() if progress else None)
        finally:
            if progress is not None:
                progress.raise_if_stopped()  # a check the user stopped is not a failed one
        partial.replace(target)
    except _COPY_ERRORS as exc:
        _remove_with_companions(partial)
        if dbfile.is_disk_full(exc, target.parent):
            raise dbfile.DiskFull(target.parent) from exc
        if dbfile.is_damage(exc):  # the database itself: a new copy of it would not help
            raise StorageError(
                f"备份失败：{database.name} {words(exc)}，无法备份。请运行 xihu-desk check，按提示从最新的完好备份恢复。"
            ) from exc
        raise StorageError(f"备份失败：{words(exc)}。请检查磁盘和备份文件夹后重试。") from exc
    except BaseException:  # StorageError, or the user cancelled (progress raised)
        _remove_with_companions(partial)
        raise
    return target


def _remove_with_companions(path: Path) -> None:
    for p in (path, *dbfile.companions(path)):
        try:
            p.unlink(missing_ok=True)
        except OSError:  # Windows: still open somewhere; the next start removes it
            pass
    remove_attachments(path)


def remove_attachments(path: Path) -> None:
    """Remove the attachment folder of the backup ``path`` (its files are links shared with other
    backups or copies of their own: either way only this backup's names go)."""
    shutil.rmtree(attachments_of(path), ignore_errors=True)


def remove_partials(*folders: Path) -> list[Path]:
    """Remove what a killed backup or restore left half-written (``*.partial`` and its journal).

    A partial file another process is still writing holds a SQLite lock and is left alone."""
    removed = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.endswith(ATTACHMENTS + PARTIAL) and path.is_dir():  # a killed backup's attachments
                if owner_lock.owned(path):  # not killed: a backup of another process writes it now
                    continue
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
                continue
            if not path.name.endswith(PARTIAL) or not path.is_file():
                continue
            if dbfile.probe_exclusive(path).busy:
                continue
            _remove_with_companions(path)
            if not path.exists():
                removed.append(path)
    return removed


def list_backups(folder: Path) -> list[BackupInfo]:
    """Backups in ``folder``, newest first."""
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            m = _NAME.match(path.name)
            if not m or not path.is_file():
                continue
            try:
                taken = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
                size = path.stat().st_size
            except (ValueError, OSError):  # an impossible date in a hand-made name; a file just removed
                continue
            found.append(BackupInfo(path, taken, m.group(4), size))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def to_keep(backups: list[BackupInfo], now: datetime) -> set[Path]:
    """Which backups the rotation keeps (``backups`` newest first)."""
    keep: set[Path] = set()
    buckets = (
        (lambda t: t.date(), KEEP_DAILY),
        (lambda t: tuple(t.isocalendar())[:2], KEEP_WEEKLY),
        (lambda t: (t.year, t.month), KEEP_MONTHLY),
    )
    older = []
    for b in backups:
        (keep.add(b.path) if now - b.taken_at <= KEEP_RECENT else older.append(b))
    for key_of, limit in buckets:
        seen: list[object] = []
        for b in older:
            key = key_of(b.taken_at)
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(key)
            keep.add(b.path)
    if backups:
        keep.add(backups[0].path)
    return keep


def prune(folder: Path, now: datetime | None = None) -> list[Path]:
    """Delete the backups rotation no longer keeps; returns what was removed."""
    backups = list_backups(folder)
    keep = to_keep(backups, now or clock.local_now())
    removed = []
    for b in backups:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            remove_attachments(b.path)
            removed.append(b.path)
    return removed


def newest_good(folder: Path) -> BackupInfo | None:
    for b in list_backups(folder):
        try:
            verify(b.path)
        except StorageError:
            continue
        return b
    return None
