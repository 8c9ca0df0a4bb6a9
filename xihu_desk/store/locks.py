"""One writer at a time, on every backend: what case numbers, review numbers and the audit chain rely on.

SQLite serialises writers itself: a unit of work that writes begins with BEGIN IMMEDIATE
(store/engine.py), so whatever it reads before writing is still true when it commits. PostgreSQL
lets writers run side by side, so two desks could read the same last case number or the same
audit chain head. There every writing unit of work takes one transaction-scoped advisory lock
before its first statement; the lock is released by the commit or rollback, so a crashed desk
never leaves it held. Taking it first (never in the middle) means two writers cannot wait on each
other, and in READ COMMITTED every statement after it sees what the previous holder committed.
Readers take no lock and never wait.

Numbering and the audit append also call ``hold_writer_lock`` themselves (re-entrant, cheap), so
the rule stays true for a session made some other way, and a counter row is read FOR UPDATE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, event, inspect, text

if TYPE_CHECKING:  # the ORM loads with the first session, not with the engine (issue 15)
    from sqlalchemy.orm import Session

# A fixed 64-bit key ("XIHUDESK" in ASCII): one lock for the node's whole database.
WRITER_LOCK_KEY = 0x5849485544455348 & 0x7FFFFFFFFFFFFFFF
_LOCK_SQL = f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})"
# How long a write waits for another desk's write (a bundle import can take minutes) before it is
# refused with a message, like SQLite's busy_timeout (store/engine.py): a desk never hangs.
WAIT_MS = 10_000
LOCK_TIMEOUT_MESSAGE = "canceling statement due to lock timeout"


def install(engine: Engine, write_option: str) -> None:
    """On PostgreSQL, make every unit of work marked ``write_option`` begin by taking the writer lock."""
    if engine.dialect.name != "postgresql" or getattr(engine, "_xihu_writer_lock", False):
        return
    engine._xihu_writer_lock = True  # type: ignore[attr-defined]  # once per engine

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(write_option):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(WAIT_MS)}")
            conn.exec_driver_sql(_LOCK_SQL)


def hold_writer_lock(session: Session) -> None:
    """Make sure this transaction holds the writer lock (SQLite: BEGIN IMMEDIATE already does)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_LOCK_SQL))


Row = TypeVar("Row")


def locked_row(session: Session, model: type[Row], key: tuple[Any, ...], **new: Any) -> Row:
    """The row ``key`` of a counter table, locked for this transaction (FOR UPDATE), made with
    ``new`` when missing. Under the writer lock no second writer can make the same row meanwhile."""
    hold_writer_lock(session)
    # with_for_update always queries; an object this session already holds keeps its unsaved values
    row = session.get(model, key, with_for_update=True)
    if row is None:
        mapper = inspect(model)
        pending = (o for o in session.new if isinstance(o, model) and tuple(mapper.primary_key_from_instance(o)) == key)
        row = next(pending, None)
    if row is None:
        row = model(**new)
        session.add(row)
    return row
