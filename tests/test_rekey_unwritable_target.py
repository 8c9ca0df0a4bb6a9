"""rekey whose recovery-key file cannot be written changes nothing: no before-rekey backup, no new
key sealed, the database as it was, nothing left at the target. When a later step fails, the key
file already there (the old code) is kept, not replaced by a code that opens nothing."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from xihu_desk.domain.errors import StorageError
from xihu_desk.store import db_key, sqlfile
from tests.test_cli_contract import run

pytestmark = pytest.mark.sqlite_only  # the encrypted SQLite file; a PostgreSQL node has no rekey


def _state(data_dir) -> tuple[bytes, list[str], list[bytes]]:
    with closing(sqlfile.connect(data_dir.database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backups = sorted(p.name for p in data_dir.backups.rglob("*")) if data_dir.backups.exists() else []
    return data_dir.database.read_bytes(), backups, db_key.keys(data_dir.root)


def _bad_places(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "afile").write_bytes(b"x")
    (tmp_path / "folder").mkdir()
    return {"through a file": tmp_path / "afile" / "新密钥.txt", "a folder": tmp_path / "folder"}


def test_an_unwritable_key_file_stops_rekey_before_anything_changes(capsys, data_dir, tmp_path):
    home = ["--data-dir", str(data_dir.root)]
    before = _state(data_dir)
    for name, target in _bad_places(tmp_path).items():
        code, _out, err = run(capsys, "rekey", "--recovery-key-file", str(target), *home)
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 1 and len(lines) == 1 and "恢复密钥文件" in lines[0], (name, err)
        assert _state(data_dir) == before, name  # no backup made, no key sealed, the file as it was
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".part")]
    code, _out, err = run(capsys, "node", "show", *home)
    assert code == 0, err


def test_a_failure_after_the_file_is_staged_keeps_the_old_key_file(capsys, data_dir, tmp_path, monkeypatch):
    from xihu_desk.store import backup

    home = ["--data-dir", str(data_dir.root)]
    usb = tmp_path / "usb"
    usb.mkdir()
    key_file = usb / "恢复密钥.txt"
    code, _out, err = run(capsys, "rekey", "--recovery-key-file", str(key_file), *home)
    assert code == 0, err
    old_text = key_file.read_bytes()
    before = _state(data_dir)

    def no_room(*_args, **_kwargs):
        raise StorageError("备份失败：磁盘已满。")

    monkeypatch.setattr(backup, "make_backup", no_room)
    code, _out, err = run(capsys, "rekey", "--recovery-key-file", str(key_file), *home)
    assert code == 1 and "磁盘已满" in err, err
    assert key_file.read_bytes() == old_text  # still the code that opens the node
    assert sorted(p.name for p in usb.iterdir()) == [key_file.name]  # no .part left
    assert _state(data_dir) == before
