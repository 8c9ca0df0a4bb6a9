"""A restore whose attachments cannot all be moved back (a scan held open by a viewer on Windows)
has still replaced the database: the audit log must say so, not lose the restore."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.test_attachment_backup import attached  # noqa: F401 (fixture)
from xihu_desk.domain.errors import StorageError
from xihu_desk.services import attachment_backup, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent

pytestmark = pytest.mark.sqlite_only  # the data folder's files (a server's backups are pg_dump files)


def test_a_restore_whose_attachments_stop_half_way_is_still_in_the_audit_log(
    data_dir, db, attached, tmp_path, monkeypatch  # noqa: F811
):
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "b.sqlite3")

    def held_open(_staged, _root):
        raise StorageError("数据库已恢复，但附件未能全部放回（测试）：请关闭正在查看附件的程序后再恢复一次。")

    monkeypatch.setattr(attachment_backup, "move_in", held_open)
    with pytest.raises(StorageError, match="数据库已恢复"):
        maintenance.restore(data_dir, db, cli_actor(), saved)
    assert not (data_dir.root / "tmp").exists()  # the scratch folder went all the same

    opened = migrate.open_database(data_dir)
    try:
        with opened.db.read() as s:
            actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
        assert actions[-1] == "data.restore"
    finally:
        opened.db.dispose()
