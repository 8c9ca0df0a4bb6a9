"""Encrypting many attachments an older version left plain, at start (issue 21): a window says how
far it is, then closes; a start with nothing to do shows nothing."""

from __future__ import annotations

import hashlib

from xihu_desk import app
from xihu_desk.gui import busy_note
from xihu_desk.services import attachments
from xihu_desk.store import migrate


def test_many_old_attachments_are_encrypted_with_a_progress_window(qtbot, data_dir, monkeypatch) -> None:
    for n in range(60):
        content = f"scan {n}".encode() * 10
        legacy = attachments.legacy_path(data_dir.root, hashlib.sha256(content).hexdigest())
        legacy.parent.mkdir(parents=True, exist_ok=True)
        legacy.write_bytes(content)
    seen: list[tuple[str, bool]] = []
    real = busy_note.BusyNote.__call__

    def watching(self, line: str) -> None:
        real(self, line)
        seen.append((line, self.dialog is not None and self.dialog.isVisible()))

    monkeypatch.setattr(busy_note.BusyNote, "__call__", watching)
    opened = migrate.open_database(data_dir)
    try:
        app._encrypt_old_attachments(data_dir, opened)
        assert seen and all(shown for _line, shown in seen) and seen[-1][0].endswith("60/60")
        assert attachments.plain_files(data_dir.root) == []
        seen.clear()
        app._encrypt_old_attachments(data_dir, opened)  # done once: nothing shown again
        assert seen == []
    finally:
        opened.db.dispose()
