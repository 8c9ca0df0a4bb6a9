"""数据安全 → 从文件恢复 with a file that has SQLite's header but no readable database behind it (a
copy cut short, a file of another program): the plan before the restore says so in Chinese and
nothing changes; it was SQLite's raw "file is not a database" as a program error."""

from __future__ import annotations

import pytest

from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.services import data_security
from xihu_desk.services.context import cli_actor

pytestmark = pytest.mark.sqlite_only  # a backup file of the node (a server's are pg_dump files)


def test_a_header_without_a_database_is_refused_in_chinese(data_dir, db, tmp_path):
    fake = tmp_path / "cut-short.sqlite3"
    fake.write_bytes(b"SQLite format 3\x00" + b"\x00" * 8192)
    with pytest.raises((StorageError, UserError)) as got:
        data_security.restore_plan(data_dir, cli_actor(), fake)
    message = got.value.message
    assert "cut-short.sqlite3" in message and "not a database" not in message
