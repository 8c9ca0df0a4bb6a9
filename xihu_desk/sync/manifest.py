"""What a bundle's manifest says besides the framing (sync/container.py checks the framing and
the field types): who sends to whom, the place in the sender's line, the counts, the SHA-256 of
every member of the payload and the nodes whose records the sender forwards. The members are
checked against that list before anything is read from them."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import datetime
from typing import Any

from xihu_desk.sync import container
from xihu_desk.sync.container import BundleRefused


def build(
    *,
    bundle_id: str,
    origin: str,
    origin_org: str,
    destination: str,
    sequence: int,
    prev_sha256: str,
    created: datetime,
    schema: str,
    reference: dict[str, str],
    app_version: str,
    counts: dict[str, int],
    members: dict[str, str],
    children: list[dict[str, Any]],
    audit_head: Any,
) -> dict[str, Any]:
    """The manifest of the next bundle (container.write_bundle adds format, key and payload size)."""
    return {
        "bundle_id": bundle_id,
        "origin": origin,
        "origin_org": origin_org,
        "destination": destination,
        "sequence": sequence,
        "prev_sha256": prev_sha256,
        "created_at": created.isoformat(timespec="seconds"),
        "schema": schema,
        "reference": reference,
        "app_version": app_version,
        "counts": counts,
        "members": members,
        "children": children,
        "audit_head": audit_head,
    }


def file_name(origin_org: str, destination_org: str, sequence: int, created: datetime) -> str:
    """XD_<from>_to_<to>_<sequence>_<date>.xdb: sorts by sequence in a folder, says who to whom."""
    return f"XD_{origin_org}_to_{destination_org}_{sequence:04d}_{created:%Y%m%d}.xdb"


def member_sha(zf: zipfile.ZipFile, name: str) -> str:
    h = hashlib.sha256()
    with zf.open(name) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def member_digests(zf: zipfile.ZipFile) -> dict[str, str]:
    return {info.filename: member_sha(zf, info.filename) for info in zf.infolist()}


def verify_members(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """The payload holds exactly the members the signed manifest lists, each with its hash."""
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise BundleRefused("数据包清单缺少内容校验值。")
    container.check_zip(zf, lambda n: bool(container.INNER_NAME.match(n)), "数据包内容")
    names = {i.filename for i in zf.infolist()}
    if names != set(members):
        raise BundleRefused("数据包内容与清单不一致。")
    for name, sha in members.items():
        if member_sha(zf, name) != sha:
            raise BundleRefused(f"数据包中 {name} 的校验值与清单不符。")
