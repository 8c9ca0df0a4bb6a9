"""A full disk (issue 12): every write path says 磁盘已满 in one line, keeps the database as it
was, and never calls a sound database damaged or suggests a restore.

The disk is made "full" with SQLite's ``PRAGMA max_page_count`` on every connection (SQLite then
fails exactly as on a full disk: SQLITE_FULL, with its own rollback of the whole transaction),
and with ENOSPC raised from file writes."""

from __future__ import annotations

import errno
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, text

from xihu_desk import cli
from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.services import demo, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import dbfile, migrate, sqlfile, uow

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"
FULL_TAIL = "请清理磁盘空间后重试，已保存的数据没有改变。"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_disk_full_line(err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("错误：磁盘已满：") and err.strip().endswith(FULL_TAIL)


@pytest.fixture
def full_disk(monkeypatch):
    """Every database opened from now on can grow by only ``slack`` pages."""
    state = {"slack": 2}
    real = uow.make_engine

    def make_engine(url, **kw):  # noqa: ANN001, ANN003, ANN202
        engine = real(url, **kw)

        @event.listens_for(engine, "connect")
        def cap(dbapi_conn, _record):  # noqa: ANN001, ANN202
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + state['slack']}")

        return engine

    monkeypatch.setattr(uow, "make_engine", make_engine)
    return state


def _cases(data: DataDir) -> int:
    conn = sqlfile.connect(data.database)
    try:
        return conn.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    finally:
        conn.close()


def test_a_write_on_a_full_disk_says_so_and_changes_nothing(data_dir, full_disk):
    db = migrate.open_database(data_dir).db
    try:
        with pytest.raises(dbfile.DiskFull) as caught:
            with db.write() as s:
                s.execute(text("CREATE TABLE filler (x BLOB)"))
                s.execute(text("INSERT INTO filler VALUES (randomblob(200000))"))
        assert caught.value.message.startswith("磁盘已满：") and caught.value.message.endswith(FULL_TAIL)
        with db.read() as s:  # rolled back whole; the database is as it was and still usable
            assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE name = 'filler'")).scalar() == 0
    finally:
        db.dispose()
    assert dbfile.inspect(data_dir.database, full=True).state == "ok"


def test_a_savepoint_whose_rollback_fails_after_sqlites_own_gives_one_error(data_dir, full_disk):
    """SQLite rolls the whole transaction back on SQLITE_FULL, so ROLLBACK TO SAVEPOINT fails
    ("no such savepoint"); that second failure must not hide the first or escape as a bug."""
    db = migrate.open_database(data_dir).db
    try:
        with pytest.raises(dbfile.DiskFull) as caught:
            with db.write() as s:
                s.execute(text("CREATE TABLE filler (x BLOB)"))
                with s.begin_nested():
                    s.execute(text("INSERT INTO filler VALUES (randomblob(200000))"))
        chain = list(dbfile.chain(caught.value))
        assert any("no such savepoint" in str(e) for e in chain)  # the rollback did fail: covered
    finally:
        db.dispose()


def test_ledger_import_on_a_full_disk_prints_one_line(capsys, data_dir, full_disk):
    code, out, err = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "cases", "--data-dir", str(data_dir.root))
    assert code == 1 and out == "" and one_disk_full_line(err), err
    assert not (data_dir.logs / "xihu-desk-cli.log").exists()  # not a bug: no crash log
    assert _cases(data_dir) == 0 and dbfile.inspect(data_dir.database, full=True).state == "ok"
    # the same with --dry-run (a savepoint rolled back at the end)
    code, out, err = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "cases", "--dry-run",
                         "--data-dir", str(data_dir.root))
    assert code in (0, 1) and ("Traceback" not in err) and (code == 0 or one_disk_full_line(err))
    # space freed: the same import goes through
    full_disk["slack"] = 100_000
    code, _out, err = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "cases", "--data-dir", str(data_dir.root))
    assert code == 0, err
    assert _cases(data_dir) > 0


@pytest.fixture
def bundle_pair(data_dir, tmp_path):
    township = migrate.open_database(data_dir).db
    with township.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=3, cases=12, today=date(2026, 11, 20)))
    district_data = DataDir(tmp_path / "district")
    district = migrate.open_database(district_data).db
    with district.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    with township.read() as s:
        t_key = exchange.export_key(s, cli_actor())
    with district.read() as s:
        d_key = exchange.export_key(s, cli_actor())
    with district.write() as s:
        exchange.enrol(s, cli_actor(), t_key)
    with township.write() as s:
        exchange.enrol(s, cli_actor(), d_key)
    out = tmp_path / "usb"
    out.mkdir()
    bundle = exchange.export_bundle(data_dir, township, cli_actor(), out).file
    township.dispose()
    district.dispose()
    return district_data, Path(bundle)


def test_bundle_import_on_a_full_disk_prints_one_line(capsys, bundle_pair, full_disk):
    district, bundle = bundle_pair
    code, out, err = run(capsys, "bundle", "import", str(bundle), "--data-dir", str(district.root))
    assert code == 1 and out == "" and one_disk_full_line(err), err
    assert _cases(district) == 0 and dbfile.inspect(district.database, full=True).state == "ok"
    full_disk["slack"] = 100_000
    code, _out, err = run(capsys, "bundle", "import", str(bundle), "--data-dir", str(district.root))
    assert code == 0, err
    assert _cases(district) == 12


def test_no_space_for_a_file_written_outside_the_database_is_one_line(capsys, bundle_pair, monkeypatch):
    district, bundle = bundle_pair
    real = Path.write_text

    def write_text(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self.name.endswith("_receipt.json.partial"):
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, *a, **kw)

    monkeypatch.setattr(Path, "write_text", write_text)
    code, out, err = run(capsys, "bundle", "import", str(bundle), "--data-dir", str(district.root))
    assert code == 1 and out == "" and one_disk_full_line(err), err
    assert str(bundle.parent) in err  # where space is needed


def test_the_crash_log_itself_on_a_full_disk_is_no_second_traceback(capsys, data_dir, monkeypatch):
    def boom(_args):  # noqa: ANN001, ANN202
        raise RuntimeError("a bug")

    real_open = Path.open

    def no_space(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        if self.name == "xihu-desk-cli.log":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real_open(self, *a, **kw)

    monkeypatch.setitem(cli.COMMANDS, ("node", "show"), boom)
    monkeypatch.setattr(Path, "open", no_space)
    code, out, err = run(capsys, "node", "show", "--data-dir", str(data_dir.root))
    assert code == 1 and err.count("\n") == 1 and "内部错误" in err and "Traceback" not in err


# -- 0 bytes free at start: a sound database is not called damaged -----------------------------------


@pytest.fixture
def zero_bytes_free(monkeypatch):
    """SQLite cannot make its -shm index on a full disk and reports SQLITE_IOERR_SHMSIZE."""
    real = dbfile._connect_ro  # noqa: SLF001

    def connect(path, **key):  # noqa: ANN001, ANN202, ANN003
        conn = real(path, **key)
        conn.close()
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorcode = 4874  # SQLITE_IOERR_SHMSIZE
        raise exc

    class Usage:
        total, used, free = 10**9, 10**9, 0

    monkeypatch.setattr(dbfile, "_connect_ro", connect)
    monkeypatch.setattr(dbfile.shutil, "disk_usage", lambda _p: Usage)


def test_zero_bytes_free_is_not_damage(capsys, data_dir, zero_bytes_free):
    before = data_dir.database.read_bytes()
    health = dbfile.inspect(data_dir.database)
    assert health.state == "unavailable" and isinstance(health.error, dbfile.DiskFull)
    with pytest.raises(dbfile.DiskFull):
        migrate.open_database(data_dir)
    for argv in (["check"], ["case", "list"], ["backup"]):
        code, out, err = run(capsys, *argv, "--data-dir", str(data_dir.root))
        assert code == 1 and one_disk_full_line(err), (argv, err)
        assert "损坏" not in err and "恢复" not in err and "restore" not in err
    assert data_dir.database.read_bytes() == before and not list(data_dir.backups.glob("damaged-*"))


def test_restore_on_a_full_disk_leaves_everything_as_it_was(data_dir, tmp_path, zero_bytes_free):
    from xihu_desk.services import maintenance

    source = tmp_path / "b.sqlite3"
    source.write_bytes(data_dir.database.read_bytes())
    with pytest.raises(StorageError, match="磁盘已满"):
        maintenance.restore(data_dir, None, cli_actor(), source)
    assert not list(data_dir.backups.glob("damaged-*"))


def test_every_spelling_of_a_full_disk_is_recognised(tmp_path):
    windows = OSError(5, "There is not enough space on the disk")
    windows.winerror = 112  # ERROR_DISK_FULL, as Windows reports it
    posix = OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.pdf"))
    sqlite_full = sqlite3.OperationalError("database or disk is full")
    sqlite_full.sqlite_errorcode = 13
    for exc in (windows, posix, sqlite_full):
        assert dbfile.is_disk_full(exc)
    assert dbfile.disk_full_error(posix).message.startswith(f"磁盘已满：{tmp_path} 所在的磁盘")
    locked = sqlite3.OperationalError("database is locked")
    locked.sqlite_errorcode = 5
    assert not dbfile.is_disk_full(locked) and not dbfile.is_disk_full(OSError(errno.EACCES, "denied"))
    io_error = sqlite3.OperationalError("disk I/O error")
    io_error.sqlite_errorcode = 10
    assert not dbfile.is_disk_full(io_error, tmp_path)  # plenty of space here: an I/O error is not "full"


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
