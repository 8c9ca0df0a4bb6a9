"""A restore over a sound encrypted file finds each file's key once (store/backup.copy_into): the
backup's and the live file's, not again when it opens them, nor again for the encrypted copy of a
plain backup it makes on the way."""

from __future__ import annotations

import pytest

from xihu_desk.store import backup, migrate, sqlfile

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def _counting(monkeypatch) -> list[object]:
    calls: list[object] = []
    real = sqlfile.key_for

    def key_for(path):
        calls.append(path)
        return real(path)

    monkeypatch.setattr(sqlfile, "key_for", key_for)
    return calls


def test_an_encrypted_backup_is_copied_in_with_two_lookups(data_dir, tmp_path, monkeypatch):
    migrate.open_database(data_dir).db.dispose()
    saved = backup.make_backup(data_dir.database, data_dir.backups, "manual")
    calls = _counting(monkeypatch)
    backup.copy_into(saved, data_dir.database)
    assert len(calls) == 2


def test_a_plain_backup_is_copied_in_with_two_lookups(data_dir, tmp_path, monkeypatch):
    migrate.open_database(data_dir).db.dispose()
    plain = tmp_path / "plain.sqlite3"
    conn = sqlfile.connect(data_dir.database, readonly=True)
    try:  # a plain copy of the same content, as a backup from before the node was encrypted
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    assert not sqlfile.is_encrypted(plain)
    calls = _counting(monkeypatch)
    backup.copy_into(plain, data_dir.database)
    assert len(calls) == 2
