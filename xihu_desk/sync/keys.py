"""A node's key pairs: Ed25519 to sign bundle manifests, X25519 to receive encrypted payloads.

All cryptography comes from the ``cryptography`` package. The fingerprint people compare at
enrolment is the SHA-256 of both raw public keys, shown as 16 groups of four hex digits.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw


@dataclass(frozen=True)
class NodeKeys:
    sign_private: bytes  # PKCS#8 PEM
    sign_public: bytes  # raw 32 bytes
    enc_private: bytes  # PKCS#8 PEM
    enc_public: bytes  # raw 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_public, self.enc_public)


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def generate() -> NodeKeys:
    sign = Ed25519PrivateKey.generate()
    enc = X25519PrivateKey.generate()
    return NodeKeys(
        sign_private=_pem(sign),
        sign_public=sign.public_key().public_bytes(_RAW, _RAW_PUB),
        enc_private=_pem(enc),
        enc_public=enc.public_key().public_bytes(_RAW, _RAW_PUB),
    )


def fingerprint(sign_public: bytes, enc_public: bytes) -> str:
    digest = hashlib.sha256(b"xihu-desk-node-v1" + sign_public + enc_public).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4)).upper()


def load_signing_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


# ------------------------------------------------------------------ the key file exchanged at enrolment

KEY_FORMAT = "xihu-desk-node-key/1"


def key_document(
    *,
    node_id: str,
    org_code: str,
    org_name: str,
    level: str,
    parent_code: str | None,
    sign_public: bytes,
    enc_public: bytes,
) -> dict[str, Any]:
    """The public half of a node's identity, as the file the other node enrols."""
    return {
        "format": KEY_FORMAT,
        "node_id": node_id,
        "org_code": org_code,
        "org_name": org_name,
        "level": level,
        "parent_code": parent_code,
        "sign_public": base64.b64encode(sign_public).decode(),
        "enc_public": base64.b64encode(enc_public).decode(),
        "fingerprint": fingerprint(sign_public, enc_public),
    }


@dataclass(frozen=True)
class PeerKey:
    node_id: str
    org_code: str
    org_name: str
    level: Level
    parent_code: str | None
    sign_public: bytes
    enc_public: bytes
    fingerprint: str


def read_key_document(doc: Any) -> PeerKey:
    """A key file checked: its format, key lengths and the fingerprint it states."""
    try:
        if not isinstance(doc, dict) or doc.get("format") != KEY_FORMAT:
            raise ValueError
        sign, enc = base64.b64decode(doc["sign_public"]), base64.b64decode(doc["enc_public"])
        node_id, level, org = str(doc["node_id"]), Level(doc["level"]), str(doc["org_code"])
    except (KeyError, ValueError, TypeError):
        raise UserError("这不是西湖司法所工作台的节点密钥文件。") from None
    if len(sign) != 32 or len(enc) != 32:
        raise UserError("密钥文件中的密钥长度不对，文件可能已损坏。")
    printed = fingerprint(sign, enc)
    if printed != doc.get("fingerprint"):
        raise UserError("密钥文件的指纹与密钥不符，文件可能被改动，请重新导出。")
    parent = doc.get("parent_code")
    return PeerKey(
        node_id,
        org,
        str(doc.get("org_name", org)),
        level,
        parent if isinstance(parent, str) else None,
        sign,
        enc,
        printed,
    )
