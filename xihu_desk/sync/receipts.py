"""The receipt a receiver signs for a bundle (design.md §5.3): per record accepted, duplicate,
stale, refused or quarantined, and after a fork or a clash where the receiver stands for that
sender (``resync``), so the sender can re-base. Signed with the receiver's Ed25519 key over the
canonical JSON; a receipt counts only with a valid signature of the node it names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from xihu_desk.domain.errors import UserError
from xihu_desk.sync import container

FORMAT = "xihu-desk-receipt/1"
TAKEN = ("accepted", "duplicate", "stale")  # statuses that acknowledge a record


def document(
    *,
    receiver: str,
    sender: str,
    manifest: dict[str, Any] | None,
    bundle_sha256: str | None,
    records: list[list[Any]],
    made_at: str,
    resync: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A receipt for a bundle (``manifest``), or without one: a re-basing receipt made on request."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "receiver": receiver,
        "sender": sender,
        "bundle_id": manifest["bundle_id"] if manifest else None,
        "sequence": manifest["sequence"] if manifest else None,
        "bundle_sha256": bundle_sha256,
        "records": records,
        "made_at": made_at,
    }
    if resync is not None:
        doc["resync"] = resync
    return doc


def write(doc: dict[str, Any], key: Ed25519PrivateKey, target: Path) -> Path:
    """Sign and write ``doc`` whole (a half-written receipt never lies next to the bundle)."""
    body = container.canonical(doc)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(
        json.dumps({"receipt": doc, "signature": key.sign(body).hex()}, ensure_ascii=False), encoding="utf-8"
    )
    partial.replace(target)
    return target


@dataclass(frozen=True)
class Signed:
    doc: dict[str, Any]
    signature: bytes

    @property
    def resync(self) -> dict[str, Any] | None:
        value = self.doc.get("resync")
        return value if isinstance(value, dict) else None

    def verify(self, public: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(self.signature, container.canonical(self.doc))
        except InvalidSignature:
            raise UserError("回执签名无效：文件被改动，或不是该单位生成的。") from None


def read(path: Path) -> Signed:
    try:
        outer = json.loads(Path(path).read_text(encoding="utf-8"))
        doc, signature = outer["receipt"], bytes.fromhex(outer["signature"])
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("records"), list):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UserError("这不是一个回执文件，或文件已损坏。") from None
    return Signed(doc, signature)


def tally(records: list[Any]) -> tuple[list[tuple[str, str, int]], list[dict[str, Any]]]:
    """The records a receipt acknowledges (kind, uuid, version) and those it did not take."""
    taken, not_taken = [], []
    try:
        for kind, uuid, version, status, reason in records:
            if status in TAKEN:
                taken.append((kind, uuid, version))
            else:
                not_taken.append({"kind": kind, "uuid": uuid, "status": status, "reason": reason})
    except (TypeError, ValueError):
        raise UserError("回执内容格式不对，文件可能已损坏。") from None
    return taken, not_taken
