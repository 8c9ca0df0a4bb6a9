"""A folder that a live process is writing, told apart from one a killed process left.

The writer holds an exclusive lock on a file inside the folder (``.owner``); the operating system
drops it with the process (``msvcrt`` on Windows, ``flock`` elsewhere), so whoever cleans up
leftovers (the next start, the next import) takes the lock first and leaves the folder alone when
it cannot. Used by the bundle scratch folders (sync/scratch.py) and a backup's attachment folder
while it is written (services/attachment_backup.py, store/backup.remove_partials).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

LOCK = ".owner"


def try_lock(handle: IO[bytes]) -> bool:
    """Take the exclusive lock on an open file without waiting; False when another holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def unlock(handle: IO[bytes]) -> None:
    try:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        pass


def owned(folder: Path) -> bool:
    """Whether a live writer holds ``folder`` (its lock cannot be taken); a folder that cannot be
    looked into counts as held, so it is never removed on a guess."""
    try:
        with (Path(folder) / LOCK).open("ab") as handle:
            if not try_lock(handle):
                return True
            unlock(handle)
    except OSError:
        return True
    return False


@contextmanager
def holding(folder: Path) -> Iterator[None]:
    """Hold ``folder`` while the block writes it; the lock file is gone afterwards, so the folder
    holds only what was written (it may be renamed into place next)."""
    lock = Path(folder) / LOCK
    handle = lock.open("ab")
    try_lock(handle)
    try:
        yield
    finally:
        unlock(handle)
        handle.close()
        lock.unlink(missing_ok=True)
