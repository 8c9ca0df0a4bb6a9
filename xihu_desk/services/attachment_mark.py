"""Whether a data folder may still hold attachments an older version left plain: one folder and
one marker file looked at, so a start loads the attachment and crypto services only when there is
work for them (issue 15). services/attachments.py writes the marker (the same DONE_MARK)."""

from __future__ import annotations

from pathlib import Path

DONE_MARK = ".encrypted-v1"


def may_hold_plain(root: Path) -> bool:
    folder = Path(root) / "attachments"
    return folder.is_dir() and not (folder / DONE_MARK).exists()
