"""The audit log's hash chain: each entry's hash covers the previous hash and the entry."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def link(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical(entry)).hexdigest()


# ------------------------------------------------------------------ anchor
# The chain alone proves that no row in the middle changed; it cannot show that the last rows
# were deleted, nor that the whole chain was rewritten and hashed again. An anchor is the head
# (seq and hash) signed with the node's Ed25519 key and kept in a second place: a file in the
# data folder (updated after each commit that adds audit rows) and a row in the database itself
# (so every backup carries the head it had). ``check`` compares the chain with both.

ANCHOR_VERSION = 1


def _anchor_message(node_id: str, seq: int, head: str) -> bytes:
    return f"xihu-desk/audit-anchor/v{ANCHOR_VERSION}|{node_id}|{seq}|{head}".encode()


def sign_anchor(sign_private: Any, node_id: str, seq: int, head: str, at: str) -> dict[str, Any]:
    """An anchor document; ``sign_private`` is a loaded Ed25519 private key."""
    sig = sign_private.sign(_anchor_message(node_id, seq, head))
    return {"v": ANCHOR_VERSION, "node": node_id, "seq": seq, "hash": head, "at": at, "sig": sig.hex()}


def parse_anchor(text: str | bytes | None) -> dict[str, Any] | None:
    """The anchor's fields when well-formed, else None (the signature is checked separately)."""
    if not text:
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("v") != ANCHOR_VERSION:
        return None
    seq, head, node, sig = doc.get("seq"), doc.get("hash"), doc.get("node"), doc.get("sig")
    if not (
        isinstance(seq, int)
        and not isinstance(seq, bool)
        and seq >= 1
        and isinstance(head, str)
        and len(head) == 64
        and isinstance(node, str)
        and isinstance(sig, str)
    ):
        return None
    return doc


def anchor_signed_by(doc: dict[str, Any], sign_public: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(sign_public).verify(
            bytes.fromhex(doc["sig"]), _anchor_message(doc["node"], doc["seq"], doc["hash"])
        )
    except (InvalidSignature, ValueError):
        return False
    return True
