"""The one clock: instants in UTC for the audit log and timestamps, the office's local date for
business dates (accepted on, due on, "today").

Everything that needs the time asks here, so tests can set or advance it (``use``), and one
operation can be pinned to one instant (``operation``): every audit row and ``updated_at`` written
by one unit of work then carries the same time, the time the operation ran, never the time the
user signed in.

Stored instants are naive UTC (as the database has always held them); local values are naive
local time of this computer (the office's clock).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta, UTC


def _system() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system
_pinned: ContextVar[datetime | None] = ContextVar("xihu_desk_clock_pinned", default=None)


def utc_now() -> datetime:
    """Now as naive UTC: the pinned instant inside an operation, else the clock."""
    pinned = _pinned.get()
    if pinned is not None:
        return pinned
    now = _source()
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now


def to_local(utc: datetime) -> datetime:
    """A naive UTC instant as naive local time (for what people read: 制表时间, file names)."""
    return utc.replace(tzinfo=UTC).astimezone().replace(tzinfo=None)


def to_utc(local: datetime) -> datetime:
    """A naive local time of this computer as naive UTC."""
    return local.astimezone(UTC).replace(tzinfo=None)


def local_now() -> datetime:
    return to_local(utc_now())


def local_date(utc: datetime) -> date:
    """The office's business date at a UTC instant."""
    return to_local(utc).date()


def local_today() -> date:
    """Today, the one definition: the office's local date."""
    return local_date(utc_now())


@contextmanager
def operation(at: datetime | None = None) -> Iterator[datetime]:
    """Pin the clock for one operation (in this thread or task): every read inside gets the same
    instant. Nested operations keep the outer instant."""
    outer = _pinned.get()
    if outer is not None:
        yield outer
        return
    instant = at if at is not None else utc_now()
    token = _pinned.set(instant)
    try:
        yield instant
    finally:
        _pinned.reset(token)


class ManualClock:
    """A clock that stands still until told to move (tests)."""

    def __init__(self, start: datetime) -> None:
        self.at = start if start.tzinfo is None else start.astimezone(UTC).replace(tzinfo=None)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


@contextmanager
def use(source: Callable[[], datetime]) -> Iterator[Callable[[], datetime]]:
    """Replace the clock (tests): ``with clock.use(ManualClock(datetime(2026, 3, 2, 1))) as c:``.
    The source returns naive UTC or an aware datetime."""
    global _source
    before = _source
    _source = source
    try:
        yield source
    finally:
        _source = before
