"""check on a server node lists its pg_dump backups as the 数据安全 page does (issue 17): one
listing (server_maintenance.backup_infos), the time a backup was taken read from its name, not
from when the file was last touched (a copy brought back from a USB stick)."""

from __future__ import annotations

import pytest

from tests.conftest import PG
from xihu_desk.services import server_maintenance
from xihu_desk.store import migrate, pg


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")
def test_check_lists_the_backups_as_the_page_does(data_dir) -> None:
    data_dir.backups.mkdir(parents=True, exist_ok=True)
    (data_dir.backups / f"xihu-desk-20260105-093000-manual{pg.DUMP_SUFFIX}").write_bytes(b"x" * 10)
    opened = migrate.open_database(data_dir)
    try:
        report = server_maintenance.check(data_dir, opened.db)
        listed = server_maintenance.check_report(data_dir, opened.db).backups
    finally:
        opened.db.dispose()
    assert [b["taken_at"] for b in report["backups"]] == ["2026-01-05T09:30:00"]
    assert [(b.taken_at.isoformat(), b.size) for b in listed] == [("2026-01-05T09:30:00", 10)]
