"""The payload's records and attachment files as they come in: what a record is called in a
report, which files a case names, and storing a file only when its content matches its name.
Records came from outside: every field is looked at with its type checked first."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xihu_desk.domain import record_checks
from xihu_desk.sync import container
from xihu_desk.sync.container import BundleRefused

DOWNWARD = frozenset(
    {"records/correction.jsonl", "records/reference.jsonl", "records/transfer.jsonl"}
)  # only from the parent


def root_of(kind: str, doc: Any) -> dict[str, Any]:
    """The record's own fields: a case document nests them under "case"."""
    root = doc.get("case") if kind == "case" and isinstance(doc, dict) else doc
    return root if isinstance(root, dict) else {}


def label(kind: str, batch: list[dict[str, Any]], uuid: str) -> str:
    """What a person recognises the record by, made safe to print and to keep."""
    for doc in batch:
        root = root_of(kind, doc)
        if root.get("uuid") == uuid:
            return record_checks.printable(
                root.get("case_no") or root.get("number") or root.get("name") or root.get("title") or uuid
            )
    return uuid


def blob_names(doc: dict[str, Any]) -> set[str]:
    """The attachment files a case document names (whatever shape the rest of it has)."""
    items = doc.get("attachments")
    if not isinstance(items, list):
        return set()
    return {a["sha256"] for a in items if isinstance(a, dict) and isinstance(a.get("sha256"), str)}


def missing_blob(doc: dict[str, Any], has_blob: Callable[[str], bool]) -> str:
    """Why a case cannot be taken because a file it lists is neither in the bundle nor here, or ''."""
    items = doc.get("attachments")
    for a in items if isinstance(items, list) else []:
        if (
            isinstance(a, dict)
            and a.get("deleted") is False
            and isinstance(a.get("sha256"), str)
            and not (container.is_sha256(a["sha256"]) and has_blob(a["sha256"]))
        ):
            return f"附件“{record_checks.printable(a.get('file_name', ''), 60)}”的文件不在数据包中，本单位也没有"
    return ""


def store_blob(
    zf: zipfile.ZipFile, sha: str, target: Path, work: Path, seal: Callable[[str, bytes], bytes] | None = None
) -> None:
    """Copy an attachment into the store through the scratch folder, checking its content once more;
    ``seal`` encrypts it for the store (services/attachment_vault.py), so no plain copy touches disk."""
    if target.exists():
        return
    with zf.open(f"blobs/{sha}") as src:
        content = src.read(container.MAX_BLOB + 1)
    if hashlib.sha256(content).hexdigest() != sha:
        raise BundleRefused(f"数据包中的附件 {sha[:12]}… 的内容与其名称不符。")
    partial = work / f"blob-{sha}"
    partial.write_bytes(seal(sha, content) if seal is not None else content)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(target)
