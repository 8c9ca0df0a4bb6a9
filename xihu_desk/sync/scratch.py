"""Scratch folders for bundle work, inside the data folder and never in the system temp folder.

A decrypted payload holds names and ID numbers in the clear: it stays next to the database it is
about to go into (``DATA/tmp/``), where the same permissions protect it, and it is removed as
soon as the import or export ends, also when it fails or is cancelled. A folder left behind by a
killed process is removed by the next import or export: each live folder holds an exclusive
lock on a file inside it, and a folder whose lock can be taken has no owner any more. The lock
is the operating system's and dies with the process (store/owner_lock.py).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xihu_desk.store import owner_lock

FOLDER = "tmp"


def base(root: Path) -> Path:
    return Path(root) / FOLDER


def sweep(root: Path) -> int:
    """Remove scratch folders whose owner is gone; returns how many were removed."""
    folder = base(root)
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        if not entry.is_dir():
            entry.unlink(missing_ok=True)
            continue
        if owner_lock.owned(entry):
            continue  # a live import or export
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    _remove_if_empty(folder)
    return removed


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (another process works in it) or already gone


@contextmanager
def folder(root: Path, purpose: str) -> Iterator[Path]:
    """A fresh private folder under ``DATA/tmp`` for the duration of the block."""
    sweep(root)
    for _attempt in range(5):
        work = base(root) / f"{purpose}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        try:
            work.mkdir(mode=0o700, parents=True)
            break
        except FileNotFoundError:  # another process removed the empty base meanwhile
            continue
    else:
        work.mkdir(mode=0o700, parents=True)
    try:
        with owner_lock.holding(work):
            yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        _remove_if_empty(base(root))
