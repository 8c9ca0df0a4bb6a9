"""Attachment files at rest: encrypted and authenticated (AES-256-GCM), under names that say nothing
about their content.

A record names its file by the SHA-256 of the content (that name travels in bundles and dedups the
store). On disk the file is called HMAC(name key, that SHA-256) instead, so a stolen folder cannot
be checked against a known document, and holds ``MAGIC | nonce | ciphertext+tag`` with the content
SHA-256 as associated data: a file swapped for another, or changed by one bit, does not open.

The keys come from the node's private encryption key through HKDF (separate ``info`` for each): they
live only inside the database (which is itself encrypted), never in a file, and are the same in
every backup of this node, including those made before attachments were encrypted, so restoring
any backup keeps the attachment folder readable.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.store.models import Node

MAGIC = b"XDA1"
_NONCE = 12
FOLDER = "attachments"


class AttachmentDamaged(UserError):
    """An attachment file that does not decrypt, or whose content is not what its record names."""


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"xihu-desk attachments", info=info).derive(secret)


@dataclass(frozen=True)
class Vault:
    """The attachment folder of one data folder with this node's keys."""

    root: Path
    _enc: bytes
    _name: bytes

    @property
    def folder(self) -> Path:
        return self.root / FOLDER

    def path(self, sha256: str) -> Path:
        """Where the file whose content has this SHA-256 is stored (encrypted)."""
        return self.folder / self.relative(sha256)

    def relative(self, sha256: str) -> str:
        """That file's name below the attachment folder, ``ab/ab…`` (a backup's folder uses the same)."""
        name = hmac.new(self._name, sha256.encode("ascii"), hashlib.sha256).hexdigest()
        return f"{name[:2]}/{name}"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def seal(self, sha256: str, content: bytes) -> bytes:
        nonce = os.urandom(_NONCE)  # a fresh nonce per file (and per re-encryption)
        return MAGIC + nonce + AESGCM(self._enc).encrypt(nonce, content, MAGIC + sha256.encode("ascii"))

    def open_bytes(self, sha256: str, blob: bytes) -> bytes:
        """The content of an encrypted file; AttachmentDamaged when it is not intact."""
        if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + _NONCE + 16:
            raise AttachmentDamaged("附件文件已损坏或被改动")
        nonce = blob[len(MAGIC) : len(MAGIC) + _NONCE]
        try:
            content = AESGCM(self._enc).decrypt(nonce, blob[len(MAGIC) + _NONCE :], MAGIC + sha256.encode("ascii"))
        except InvalidTag:
            raise AttachmentDamaged("附件文件已损坏或被改动") from None
        if hashlib.sha256(content).hexdigest() != sha256:
            raise AttachmentDamaged("附件文件的内容与登记的不符")
        return content

    def read(self, sha256: str) -> bytes:
        """The plain content of a stored file (FileNotFoundError when absent)."""
        return self.open_bytes(sha256, self.path(sha256).read_bytes())

    def write(self, sha256: str, content: bytes) -> Path:
        """Store content (whose SHA-256 the caller has checked) encrypted, through a partial file
        replaced at once; a file already there is kept."""
        target = self.path(sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        try:
            partial.write_bytes(self.seal(sha256, content))
            partial.replace(target)
        except OSError:
            partial.unlink(missing_ok=True)
            raise
        return target


def vault(session: Session, root: Path) -> Vault:
    """The vault of the data folder ``root``, its keys read from this node's row."""
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return from_secret(root, bytes(node.enc_private))


def from_secret(root: Path, secret: bytes) -> Vault:
    """The vault of ``root`` for a node whose private encryption key is ``secret`` (a backup's node,
    read from the backup file itself: services/attachment_backup.py)."""
    return Vault(Path(root), _derive(secret, b"content v1"), _derive(secret, b"name v1"))


def damaged_message(case_no: str, file_name: str) -> str:
    """One line for a file that does not open: which case, which material, what to do."""
    return (
        f"案件 {case_no} 的附件“{file_name}”已损坏或被改动，无法打开。请从原件重新扫描添加，或从上级单位的数据中恢复。"
    )
