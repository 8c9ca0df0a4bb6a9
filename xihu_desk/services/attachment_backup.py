"""The attachment files of a backup: a companion folder ``<backup>.attachments`` beside each backup.

Why a companion and not a table in the backup: the backup file is copied into the live database on
restore (store/backup.py copy_into), so anything stored in it would land there too. Why a folder of
files and not one zip: the files are write-once and named by their content (a keyed hash,
services/attachment_vault.py), so a file the previous backup already holds is *hard-linked* from
it, not copied: a backup every half hour of a node with a gigabyte of scans then costs only the
files added since (measured in the report of issue 21: 22 s for the first backup of 1 GB, under
2 s for the next). The links are between backups only, never to the live folder, so a live file
damaged in place does not reach a backup. Where links are not possible (a FAT32 USB stick) each
file is copied. Files are the AES-GCM ciphertext as stored; no plain SHA-256 is written beside them
(those are read from the backup's own database).

A companion is written under a ``.partial`` name; each file copied is verified (read back,
decrypted with the backup's node key and hashed against the SHA-256 its record holds), each linked
one was verified when first written; then it is renamed. A restore stages the backup's files in a scratch
folder of the data folder (sync/scratch.py: removed when the restore ends, or by the next command
after a killed one), verified, and moves them in only after the database itself was restored;
files already there are never deleted.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xihu_desk.domain.errors import StorageError
from xihu_desk.services.attachment_vault import FOLDER, AttachmentDamaged, Vault, from_secret
from xihu_desk.store import backup, dbfile, owner_lock
from xihu_desk.store import progress as progress_steps
from xihu_desk.store.sqlite_words import words  # the system's English in Chinese

MANIFEST = "xihu-desk-attachments.json"
FORMAT = 1
WRITE_BYTES_PER_S = 50_000_000  # read, decrypt to check, write, read back and decrypt again (loaded 2 cores)


class Share:
    """A ``progress`` (``step(done=, stage=, total=)``) seen through the window ``start``..``end`` of
    the whole, so a backup's database copy and its attachments make one bar."""

    def __init__(self, progress: Any, start: float, end: float) -> None:
        self.progress, self.start, self.end = progress, start, end

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        share = min(max(done / total, 0.0), 1.0) if done is not None and total else 0.0
        whole = progress_steps.WHOLE
        self.progress.step(done=int((self.start + (self.end - self.start) * share) * whole), stage=stage, total=whole)


@dataclass(frozen=True)
class Written:
    path: Path
    files: int
    copied: int  # of them copied from the data folder (the others linked from the previous backup)
    skipped: int  # recorded attachments missing from the data folder or damaged there: not in the backup


def _recorded(database: Path) -> tuple[bytes | None, list[tuple[str, int]]]:
    """The node's private encryption key and the (SHA-256, size) of every attachment a database
    file records (read-only, the file's own key)."""
    conn = dbfile._connect_ro(database)
    try:
        row = conn.execute("SELECT enc_private FROM node WHERE id = 1").fetchone()
        rows = conn.execute("SELECT sha256, max(size) FROM attachment WHERE deleted = 0 GROUP BY sha256").fetchall()
    except dbfile.DB_ERRORS as exc:
        raise StorageError(f"无法读取备份中的附件登记：{words(exc)}") from exc
    finally:
        conn.close()
    return (bytes(row[0]) if row else None), [(str(sha), int(size or 0)) for sha, size in rows]


def pending_bytes(database: Path, previous: Path | None) -> int:
    """About how many bytes of attachment files a backup of ``database`` will copy: those the
    companion of the ``previous`` backup (the one write() links from) does not hold."""
    try:
        secret, rows = _recorded(database)
    except StorageError:
        return 0
    if secret is None:
        return 0
    if previous is None:
        return sum(size for _sha, size in rows)
    store = from_secret(Path("."), secret)
    lender = os.fspath(backup.attachments_of(previous))
    return sum(size for sha, size in rows if not os.path.isfile(os.path.join(lender, store.relative(sha))))


def _named(store: Vault, rows: list[tuple[str, int]]) -> list[tuple[str, int, str]]:
    """(SHA-256, size, name ``ab/ab…`` in a companion folder) of each recorded attachment: the keyed
    name worked out once per backup (20,000 of them took a second each time)."""
    return [(sha, size, store.relative(sha)) for sha, size in rows]


def _problem(target: Path, what: str) -> StorageError:
    return StorageError(f"附件备份 {target.name} 校验未通过：{what}。请重新备份；数据目录中的附件未被改动。")


def verify(backup_file: Path, progress: Share | None = None) -> int:
    """Check every file of the companion of ``backup_file`` against the backup's own database: each
    decrypts to the SHA-256 its record holds. Returns how many attachments it holds; StorageError
    when one does not open, or the companion is not there."""
    companion = backup.attachments_of(backup_file)
    if not (companion / MANIFEST).is_file():
        raise _problem(companion, "文件夹不存在或缺少清单")
    secret, rows = _recorded(backup_file)
    if secret is None:
        return 0
    store = from_secret(Path("."), secret)
    return _verify(companion, store, _named(store, rows), progress)


def _verify(
    companion: Path,
    store: Vault,
    named: list[tuple[str, int, str]],
    progress: Share | None,
    only: set[str] | None = None,
) -> int:
    """How many of the ``named`` attachments ``companion`` holds, each of ``only`` (default: all)
    read back and decrypted against its record."""
    total = sum(size for _sha, size, _name in named) or 1
    found = done = 0
    folder = os.fspath(companion)
    for sha, size, name in named:
        path = os.path.join(folder, name)
        done += size
        if only is not None and name not in only:
            found += os.path.isfile(path)
            continue
        try:
            with open(path, "rb") as f:
                store.open_bytes(sha, f.read())
        except FileNotFoundError:
            continue
        except AttachmentDamaged:
            raise _problem(companion, "有附件已损坏或被改动") from None
        found += 1
        if progress is not None:
            progress.step(done=done, total=total, stage="正在校验附件备份…")
    return found


def write(
    backup_file: Path, root: Path, progress: Any = None, reuse: Path | None = None, start: float = 0.0
) -> Written:
    """Write and verify the companion of ``backup_file`` from the data folder ``root``: the files
    of the attachments the backup's database records. ``reuse``: the previous backup, whose
    companion's files are linked rather than copied. ``progress`` is told from ``start`` to the end
    of the whole and stops the work by raising; nothing half-written is left."""
    target = backup.attachments_of(backup_file)
    partial = target.with_name(target.name + backup.PARTIAL)
    discard(partial)
    share = Share(progress, start, 1.0) if progress is not None else None
    previous = backup.attachments_of(reuse) if reuse is not None else None
    try:
        secret, rows = _recorded(backup_file)
        partial.mkdir(parents=True)
        store = from_secret(root, secret) if secret is not None else None
        named = _named(store, rows) if store is not None else []
        # held while written: another command opening the node meanwhile takes it for a killed
        # backup's leftover otherwise (store/backup.remove_partials)
        with owner_lock.holding(partial):
            copied, skipped = _fill(partial, store, named, previous, share)
            (partial / MANIFEST).write_text(json.dumps({"format": FORMAT}), encoding="utf-8")
            files = _verify(partial, store, named, None, only=copied) if store is not None else 0
        if files != len(rows) - skipped:
            raise _problem(target, "附件数目不符")
        discard(target)  # what a backup written to the same name before left (its file is replaced)
        partial.replace(target)
    except BaseException as exc:  # a failure, or the user cancelled (progress raised)
        discard(partial)
        if isinstance(exc, OSError):
            if dbfile.is_disk_full(exc, target.parent):
                raise dbfile.DiskFull(target.parent) from exc
            raise StorageError(f"备份附件失败：{words(exc)}。请检查磁盘和备份文件夹后重试。") from exc
        raise
    return Written(target, files, len(copied), skipped)


def _fill(
    partial: Path, store: Vault | None, named: list[tuple[str, int, str]], previous: Path | None, share: Share | None
) -> tuple[set[str], int]:
    """Link or copy the ``named`` files into ``partial``: the names copied, and how many were
    skipped (missing or damaged in the data folder)."""
    copied: set[str] = set()
    skipped = 0
    if store is None:
        return copied, skipped
    total = sum(size for _sha, size, _name in named) or 1
    done = 0
    folders: set[str] = set()  # the ab/ folders made so far (one mkdir each, not one per file)
    for sha, size, name in named:
        done += size
        if name[:2] not in folders:
            (partial / name[:2]).mkdir(exist_ok=True)
            folders.add(name[:2])
        if not _link(previous, partial, name):
            if not _copy(store, sha, partial / name):
                skipped += 1
                continue
            copied.add(name)
        if share is not None:
            share.step(done=done, total=total, stage="正在备份附件…")
    return copied, skipped


def _link(previous: Path | None, partial: Path, name: str) -> bool:
    """Link the previous backup's copy of ``name`` into ``partial`` (its folder made); False when
    there is none or the volume does not link (then the file is copied)."""
    if previous is None:
        return False
    try:
        os.link(os.path.join(previous, name), os.path.join(partial, name))
    except OSError:  # not in the previous backup, or no links on this volume (FAT32)
        return False
    return True


def _copy(store: Vault, sha: str, target: Path) -> bool:
    """Copy the live file of ``sha`` to ``target`` (the same ``ab/ab…`` name in the companion),
    checked first; False when it is missing or damaged (a damaged file is not carried into a
    backup as if it were sound)."""
    try:
        blob = (store.folder / target.parent.name / target.name).read_bytes()
        store.open_bytes(sha, blob)
    except (FileNotFoundError, AttachmentDamaged):
        return False
    target.parent.mkdir(exist_ok=True)
    with target.open("wb") as f:
        f.write(blob)
        f.flush()
        os.fsync(f.fileno())  # on the disk before the backup counts as written
    return True


def held(backup_file: Path) -> dict | None:
    """What the companion of ``backup_file`` holds (None: there is none), for the command line's
    report: its folder, how many files and their bytes, and how many recorded ones it lacks."""
    companion = backup.attachments_of(backup_file)
    if not (companion / MANIFEST).is_file():
        return None
    files = [p for p in companion.glob("??/*") if p.is_file()]
    recorded = len(_recorded(backup_file)[1])
    return {
        "folder": str(companion),
        "files": len(files),
        "size": sum(p.stat().st_size for p in files),
        "skipped": max(recorded - len(files), 0),
    }


def held_line(doc: dict | None) -> str:
    """One line on what a backup carried of the attachments (``doc``: ``held``)."""
    if doc is None:
        return "这份备份不含附件。"
    line = f"附件 {doc['files']} 个已一并备份并校验：{doc['folder']}（复制备份时请连同这个文件夹）"
    if doc["skipped"]:
        line += f"；另有 {doc['skipped']} 个附件在数据目录中缺失或已损坏，未能备份（请从原件重新添加）"
    return line


# --- restore ---------------------------------------------------------------------------------


@dataclass
class Staged:
    folder: Path | None  # None: nothing to move in
    in_backup: bool  # False: an older backup, made before backups carried the attachments
    files: int = 0
    damaged: int = 0  # in the backup but not intact: not restored
    absent: int = 0  # recorded but not in the backup (missing or damaged when it was made)

    def lines(self) -> list[str]:
        if not self.in_backup:
            return [
                "这份备份不含附件（较早的版本写出的备份）：数据目录中原有的附件保持不变，缺少的附件需从原件重新添加。"
            ]
        lines = [f"附件 {self.files} 个已一并恢复并校验。"]
        if self.damaged:
            lines.append(f"备份中有 {self.damaged} 个附件已损坏或被改动，未恢复：请从原件重新扫描添加。")
        if self.absent:
            lines.append(f"有 {self.absent} 个附件在备份时就缺失或已损坏，备份中没有：请从原件重新扫描添加。")
        return lines

    def as_json(self) -> dict:
        return {"in_backup": self.in_backup, "restored": self.files, "damaged": self.damaged, "absent": self.absent}


def stage(source: Path, folder: Path, progress: Share | None = None) -> Staged:
    """Copy the files of the companion of the backup ``source`` into ``folder`` (a scratch folder on
    the data folder's disk), each checked against the backup's database; the live attachment
    folder is not touched."""
    companion = backup.attachments_of(source)
    if not (companion / MANIFEST).is_file():
        return Staged(None, False)
    secret, rows = _recorded(source)
    staged = Staged(folder, True)
    if secret is None:
        return staged
    store = from_secret(Path("."), secret)
    total = sum(size for _sha, size in rows) or 1
    done = 0
    try:
        for sha, size, name in _named(store, rows):
            done += size
            try:
                blob = (companion / name).read_bytes()
                store.open_bytes(sha, blob)
            except FileNotFoundError:
                staged.absent += 1
                continue
            except AttachmentDamaged:
                staged.damaged += 1
                continue
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blob)
            staged.files += 1
            if progress is not None:
                progress.step(done=done, total=total, stage="正在核对备份中的附件…")
    except OSError as exc:
        if dbfile.is_disk_full(exc, folder):
            raise dbfile.DiskFull(folder.parent) from exc
        raise StorageError(f"无法读取备份中的附件：{words(exc)}。数据目录没有改变。") from exc
    return staged


def move_in(staged: Staged, root: Path) -> None:
    """Move the staged files into the attachment folder (each replaced at once: a file of the same
    name there has the same content). Nothing is deleted."""
    if staged.folder is None:
        return
    live = Path(root) / FOLDER
    try:
        for path in sorted(staged.folder.glob("??/*")):
            target = live / path.parent.name / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    except OSError as exc:  # a file held open by a viewer (Windows): what is moved is whole
        raise StorageError(
            f"数据库已恢复，但附件未能全部放回（{words(exc)}）：请关闭正在查看附件的程序后再恢复一次。"
        ) from exc


def discard(folder: Path | None) -> None:
    if folder is not None and folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
