"""Backups: verified copies, rotation, restore round trip, the automatic backup."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.services import auth, maintenance, users
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup
from xihu_desk.store.models import User


def _add_user(db, username: str) -> None:
    admin = auth.sign_in(db, "admin", ADMIN_PASSWORD)
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand(username, "测试", "mediator", "Mediate-2026"))


def _usernames(db) -> set[str]:
    with db.read() as s:
        return set(s.scalars(select(User.username)))


def test_backup_restore_round_trip(data_dir, db):
    _add_user(db, "before")
    saved = maintenance.backup_now(data_dir, db, cli_actor())
    assert saved.parent == data_dir.backups and backup.quick_check(saved, full=True) == []
    _add_user(db, "after")
    assert {"before", "after"} <= _usernames(db)

    opened = maintenance.restore(data_dir, db, cli_actor(), saved)
    try:
        names = _usernames(opened.db)
        assert "before" in names and "after" not in names
        reasons = [b.reason for b in backup.list_backups(data_dir.backups)]
        assert "before-restore" in reasons  # what was replaced is kept
        # The newest before-restore backup still holds the user added after the backup.
        kept = next(b for b in backup.list_backups(data_dir.backups) if b.reason == "before-restore")
        assert backup.last_audit_seq(kept.path) > backup.last_audit_seq(saved)
    finally:
        opened.db.dispose()


def test_backup_to_chosen_file(data_dir, db, tmp_path):
    target = tmp_path / "u盘" / "备份.sqlite3"
    target.parent.mkdir()
    path = maintenance.backup_now(data_dir, db, cli_actor(), target)
    assert path == target and backup.schema_revision(target) is not None


def test_restore_refuses_a_damaged_or_foreign_file(data_dir, db, tmp_path):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError):
        maintenance.restore(data_dir, db, cli_actor(), bad)
    with pytest.raises(UserError, match="找不到"):
        maintenance.restore(data_dir, db, cli_actor(), tmp_path / "missing.sqlite3")
    _add_user(db, "still-here")  # the live database was not touched
    assert "still-here" in _usernames(db)


def test_automatic_backup_only_when_changed(data_dir, db):
    first = maintenance.auto_backup_if_changed(data_dir)
    assert first is not None
    assert maintenance.auto_backup_if_changed(data_dir) is None  # nothing written since
    _add_user(db, "changed")
    assert maintenance.auto_backup_if_changed(data_dir) is not None


def _fake(folder: Path, when: datetime, reason: str = "auto") -> Path:
    path = folder / f"xihu-desk-{when:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    path.write_bytes(b"x")
    return path


def test_rotation_keeps_a_day_then_12_daily_10_weekly_9_monthly(tmp_path):
    now = datetime(2026, 11, 27, 12, 0)
    # Every 30 minutes for two days, then one a day for 400 days.
    for i in range(96):
        _fake(tmp_path, now - timedelta(minutes=30 * i))
    for d in range(2, 400):
        _fake(tmp_path, now - timedelta(days=d, hours=3))
    removed = backup.prune(tmp_path, now)
    kept = backup.list_backups(tmp_path)
    recent = [b for b in kept if now - b.taken_at <= timedelta(hours=24)]
    assert len(recent) == 49  # every backup of the last 24 hours (both ends)
    older = [b for b in kept if now - b.taken_at > timedelta(hours=24)]
    days = {b.taken_at.date() for b in older}
    months = {(b.taken_at.year, b.taken_at.month) for b in older}
    assert len(older) <= 12 + 10 + 9 and len(days) == len(older)
    assert len(months) >= 9
    assert removed and all(not p.exists() for p in removed)
    # Pruning again changes nothing.
    assert backup.prune(tmp_path, now) == []


def test_newest_good_backup_skips_damaged_ones(data_dir, db):
    good = maintenance.backup_now(data_dir, db, cli_actor())
    damaged = _fake(data_dir.backups, datetime.now() + timedelta(minutes=5))
    assert backup.newest_good(data_dir.backups).path == good
    assert damaged.exists()


def test_damaged_database_is_kept_aside_on_restore_and_admin_can_sign_in(data_dir, db):
    from xihu_desk.store import migrate
    from tests.conftest import ADMIN_PASSWORD

    good = maintenance.backup_now(data_dir, db, cli_actor())
    db.dispose()
    raw = bytearray(data_dir.database.read_bytes())
    raw[4096 * 3: 4096 * 3 + 200] = b"\xff" * 200
    for suffix in ("-wal", "-shm"):
        data_dir.database.with_name(data_dir.database.name + suffix).unlink(missing_ok=True)
    data_dir.database.write_bytes(bytes(raw))
    opened = migrate.open_database(data_dir)
    assert opened.problems and opened.db.write_blocked
    admin = auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)  # read-only sign-in
    with pytest.raises(UserError):
        auth.sign_in(opened.db, "admin", "wrong")
    restored = maintenance.restore(data_dir, opened.db, admin, good)
    kept = list(data_dir.backups.glob("damaged-*"))
    assert len(kept) == 1 and (kept[0] / data_dir.database.name).read_bytes() == bytes(raw)
    assert restored.kept == kept[0] and restored.live_state == "damaged"
    assert backup.quick_check(data_dir.database) == []
    restored.db.dispose()


# About the SQLite file itself (its pages, its copy, its markers): skipped on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.sqlite_only
