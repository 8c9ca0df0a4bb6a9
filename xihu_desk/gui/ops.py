"""The one door between the screens and the database (style.md §E, design.md §3).

A screen never opens a session. It calls a service function through here:

- ``read(ctx, actor, fn, *args)`` runs ``fn(session, actor, *args)`` in a read-only unit of work
  now and returns its plain result (short reads a screen needs at once: a detail, a year range);
  with ``on_ok=`` it runs on the runner's DB thread instead and hands the result back there.
- ``write(ctx, actor, fn, *args, on_ok=...)`` runs ``fn(session, actor, *args)`` in one unit of work
  on the runner's DB thread: committed whole or rolled back whole.

The actor is stamped from the one clock when the operation runs (never the sign-in time). What a
write changed comes from the write itself: the audit records of its transaction (action, entity,
id), handed out after the commit as one ``changed`` signal on ``bus()``. Pages say which entities
they show (``ListRefresher``) and refresh themselves, keeping selection and scroll position, or,
when hidden, when they are next shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from xihu_desk.gui.bus import Changes, announce, bus
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Progress
from xihu_desk.services.context import Actor

__all__ = ["Changes", "ListRefresher", "announce", "bus", "call", "read", "session_read", "write", "write_unit"]


# -- reading --------------------------------------------------------------------------------------


def read(
    ctx: AppContext,
    actor: Actor,
    fn: Callable[..., Any],
    *args: Any,
    on_ok: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    label: str = "",
    parent: QWidget | None = None,
    with_progress: bool = False,
    **kwargs: Any,
) -> Any:
    """``fn(session, actor, *args, **kwargs)`` in a read-only unit of work. Without ``on_ok``: now,
    returning the result; with it: on the DB thread (returns the op id), and ``with_progress``
    passes ``progress=`` too (a long read: its steps show, and cancelling stops it)."""
    if on_ok is None:
        with ctx.db.read() as session:
            return fn(session, actor.stamped(), *args, **kwargs)
    db = ctx.db

    def work(progress: Progress) -> Any:
        extra = {"progress": progress} if with_progress else {}
        with db.read() as session:
            return fn(session, actor.stamped(), *args, **kwargs, **extra)

    return ctx.runner.call(work, label=label, parent=parent, on_ok=on_ok, on_error=on_error)


def dialect(ctx: AppContext) -> str:
    """The kind of database in use ('sqlite', 'postgresql'), known without a statement: a page
    skips a read that only one kind answers."""
    return str(ctx.db.engine.dialect.name)


def use_database(ctx: AppContext, db: Any) -> None:
    """Every later op runs on ``db`` (首次设置 switched this desk to an office's server); the
    database used until now is closed. Only between ops: the runner is idle."""
    old, ctx.runner.db = ctx.runner.db, db
    if old is not db:
        old.dispose()


def session_read(ctx: AppContext, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn(session, *args)`` for reads that need no actor (code lists, node facts)."""
    with ctx.db.read() as session:
        return fn(session, *args, **kwargs)


# -- writing --------------------------------------------------------------------------------------


def write(
    ctx: AppContext,
    actor: Actor,
    fn: Callable[..., Any],
    *args: Any,
    on_ok: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    label: str = "",
    parent: QWidget | None = None,
    cancellable: bool = True,
    with_progress: bool = False,
    **kwargs: Any,
) -> int:
    """``fn(session, actor, *args, **kwargs)`` in one unit of work on the DB thread, the actor
    stamped when it runs; ``with_progress`` also passes ``progress=`` (long operations). After
    the commit the changes are announced (bus), then ``on_ok(result)`` runs on the GUI thread."""

    def work(session: Any, progress: Progress) -> Any:
        extra = {"progress": progress} if with_progress else {}
        return fn(session, actor.stamped(), *args, **kwargs, **extra)

    # the runner announces what the write changed after the commit, before on_ok
    return ctx.runner.write(work, label=label, parent=parent, on_ok=on_ok, on_error=on_error, cancellable=cancellable)


def call(
    ctx: AppContext,
    actor: Actor | None,
    fn: Callable[..., Any],
    *args: Any,
    with_data: bool = False,
    with_db: bool = True,
    with_progress: bool = False,
    on_ok: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    label: str = "",
    parent: QWidget | None = None,
    cancellable: bool = True,
    **kwargs: Any,
) -> int:
    """For services that open their own units of work (bundles, receipts, backups, sign-in):
    ``fn([data,] [db,] actor, *args, **kwargs[, progress=])`` on the DB thread (without ``actor``
    when it is None: signing in; without ``db`` for a service that reads only files, such as a
    backup's restore plan). What they write is announced like any write."""
    data, db = ctx.data, ctx.db

    def work(progress: Progress) -> Any:
        head: tuple[Any, ...] = ((data,) if with_data else ()) + ((db,) if with_db else ())
        if actor is None:
            return fn(*head, *args, **kwargs, **({"progress": progress} if with_progress else {}))
        extra = {"progress": progress} if with_progress else {}
        return fn(*head, actor.stamped(), *args, **kwargs, **extra)

    return ctx.runner.call(work, label=label, parent=parent, on_ok=on_ok, on_error=on_error, cancellable=cancellable)


def write_unit(
    ctx: AppContext,
    work: Callable[[Any], Any],
    *,
    on_ok: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    label: str = "",
    parent: QWidget | None = None,
    cancellable: bool = True,
) -> int:
    """``work(session)`` in one unit of work on the DB thread, for a form that calls several
    services together (its actor, read from the clock, takes the op's instant)."""
    return ctx.runner.write(
        lambda session, _progress: work(session),
        label=label,
        parent=parent,
        on_ok=on_ok,
        on_error=on_error,
        cancellable=cancellable,
    )


# -- following changes ----------------------------------------------------------------------------


class ListRefresher(QObject):
    """Keeps one page's lists current: when a committed write touches an entity the page shows,
    a visible page refreshes at once (its ``refresh`` keeps selection and scroll position), a
    hidden one marks itself stale and refreshes when it is shown again."""

    def __init__(
        self, page: QWidget, shows: Iterable[str], refresh: Callable[[], Any], *, when_shown: bool = True
    ) -> None:
        """``when_shown=False``: the page reads everything again whenever it is shown anyway."""
        super().__init__(page)
        self.page, self.shows, self._refresh = page, frozenset(shows), refresh
        self.stale = False
        bus().changed.connect(self._on_changed)
        if when_shown:
            page.installEventFilter(self)

    def _on_changed(self, changes: Changes) -> None:
        if not changes.touches(self.shows):
            return
        if self.page.isVisible():
            self.stale = False
            self._refresh()
        else:
            self.stale = True  # read again when shown

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.page and event.type() == QEvent.Type.Show and self.stale:
            self.stale = False
            self._refresh()
        return False
