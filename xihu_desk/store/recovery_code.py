"""The recovery key: a short printable code from which the database key is derived.

24 base32 characters (120 random bits) in six groups of four, then one check character
(Luhn mod 32) that catches a mistyped or swapped character before any file is touched:
``ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y``. The database key is HMAC-SHA256 of the code's bits:
the code is uniformly random, so no slow password hashing is needed, and the same code opens
the node's file and every backup made with its key, on any PC.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from xihu_desk.domain.errors import UserError

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32: no 0, 1, 8 or 9 to confuse
DATA_CHARS = 24
GROUP = 4
# Digits read off paper are taken as the letters they look like.
_LOOKALIKE = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})
_DERIVE = b"xihu-desk database key v1"

WRONG_FORMAT = "恢复密钥格式不对：应为 25 个字母和数字（如 ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y），请对照恢复密钥单核对。"
WRONG_CHECK = "恢复密钥有字符抄错（校验位不符），请对照恢复密钥单逐个核对。"


def _check_char(chars: str) -> str:
    """Luhn mod 32 over the data characters."""
    factor, total = 2, 0
    for ch in reversed(chars):
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(DATA_CHARS))
    return format_code(body + _check_char(body))


def format_code(chars: str) -> str:
    groups = [chars[i : i + GROUP] for i in range(0, DATA_CHARS, GROUP)]
    return "-".join(groups + [chars[DATA_CHARS:]])


def normalise(text: str) -> str:
    """The code's 25 characters from what someone typed or copied; UserError when it cannot be one."""
    chars = "".join(c for c in text.upper().translate(_LOOKALIKE) if c not in " -\t\u3000")
    if len(chars) != DATA_CHARS + 1 or any(c not in ALPHABET for c in chars):
        raise UserError(WRONG_FORMAT)
    if _check_char(chars[:DATA_CHARS]) != chars[DATA_CHARS]:
        raise UserError(WRONG_CHECK)
    return chars


def derive_key(code: str) -> bytes:
    """The 32-byte database key the code stands for."""
    return hmac.new(_DERIVE, normalise(code).encode("ascii"), hashlib.sha256).digest()


def read_file(path: Path | str) -> str:
    """The code in a recovery-key file (the one line that is a code; other lines are ignored)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise UserError(f"无法读取恢复密钥文件：{path}。请检查文件名和位置。") from None
    last_error: UserError | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            return format_code(normalise(line))
        except UserError as exc:
            if any(c.isascii() and c.isalnum() for c in line):
                last_error = exc
    raise last_error or UserError(f"文件 {path} 中没有恢复密钥。")


def file_text(code: str, label: str = "") -> str:
    """What ``--recovery-key-file`` writes: a heading line and the code."""
    head = "西湖司法所工作台 数据库恢复密钥" + (f"（{label}）" if label else "")
    return f"{head}\n{code}\n请打印或抄写后锁入保险柜；不要与备份放在一起。\n"
