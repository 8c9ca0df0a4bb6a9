"""An encrypted copy of a plain SQLite file, made with SQLCipher's ``sqlcipher_export`` (the
backup API cannot copy between a plain and an encrypted file: their pages differ in layout)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from xihu_desk.store import sqlfile

PROGRESS_STEPS = 50_000  # SQLite VM steps between calls of ``progress`` (a few ms)


def export(plain: Path, target: Path, key: bytes, progress: Callable[[], bool] | None = None) -> None:
    """Write ``target`` (new) as an encrypted copy of ``plain`` under ``key``; ``progress`` as
    for dbfile.inspect (True stops the copy with an error)."""
    conn = sqlfile.cipher_plain(plain)  # sqlcipher_export is SQLCipher's: its library, no key
    try:
        if progress is not None:
            conn.set_progress_handler(progress, PROGRESS_STEPS)
        conn.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
        conn.execute("SELECT sqlcipher_export('enc')")
        version = conn.execute("PRAGMA main.user_version").fetchone()[0]
        conn.execute(f"PRAGMA enc.user_version = {int(version)}")
        conn.execute("DETACH DATABASE enc")
    finally:
        conn.close()
