"""Scans and photos of a case, stored once by content hash under the data folder, encrypted
(services/attachment_vault.py); reading one back for viewing, and encrypting files an older
version left plain."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import ATTACHMENT_KINDS
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import audit
from xihu_desk.services.attachment_mark import DONE_MARK, may_hold_plain
from xihu_desk.services.attachment_vault import MAGIC, AttachmentDamaged, Vault, damaged_message, vault
from xihu_desk.services.cases import check_editable, get_case
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.services.view_copies import VIEW_FOLDER, clear_view_copies, view_folder  # noqa: F401 - part of this service
from xihu_desk.store.case_models import Attachment, MediationCase
from xihu_desk.store.models import Node

MAX_BYTES = 50 * 1024 * 1024
_HEX64 = re.compile(r"[0-9a-f]{64}")


def legacy_path(root: Path, sha256: str) -> Path:
    """Where versions before encryption kept the plain file."""
    return root / "attachments" / sha256[:2] / sha256


def add_attachment(session, actor: Actor, data_root: Path, case_uuid: str, kind: str, source: Path) -> str:
    """Copy the file into the store (a file already there is reused), then record it.
    The copy happens first: if the transaction then fails, an unreferenced file is harmless."""
    case = get_case(session, case_uuid)
    check_editable(session, actor, case, allow_closed=True)
    if kind not in ATTACHMENT_KINDS:
        raise FieldError("kind", "请选择材料类别。")
    source = Path(source)
    if not source.is_file():
        raise UserError(f"找不到文件：{source}")
    if source.stat().st_size > MAX_BYTES:
        raise UserError("文件超过 50 MB，请压缩或分成几份后再添加。")
    content = source.read_bytes()
    sha, size = hashlib.sha256(content).hexdigest(), len(content)
    try:
        vault(session, data_root).write(sha, content)
    except OSError as exc:
        raise UserError(f"保存附件失败：{exc.strerror or type(exc).__name__}。请检查磁盘空间。") from exc
    row = Attachment(uuid="", case_uuid=case.uuid, kind=kind, file_name=source.name, sha256=sha, size=size)
    stamp_new(session, actor, row)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "case.attachment",
        "attachment",
        row.uuid,
        summary=f"{case.case_no} 添加{ATTACHMENT_KINDS[kind]}：{source.name}",
    )
    return row.uuid


def _label(session: Session, row: Attachment) -> str:
    case = session.get(MediationCase, row.case_uuid)
    return damaged_message(case.case_no if case else row.case_uuid, row.file_name)


def read_content(session: Session, data_root: Path, attachment_uuid: str) -> tuple[str, bytes]:
    """An attachment's file name and plain content. A file missing or not intact is a UserError
    naming the case and the material."""
    row = session.get(Attachment, attachment_uuid)
    if row is None:
        raise UserError("找不到这份材料，可能已被删除。请刷新后再试。")
    store = vault(session, data_root)
    try:
        return row.file_name, store.read(row.sha256)
    except FileNotFoundError:
        raise UserError(f"附件文件不在数据目录中（可能尚未从备份中恢复）：{row.file_name}") from None
    except AttachmentDamaged:
        raise AttachmentDamaged(_label(session, row)) from None


def view_copy(session: Session, actor: Actor, data_root: Path, attachment_uuid: str, folder: Path) -> Path:
    """A plain copy under the original name in ``folder`` (``view_folder()``: emptied at start and
    exit), so the PC picks the viewer."""
    name, content = read_content(session, data_root, attachment_uuid)
    target = Path(folder) / attachment_uuid[:12] / Path(name).name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    return target


def content_for_bundle(session: Session, store: Vault, sha256: str) -> bytes:
    """The plain content to put in a bundle (which encrypts it itself); a damaged file names the
    case and material that use it."""
    try:
        return store.read(sha256)
    except AttachmentDamaged:
        row = session.scalar(select(Attachment).where(Attachment.sha256 == sha256).limit(1))
        raise AttachmentDamaged(_label(session, row) if row else "附件文件已损坏或被改动，无法导出。") from None


def plain_files(data_root: Path) -> list[Path]:
    """Files an older version stored plain: named by the SHA-256 of their content (an encrypted
    file's name is a keyed hash, and its content starts with the vault's mark)."""
    folder = Path(data_root) / "attachments"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("??/*")):
        if path.is_file() and _HEX64.fullmatch(path.name) and path.parent.name == path.name[:2]:
            with path.open("rb") as f:
                if f.read(4) == MAGIC:
                    continue
            found.append(path)
    return found


def encrypt_plain(
    session: Session, data_root: Path, step: Callable[[int, int], object] | None = None
) -> tuple[int, list[str]]:
    """Encrypt every plain file an older version left, each verified (decrypted and hashed) before
    its plain copy is removed. Returns how many were encrypted and the files left as they were
    (their content no longer matches their name: damaged before; kept for a person to look at)."""
    store = vault(session, data_root)
    done, kept = 0, []
    files = plain_files(data_root)
    for n, path in enumerate(files, 1):
        content = path.read_bytes()
        sha = path.name
        if hashlib.sha256(content).hexdigest() != sha:
            kept.append(str(path))
            continue
        store.write(sha, content)
        store.read(sha)  # decrypts and checks the hash: the plain copy goes only after this
        path.unlink()
        done += 1
        if step is not None:
            step(n, len(files))
    return done, kept


def encrypt_on_open(root: Path, db, say: Callable[[str], object] | None = None) -> int:
    """Once per data folder, after the upgrade that brought encryption: encrypt the plain files
    an older version left (``say`` is told about progress when there are many). Returns how many."""
    folder = Path(root) / "attachments"
    if not may_hold_plain(Path(root)) or db.read_blocked is not None:
        return 0
    with db.read() as session:
        if session.get(Node, 1) is None:
            return 0
        every = 50

        def step(n: int, total: int) -> None:
            if say is not None and total >= every and (n % every == 0 or n == total):
                say(f"正在加密旧版本保存的附件：{n}/{total}")

        done, kept = encrypt_plain(session, root, step)
    if kept and say is not None:
        say(f"有 {len(kept)} 个附件文件的内容与其名称不符（早已损坏），保留原样：{kept[0]} 等")
    (folder / DONE_MARK).write_text("attachments encrypted\n", encoding="utf-8")
    return done
