"""Another command opening the node while a backup writes its attachments (the window's half-hourly
backup, and a clerk runs `xihu-desk case list`): opening removes what a *killed* backup left
(``*.attachments.partial``), but not the folder a live backup is writing, which failed the backup.
A killed one's folder still goes."""

from __future__ import annotations

import pytest

from tests.test_attachment_backup import attached  # noqa: F401 (fixture)
from xihu_desk.services import attachment_backup, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup

pytestmark = pytest.mark.sqlite_only  # the data folder's files (a server's backups are pg_dump files)


class OtherCommandOpens:
    """At the first attachment written, what opening the node does in another process."""

    def __init__(self, data_dir) -> None:
        self.data_dir, self.removed = data_dir, None

    def step(self, done=None, stage=None, total=None) -> None:
        if stage and "附件" in stage and self.removed is None:
            self.removed = backup.remove_partials(self.data_dir.root, self.data_dir.backups)


def test_opening_the_node_leaves_a_live_backups_attachments_alone(data_dir, db, attached):  # noqa: F811
    other = OtherCommandOpens(data_dir)
    saved = maintenance.backup_now(data_dir, db, cli_actor(), progress=other)
    assert other.removed == []
    assert attachment_backup.verify(saved) == len(attached)
    assert not list(backup.attachments_of(saved).glob(".*"))  # nothing of the writing left in it


def test_a_killed_backups_attachments_still_go(data_dir, db, attached):  # noqa: F811
    saved = maintenance.backup_now(data_dir, db, cli_actor())
    left = backup.attachments_of(saved).with_name("x.sqlite3.attachments.partial")
    (left / "ab").mkdir(parents=True)
    (left / "ab" / "cd").write_bytes(b"half")
    (left / ".owner").write_bytes(b"")  # its writer is gone: nobody holds the lock
    assert backup.remove_partials(data_dir.root, data_dir.backups) == [left] and not left.exists()


def test_the_bundle_scratch_folders_keep_the_same_rule(tmp_path):
    from xihu_desk.sync import scratch

    left = scratch.base(tmp_path) / "import-1-killed"
    left.mkdir(parents=True)
    (left / "payload").write_bytes(b"x")
    with scratch.folder(tmp_path, "export") as live:  # sweeps what the killed one left
        assert not left.exists()
        assert scratch.sweep(tmp_path) == 0 and live.is_dir()  # its own folder is held
    assert not scratch.base(tmp_path).exists()
