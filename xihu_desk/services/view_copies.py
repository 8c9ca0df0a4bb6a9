"""The plain copies of attachments made for viewing, in the system's temporary folder: where they
go and their clearing at start and exit. Files only, so the program's start clears them without
loading the attachment service, its models or the crypto library (issue 15)."""

from __future__ import annotations

import tempfile
from pathlib import Path

VIEW_FOLDER = "xihu-desk-view"


def view_folder() -> Path:
    """Where plain copies for viewing go: the system's temporary folder, emptied by
    ``clear_view_copies`` when the program starts and ends."""
    return Path(tempfile.gettempdir()) / VIEW_FOLDER


def clear_view_copies(folder: Path | None = None) -> int:
    """Remove the plain copies made for viewing; a copy a viewer still holds open (Windows) stays
    until the next start. Returns how many files were removed."""
    folder = folder or view_folder()
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else []:
        try:
            if path.is_dir():
                path.rmdir()
            else:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
