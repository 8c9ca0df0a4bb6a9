"""Migration 0010_case_procedure: cases already present follow the ordinary procedure, and their
record digests still hold (the migration rewrites no case row)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import select

from tests import casekit
from xihu_desk.paths import DataDir
from xihu_desk.services import cases
from xihu_desk.store import digests, migrate
from xihu_desk.store.case_models import MediationCase


def test_cases_made_before_the_migration_are_ordinary(data_dir: DataDir, db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    db.dispose()
    # The database as the previous version left it: no procedure column, 0010_case_procedure not applied.
    conn = sqlite3.connect(data_dir.database)
    conn.execute("ALTER TABLE mediation_case DROP COLUMN procedure")
    conn.execute("DELETE FROM alembic_version WHERE version_num = '0010_case_procedure'")  # 0009 stays an ancestor
    conn.commit()
    conn.close()
    opened = migrate.open_database(data_dir)
    assert "0010_case_procedure" in migrate.current_revision(opened.db).split(",")
    with opened.db.read() as s:
        assert s.scalar(select(MediationCase.procedure).where(MediationCase.uuid == ref.uuid)) == "ordinary"
        raw = s.connection().connection.driver_connection
        assert digests.verify(raw).ok
    opened.db.dispose()
