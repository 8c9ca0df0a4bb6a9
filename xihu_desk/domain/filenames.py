"""File names the program proposes (a printed document's default name, a saved form's): made from
what users typed (a committee's or mediator's name, a case title, a case number kept from an old
ledger), so they are made safe for an NTFS disk and a FAT32 stick, whatever the system at hand.

Characters Windows forbids become their full-width forms (a Chinese reader sees the same mark:
``北山/西湖`` → ``北山／西湖``), control characters go, trailing dots and spaces go (Windows drops
them silently), a reserved device name (CON, NUL, COM1 …) is prefixed, and an over-long stem is
cut so folder and name stay within Windows' path limits."""

from __future__ import annotations

import re

_WIDE = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in '<>:"/\\|?*'})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 120  # characters: leaves room for the folder within 260


def safe_file_name(name: str) -> str:
    """``name`` (with its extension) as a file name every disk the offices use accepts."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or not suffix.isascii() or not suffix.isalnum():  # no extension of ours: all of it is the stem
        stem, dot, suffix = name, "", ""
    stem = _CONTROL.sub("", stem.translate(_WIDE)).strip().rstrip(". ")[:MAX_STEM].rstrip(". ")
    if not stem:
        stem = "未命名"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return f"{stem}{dot}{suffix.lower()}"
