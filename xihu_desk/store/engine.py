"""Engine creation: SQLite pragmas and the pysqlite transaction fix.

pysqlite delays BEGIN and commits on its own, which breaks SAVEPOINT and rollback of DDL
(reliability.md §1.6). We switch its own handling off and emit BEGIN ourselves: BEGIN IMMEDIATE
for a unit of work that writes, so there is one writer and a write never upgrades a read lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.sql import FromClause

WRITE_OPTION = "xihu_write"
FIND_KEY: Any = object()  # make_engine's default: the file's key is looked up (store/sqlfile.py)
# The pool hands out the connection used last, whose page cache holds what was just read (up to
# 192 MiB of decrypted pages on an encrypted file), not the oldest idle one: the 案件 list's first
# build on an encrypted 1M-case node with two pooled connections, 95 -> 86 ms (medians of 11
# interleaved runs); later builds and a plain file unchanged.
POOL = {"pool_use_lifo": True}


class _HintingCompiler(SQLiteCompiler):
    def get_from_hint_text(self, table: FromClause, text: str | None) -> str | None:
        """Render ``select.with_hint(table, "INDEXED BY ix", "sqlite")`` after the table name.
        SQLAlchemy's SQLite compiler ignores table hints; the case list needs INDEXED BY where the
        planner would otherwise sort a large match set (store/case_list.py)."""
        return text


def make_engine(url: str, *, echo: bool = False, key: Any = FIND_KEY) -> Engine:
    """``key``: the SQLite file's key when the caller has found it already (None: a plain file),
    so a start looks it up once (dbfile.inspect), not again here."""
    sqlite = url.startswith("sqlite")
    engine = _sqlite_engine(url, echo, key) if sqlite else create_engine(url, echo=echo, future=True, **POOL)
    if engine.dialect.name == "sqlite":
        engine.dialect.statement_compiler = _HintingCompiler
        _configure_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        from xihu_desk.store import pg

        pg.configure_engine(engine)
    return engine


def _sqlite_engine(url: str, echo: bool, key: Any = FIND_KEY) -> Engine:
    """A file's engine opens it through store/sqlfile.py: SQLCipher and its key when encrypted."""
    from sqlalchemy.engine import make_url

    from xihu_desk.store import sqlfile

    database = make_url(url).database
    if not database or database == ":memory:":
        return create_engine(url, echo=echo, future=True)
    path = Path(database)
    if key is FIND_KEY:
        key = sqlfile.key_for(path)
    if key is None:
        return create_engine(url, echo=echo, future=True, **POOL)
    return create_engine(
        url,
        echo=echo,
        future=True,
        **POOL,
        module=sqlfile.dbapi_for(key),
        creator=lambda: sqlfile.engine_connection(path, key),
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
