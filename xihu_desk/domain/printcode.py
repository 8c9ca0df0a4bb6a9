"""The 核验码 printed in every page footer: ties a paper copy to the case record without a table.

A code is 24 characters of Crockford base32 (digits and capitals without I, L, O, U), shown in
six groups of four: ``A0CF-7M2K-Q8R0-01XH-3KQW-9T2P``. Its 120 bits are

    kind      5 bits   which document (agreement, notice, …)
    case     40 bits   the first 10 hex digits of the case uuid (found with an indexed prefix search)
    version  15 bits   mediation_case.version when printed (modulo 32768)
    digest   20 bits   a hash of what the document printed (so a later change elsewhere in the
                       case does not make an unchanged agreement look stale)
    mac      40 bits   HMAC-SHA256 over kind, the whole uuid, version and digest, keyed from the
                       node's signing key; a made-up or mistyped code fails it

Nothing here touches the database: the service finds the case and supplies the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_DECODE = {c: i for i, c in enumerate(ALPHABET)} | {"O": 0, "I": 1, "L": 1}
LENGTH = 24
VERSION_MOD = 1 << 15

# The CLI's KIND words (design.md §10) and what each prints.
TITLES = {
    "agreement": "人民调解协议书",
    "oral-agreement": "人民调解口头协议登记表",
    "application": "人民调解申请书",
    "register": "人民调解受理登记表",
    "notice": "人民调解当事人权利义务告知书",
    "record": "人民调解调查记录、调解记录",
    "followup": "人民调解回访记录",
    "closing": "人民调解结案报告表",
    "casefile": "人民调解卷宗",
    "confirmation": "司法确认申请书",
    "referral": "人民调解转介单",
}
# One base32 character per document kind.
KIND_CHARS = {
    "agreement": "A",
    "oral-agreement": "K",
    "application": "S",
    "register": "R",
    "notice": "N",
    "record": "J",
    "followup": "F",
    "closing": "C",
    "casefile": "V",
    "confirmation": "Q",
    "referral": "T",
}
CHAR_KINDS = {c: k for k, c in KIND_CHARS.items()}


class BadCode(ValueError):
    """Not a well-formed code (wrong length, characters or kind)."""


@dataclass(frozen=True)
class Code:
    kind: str
    uuid_prefix: str  # 10 lower-case hex digits
    version: int  # modulo VERSION_MOD
    digest: int
    mac: int

    def text(self) -> str:
        value = _DECODE[KIND_CHARS[self.kind]]
        value = (value << 40) | int(self.uuid_prefix, 16)
        value = (value << 15) | self.version
        value = (value << 20) | self.digest
        value = (value << 40) | self.mac
        chars = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
        return "-".join(chars[i : i + 4] for i in range(0, LENGTH, 4))


def content_digest(content: Any) -> int:
    """20 bits of SHA-256 over canonical JSON of what a document shows."""
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return int.from_bytes(hashlib.sha256(blob.encode("utf-8")).digest()[:3], "big") >> 4


def print_key(secret: bytes) -> bytes:
    """A key for print codes only, derived from the node's signing key."""
    return hmac.new(b"xihu-desk/print-code/v1", secret, hashlib.sha256).digest()


def _mac(key: bytes, kind: str, uuid: str, version: int, digest: int) -> int:
    msg = f"{kind}|{uuid.lower()}|{version % VERSION_MOD}|{digest}".encode()
    return int.from_bytes(hmac.new(key, msg, hashlib.sha256).digest()[:5], "big")


def make(key: bytes, kind: str, uuid: str, version: int, digest: int) -> Code:
    if kind not in KIND_CHARS:
        raise ValueError(f"unknown document kind {kind!r}")
    prefix = uuid.replace("-", "").lower()[:10]
    return Code(kind, prefix, version % VERSION_MOD, digest, _mac(key, kind, uuid, version, digest))


def parse(text: str) -> Code:
    """Read a code as typed: case, spaces and hyphens do not matter; O/I/L read as 0/1/1."""
    chars = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    if len(chars) != LENGTH or any(ch not in _DECODE for ch in chars):
        raise BadCode(text)
    value = 0
    for ch in chars:
        value = (value << 5) | _DECODE[ch]
    mac = value & ((1 << 40) - 1)
    digest = (value >> 40) & ((1 << 20) - 1)
    version = (value >> 60) & (VERSION_MOD - 1)
    prefix = (value >> 75) & ((1 << 40) - 1)
    kind_char = ALPHABET[value >> 115]
    if kind_char not in CHAR_KINDS:
        raise BadCode(text)
    return Code(CHAR_KINDS[kind_char], f"{prefix:010x}", version, digest, mac)


def authentic(key: bytes, code: Code, uuid: str) -> bool:
    """Whether the code was made by this key for this case (constant-time comparison)."""
    if not uuid.replace("-", "").lower().startswith(code.uuid_prefix):
        return False
    expected = _mac(key, code.kind, uuid, code.version, code.digest)
    return hmac.compare_digest(expected.to_bytes(5, "big"), code.mac.to_bytes(5, "big"))


def same_version(code: Code, version: int) -> bool:
    return code.version == version % VERSION_MOD
