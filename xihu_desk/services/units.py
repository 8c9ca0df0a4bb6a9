"""Whether a service function reads or writes is said by the service, next to its code, so the
caller (the command line, cli/common.py ``unit``) opens the unit of work it needs instead of
guessing:

    @reads                      def roster(session, actor, …)       a read unit
    @writes                     def unlock(session, actor, uuid)    one write transaction
    @writes_if("reveal")        def case_detail(…, reveal=False)    a write unit only when asked to
                                                                    reveal (the reveal is audited)

A read unit is held to it: a service run in one that adds, changes or deletes anything fails
(``ReadOnlyUnit``) instead of writing outside a transaction meant to commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

READ, WRITE = "read", "write"
F = TypeVar("F", bound=Callable[..., Any])
_ATTR = "__xihu_unit__"


class ReadOnlyUnit(RuntimeError):
    """A service declared (or run) as a reader tried to write: a programming error."""


def reads(fn: F) -> F:
    setattr(fn, _ATTR, READ)
    return fn


def writes(fn: F) -> F:
    setattr(fn, _ATTR, WRITE)
    return fn


def writes_if(*flags: str) -> Callable[[F], F]:
    """A write unit when any of the keyword arguments ``flags`` is true, else a read unit."""

    def mark(fn: F) -> F:
        setattr(fn, _ATTR, flags)
        return fn

    return mark


def unit_of(fns: Iterable[Callable[..., Any]], kwargs: Mapping[str, Any]) -> str:
    """WRITE when any of ``fns`` writes with these keyword arguments, else READ. A function that
    does not say is an error: the caller must not guess."""
    kind = READ
    for fn in fns:
        said = getattr(fn, _ATTR, None)
        if said is None:
            raise TypeError(f"{fn.__module__}.{fn.__qualname__} does not declare @reads or @writes")
        if said == WRITE or (isinstance(said, tuple) and any(kwargs.get(flag) for flag in said)):
            kind = WRITE
    return kind


def hold_to_reading(session: Session) -> None:
    """Make ``session`` refuse every write: pending ORM changes at flush, and INSERT, UPDATE or
    DELETE statements run through it."""

    def refuse_flush(s: Session, _context: Any, _instances: Any) -> None:
        if s.new or s.deleted or any(s.is_modified(obj) for obj in s.dirty):
            raise ReadOnlyUnit("a read unit of work tried to save changes")

    def refuse_statement(state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            raise ReadOnlyUnit("a read unit of work tried to write")

    event.listen(session, "before_flush", refuse_flush)
    event.listen(session, "do_orm_execute", refuse_statement)
