"""A dry run is a unit of work that keeps nothing (Database.trial), not a write rolled back by an
exception: what commit hooks would add (the audit anchor, case digests) is not written either."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from tests import anydb
from xihu_desk.services import audit
from xihu_desk.services.context import cli_actor
from xihu_desk.store.models import AuditEvent


def _digest(data_dir) -> object:
    """The SQLite file's bytes; on a server, every table's rows."""
    if anydb.is_pg(data_dir):
        return anydb.snapshot(data_dir)
    return hashlib.sha256(data_dir.database.read_bytes()).hexdigest()


def test_a_trial_unit_returns_its_result_and_keeps_nothing(data_dir, db):
    with db.read() as s:
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    db.dispose()
    before = _digest(data_dir), sorted(p.name for p in data_dir.root.iterdir())

    def work() -> int:
        with db.trial() as s:
            audit.record(s, cli_actor(), "exchange.import", "bundle_in", "b", summary="试导入")
            s.flush()
            return s.scalar(select(func.count()).select_from(AuditEvent))

    assert work() == events + 1  # inside, the write is seen like any other
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events
    db.dispose()
    assert (_digest(data_dir), sorted(p.name for p in data_dir.root.iterdir())) == before

    with db.write() as s:  # a real write after it goes through as usual
        audit.record(s, cli_actor(), "exchange.import", "bundle_in", "b", summary="导入")
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events + 1
