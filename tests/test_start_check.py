"""Start-up checks integrity only when needed (issue 15), and damage is still caught before any
write lands: after a clean exit (the file changed since: checked at start; changed with its time
put back: the background check), after an unclean exit (a killed process's marker: checked at
start); the marker logic, the daily schedule, and the migration heads read without Alembic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.services import integrity_watch, node
from xihu_desk.store import clean_exit, migrate

TODAY = date(2026, 12, 3)


@pytest.fixture
def node_dir(data_dir: DataDir) -> DataDir:
    """The template node as a freshly closed one: no session markers copied from elsewhere."""
    shutil.rmtree(data_dir.root / clean_exit.SESSIONS, ignore_errors=True)
    (data_dir.root / clean_exit.STATE_NAME).unlink(missing_ok=True)
    return data_dir


def open_and_close(data: DataDir) -> migrate.OpenResult:
    opened = migrate.open_database(data)
    opened.db.dispose()
    migrate.end_sessions()
    return opened


def damage_middle(path: Path, pages: int = 12, at: int | None = None) -> None:
    """Overwrite pages in the middle of the file (a failing disk, a stray write)."""
    page = 4096
    start = (path.stat().st_size // page // 2 if at is None else at) * page
    with path.open("r+b") as f:
        f.seek(start)
        f.write(bytes([0xA5]) * page * pages)


def open_and_close_pristine(data: DataDir, pristine: bytes, before: os.stat_result) -> None:
    """Put the sound file back as the last clean exit left it (a try that start-up caught)."""
    data.database.write_bytes(pristine)
    os.utime(data.database, ns=(before.st_atime_ns, before.st_mtime_ns))
    open_and_close(data)


def write_lands(opened: migrate.OpenResult) -> bool:
    try:
        with opened.db.write() as session:
            node.node_info(session)
    except StorageError:
        return False
    return True


def test_a_clean_exit_records_the_file_and_the_next_start_skips_the_check(node_dir):
    open_and_close(node_dir)  # no record yet: checked
    assert not list((node_dir.root / clean_exit.SESSIONS).glob("*.open"))
    assert clean_exit.read_state(node_dir.root)["clean"] == clean_exit.stamp(node_dir.database)
    assert clean_exit.verdict(node_dir.root, node_dir.database).check is False
    opened = migrate.open_database(node_dir)
    try:
        assert list((node_dir.root / clean_exit.SESSIONS).glob("*.open"))  # a session runs
        assert not opened.problems and write_lands(opened)
    finally:
        opened.db.dispose()
        migrate.end_sessions()


def test_damage_after_a_clean_exit_is_caught_at_start_before_any_write(node_dir):
    open_and_close(node_dir)
    damage_middle(node_dir.database)
    verdict = clean_exit.verdict(node_dir.root, node_dir.database)
    assert verdict.check and "改动" in verdict.reason
    opened = migrate.open_database(node_dir)
    try:
        assert opened.problems and opened.db.write_blocked
        assert not write_lands(opened)
    finally:
        opened.db.dispose()
    # damage seen: every later start checks again, even if the file's time is put back
    assert "clean" not in clean_exit.read_state(node_dir.root)


def test_damage_with_its_time_put_back_is_caught_by_the_background_check_before_a_write(node_dir):
    open_and_close(node_dir)
    before = node_dir.database.stat()
    pristine = node_dir.database.read_bytes()
    # one page in the middle that nothing read at start touches (a case's record, say)
    for page in range(len(pristine) // 4096 // 2, len(pristine) // 4096):
        node_dir.database.write_bytes(pristine)
        damage_middle(node_dir.database, pages=1, at=page)
        os.utime(node_dir.database, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert clean_exit.verdict(node_dir.root, node_dir.database).check is False  # start cannot tell
        opened = migrate.open_database(node_dir)
        if not opened.problems:
            break
        opened.db.dispose()
        open_and_close_pristine(node_dir, pristine, before)
        before = node_dir.database.stat()
    try:
        assert not opened.problems
        thread = integrity_watch.start_daily(node_dir, opened.db, TODAY + timedelta(days=400))
        assert thread is not None
        thread.join(30)
        assert opened.db.write_blocked == migrate.CORRUPT_MESSAGE
        assert not write_lands(opened)
    finally:
        opened.db.dispose()
        migrate.end_sessions()
    assert clean_exit.verdict(node_dir.root, node_dir.database).check  # and the next start checks


KILLED = """
import os, sys
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate
opened = migrate.open_database(DataDir(sys.argv[1]))
with opened.db.read() as session:
    pass
print("open", flush=True)
os._exit(9)  # as if killed: no clean exit
"""


def test_an_unclean_exit_leaves_its_marker_and_damage_then_is_caught_at_start(node_dir):
    open_and_close(node_dir)
    done = subprocess.run([sys.executable, "-c", KILLED, str(node_dir.root)], capture_output=True, text=True,
                          timeout=120)
    assert "open" in done.stdout, done.stderr
    left = list((node_dir.root / clean_exit.SESSIONS).glob("*.open"))
    assert len(left) == 1 and not clean_exit.pid_alive(int(left[0].name.split("-")[0]))
    # the stamp still matches (nothing written): only the marker says the exit was not clean
    assert clean_exit.read_state(node_dir.root)["clean"] == clean_exit.stamp(node_dir.database)
    verdict = clean_exit.verdict(node_dir.root, node_dir.database)
    assert verdict.check and "没有正常退出" in verdict.reason

    before = node_dir.database.stat()
    damage_middle(node_dir.database)
    os.utime(node_dir.database, ns=(before.st_atime_ns, before.st_mtime_ns))
    opened = migrate.open_database(node_dir)
    try:
        assert opened.problems and not write_lands(opened)
    finally:
        opened.db.dispose()


def test_an_unclean_exit_on_a_sound_file_is_checked_once_and_then_forgotten(node_dir):
    open_and_close(node_dir)
    subprocess.run([sys.executable, "-c", KILLED, str(node_dir.root)], capture_output=True, timeout=120)
    assert clean_exit.verdict(node_dir.root, node_dir.database).check
    open_and_close(node_dir)  # checked, sound: the marker is accounted for
    assert not list((node_dir.root / clean_exit.SESSIONS).glob("*.open"))
    assert clean_exit.verdict(node_dir.root, node_dir.database).check is False


def test_a_marker_of_a_running_process_that_holds_no_connection_counts_as_left_over(node_dir):
    open_and_close(node_dir)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        marker = node_dir.root / clean_exit.SESSIONS / f"{other.pid}-feedbeef{clean_exit.MARKER_SUFFIX}"
        marker.parent.mkdir(exist_ok=True)
        marker.write_text("")
        assert clean_exit.others_running(node_dir.root)
        assert clean_exit.verdict(node_dir.root, node_dir.database, in_use=True).check is False
        assert migrate.start_verdict(node_dir).check  # a reused process id after a reboot, say
    finally:
        other.kill()
        other.wait()


def test_the_daily_check_runs_once_a_day(node_dir):
    open_and_close(node_dir)
    opened = migrate.open_database(node_dir)
    try:
        # the start-up check of the first open counted as today's
        assert not integrity_watch.due(node_dir, date.today()) or clean_exit.read_state(node_dir.root)
        later = TODAY + timedelta(days=30)
        assert integrity_watch.due(node_dir, later)
        seen = []
        thread = integrity_watch.start_daily(node_dir, opened.db, later, seen.append)
        assert thread is not None
        thread.join(30)
        assert seen and seen[0].state == "ok" and opened.db.write_blocked is None
        assert not integrity_watch.due(node_dir, later)
        assert integrity_watch.start_daily(node_dir, opened.db, later) is None  # not twice a day
        assert integrity_watch.due(node_dir, later + timedelta(days=1))
    finally:
        opened.db.dispose()
        migrate.end_sessions()


def test_the_heads_read_from_the_migration_files_are_alembics():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == ",".join(sorted(script.get_heads()))
    assert set(migrate._graph()) == {r.revision for r in script.walk_revisions()}
    assert migrate.known_revision(migrate.head_revision()) and not migrate.known_revision("9999_future")


OPEN_ONLY = """
import sys
from xihu_desk.paths import DataDir
from xihu_desk.store import migrate
migrate.open_database(DataDir(sys.argv[1])).db.dispose()
print(",".join(m for m in ("alembic", "openpyxl", "reportlab", "cryptography", "docx") if m in sys.modules))
"""


def test_opening_a_current_database_does_not_import_alembic(node_dir):
    open_and_close(node_dir)
    done = subprocess.run([sys.executable, "-c", OPEN_ONLY, str(node_dir.root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


COMMAND = """
import sys
from xihu_desk import cli
code = cli.main(["case", "list", "--json", "--data-dir", sys.argv[1]])
print(code, ",".join(m for m in ("alembic", "openpyxl", "reportlab", "cryptography.hazmat", "docx", "PySide6")
                     if m in sys.modules))
"""


def test_a_command_loads_no_alembic_crypto_or_document_library(node_dir):
    open_and_close(node_dir)
    done = subprocess.run([sys.executable, "-c", COMMAND, str(node_dir.root)], capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    assert done.stdout.splitlines()[-1].strip() == "0", done.stderr


def test_a_backup_of_a_damaged_live_file_fails_and_stops_writes(node_dir):
    from xihu_desk.services import maintenance
    from xihu_desk.services.context import cli_actor

    open_and_close(node_dir)
    before = node_dir.database.stat()
    pristine = node_dir.database.read_bytes()
    for page in range(len(pristine) // 4096 // 2, len(pristine) // 4096):  # damage start-up does not read
        node_dir.database.write_bytes(pristine)
        damage_middle(node_dir.database, pages=1, at=page)
        os.utime(node_dir.database, ns=(before.st_atime_ns, before.st_mtime_ns))
        opened = migrate.open_database(node_dir)
        if not opened.problems:
            break
        opened.db.dispose()
        open_and_close_pristine(node_dir, pristine, before)
        before = node_dir.database.stat()
    try:
        assert opened.db.write_blocked is None
        with pytest.raises(StorageError):
            maintenance.backup_now(node_dir, opened.db, cli_actor())
        assert opened.db.write_blocked == migrate.CORRUPT_MESSAGE and not write_lands(opened)
    finally:
        opened.db.dispose()
        migrate.end_sessions()


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
