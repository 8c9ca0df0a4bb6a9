"""Counting the SQL statements a read sends: a list whose statements grow with its rows is a defect
(one query per row), so tests compare the count for few rows with the count for many."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def statements_sent(db: Any, fn: Callable[[Any], Any], *, selects_only: bool = False) -> tuple[int, Any]:
    """Run ``fn(session)`` in one read of ``db``; the statements it sent, and what it returned.
    ``selects_only`` leaves out the transaction's own statements (BEGIN, a PostgreSQL SET)."""
    sent: list[str] = []

    def on_execute(_conn, _cursor, statement, *_rest) -> None:
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        with db.read() as s:
            value = fn(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    return len(sent), value
