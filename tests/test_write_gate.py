"""No write lands before the day's integrity check has given its verdict (issue 15). Damage made
after a clean exit with the file's size and time put back cannot be seen at start: the desktop
program's writes (the sign-in's too) wait for its background check, a command's first write runs
the check first; after an unclean exit the start-up check catches it."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import date

import pytest

from xihu_desk import cli
from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.services import integrity_watch, node
from xihu_desk.store import clean_exit, migrate

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself: damage, its check, start-up markers

LATER = date(2027, 12, 3)  # a day whose check has not run yet


@pytest.fixture
def node_dir(data_dir: DataDir) -> DataDir:
    shutil.rmtree(data_dir.root / clean_exit.SESSIONS, ignore_errors=True)
    (data_dir.root / clean_exit.STATE_NAME).unlink(missing_ok=True)
    return data_dir


def open_and_close(data: DataDir) -> None:
    migrate.open_database(data).db.dispose()
    migrate.end_sessions()


def damage_unseen(data: DataDir) -> bytes:
    """After a clean exit, damage one page that opening does not read, with the file's size and
    time put back: start-up cannot tell. Returns the damaged file's bytes."""
    open_and_close(data)
    before = data.database.stat()
    pristine = data.database.read_bytes()
    for page in range(len(pristine) // 4096 // 2, len(pristine) // 4096):
        data.database.write_bytes(pristine)
        with data.database.open("r+b") as f:
            f.seek(page * 4096)
            f.write(bytes([0xA5]) * 4096)
        os.utime(data.database, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert clean_exit.verdict(data.root, data.database).check is False
        opened = migrate.open_database(data)
        seen = bool(opened.problems)
        opened.db.dispose()
        migrate.end_sessions()
        if not seen:
            os.utime(data.database, ns=(before.st_atime_ns, before.st_mtime_ns))
            return data.database.read_bytes()
        data.database.write_bytes(pristine)
        os.utime(data.database, ns=(before.st_atime_ns, before.st_mtime_ns))
        open_and_close(data)
        before = data.database.stat()
    raise AssertionError("every damaged page was seen at start")


def try_write(db) -> str:
    try:
        with db.write() as session:
            node.node_info(session)
    except StorageError as exc:
        return exc.message
    return "landed"


def test_the_desktop_programs_writes_wait_for_the_background_check_which_finds_the_damage(node_dir):
    damaged = damage_unseen(node_dir)
    opened = migrate.open_database(node_dir)
    try:
        assert not opened.problems  # start-up could not see it
        gate = integrity_watch.hold_writes(node_dir, opened.db, LATER)
        assert gate is not None
        outcome: list[str] = []
        writer = threading.Thread(target=lambda: outcome.append(try_write(opened.db)))
        writer.start()  # the sign-in, say, before the check has begun
        writer.join(0.5)
        assert writer.is_alive() and not outcome  # waiting, nothing written
        thread = integrity_watch.start_daily(node_dir, opened.db, LATER, gate=gate)
        assert thread is not None
        thread.join(30)
        writer.join(30)
        assert outcome == [migrate.CORRUPT_MESSAGE]
        assert node_dir.database.read_bytes() == damaged
    finally:
        opened.db.dispose()
        migrate.end_sessions()
    assert clean_exit.verdict(node_dir.root, node_dir.database).check  # the next start checks too


def test_on_a_sound_file_the_waiting_write_lands_once_the_check_passes(node_dir):
    open_and_close(node_dir)
    opened = migrate.open_database(node_dir)
    try:
        gate = integrity_watch.hold_writes(node_dir, opened.db, LATER)
        assert gate is not None and not gate.is_open
        thread = integrity_watch.start_daily(node_dir, opened.db, LATER, gate=gate)
        assert thread is not None
        assert try_write(opened.db) == "landed"
        assert gate.is_open
        # checked today: the next start neither holds writes nor checks again
        assert integrity_watch.hold_writes(node_dir, opened.db, LATER) is None
    finally:
        opened.db.dispose()
        migrate.end_sessions()


def test_a_commands_first_write_of_the_day_runs_the_check_and_is_refused(node_dir, capsys, monkeypatch):
    damaged = damage_unseen(node_dir)
    monkeypatch.setattr("xihu_desk.domain.clock.local_today", lambda: LATER)
    assert cli.main(["--data-dir", str(node_dir.root), "node", "show", "--json"]) == 0  # a read: no check
    assert integrity_watch.due(node_dir, LATER)
    capsys.readouterr()
    code = cli.main(["--data-dir", str(node_dir.root), "user", "unlock", "admin"])
    err = capsys.readouterr().err
    assert code == 1 and "完整性检查未通过" in err, err
    assert node_dir.database.read_bytes() == damaged  # nothing landed


def test_a_commands_write_on_a_sound_file_checks_once_a_day(node_dir, capsys, monkeypatch):
    open_and_close(node_dir)
    monkeypatch.setattr("xihu_desk.domain.clock.local_today", lambda: LATER)
    assert integrity_watch.due(node_dir, LATER)
    assert cli.main(["--data-dir", str(node_dir.root), "user", "unlock", "admin"]) == 0, capsys.readouterr().err
    assert not integrity_watch.due(node_dir, LATER)


def test_damage_after_an_unclean_exit_is_caught_at_start_before_any_write(node_dir):
    open_and_close(node_dir)
    before = node_dir.database.stat()
    (node_dir.root / clean_exit.SESSIONS).mkdir(exist_ok=True)
    (node_dir.root / clean_exit.SESSIONS / f"{2**22 + 7}-dead{clean_exit.MARKER_SUFFIX}").write_text("")
    with node_dir.database.open("r+b") as f:  # a page the start-up reads nowhere near
        f.seek(before.st_size // 4096 // 2 * 4096)
        f.write(bytes([0xA5]) * 4096 * 12)
    os.utime(node_dir.database, ns=(before.st_atime_ns, before.st_mtime_ns))
    damaged = node_dir.database.read_bytes()
    opened = migrate.open_database(node_dir)
    try:
        assert opened.problems
        refused = try_write(opened.db)  # refused as damaged, or (the schema's pages hit) as unreadable
        assert refused in (migrate.CORRUPT_MESSAGE, opened.db.read_blocked), refused
        assert node_dir.database.read_bytes() == damaged
    finally:
        opened.db.dispose()



def test_a_commands_check_before_writing_says_so_on_a_large_database(node_dir, capsys, monkeypatch):
    open_and_close(node_dir)
    monkeypatch.setattr("xihu_desk.domain.clock.local_today", lambda: LATER)
    monkeypatch.setattr("xihu_desk.store.progress.check_seconds", lambda size: 60.0)  # as at a million cases
    assert cli.main(["--data-dir", str(node_dir.root), "user", "unlock", "admin"]) == 0
    err = capsys.readouterr().err
    assert "写入前先做今天的数据库完整性检查" in err and "预计需要" in err, err
    assert cli.main(["--data-dir", str(node_dir.root), "user", "unlock", "admin"]) == 0
    assert "完整性检查" not in capsys.readouterr().err  # once a day
