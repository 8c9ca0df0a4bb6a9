"""The attachment files of a backup: a companion ``<backup>.attachments`` beside each backup file.

Why a companion zip and not a table in the backup: the backup file is copied into the live database
on restore (store/backup.py copy_into), so anything stored in it would land there too; and a zip
is one more file that the rotation lists, prunes and removes with its backup. Entries are *stored*,
not compressed (they are AES-GCM ciphertext already, services/attachment_vault.py), under the
vault's keyed names, so the zip says nothing about which documents it holds; the plain SHA-256
values are not written into it either: they are read from the backup's own database.

A companion is written under a ``.partial`` name, verified (each recorded attachment read back,
decrypted with the backup's node key and hashed against the SHA-256 its record holds) and only then
renamed. When the newest backup's companion holds exactly the files the new one would, it is
hard-linked instead of copied (the files are write-once and named by content, so the same names
mean the same bytes): an hourly backup of a node with a gigabyte of scans then costs nothing for
them. A restore stages the backup's files beside the attachment folder, verified, and moves them in
only after the database itself was restored; files already there are never deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xihu_desk.domain.errors import StorageError
from xihu_desk.services.attachment_vault import FOLDER, AttachmentDamaged, Vault, from_secret
from xihu_desk.store import backup, dbfile
from xihu_desk.store import progress as progress_steps

MANIFEST = "xihu-desk-attachments.json"
FORMAT = 1
STAGING = "attachments.restore" + backup.PARTIAL
WRITE_BYTES_PER_S = 150_000_000  # read, decrypt to check, write; then read back and decrypt again
_STAMP = (2000, 1, 1, 0, 0, 0)  # entries carry no time of their own


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
    size: int
    reused: bool  # hard-linked to the previous backup's companion
    skipped: int  # recorded attachments missing from the data folder or damaged there: not in the backup


def _recorded(database: Path) -> tuple[bytes | None, list[tuple[str, int]]]:
    """The node's private encryption key and the (SHA-256, size) of every attachment a database
    file records (read-only, the file's own key)."""
    conn = dbfile._connect_ro(database)
    try:
        row = conn.execute("SELECT enc_private FROM node WHERE id = 1").fetchone()
        rows = conn.execute("SELECT sha256, max(size) FROM attachment WHERE deleted = 0 GROUP BY sha256").fetchall()
    except dbfile.DB_ERRORS as exc:
        raise StorageError(f"无法读取备份中的附件登记：{exc}") from exc
    finally:
        conn.close()
    return (bytes(row[0]) if row else None), [(str(sha), int(size or 0)) for sha, size in rows]


def live_bytes(database: Path) -> int:
    """About how many bytes of attachments a backup of ``database`` carries (for its estimate)."""
    try:
        return sum(size for _sha, size in _recorded(database)[1])
    except StorageError:
        return 0


def _name(store: Vault, sha256: str) -> str:
    path = store.path(sha256)
    return f"{path.parent.name}/{path.name}"


def _manifest(zf: zipfile.ZipFile) -> dict:
    try:
        doc = json.loads(zf.read(MANIFEST))
    except (KeyError, ValueError):
        raise StorageError("附件备份缺少清单，不是本程序写出的文件。") from None
    if doc.get("format") != FORMAT:
        raise StorageError("附件备份的格式较新，请先升级程序。")
    return doc


def _problem(target: Path, what: str) -> StorageError:
    return StorageError(f"附件备份 {target.name} 校验未通过：{what}。请重新备份；原备份文件夹中的文件未被改动。")


def verify(backup_file: Path, progress: Share | None = None) -> int:
    """Check the companion of ``backup_file`` against the backup's own database: every attachment
    it recorded and the companion holds decrypts to the recorded SHA-256, and no more are missing
    than the companion says were skipped. Returns how many it holds; StorageError otherwise."""
    return _verify(backup.attachments_of(backup_file), backup_file, progress)


def _verify(companion: Path, database: Path, progress: Share | None, names_only: bool = False) -> int:
    secret, rows = _recorded(database)
    store = from_secret(Path("."), secret) if secret else None
    total = sum(size for _sha, size in rows) or 1
    try:
        with zipfile.ZipFile(companion) as zf:
            doc = _manifest(zf)
            held = set(zf.namelist()) - {MANIFEST}
            found, done = 0, 0
            for sha, size in rows:
                name = _name(store, sha) if store else ""
                if name not in held:
                    continue
                if not names_only:
                    assert store is not None
                    store.open_bytes(sha, zf.read(name))
                found += 1
                done += size
                if progress is not None:
                    progress.step(done=done, total=total, stage="正在校验附件备份…")
    except AttachmentDamaged:
        raise _problem(companion, "有附件已损坏或被改动") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise _problem(companion, "文件已损坏") from None
    if found != int(doc.get("files", -1)) or found != len(held) or len(rows) - found != int(doc.get("skipped", -1)):
        raise _problem(companion, "附件数目与清单不符")
    return found


def write(
    backup_file: Path, root: Path, progress: Any = None, reuse: Path | None = None, start: float = 0.0
) -> Written:
    """Write and verify the companion of ``backup_file`` from the data folder ``root``: the files
    of the attachments the backup's database records. ``reuse``: the previous backup, whose
    companion is hard-linked when it holds the same files. ``progress`` is told from ``start`` to
    the end of the whole and stops the work by raising; nothing half-written is left."""
    target = backup.attachments_of(backup_file)
    partial = target.with_name(target.name + backup.PARTIAL)
    partial.unlink(missing_ok=True)
    writing = Share(progress, start, start + (1 - start) / 2) if progress is not None else None
    checking = Share(progress, start + (1 - start) / 2, 1.0) if progress is not None else None
    try:
        secret, rows = _recorded(backup_file)
        store = from_secret(root, secret) if secret else None
        present = {sha: size for sha, size in rows if store is not None and store.has(sha)}
        if reuse is not None and store is not None and _same_files(reuse, backup_file, {_name(store, s) for s in present}):
            try:
                os.link(backup.attachments_of(reuse), partial)
            except OSError:  # FAT32, another volume: written in full below
                pass
            else:
                files = _verify(partial, backup_file, None, names_only=True)  # its bytes were verified when written
                partial.replace(target)
                return Written(target, files, target.stat().st_size, True, len(rows) - files)
        files, skipped = _write_zip(partial, store, rows, present, writing)
        _verify(partial, backup_file, checking)
        partial.replace(target)
    except BaseException as exc:  # a failure, or the user cancelled (progress raised)
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            if dbfile.is_disk_full(exc, target.parent):
                raise dbfile.DiskFull(target.parent) from exc
            raise StorageError(f"备份附件失败：{exc.strerror or exc}。请检查磁盘和备份文件夹后重试。") from exc
        raise
    return Written(target, files, target.stat().st_size, False, skipped)


def _same_files(previous: Path, backup_file: Path, names: set[str]) -> bool:
    """Whether the companion of ``previous`` holds exactly ``names`` (the files this backup takes)."""
    companion = backup.attachments_of(previous)
    if not companion.is_file():
        return False
    try:
        with zipfile.ZipFile(companion) as zf:
            return set(zf.namelist()) - {MANIFEST} == names
    except (OSError, zipfile.BadZipFile):
        return False


def _write_zip(
    partial: Path, store: Vault | None, rows: list[tuple[str, int]], present: dict[str, int], progress: Share | None
) -> tuple[int, int]:
    total = sum(present.values()) or 1
    files, done = 0, 0
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for sha in present:
            assert store is not None
            try:
                blob = store.path(sha).read_bytes()
                store.open_bytes(sha, blob)  # a damaged file is not carried into the backup as if sound
            except (FileNotFoundError, AttachmentDamaged):
                continue
            zf.writestr(zipfile.ZipInfo(_name(store, sha), _STAMP), blob, compress_type=zipfile.ZIP_STORED)
            files += 1
            done += present[sha]
            if progress is not None:
                progress.step(done=done, total=total, stage="正在备份附件…")
        doc = {"format": FORMAT, "files": files, "skipped": len(rows) - files}
        zf.writestr(zipfile.ZipInfo(MANIFEST, _STAMP), json.dumps(doc), compress_type=zipfile.ZIP_STORED)
    return files, len(rows) - files


def held(backup_file: Path) -> dict | None:
    """What the companion of ``backup_file`` says it holds (None: there is none), for the
    command line's report: its file, size, how many attachments and how many could not be taken."""
    companion = backup.attachments_of(backup_file)
    try:
        with zipfile.ZipFile(companion) as zf:
            doc = _manifest(zf)
        size = companion.stat().st_size
    except (OSError, zipfile.BadZipFile, StorageError):
        return None
    return {"file": str(companion), "size": size, "files": int(doc["files"]), "skipped": int(doc["skipped"])}


def held_line(doc: dict | None) -> str:
    """One line on what a backup carried of the attachments (``doc``: ``held``)."""
    if doc is None:
        return "这份备份不含附件。"
    line = f"附件 {doc['files']} 个已一并备份并校验：{doc['file']}（请与备份文件放在一起）"
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
            return ["这份备份不含附件（较早的版本写出的备份）：数据目录中原有的附件保持不变，缺少的附件需从原件重新添加。"]
        lines = [f"附件 {self.files} 个已一并恢复并校验。"]
        if self.damaged:
            lines.append(f"备份中有 {self.damaged} 个附件已损坏或被改动，未恢复：请从原件重新扫描添加。")
        if self.absent:
            lines.append(f"有 {self.absent} 个附件在备份时就缺失或已损坏，备份中没有：请从原件重新扫描添加。")
        return lines

    def as_json(self) -> dict:
        return {"in_backup": self.in_backup, "restored": self.files, "damaged": self.damaged, "absent": self.absent}


def stage(source: Path, root: Path, progress: Share | None = None) -> Staged:
    """Unpack the companion of the backup ``source`` into a staging folder of ``root``, each file
    checked against the backup's database; the live attachment folder is not touched."""
    companion = backup.attachments_of(source)
    if not companion.is_file():
        return Staged(None, False)
    secret, rows = _recorded(source)
    folder = Path(root) / STAGING
    discard(folder)
    staged = Staged(folder, True)
    if secret is None:
        return staged
    store = from_secret(Path("."), secret)
    total = sum(size for _sha, size in rows) or 1
    done = 0
    try:
        with zipfile.ZipFile(companion) as zf:
            held = set(zf.namelist())
            for sha, size in rows:
                name = _name(store, sha)
                done += size
                if name not in held:
                    staged.absent += 1
                    continue
                try:
                    blob = zf.read(name)
                    store.open_bytes(sha, blob)
                except (AttachmentDamaged, zipfile.BadZipFile):
                    staged.damaged += 1
                    continue
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(blob)
                staged.files += 1
                if progress is not None:
                    progress.step(done=done, total=total, stage="正在核对备份中的附件…")
    except (zipfile.BadZipFile, EOFError):
        discard(folder)
        return Staged(None, True, damaged=len(rows))
    except BaseException as exc:
        discard(folder)
        if isinstance(exc, OSError):
            if dbfile.is_disk_full(exc, Path(root)):
                raise dbfile.DiskFull(Path(root)) from exc
            raise StorageError(f"无法展开备份中的附件：{exc.strerror or exc}。数据目录没有改变。") from exc
        raise
    return staged


def move_in(staged: Staged, root: Path) -> None:
    """Move the staged files into the attachment folder (each replaced at once: a file of the same
    name there has the same content), then remove the staging folder. Nothing is deleted."""
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
            f"数据库已恢复，但附件未能全部放回（{exc.strerror or exc}）：请关闭正在查看附件的程序后再恢复一次。"
        ) from exc
    discard(staged.folder)


def discard(folder: Path | None) -> None:
    if folder is not None and folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
