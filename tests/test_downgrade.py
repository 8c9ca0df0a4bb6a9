"""Installing an older version over a newer one: the older program refuses the newer database with
a clear message and leaves it exactly as it was (no backup, no migration, not a byte written)."""

from __future__ import annotations

import hashlib

import pytest

from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate, sqlfile


def _digest(data_dir: DataDir) -> str:
    return hashlib.sha256(data_dir.database.read_bytes()).hexdigest()


def test_older_program_leaves_a_newer_database_untouched(data_dir: DataDir):
    conn = sqlfile.connect(data_dir.database)
    conn.execute("DELETE FROM alembic_version")  # several heads: one row each
    conn.execute("INSERT INTO alembic_version VALUES ('9999_from_a_newer_version')")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, so its bytes tell
    conn.close()
    before = _digest(data_dir)
    backups_before = sorted(p.name for p in data_dir.backups.glob("*")) if data_dir.backups.exists() else []
    with pytest.raises(StorageError) as refused:
        migrate.open_database(data_dir)
    assert "比本程序新" in refused.value.message and "升级" in refused.value.message
    assert _digest(data_dir) == before
    assert sorted(p.name for p in data_dir.backups.glob("*")) == backups_before
    conn = sqlfile.connect(data_dir.database)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999_from_a_newer_version"
    conn.close()


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
