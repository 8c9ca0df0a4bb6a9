"""Scans and photos of a case, stored once by content hash under the data folder."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from xihu_desk.domain.cases import ATTACHMENT_KINDS
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import audit
from xihu_desk.services.cases import check_editable, get_case
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.store.case_models import Attachment

MAX_BYTES = 50 * 1024 * 1024


def store_path(root: Path, sha256: str) -> Path:
    return root / "attachments" / sha256[:2] / sha256


def _hash(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


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
    sha, size = _hash(source)
    if size > MAX_BYTES:
        raise UserError("文件超过 50 MB，请压缩或分成几份后再添加。")
    target = store_path(data_root, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        try:
            shutil.copyfile(source, partial)
            partial.replace(target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise UserError(f"保存附件失败：{exc}。请检查磁盘空间。") from exc
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
