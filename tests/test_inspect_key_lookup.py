"""dbfile.inspect (every start, check, backup and restore) finds an encrypted file's key once and
opens the file with it, instead of looking it up again to open it."""

from __future__ import annotations

import pytest

from xihu_desk.store import dbfile, migrate, sqlfile

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def test_inspect_finds_the_key_once(data_dir, monkeypatch):
    migrate.open_database(data_dir).db.dispose()
    assert sqlfile.is_encrypted(data_dir.database)
    calls = []
    real = sqlfile.key_for

    def key_for(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(sqlfile, "key_for", key_for)
    assert dbfile.inspect(data_dir.database, full=True).state == "ok"
    assert len(calls) == 1
