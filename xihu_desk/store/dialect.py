"""What differs between SQLite and PostgreSQL, in one place (issue 17).

The hot paths that read and write with the driver's own cursor (the audit anchor, record digests)
write their SQL once with SQLite's ``?`` placeholders and standard ``INSERT … ON CONFLICT``; the
cursor here turns the placeholders into psycopg's ``%s`` on a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ClauseElement, ColumnElement, func, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.visitors import InternalTraversal


def name_of(session: Session) -> str:
    """``sqlite`` or ``postgresql``: the dialect the session's unit of work runs on."""
    return session.get_bind().dialect.name


def is_sqlite(session: Session) -> bool:
    return name_of(session) == "sqlite"


class Cursor:
    """A DB-API cursor taking ``?`` placeholders whatever the driver (sqlite3 or psycopg)."""

    def __init__(self, raw: Any, server: bool):
        self._cur = raw.cursor()
        self.server = server

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if self.server else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        self._cur.execute(self._sql(sql), tuple(params))
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [tuple(r) for r in rows]
        if rows:  # psycopg refuses an empty executemany nothing; sqlite3 does nothing
            self._cur.executemany(self._sql(sql), rows)

    def fetchone(self) -> Any:
        return self._cur.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cur.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cur.fetchall() if self.server else self._cur)

    def columns(self, table: str) -> list[str]:
        """The columns of ``table`` in their order; empty when there is no such table."""
        if self.server:
            sql = (
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position"
            )
            return [r[0] for r in self.execute(sql, (table,)).fetchall()]
        return [r[1] for r in self._cur.execute(f"PRAGMA table_info({table})")]


def cursor(session: Session) -> Cursor:
    """A cursor on the session's own connection (inside its transaction)."""
    raw = session.connection().connection.driver_connection
    if raw is None:  # only a connection SQLAlchemy invalidated has none
        raise RuntimeError("the session's database connection is closed")
    return Cursor(raw, server=not is_sqlite(session))


def wrap(raw: Any) -> Cursor:
    """A cursor on a driver connection handed over as it is (sqlite3 or psycopg)."""
    if isinstance(raw, Cursor):
        return raw
    return Cursor(raw, server=type(raw).__module__.startswith("psycopg"))


# ---------------------------------------------------------------- one condition, written per dialect


class Either(ColumnElement[bool]):
    """A condition with one form for SQLite and another for PostgreSQL, chosen when compiled: the
    SQLite form stays exactly what its partial indexes and FTS5 need, the server gets its own."""

    inherit_cache = True
    # no Boolean type: SQLite would append "= 1" to a condition typed boolean
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own declaration
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("server", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, sqlite: ClauseElement, server: ClauseElement):
        self.sqlite = sqlite
        self.server = server


@compiles(Either)
def _either_sqlite(element: Either, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


@compiles(Either, "postgresql")
def _either_server(element: Either, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.server, **kw)


def live(table: str) -> Either:
    """``table`` rows not deleted: literally ``deleted = 0`` on SQLite (the partial indexes'
    condition, which its planner matches by text), a boolean test on PostgreSQL."""
    return Either(text(f"{table}.deleted = 0"), text(f"NOT {table}.deleted"))


def like_escape(word: str) -> str:
    """``word`` with LIKE's wildcards taken literally (escape character backslash)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def year_month(day: Any) -> Either:
    """A date column as text ``YYYY-MM`` (statistics by month)."""
    return Either(func.strftime("%Y-%m", day), func.to_char(day, "YYYY-MM"))
