"""How many rows a table roughly holds, without counting them (issue 17).

On PostgreSQL ``count(*)`` reads every row (MVCC keeps no count): a quarter of a second at a
million cases. The planner's own figure, ``pg_class.reltuples`` (kept by ANALYZE and autovacuum),
costs a catalogue lookup. SQLite counts from an index in a few milliseconds and has no such figure.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def kept_by(dialect: str) -> bool:
    """Whether a database of this kind keeps a planner's row count (PostgreSQL does, SQLite not)."""
    return dialect == "postgresql"


def rows(session: Session, table: str) -> int | None:
    """The planner's row count of ``table``; None on SQLite, or on PostgreSQL before the table was
    first analysed (reltuples is -1 then)."""
    if not kept_by(session.get_bind().dialect.name):
        return None
    found = session.scalar(text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table})
    return int(found) if found is not None and found >= 0 else None
