"""Raw SQL on a test node's database, SQLite file or PostgreSQL test database alike.

Tests that plant damage "outside the app" (an edited row, a deleted audit row, a dropped trigger)
or read rows back go through here instead of ``sqlite3.connect(data_dir.database)``, so the same
test runs on both backends. Statements are SQLAlchemy ``text()`` with ``:name`` parameters; write
portable SQL (``deleted = false``, not ``deleted = 0``: SQLite knows TRUE/FALSE since 3.23).

    with anydb.connect(data_dir) as conn:          # one transaction, committed on leaving
        anydb.drop_audit_triggers(conn)
        conn.execute(text("DELETE FROM audit_event WHERE seq > :n"), {"n": 5})
    anydb.scalar(data_dir, "SELECT count(*) FROM audit_event")

A fresh engine without a pool each time: nothing stays connected that a later drop or restore of
the test database would wait for.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from xihu_desk.paths import DataDir

# The append-only triggers of audit_event: 0001 (SQLite) and 0014_audit_append_only_pg (PostgreSQL).
_AUDIT_TRIGGERS = {
    "sqlite": ("audit_event_no_update", "audit_event_no_delete"),
    "postgresql": ("audit_event_no_update", "audit_event_no_truncate"),
}


def url_of(where: DataDir | Any) -> str:
    """The database URL of a DataDir (or of anything with ``.url``, or a URL / SQLite path)."""
    if hasattr(where, "url"):
        return str(where.url)
    text_ = str(where)
    return text_ if "://" in text_ else f"sqlite:///{text_}"


def is_pg(where: DataDir | Any) -> bool:
    return url_of(where).startswith("postgresql")


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, poolclass=NullPool)
    path = Path(make_url(url).database or "")
    try:  # an encrypted node's file opens only with its key: the app's own way of opening a file
        from xihu_desk.store import sqlfile
    except ImportError:
        return create_engine(url, poolclass=NullPool)
    key = sqlfile.key_for(path)
    return create_engine(url, poolclass=NullPool, module=sqlfile.dbapi_for(key),
                         creator=lambda: sqlfile.connect(path, key=key))


@contextmanager
def connect(where: DataDir | Any) -> Iterator[Connection]:
    """One transaction on the node's database, committed when the block ends without error."""
    engine = _engine(url_of(where))
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def execute(where: DataDir | Any, *statements: str, params: Mapping[str, Any] | None = None,
            loose: bool = False, no_audit_guard: bool = False) -> None:
    """Run ``statements`` in one transaction; ``loose`` switches foreign-key checks (and on
    PostgreSQL all triggers) off for it, ``no_audit_guard`` drops audit_event's append-only triggers."""
    with connect(where) as conn:
        if loose:
            loosen(conn)
        if no_audit_guard:
            drop_audit_triggers(conn)
        for st in statements:
            conn.execute(text(st), dict(params or {}))


def rows(where: DataDir | Any, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with connect(where) as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def scalar(where: DataDir | Any, sql: str, **params: Any) -> Any:
    with connect(where) as conn:
        return conn.execute(text(sql), params).scalar()


def drop_audit_triggers(conn: Connection) -> None:
    """What someone editing the database behind the app's back does first."""
    dialect = conn.dialect.name
    for name in _AUDIT_TRIGGERS[dialect]:
        on = " ON audit_event" if dialect == "postgresql" else ""
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}{on}"))


def loosen(conn: Connection) -> None:
    """No foreign-key checks for the rest of this transaction (PRAGMA foreign_keys on SQLite, which
    only takes effect outside a transaction, hence before the first statement)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # the test server's superuser
    else:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")


def audit_triggers(where: DataDir | Any) -> set[str]:
    """The names of the triggers on audit_event that exist now."""
    if is_pg(where):
        sql = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal")
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'"
    return {r[0] for r in rows(where, sql)}


@contextmanager
def cursor(where: DataDir | Any) -> Iterator[Any]:
    """A driver cursor taking SQLite's ``?`` placeholders on either backend (store/dialect.Cursor),
    in one transaction: for tests whose plain-SQL counts are written with ``?``."""
    from xihu_desk.store import dialect

    with connect(where) as conn:
        yield dialect.wrap(conn.connection.driver_connection)


def snapshot(where: DataDir | Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, sorted: what a database holds, to compare before and after (a server's
    database has no file whose bytes could be compared)."""
    from sqlalchemy import inspect

    with connect(where) as conn:
        tables = sorted(inspect(conn).get_table_names())
        return {t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr) for t in tables}
