"""The audit chain's anchor: the last rows deleted, or the whole chain rewritten, are caught."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests import anydb
from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.domain import auditchain
from xihu_desk.domain.errors import UserError
from xihu_desk.services import audit_anchor, auth, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "summary", "before", "after")


def _some_writes(db, n: int = 4) -> None:
    for _ in range(n):
        auth.sign_in(db, "admin", ADMIN_PASSWORD)


def _sql(data_dir, *statements: str) -> None:
    anydb.execute(data_dir, *statements, no_audit_guard=True)


def _rehash_from(data_dir, first: int) -> None:
    """What a careful forger does: change a row, then recompute every hash after it."""
    with anydb.connect(data_dir) as conn:
        anydb.drop_audit_triggers(conn)
        rows = conn.execute(text(f"SELECT {', '.join(FIELDS)}, prev_hash FROM audit_event ORDER BY seq")).all()
        prev = auditchain.GENESIS
        for row in rows:
            entry = dict(zip(FIELDS, row[:-1], strict=True))
            if entry["seq"] >= first:
                h = auditchain.link(prev, entry)
                conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
                             {"p": prev, "h": h, "s": entry["seq"]})
                prev = h
            else:
                prev = auditchain.link(prev, entry)


def _check(data_dir, db):
    return maintenance.check(data_dir, db)


def test_every_commit_that_audits_moves_the_anchor_in_the_file_and_the_database(data_dir, db):
    _some_writes(db, 3)
    report = _check(data_dir, db)
    assert report.ok, report.audit_reason
    inside = json.loads(anydb.scalar(data_dir, "SELECT value FROM meta WHERE key = 'audit.anchor'"))
    assert inside["seq"] == report.audit_events
    if anydb.is_pg(data_dir):  # a server shared by several desks has no one folder: the anchor is inside only
        assert not audit_anchor.anchor_path(data_dir.root).exists()
        return
    doc = json.loads(audit_anchor.anchor_path(data_dir.root).read_text(encoding="utf-8"))
    assert doc["seq"] == report.audit_events
    inside = json.loads(anydb.scalar(data_dir, "SELECT value FROM meta WHERE key = 'audit.anchor'"))
    assert inside["seq"] == doc["seq"] and inside["hash"] == doc["hash"]


def test_the_last_rows_deleted_are_caught(data_dir, db):
    _some_writes(db)
    events = _check(data_dir, db).audit_events
    _sql(data_dir, f"DELETE FROM audit_event WHERE seq > {events - 2}")
    report = _check(data_dir, db)
    assert not report.ok and report.audit_first_broken == events - 1
    assert f"第 {events - 1}–{events} 条被删除" in report.audit_reason


def test_truncation_stays_visible_after_the_app_writes_again(data_dir, db):
    _some_writes(db)
    events = _check(data_dir, db).audit_events
    _sql(data_dir, f"DELETE FROM audit_event WHERE seq > {events - 2}")
    for _ in range(3):  # the chain grows past the old length again, on a different line
        with pytest.raises(UserError):
            auth.sign_in(db, "admin", "wrong-password")
    report = _check(data_dir, db)
    assert not report.ok and "改写" in report.audit_reason


def test_a_chain_rewritten_and_hashed_again_is_caught(data_dir, db):
    _some_writes(db)
    _sql(data_dir, "UPDATE audit_event SET summary = '无事发生' WHERE seq = 2")
    _rehash_from(data_dir, 2)
    with db.read() as s:
        from xihu_desk.services import audit
        assert audit.verify_chain(s).ok  # the chain alone cannot tell
    report = _check(data_dir, db)
    assert not report.ok and "改写" in report.audit_reason


@pytest.mark.sqlite_only  # the anchor file beside the SQLite file; a server keeps its anchor inside only
def test_a_deleted_anchor_file_is_reported(data_dir, db):
    _some_writes(db, 1)
    audit_anchor.anchor_path(data_dir.root).unlink()
    report = _check(data_dir, db)
    assert not report.ok and "缺失" in report.audit_reason
    _some_writes(db, 1)  # a later write does not quietly make a new one
    assert not _check(data_dir, db).ok


@pytest.mark.sqlite_only  # the anchor file beside the SQLite file; a server keeps its anchor inside only
def test_a_forged_anchor_file_is_reported(data_dir, db):
    _some_writes(db, 1)
    path = audit_anchor.anchor_path(data_dir.root)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["seq"] -= 1
    path.write_text(json.dumps(doc), encoding="utf-8")
    report = _check(data_dir, db)
    assert not report.ok and "签名" in report.audit_reason


def test_check_on_the_command_line_says_what_in_one_line(data_dir, db, capsys):
    _some_writes(db)
    events = _check(data_dir, db).audit_events
    _sql(data_dir, f"DELETE FROM audit_event WHERE seq = {events}")
    db.dispose()
    assert cli.main(["check", "--data-dir", str(data_dir.root)]) == 1
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("审计日志"))
    assert f"第 {events}–{events} 条被删除" in line


def test_restore_brings_back_the_anchor_of_the_backup(data_dir, db, request):
    _some_writes(db, 2)
    taken = maintenance.backup_now(data_dir, db, cli_actor())
    _some_writes(db, 5)
    if anydb.is_pg(data_dir):  # a server restores into a new, empty database only
        from xihu_desk.services import server_maintenance

        fresh = request.getfixturevalue("empty_data_dir")
        server_maintenance.restore(fresh, cli_actor(), taken)
        restored = migrate.open_database(fresh).db
        try:
            report = _check(fresh, restored)
            assert report.ok, report.audit_reason
            _some_writes(restored, 2)
            assert _check(fresh, restored).ok
        finally:
            restored.dispose()
        return
    result = maintenance.restore(data_dir, db, cli_actor(), taken)
    try:
        report = _check(data_dir, result.db)
        assert report.ok, report.audit_reason
        _some_writes(result.db, 2)
        assert _check(data_dir, result.db).ok
    finally:
        result.db.dispose()


@pytest.mark.sqlite_only  # plants damage in the SQLite backup file; a pg_dump file is checked by pg_restore --list
def test_a_backup_cut_short_before_it_is_restored_is_still_caught(data_dir, db, tmp_path):
    _some_writes(db, 3)
    taken = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path)
    last = anydb.scalar(taken, "SELECT max(seq) FROM audit_event")
    anydb.execute(taken, "DELETE FROM audit_event WHERE seq > :n", params={"n": last - 2}, no_audit_guard=True)
    result = maintenance.restore(data_dir, db, cli_actor(), taken)
    try:
        report = _check(data_dir, result.db)
        assert not report.ok and "被删除" in report.audit_reason and "数据库内的锚点" in report.audit_reason
    finally:
        result.db.dispose()


@pytest.mark.parametrize("reopen", [False, True])
def test_an_untouched_node_passes(data_dir, db, reopen):
    if reopen:
        db.dispose()
        db = migrate.open_database(data_dir).db
    assert _check(data_dir, db).ok
    db.dispose()
