"""The audit log is append-only on PostgreSQL (issue 17): UPDATE, DELETE and TRUNCATE on audit_event
are refused by triggers (migration 0014_audit_append_only_pg), and a row edited with the triggers
switched off is named by the chain check, as on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.pg_databases import postgres_node_url
from xihu_desk.services import audit
from xihu_desk.store.uow import Database


@pytest.fixture(scope="module")
def pg_db():
    db = Database(postgres_node_url("audit_append_only"))  # skips with its reason without a server
    yield db
    db.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET summary = '改过' WHERE seq = 1",
        "DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)",
        "TRUNCATE audit_event",
    ],
)
def test_the_audit_log_refuses_changes_on_postgresql(pg_db, statement) -> None:
    with pytest.raises(DBAPIError, match="append-only"), pg_db.engine.begin() as conn:
        conn.execute(text(statement))
    with pg_db.read() as s:
        assert audit.verify_chain(s).ok


def test_an_edit_around_the_triggers_is_named_by_the_check(pg_db) -> None:
    with pg_db.engine.begin() as conn:  # what only the server's administrator could do
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_event SET summary = '改过' WHERE seq = 2"))
        conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
    with pg_db.read() as s:
        report = audit.verify_chain(s)
    assert report.first_broken == 2 and "第 2 条记录内容被修改" in report.reason
