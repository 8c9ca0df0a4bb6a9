"""The bundle file: a zip holding a signed manifest and an encrypted payload.

    bundle.xdb (zip, stored)
      manifest.json   canonical JSON: who, to whom, sequence, hashes, counts, the wrapped key
      manifest.sig    Ed25519 signature of manifest.json by the sender
      payload.bin     the inner zip (records as JSON Lines, attachments by hash), encrypted

The payload key is random per bundle and wrapped to the receiver's X25519 key (ephemeral
X25519, HKDF-SHA256, ChaCha20-Poly1305), so the sender's laptop cannot read what it exported.
The payload is encrypted in 64 KiB chunks; each nonce carries the chunk counter and a
final-chunk flag, so reordering and truncation fail authentication (the STREAM idea of age).
Everything here is pure: bytes and files in, bytes and files out; no database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xihu_desk.domain.errors import UserError

FORMAT = "xihu-desk-bundle/1"
CHUNK = 64 * 1024
OUTER_MEMBERS = ("manifest.json", "manifest.sig", "payload.bin")
INNER_NAME = re.compile(r"^(records/[a-z_]+\.jsonl|blobs/[0-9a-f]{64})$")
MAX_MANIFEST = 4 * 1024 * 1024
MAX_MEMBER = 2 * 1024 * 1024 * 1024
MAX_TOTAL = 8 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # uncompressed / compressed, per member


class BundleRefused(UserError):
    """The file is not a sound bundle for us; nothing was written."""


def canonical(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# ------------------------------------------------------------------ key wrapping and the stream


def _wrap_key(file_key: bytes, recipient_public: bytes) -> dict[str, str]:
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    wrap = HKDF(hashes.SHA256(), 32, eph_pub + recipient_public, b"xihu-desk bundle key v1").derive(shared)
    return {"ephemeral": eph_pub.hex(), "wrapped": ChaCha20Poly1305(wrap).encrypt(b"\0" * 12, file_key, None).hex()}


def _unwrap_key(wrapped: dict[str, str], recipient_private: X25519PrivateKey) -> bytes:
    recipient_public = recipient_private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    eph_pub = bytes.fromhex(wrapped["ephemeral"])
    shared = recipient_private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    wrap = HKDF(hashes.SHA256(), 32, eph_pub + recipient_public, b"xihu-desk bundle key v1").derive(shared)
    try:
        return ChaCha20Poly1305(wrap).decrypt(b"\0" * 12, bytes.fromhex(wrapped["wrapped"]), None)
    except InvalidTag:
        raise BundleRefused("数据包不是发给本单位的（无法用本单位的密钥解开）。") from None


def _nonce(counter: int, final: bool) -> bytes:
    return struct.pack(">QB", counter, 1 if final else 0) + b"\0\0\0"


def encrypt_stream(src: IO[bytes], dst: IO[bytes], key: bytes, aad: bytes) -> None:
    aead = ChaCha20Poly1305(key)
    counter = 0
    chunk = src.read(CHUNK)
    while True:
        following = src.read(CHUNK)
        final = not following
        sealed = aead.encrypt(_nonce(counter, final), chunk, aad)
        dst.write(struct.pack(">I", len(sealed)) + sealed)
        if final:
            return
        chunk, counter = following, counter + 1


def decrypt_stream(src: IO[bytes], dst: IO[bytes], key: bytes, aad: bytes) -> None:
    aead = ChaCha20Poly1305(key)
    counter = 0
    while True:
        head = src.read(4)
        if len(head) < 4:
            raise BundleRefused("数据包内容不完整（被截断）。")
        (size,) = struct.unpack(">I", head)
        if size > CHUNK + 16:
            raise BundleRefused("数据包内容格式不对。")
        sealed = src.read(size)
        try:
            plain = aead.decrypt(_nonce(counter, False), sealed, aad)
            final = False
        except InvalidTag:
            try:
                plain = aead.decrypt(_nonce(counter, True), sealed, aad)
                final = True
            except InvalidTag:
                raise BundleRefused("数据包内容校验失败（被改动或损坏）。") from None
        dst.write(plain)
        if final:
            if src.read(1):
                raise BundleRefused("数据包末尾有多余内容。")
            return
        counter += 1


# ------------------------------------------------------------------ safe zip reading


def check_zip(zf: zipfile.ZipFile, allowed: Callable[[str], bool], what: str) -> list[zipfile.ZipInfo]:
    """Refuse zip tricks before anything is decompressed: unexpected, duplicate, absolute or
    parent-directory names, links, too many or too large members, and zip bombs."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleRefused(f"{what}中的文件过多。")
    seen, total = set(), 0
    for info in infos:
        name = info.filename
        if name in seen:
            raise BundleRefused(f"{what}中有重复的文件名：{name}")
        seen.add(name)
        if name.startswith(("/", "\\")) or ".." in name.split("/") or ":" in name or "\\" in name:
            raise BundleRefused(f"{what}中有不安全的路径：{name}")
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise BundleRefused(f"{what}中有链接文件：{name}")
        if not allowed(name):
            raise BundleRefused(f"{what}中有不应出现的文件：{name}")
        if info.file_size > MAX_MEMBER:
            raise BundleRefused(f"{what}中的文件过大：{name}")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
            raise BundleRefused(f"{what}中的文件压缩比异常（疑似压缩炸弹）：{name}")
        total += info.file_size
    if total > MAX_TOTAL:
        raise BundleRefused(f"{what}过大。")
    return infos


# ------------------------------------------------------------------ writing and opening


@dataclass(frozen=True)
class Sender:
    node_id: str
    sign_private_pem: bytes


def write_bundle(target: Path, manifest: dict[str, Any], inner_zip: Path, sender: Sender,
                 recipient_enc_public: bytes) -> str:
    """Encrypt ``inner_zip`` into ``target`` with the signed manifest; returns the bundle's
    SHA-256. Written under a temporary name, flushed, read back and verified, then renamed."""
    file_key = ChaCha20Poly1305.generate_key()
    manifest = dict(manifest, format=FORMAT, key=_wrap_key(file_key, recipient_enc_public))
    encrypted = target.with_name(target.name + ".payload.partial")
    partial = target.with_name(target.name + ".partial")
    try:
        with inner_zip.open("rb") as src, encrypted.open("wb") as dst:
            encrypt_stream(src, dst, file_key, manifest["bundle_id"].encode())
        manifest["payload_sha256"] = sha256_file(encrypted)
        manifest["payload_size"] = encrypted.stat().st_size
        body = canonical(manifest)
        key = serialization.load_pem_private_key(sender.sign_private_pem, password=None)
        assert isinstance(key, Ed25519PrivateKey)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("manifest.json", body)
            zf.writestr("manifest.sig", key.sign(body))
            zf.write(encrypted, "payload.bin")
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        # Read back what the stick now holds before calling it done.
        with zipfile.ZipFile(partial) as zf:
            check_zip(zf, lambda n: n in OUTER_MEMBERS, "数据包")
            with zf.open("payload.bin") as p:
                h = hashlib.sha256()
                for block in iter(lambda: p.read(1 << 20), b""):
                    h.update(block)
            if h.hexdigest() != manifest["payload_sha256"] or zf.read("manifest.json") != body:
                raise UserError("写入后读回校验失败：目标磁盘可能有问题，请换一个 U 盘或文件夹再试。")
        partial.replace(target)
    finally:
        encrypted.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return sha256_file(target)


@dataclass(frozen=True)
class OpenedBundle:
    manifest: dict[str, Any]
    sha256: str


def read_manifest(path: Path, sender_sign_public: Callable[[str], bytes | None]) -> OpenedBundle:
    """Check the container and the sender's signature; no payload is read yet."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise BundleRefused("这不是一个数据包文件（无法打开或已损坏）。") from None
    with zf:
        infos = check_zip(zf, lambda n: n in OUTER_MEMBERS, "数据包")
        if {i.filename for i in infos} != set(OUTER_MEMBERS):
            raise BundleRefused("数据包缺少必要的组成部分。")
        if zf.getinfo("manifest.json").file_size > MAX_MANIFEST:
            raise BundleRefused("数据包清单过大。")
        try:
            body, sig = zf.read("manifest.json"), zf.read("manifest.sig")
        except (zipfile.BadZipFile, OSError, EOFError):
            raise BundleRefused("数据包已损坏。") from None
    try:
        manifest = json.loads(body)
    except ValueError:
        raise BundleRefused("数据包清单无法解析。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("数据包格式不受支持（可能来自更新版本的程序）。")
    public = sender_sign_public(str(manifest.get("origin", "")))
    if public is None:
        raise BundleRefused("发送单位尚未登记（未交换密钥），拒绝导入。请先在“数据交换”中登记该单位的密钥文件。")
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(sig, body)
    except InvalidSignature:
        raise BundleRefused("数据包签名无效：文件被改动，或不是该单位生成的。") from None
    return OpenedBundle(manifest, sha256_file(path))


def decrypt_payload(path: Path, opened: OpenedBundle, recipient_enc_private_pem: bytes, target: Path) -> None:
    """Authenticate and decrypt the payload into ``target`` (a temporary file)."""
    key = serialization.load_pem_private_key(recipient_enc_private_pem, password=None)
    assert isinstance(key, X25519PrivateKey)
    file_key = _unwrap_key(opened.manifest["key"], key)
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("payload.bin")
        if info.file_size != opened.manifest.get("payload_size"):
            raise BundleRefused("数据包内容长度与清单不符（被截断或改动）。")
        h = hashlib.sha256()
        with zf.open("payload.bin") as src, target.open("wb") as dst:
            class _Hashing:
                def read(self, n: int) -> bytes:
                    data = src.read(n)
                    h.update(data)
                    return data
            decrypt_stream(_Hashing(), dst, file_key, opened.manifest["bundle_id"].encode())
        if h.hexdigest() != opened.manifest.get("payload_sha256"):
            raise BundleRefused("数据包内容与清单的校验值不符。")


def iter_jsonl(zf: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with zf.open(name) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
