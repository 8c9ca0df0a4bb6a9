"""The PostgreSQL test harness reuses a test's database only when no test changed its shape: a
test that dropped audit_event's triggers to plant damage must not leave the next test a database
without them (tests/pg_server.Pool)."""

from __future__ import annotations

import pytest

from tests import pg_databases, pg_server

psycopg = pytest.importorskip("psycopg")

GUARD = ("CREATE FUNCTION no_edit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only'; END $$; "
         "CREATE TRIGGER log_no_update BEFORE UPDATE OR DELETE ON log FOR EACH ROW EXECUTE FUNCTION no_edit()")


def _sql(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


@pytest.fixture
def pool():
    admin = pg_databases._admin_url()  # the suite's server, or one started for this test
    template = pg_server.create_database(admin)
    _sql(template, "CREATE TABLE log (seq serial PRIMARY KEY, summary text)")
    _sql(template, GUARD)
    _sql(template, "INSERT INTO log (summary) VALUES ('a'), ('b')")
    made = pg_server.Pool(admin, template)
    yield made
    for url in [*made.free, template]:
        pg_server.drop_database(admin, url)


def _databases(admin: str) -> set[str]:
    return {r[0] for r in _sql(admin, "SELECT datname FROM pg_database")}


def test_a_database_whose_trigger_was_dropped_is_not_reused(pool):
    tampered, sound, third = pool.take(), pool.take(), pool.take()
    _sql(tampered, "DROP TRIGGER log_no_update ON log")
    _sql(sound, "DROP TRIGGER log_no_update ON log; DELETE FROM log; "
                "CREATE TRIGGER log_no_update BEFORE UPDATE OR DELETE ON log FOR EACH ROW EXECUTE FUNCTION no_edit()")
    for url in (tampered, sound, third):
        pool.give(url)
    reused = pool.take()  # the tampered one is dropped; the next, restored to the template's rows, comes back
    assert pg_server._name(tampered) not in _databases(pool.admin_url)
    assert _sql(reused, "SELECT summary FROM log ORDER BY seq") == [("a",), ("b",)]
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        _sql(reused, "DELETE FROM log")
    pool.give(reused)


def test_a_column_added_by_a_test_is_not_reused(pool):
    changed, b, c = pool.take(), pool.take(), pool.take()
    _sql(changed, "ALTER TABLE log ADD COLUMN extra text DEFAULT 'x'")
    for url in (changed, b, c):
        pool.give(url)
    reused = pool.take()
    pool.give(reused)
    columns = _sql(reused, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'log'")
    assert sorted(columns) == [("seq",), ("summary",)]
