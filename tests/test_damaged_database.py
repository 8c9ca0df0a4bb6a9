"""A damaged live database (issues 11 and 12): ``check`` says so in one line, ``restore`` works
whatever is on disk, keeps the damaged files aside and verifies what it put in place; a zero-byte
file is damage, not a new database; half-written backups are removed at the next start; a backup
of another office is not restored over this one without an administrator's --other-node."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import maintenance, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup, dbfile, migrate, sqlfile
from xihu_desk.store.models import AuditEvent, Node


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _drop_companions(path: Path) -> None:
    for p in dbfile.companions(path):
        p.unlink()


def flip_pages(path: Path, first: int = 1, count: int = 4) -> None:
    """Flip every byte of a few pages from 4 KiB on, as a failing disk would."""
    _drop_companions(path)
    raw = bytearray(path.read_bytes())
    for i in range(4096 * first, min(len(raw), 4096 * (first + count))):
        raw[i] ^= 0xFF
    path.write_bytes(bytes(raw))


def garble_alembic_version(path: Path) -> None:
    """Damage inside a record that quick_check cannot see: Alembic cannot read its version."""
    conn = sqlfile.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = CAST(X'FF8E' AS TEXT) || version_num")
    conn.commit()
    conn.close()


def break_an_index(path: Path) -> None:
    """A table and its index disagree: quick_check passes, integrity_check does not."""
    conn = sqlfile.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t_probe (a TEXT, b TEXT)")
    conn.execute("CREATE INDEX ix_probe ON t_probe (a)")
    conn.executemany("INSERT INTO t_probe VALUES (?, ?)", [(f"a{i}", f"b{i}") for i in range(50)])
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_probe ON t_probe (b)' WHERE name = 'ix_probe'")
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()


def left_wal(path: Path) -> bytes:
    """The -wal a killed writer leaves behind (frames not yet in the main file)."""
    conn = sqlfile.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE wal_probe (x)")
    conn.execute("INSERT INTO wal_probe VALUES (randomblob(20000))")
    wal = path.with_name(path.name + "-wal").read_bytes()
    conn.close()
    return wal


def _contents(folder: Path) -> dict[str, bytes]:
    """The files in ``folder`` that hold something (SQLite's read-only opening of a WAL database
    leaves an empty -wal and a -shm index beside it: neither holds data). db-state.json is the
    start-up check's own record (store/clean_exit.py): damage seen drops its clean stamp."""
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and p.stat().st_size and not p.name.endswith("-shm") and p.name != "db-state.json"}


def _states(data: DataDir):
    """Every state of the live file that a restore must cope with, by name."""
    db = data.database

    def pages():
        flip_pages(db)

    def zero():
        _drop_companions(db)
        db.write_bytes(b"")

    def garbage():
        _drop_companions(db)
        db.write_bytes(b"\x00garbage, not SQLite\xff" * 5000)

    def missing():
        _drop_companions(db)
        db.unlink()

    def only_wal():
        wal = left_wal(db)
        db.unlink()
        _drop_companions(db)
        db.with_name(db.name + "-wal").write_bytes(wal)

    def pages_and_wal():
        wal = left_wal(db)
        flip_pages(db, 3, 3)
        db.with_name(db.name + "-wal").write_bytes(wal)
        db.with_name(db.name + "-shm").write_bytes(b"\x00" * 32768)

    def alembic():
        _drop_companions(db)
        garble_alembic_version(db)

    def index():
        _drop_companions(db)
        break_an_index(db)

    return {"pages": pages, "zero": zero, "garbage": garbage, "missing": missing, "only_wal": only_wal,
            "pages_and_wal": pages_and_wal, "alembic": alembic, "index": index}


@pytest.fixture
def good_backup(data_dir, db) -> Path:
    path = maintenance.backup_now(data_dir, db, cli_actor())
    db.dispose()
    return path


DAMAGED = ["pages", "zero", "garbage", "only_wal", "pages_and_wal", "alembic", "index"]


@pytest.mark.parametrize("state", DAMAGED)
def test_check_says_in_one_line_that_the_database_is_damaged(capsys, data_dir, good_backup, state):
    _states(data_dir)[state]()
    before = _contents(data_dir.root)
    code, out, err = run(capsys, "check", "--data-dir", str(data_dir.root))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("错误：数据库已损坏")
    assert f'xihu-desk restore "{good_backup}"' in err and "Traceback" not in err and "内部错误" not in err
    code, out, err = run(capsys, "check", "--data-dir", str(data_dir.root), "--json")
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False and doc["damaged"] is True
    assert doc["newest_good_backup"] == str(good_backup) and err.count("\n") == 1
    # check looked and changed nothing: no database made, no file moved, nothing migrated
    assert _contents(data_dir.root) == before


def test_check_without_any_good_backup_says_not_to_delete_anything(capsys, data_dir):
    flip_pages(data_dir.database)
    code, out, err = run(capsys, "check", "--data-dir", str(data_dir.root))
    assert code == 1 and err.count("\n") == 1 and "没有找到完好的备份" in err and "不要删除" in err


@pytest.mark.parametrize("state", [*DAMAGED, "missing"])
def test_restore_works_whatever_the_live_file_is(capsys, data_dir, good_backup, state):
    _states(data_dir)[state]()
    left = {p.name: p.read_bytes() for p in (data_dir.database, *dbfile.companions(data_dir.database))
            if p.exists()}
    code, out, err = run(capsys, "restore", str(good_backup), "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["verified"] is True and doc["node"]["org_code"] == "330106002"
    # the result is sound, at the program's schema, and no stale -wal was applied to it
    health = dbfile.inspect(data_dir.database, full=True)
    assert health.state == "ok" and health.revision == migrate.head_revision()
    assert health.node is not None and health.node.node_id == doc["node"]["node_id"]
    # whatever was there is kept, byte for byte, in a folder named with the time
    if state == "missing":
        assert doc["kept"] is None
    else:
        kept = Path(doc["kept"])
        assert kept.parent == data_dir.backups and kept.name.startswith("damaged-")
        assert _contents(kept) == {k: v for k, v in left.items() if v and not k.endswith("-shm")}
    assert doc["previous_state"] == ("missing" if state == "missing" else "damaged")
    assert not list(data_dir.root.glob("*.partial"))
    # the program opens it and the administrator signs in; the restore is in the audit log
    opened = migrate.open_database(data_dir)
    try:
        assert not opened.problems
        from xihu_desk.services import auth
        auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)
        with opened.db.read() as s:
            actions = list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
        assert "data.restore" in actions[-3:]
    finally:
        opened.db.dispose()
    code, out, err = run(capsys, "check", "--data-dir", str(data_dir.root))
    assert code == 0, err
    assert "完整性：正常" in out


def test_restore_of_a_sound_database_backs_it_up_first(capsys, data_dir, good_backup):
    code, out, err = run(capsys, "restore", str(good_backup), "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["previous_state"] == "ok" and Path(doc["kept"]).name.endswith("-before-restore.sqlite3")
    assert backup.quick_check(Path(doc["kept"]), full=True) == []


def test_restore_refuses_while_another_program_has_the_database_open(data_dir, good_backup):
    other = sqlfile.connect(data_dir.database)
    other.execute("SELECT count(*) FROM node").fetchone()
    try:
        with pytest.raises(StorageError, match="正被另一个程序"):
            maintenance.restore(data_dir, None, cli_actor(), good_backup)
    finally:
        other.close()
    assert not list(data_dir.backups.glob("damaged-*"))


def test_a_zero_byte_database_is_damage_not_a_new_node(capsys, data_dir, good_backup, tmp_path):
    data_dir.database.write_bytes(b"")
    opened = migrate.open_database(data_dir)
    try:
        assert opened.problems and not opened.readable  # the start-up offers a restore
        with pytest.raises(StorageError, match="已损坏"):
            with opened.db.read():
                pass
    finally:
        opened.db.dispose()
    assert data_dir.database.stat().st_size == 0  # not recreated
    password = tmp_path / "pw.txt"
    password.write_text("Another-pass-2026\n", encoding="utf-8")
    code, _out, err = run(capsys, "init", "--data-dir", str(data_dir.root), "--org", "330106002",
                          "--level", "township", "--admin", "x", "--password-file", str(password))
    assert code == 1 and err.count("\n") == 1 and "已损坏" in err
    code, _out, err = run(capsys, "case", "list", "--data-dir", str(data_dir.root))
    assert code == 1 and err.count("\n") == 1 and "已损坏" in err
    assert data_dir.database.stat().st_size == 0


# -- half-written backups ---------------------------------------------------------------------------

HOLD = """
import sqlite3, sys, time
from xihu_desk.store import sqlfile
conn = sqlfile.connect(sys.argv[1], isolation_level=None)
conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO t VALUES (randomblob(100000))")
print("writing", flush=True)
time.sleep(60)
"""


def test_partial_backups_left_by_a_kill_are_removed_at_the_next_start(data_dir, good_backup):
    # what a backup killed half-way leaves: the copy and its rollback journal
    partial = data_dir.backups / "xihu-desk-20261203-101500-auto.sqlite3.partial"
    raw = good_backup.read_bytes()
    partial.write_bytes(raw[: len(raw) // 2])
    partial.with_name(partial.name + "-journal").write_bytes(b"\x00" * 512)
    staging = data_dir.root / "xihu-desk.sqlite3.restore.partial"
    staging.write_bytes(raw[:8192])
    # and one that a living process is still writing: left alone
    busy = data_dir.backups / "xihu-desk-20261203-101600-manual.sqlite3.partial"
    writer = subprocess.Popen([sys.executable, "-c", HOLD, str(busy)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        assert [b.path for b in backup.list_backups(data_dir.backups)] == [good_backup]  # never listed
        opened = migrate.open_database(data_dir)
        opened.db.dispose()
        assert sorted(opened.removed_partials) == sorted([partial, staging])
        assert not partial.exists() and not staging.exists()
        assert not partial.with_name(partial.name + "-journal").exists()
        assert busy.exists()
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    # killed: the next start removes it too
    opened = migrate.open_database(data_dir)
    opened.db.dispose()
    assert opened.removed_partials == [busy] and not busy.exists()
    assert [b.path for b in backup.list_backups(data_dir.backups)] == [good_backup]


# -- another office's backup ------------------------------------------------------------------------

@pytest.fixture
def other_office_backup(tmp_path) -> Path:
    other = DataDir(tmp_path / "wenxin")
    opened = migrate.open_database(other)
    with opened.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106013", "township", None, "boss", "Wenxin-key-2026"))
    opened.db.dispose()
    return backup.make_backup(other.database, tmp_path / "usb", "manual")


def _node_id(data: DataDir) -> str:
    return dbfile.inspect(data.database).node.node_id


def test_another_offices_backup_is_refused(capsys, data_dir, other_office_backup):
    ours = _node_id(data_dir)
    code, out, err = run(capsys, "restore", str(other_office_backup), "--data-dir", str(data_dir.root))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "另一单位" in err and "文新街道" in err and "北山街道" in err and "--other-node" in err
    assert _node_id(data_dir) == ours and not list(data_dir.backups.iterdir())


def test_an_administrator_may_move_another_office_here_and_it_is_audited(capsys, data_dir, other_office_backup):
    ours = _node_id(data_dir)
    code, out, err = run(capsys, "restore", str(other_office_backup), "--other-node",
                         "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["other_node"] is True and doc["replaced_node_id"] == ours
    assert doc["node"]["org_name"] == "文新街道" and _node_id(data_dir) == doc["node"]["node_id"]
    conn = sqlfile.connect(data_dir.database)
    rows = conn.execute("SELECT action, actor, before, after FROM audit_event ORDER BY seq DESC LIMIT 2").fetchall()
    conn.close()
    (move, mover, before, after), (restore_action, _, _, _) = rows
    assert (move, restore_action) == ("node.move", "data.restore") and mover.startswith("cli:")
    assert json.loads(before)["node_id"] == ours and json.loads(after)["org_code"] == "330106013"
    # the identity given up is still in the before-restore backup
    assert dbfile.inspect(Path(doc["kept"])).node.node_id == ours


@pytest.mark.parametrize("state", ["missing", "zero", "garbage"])
def test_with_no_readable_live_identity_the_backup_is_taken_and_named(capsys, data_dir, other_office_backup, state):
    _states(data_dir)[state]()
    code, out, err = run(capsys, "restore", str(other_office_backup), "--data-dir", str(data_dir.root))
    assert code == 0, err
    assert "文新街道（330106013" in out


def test_the_gui_restore_refuses_another_office_too(data_dir, db, other_office_backup):
    from xihu_desk.services import auth

    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with pytest.raises(UserError, match="另一单位"):
        maintenance.restore(data_dir, db, admin, other_office_backup)
    opened = migrate.open_database(data_dir)
    try:
        with opened.db.read() as s:
            assert s.scalar(select(Node.org_code)) == "330106002"
    finally:
        opened.db.dispose()


def test_a_backup_that_is_itself_damaged_leaves_the_live_files_alone(data_dir, good_backup, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    shutil.copy(good_backup, bad)
    flip_pages(bad)
    data_dir.database.write_bytes(b"")
    with pytest.raises(StorageError, match="校验未通过"):
        maintenance.restore(data_dir, None, cli_actor(), bad)
    assert data_dir.database.exists() and data_dir.database.stat().st_size == 0
    assert not list(data_dir.backups.glob("damaged-*")) and not list(data_dir.root.glob("*.partial"))


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
