"""The recovery-key sheet for this node (documents/recovery_sheet.py): the node's facts from the
database, the code handed in by whoever has it at that moment (init, the setup wizard, rekey), and
the PDF written whole to a place outside the data folder (it holds the key)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from xihu_desk.documents import recovery_sheet
from xihu_desk.domain.errors import UserError
from xihu_desk.services import at_rest, node
from xihu_desk.services.units import reads
from xihu_desk.store import db_key, recovery_code


def check_target(data_root: Path, target: Path | str) -> Path:
    """Where the sheet may be written: a .pdf outside the data folder (whoever copies the data
    folder must not get the key with it). UserError otherwise; nothing is written."""
    path = Path(target).expanduser()
    if path.suffix.lower() != ".pdf":
        raise UserError(f"恢复密钥单的文件名应以 .pdf 结尾：{path}")
    at_rest.outside_data(data_root, path, "恢复密钥单不能保存在数据目录中，请保存到 U 盘或直接打印后删除。")
    if not path.resolve().parent.is_dir():
        raise UserError(f"文件夹不存在：{path.resolve().parent}")
    return path


@reads
def pdf_bytes(session: Session, code: str, today: date) -> bytes:
    """The sheet for this node and ``code`` as PDF bytes."""
    parts = recovery_sheet.groups(code)
    if not parts or not all(p.isascii() and p.isalnum() for p in parts):
        raise UserError("恢复密钥格式不对，无法生成恢复密钥单。")
    info = node.node_info(session)
    facts = recovery_sheet.SheetFacts(info.org_name, info.org_code, info.node_id, today, "-".join(parts))
    pdf, _pages = recovery_sheet.build_pdf(facts)
    return pdf


@reads
def write(session: Session, data_root: Path, code: str, target: Path | str, today: date) -> Path:
    """Write the sheet to ``target`` (a partial file replaced at once: never half a sheet)."""
    path = check_target(data_root, target)
    return at_rest.write_whole(path, pdf_bytes(session, code, today), "恢复密钥单")


@reads
def write_from_key_file(
    session: Session, data_root: Path, key_file: Path | str, target: Path | str, today: date
) -> Path:
    """The sheet again from a recovery-key file (after ``rekey``, or an ``init`` that wrote the key
    to a file): refused unless the key opens this node, so no sheet is ever printed for a wrong key."""
    check_target(data_root, target)
    code = recovery_code.read_file(key_file)
    db_key.key_from_code(code, Path(data_root))
    return write(session, data_root, code, target, today)
