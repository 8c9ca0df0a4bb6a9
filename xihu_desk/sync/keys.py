"""A node's key pairs: Ed25519 to sign bundle manifests, X25519 to receive encrypted payloads.

All cryptography comes from the ``cryptography`` package. The fingerprint people compare at
enrolment is the SHA-256 of both raw public keys, shown as 16 groups of four hex digits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

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
