"""The bundle file: a signed manifest and an encrypted payload, framed so that every byte counts.

    "XIHUDESK-BUNDLE1"         16 bytes
    u32 length, manifest.json  canonical JSON: who, to whom, sequence, hashes, counts, the wrapped key
    u32 length, signature      Ed25519 signature of manifest.json by the sender
    u64 length, payload        the inner zip (records as JSON Lines, attachments by hash), encrypted
    (end of file)

Not a zip on the outside: a zip has bytes no signature covers (timestamps, "version made by"),
so a flipped byte there would pass unnoticed. Here the framing is checked, the manifest is
signed, the payload's hash is in the manifest and the payload is authenticated chunk by chunk.
The inner payload, once decrypted, is a zip read with the safe-unpacking checks below.

The payload key is random per bundle and wrapped to the receiver's X25519 key (ephemeral
X25519, HKDF-SHA256, ChaCha20-Poly1305), so the sender's laptop cannot read what it exported.
The payload is encrypted in 64 KiB chunks; each nonce carries the chunk counter and a
final-chunk flag, so reordering and truncation fail authentication (the STREAM idea of age).
Everything here is pure: bytes and files in, bytes and files out; no database.

Nothing in a bundle is parsed before the signature over it is verified: the manifest's bytes are
checked against the key of each enrolled peer first, and only the verified bytes are parsed, with
their size and nesting bounded and every field's type checked. A child that signs garbage is
still a child that may be broken or compromised: the records are read one bounded line at a time
and a bad line is reported, never raised past the import (domain/record_checks.py).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from xihu_desk.domain import record_checks
from xihu_desk.domain.errors import UserError
from xihu_desk.store import write_errors
from xihu_desk.sync.sequences import MAX_SEQUENCE

FORMAT = "xihu-desk-bundle/1"
MAGIC = b"XIHUDESK-BUNDLE1"
CHUNK = 64 * 1024
INNER_NAME = re.compile(r"^(records/[a-z_]+\.jsonl|blobs/[0-9a-f]{64})$")
MAX_MANIFEST = 4 * 1024 * 1024
MAX_MEMBER = 2 * 1024 * 1024 * 1024
MAX_TOTAL = 8 * 1024 * 1024 * 1024
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # uncompressed / compressed, per member
MAX_BLOB = 50 * 1024 * 1024  # an attachment (services/attachments.py takes no larger file)
MANIFEST_DEPTH = 16  # {"members": {...}, "children": [{...}]} is three deep; room for what is added later
_HEX64 = re.compile(r"[0-9a-f]{64}")


class BundleRefused(UserError):
    """The file is not a sound bundle for us; nothing was written."""


@contextmanager
def refuse_damaged(what: str = "数据包") -> Iterator[None]:
    """Damage found while reading (bad CRC, truncated deflate, broken JSON) is a refusal."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, UnicodeDecodeError, ValueError, KeyError) as exc:
        if isinstance(exc, UserError):
            raise
        raise BundleRefused(f"{what}已损坏或被改动（{type(exc).__name__}）。") from None


def is_sha256(value: str) -> bool:
    return bool(_HEX64.fullmatch(value))


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
    recipient_public = recipient_private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
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


class _Reader(Protocol):
    def read(self, n: int, /) -> bytes: ...


def decrypt_stream(src: _Reader, dst: IO[bytes], key: bytes, aad: bytes) -> None:
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
        if info.file_size > MAX_MEMBER or (name.startswith("blobs/") and info.file_size > MAX_BLOB):
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


def write_bundle(
    target: Path,
    manifest: dict[str, Any],
    inner_zip: Path,
    sender: Sender,
    recipient_enc_public: bytes,
    work: Path | None = None,
) -> str:
    """Encrypt ``inner_zip`` into ``target`` with the signed manifest; returns the bundle's
    SHA-256. Written under a temporary name, flushed, read back and verified, then renamed.
    ``work``: the folder for the encrypted payload on its way (the data folder's scratch)."""
    file_key = ChaCha20Poly1305.generate_key()
    manifest = dict(manifest, format=FORMAT, key=_wrap_key(file_key, recipient_enc_public))
    encrypted = (work / "payload.encrypted") if work else target.with_name(target.name + ".payload.partial")
    partial = target.with_name(target.name + ".partial")
    try:
        with inner_zip.open("rb") as src, encrypted.open("wb") as dst:
            encrypt_stream(src, dst, file_key, manifest["bundle_id"].encode())
        manifest["payload_sha256"] = sha256_file(encrypted)
        manifest["payload_size"] = encrypted.stat().st_size
        body = canonical(manifest)
        key = serialization.load_pem_private_key(sender.sign_private_pem, password=None)
        assert isinstance(key, Ed25519PrivateKey)
        signature = key.sign(body)
        try:
            with partial.open("wb") as out, encrypted.open("rb") as payload:
                out.write(MAGIC + struct.pack(">I", len(body)) + body + struct.pack(">I", len(signature)) + signature)
                out.write(struct.pack(">Q", manifest["payload_size"]))
                for block in iter(lambda: payload.read(1 << 20), b""):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:  # the stick or folder it goes to: read-only, full, not a folder
            raise write_errors.describe(target, exc, "数据包") from None
        # Read back what the stick now holds before calling it done.
        with partial.open("rb") as f:
            got_body, got_sig, _size = _frame(f)
            h = hashlib.sha256()
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if got_body != body or got_sig != signature or h.hexdigest() != manifest["payload_sha256"]:
            raise UserError("写入后读回校验失败：目标磁盘可能有问题，请换一个 U 盘或文件夹再试。")
        partial.replace(target)
    finally:  # where nothing could be written (a read-only stick), nothing is there to remove
        write_errors.remove_partial(encrypted)
        write_errors.remove_partial(partial)
    return sha256_file(target)


def _frame(f: IO[bytes]) -> tuple[bytes, bytes, int]:
    """Read the header; leaves ``f`` at the start of the payload."""
    if f.read(len(MAGIC)) != MAGIC:
        raise BundleRefused("这不是西湖司法所工作台的数据包文件。")
    (n,) = struct.unpack(">I", f.read(4).rjust(4, b"\0"))
    if n > MAX_MANIFEST:
        raise BundleRefused("数据包清单过大或文件已损坏。")
    body = f.read(n)
    (k,) = struct.unpack(">I", f.read(4).rjust(4, b"\0"))
    if k != 64:
        raise BundleRefused("数据包签名长度不对，文件已损坏。")
    sig = f.read(k)
    (size,) = struct.unpack(">Q", f.read(8).rjust(8, b"\0"))
    if len(body) != n or len(sig) != k:
        raise BundleRefused("数据包不完整（被截断）。")
    return body, sig, size


@dataclass(frozen=True)
class OpenedBundle:
    manifest: dict[str, Any]
    sha256: str
    payload_offset: int


def read_manifest(path: Path, senders: Mapping[str, bytes]) -> OpenedBundle:
    """Check the framing, then the signature against the key of each enrolled peer (``senders``:
    node id -> raw Ed25519 public key); only signed bytes are parsed. The payload is not read yet."""
    if not isinstance(senders, Mapping):
        raise TypeError("senders: node id -> signing key")
    try:
        with path.open("rb") as f:
            body, sig, size = _frame(f)
            offset = f.tell()
            total = f.seek(0, os.SEEK_END)
    except OSError:
        raise BundleRefused("无法读取数据包文件。") from None
    if total - offset != size:
        raise BundleRefused("数据包长度与其记录的不符（被截断或附加了内容）。")
    signer = _signer(body, sig, senders)
    try:
        manifest = record_checks.parse_document(body, limit=MAX_MANIFEST, depth=MANIFEST_DEPTH)
    except record_checks.RecordProblem:
        raise BundleRefused("数据包清单无法解析（格式不对或嵌套过深）。") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("数据包格式不受支持（可能来自更新版本的程序）。")
    if manifest.get("origin") != signer:
        raise BundleRefused("数据包清单中的发送单位与签名的单位不符，拒绝导入。")
    check_manifest(manifest)
    if manifest["payload_size"] != size:
        raise BundleRefused("数据包内容长度与清单不符。")
    return OpenedBundle(manifest, sha256_file(path), offset)


def _signer(body: bytes, sig: bytes, senders: Mapping[str, bytes]) -> str:
    """The enrolled peer whose key made ``sig`` over ``body``."""
    for node_id, public in senders.items():
        if not public:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(sig, body)
        except (InvalidSignature, ValueError):
            continue
        return node_id
    # Nobody we know signed it. Only to say why, look for the sender's id in the raw bytes
    # (a pattern search: unsigned bytes are never parsed).
    claimed = re.search(rb'"origin":"([0-9A-Za-z-]{1,64})"', body)
    if claimed is not None and claimed.group(1).decode() not in senders:
        raise BundleRefused("发送单位尚未登记（未交换密钥），拒绝导入。请先在“数据交换”中登记该单位的密钥文件。")
    raise BundleRefused("数据包签名无效：文件被改动，或不是该单位生成的。")


def check_manifest(m: dict[str, Any]) -> None:
    """Every field the importer uses, of the type it expects; a signed manifest from a broken
    sender is refused here instead of failing somewhere later."""

    def text(key: str, limit: int = 64, empty: bool = False) -> str:
        value = m.get(key)
        if (
            not isinstance(value, str)
            or len(value) > limit
            or (not value and not empty)
            or record_checks.text_problem(value, length=limit // record_checks.STRING_SLACK or 1)
        ):
            raise BundleRefused(f"数据包清单的 {key} 字段无效。")
        return value

    text("bundle_id")
    text("origin")
    text("destination")
    text("schema", limit=1000, empty=True)  # the sorted migration heads, one per area, joined by commas
    sequence = m.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or not 1 <= sequence <= MAX_SEQUENCE:
        raise BundleRefused("数据包序号无效。")
    prev = m.get("prev_sha256", "")
    if not isinstance(prev, str) or (prev and not _HEX64.fullmatch(prev)):
        raise BundleRefused("数据包清单的 prev_sha256 字段无效。")
    try:
        datetime.fromisoformat(text("created_at"))
    except ValueError:
        raise BundleRefused("数据包清单的生成时间无效。") from None
    if not isinstance(m.get("payload_sha256"), str) or not _HEX64.fullmatch(m["payload_sha256"]):
        raise BundleRefused("数据包清单的内容校验值无效。")
    size = m.get("payload_size")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise BundleRefused("数据包清单的内容长度无效。")
    key = m.get("key")
    if not (
        isinstance(key, dict)
        and all(
            isinstance(key.get(k), str) and len(key[k]) <= 256 and re.fullmatch(r"[0-9a-f]*", key[k])
            for k in ("ephemeral", "wrapped")
        )
    ):
        raise BundleRefused("数据包清单的密钥字段无效。")
    members = m.get("members")
    if not isinstance(members, dict) or len(members) > MAX_MEMBERS:
        raise BundleRefused("数据包清单缺少内容校验值。")
    for name, sha in members.items():
        if not INNER_NAME.match(name) or not isinstance(sha, str) or not _HEX64.fullmatch(sha):
            raise BundleRefused("数据包清单中的内容列表无效。")
        if name.startswith("blobs/") and name[len("blobs/") :] != sha:
            raise BundleRefused(f"数据包中的附件 {name} 与其校验值不符。")
    for key_name, kind in (("counts", dict), ("children", list), ("reference", dict)):
        if key_name in m and not isinstance(m[key_name], kind):
            raise BundleRefused(f"数据包清单的 {key_name} 字段无效。")


def decrypt_payload(path: Path, opened: OpenedBundle, recipient_enc_private_pem: bytes, target: Path) -> None:
    """Authenticate and decrypt the payload into ``target`` (a temporary file)."""
    key = serialization.load_pem_private_key(recipient_enc_private_pem, password=None)
    assert isinstance(key, X25519PrivateKey)
    with refuse_damaged():
        file_key = _unwrap_key(opened.manifest["key"], key)
    h = hashlib.sha256()
    with path.open("rb") as src, target.open("wb") as dst:
        src.seek(opened.payload_offset)

        class _Hashing:
            def read(self, n: int) -> bytes:
                data = src.read(n)
                h.update(data)
                return data

        with refuse_damaged():
            decrypt_stream(_Hashing(), dst, file_key, opened.manifest["bundle_id"].encode())
    if h.hexdigest() != opened.manifest.get("payload_sha256"):
        raise BundleRefused("数据包内容与清单的校验值不符。")


def iter_records(zf: zipfile.ZipFile, name: str, limit: int | None = None) -> Iterator[tuple[int, Any]]:
    """(line number, document) for each record of a JSON Lines member; a line that cannot be a
    record gives (line number, RecordProblem) instead, and reading goes on. A line longer than
    ``limit`` (default record_checks.MAX_RECORD_BYTES) is skipped without being held in memory."""
    limit = limit or record_checks.MAX_RECORD_BYTES
    with zf.open(name) as f:
        number = 0
        while True:
            line = f.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit:
                while line and not line.endswith(b"\n"):
                    line = f.readline(1 << 20)
                yield number, record_checks.RecordProblem(f"记录过大（超过 {limit // (1024 * 1024)} MB）")
                continue
            if not line.strip():
                continue
            try:
                yield number, record_checks.parse_document(line, limit=limit)
            except record_checks.RecordProblem as exc:
                yield number, exc


def iter_jsonl(zf: zipfile.ZipFile, name: str) -> Iterator[dict[str, Any]]:
    with zf.open(name) as f:
        for line in f:
            if line.strip():
                yield json.loads(line)
