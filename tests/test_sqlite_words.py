"""SQLite's English ("database disk image is malformed", "file is not a database", an
integrity_check row) never reaches the clerk: backup, restore and check of a damaged file say it
in Chinese (store/sqlite_words.py, used by store/dbfile.py and store/backup.py)."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing

import pytest

from tests.test_damaged_database import flip_pages
from xihu_desk import cli
from xihu_desk.store import dbfile, sqlfile
from xihu_desk.store.sqlite_words import check_row, words

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself

ENGLISH = re.compile(r"malformed|not a database|I/O|error|database|unable|locked|btree|Page \d", re.I)


def _run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return int(code or 0), out, err


def test_sqlite_texts_in_chinese():
    assert words(sqlite3.DatabaseError("database disk image is malformed")) == "数据库文件已损坏（数据页损坏）"
    assert "不是本程序的数据库" in words(sqlite3.DatabaseError("file is not a database"))
    assert "磁盘" in words(sqlite3.OperationalError("disk I/O error"))
    odd = sqlite3.DatabaseError("something SQLite never said before")
    odd.sqlite_errorcode = 1  # type: ignore[attr-defined]
    assert words(odd) == "数据库出错（SQLite 错误码 1）"
    wrapped = RuntimeError("outer")
    wrapped.__cause__ = sqlite3.DatabaseError("database disk image is malformed")
    assert words(wrapped) == "数据库文件已损坏（数据页损坏）"
    assert check_row("*** in database main ***\nPage 3: btreeInitPage() returns error code 11") == "第 3 页已损坏"
    assert check_row("row 5 missing from index ix_party_name") == "索引 ix_party_name 缺少第 5 行"
    assert check_row("wrong # of entries in index ix_a") == "索引 ix_a 的条目数与表不符"
    assert not ENGLISH.search(check_row("something new and strange"))


def test_a_damaged_plain_file_is_reported_in_chinese(tmp_path):
    path = tmp_path / "plain.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (a TEXT)")
        conn.execute("CREATE INDEX ix ON t (a)")
        conn.executemany("INSERT INTO t VALUES (?)", [(str(i) * 50,) for i in range(3000)])
        conn.commit()
    raw = bytearray(path.read_bytes())
    for i in range(4096 * 3, 4096 * 5):
        raw[i] ^= 0x55
    path.write_bytes(bytes(raw))
    health = dbfile.inspect(path, full=True)
    assert health.damaged and health.problems
    assert not [p for p in health.problems if ENGLISH.search(p)], health.problems


@pytest.fixture
def damaged(data_dir):
    with closing(sqlfile.connect(data_dir.database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    flip_pages(data_dir.database, 2, 3)
    return data_dir


def test_backup_of_a_damaged_database_says_so_in_chinese(capsys, damaged, tmp_path):
    for extra in ([], ["-o", str(tmp_path / "备份.sqlite3")]):
        code, _out, err = _run(capsys, ["backup", *extra, "--data-dir", str(damaged.root)])
        assert code == 1 and "已损坏" in err and "xihu-desk check" in err, err
        assert not ENGLISH.search(err.replace(str(damaged.root), "")), err


def test_check_json_lists_the_damage_in_chinese(capsys, damaged):
    code, out, err = _run(capsys, ["check", "--json", "--data-dir", str(damaged.root)])
    assert code == 1, err
    doc = json.loads(out)
    assert doc["integrity"] and not [p for p in doc["integrity"] if ENGLISH.search(p)], doc["integrity"]


def test_restore_of_a_backup_that_is_not_one_says_so_in_chinese(capsys, data_dir, tmp_path):
    fake = tmp_path / "假备份.sqlite3"
    fake.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    before = data_dir.database.read_bytes()
    code, _out, err = _run(capsys, ["restore", str(fake), "--data-dir", str(data_dir.root)])
    assert code == 1 and "假备份.sqlite3" in err, err
    assert not ENGLISH.search(err.replace(str(tmp_path), "")), err
    assert data_dir.database.read_bytes() == before


def test_an_unreadable_audit_anchor_is_said_in_chinese(capsys, data_dir):
    from xihu_desk.services import audit_anchor

    code, _out, err = _run(capsys, ["check", "--data-dir", str(data_dir.root)])  # the anchor is written
    assert code == 0, err
    anchor = audit_anchor.anchor_path(data_dir.root)
    anchor.unlink()
    anchor.mkdir()  # there, and not a file the check can read
    code, out, err = _run(capsys, ["check", "--json", "--data-dir", str(data_dir.root)])
    reason = json.loads(out)["audit"]["reason"]  # a broken chain: exit 1 with the verdict on stdout
    assert "审计锚点文件" in reason and "文件夹" in reason and "Errno" not in reason, (out, err)
