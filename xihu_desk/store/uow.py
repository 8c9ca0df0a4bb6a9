"""Units of work: the only place that makes sessions.

``db.write()`` is one transaction that commits whole or rolls back whole; ``db.read()`` is a
short read transaction. Storage failures the user can act on (disk full, locked, read-only)
come out as StorageError with a Chinese message; anything else propagates as a bug.

A full disk is recognised wherever it shows in the chain of exceptions: SQLite rolls the whole
transaction back by itself on SQLITE_FULL (reliability.md §1.6), so the ROLLBACK TO SAVEPOINT
that follows fails too ("no such savepoint"), and that second error is what reaches us.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from xihu_desk.domain import clock
from xihu_desk.domain.errors import StorageError, UserError
from xihu_desk.store import dbfile, locks
from xihu_desk.store.engine import FIND_KEY, WRITE_OPTION, make_engine

# The ORM loads with the first session, not with the engine: the login window reads through
# peek() and paints before it (issue 15).
if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

_KNOWN = (
    ("disk i/o error", "写入磁盘出错，本次操作未保存。请检查磁盘或 U 盘后重试。"),
    ("database is locked", "数据库正被另一程序占用，本次操作未保存。请关闭其他窗口后重试。"),
    (locks.LOCK_TIMEOUT_MESSAGE, "其他工作台正在保存或导入数据包，本次操作未保存。请稍候重试。"),
    ("readonly database", "数据库文件只读，无法保存。请检查文件权限。"),
    ("attempt to write a readonly", "数据库文件只读，无法保存。请检查文件权限。"),
    ("file is not a database", "数据库文件已损坏或不是本程序的数据库。"),
    ("database disk image is malformed", "数据库文件已损坏，请从备份恢复。"),
    ("could not decode to utf-8", "数据库中有记录已损坏（文字无法解码），请从最新的完好备份恢复。"),
    ("unable to open database", "无法打开数据库文件，请检查数据目录。"),
)


def storage_error(exc: BaseException, folder: Path | None = None) -> StorageError | None:
    """The message for a storage failure anywhere in ``exc``'s chain; None for anything else."""
    if dbfile.is_disk_full(exc, folder):
        return dbfile.DiskFull(folder)
    for e in dbfile.chain(exc):
        if not isinstance(e, DBAPIError) and not isinstance(e, dbfile.DB_ERRORS):  # SQLCipher's too
            continue
        text = str(e).lower()
        for needle, message in _KNOWN:
            if needle in text:
                return StorageError(message)
    return None


# Every engine this program made. An engine can outlive its Database in a reference cycle until
# the garbage collector runs, keeping a pooled connection (and its lock) open meanwhile.
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()


def dispose_all(database: Path) -> None:
    """Close this program's pooled connections to ``database`` (before its file is replaced)."""
    target = Path(database).resolve()
    for engine in list(_ENGINES):
        name = engine.url.database
        if name and Path(name).resolve() == target:
            engine.dispose()


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None, key: Any = FIND_KEY):
        self.url = url
        self.engine = engine or make_engine(url, key=key)  # key: when the opener found it (migrate)
        locks.install(self.engine, WRITE_OPTION)  # PostgreSQL: one writer at a time, as BEGIN IMMEDIATE on SQLite
        self._makers: tuple[sessionmaker, sessionmaker] | None = None  # (read, write), made on first use
        # Set when the start-up integrity check failed: reads go on, writes are refused.
        self.write_blocked: str | None = None
        # Set when the file cannot be read at all (zero bytes, garbage): reads are refused too.
        self.read_blocked: str | None = None
        # Called before every write while the day's integrity check is pending or running
        # (services/integrity_watch.py): no write lands before its verdict.
        self.write_gate: Callable[[], None] | None = None
        database = make_url(url).database if url.startswith("sqlite") else None
        self.path: Path | None = Path(database) if database else None
        self.folder: Path | None = self.path.parent if self.path else None
        _ENGINES.add(self.engine)

    @contextmanager
    def write(self) -> Iterator[Session]:
        gate = self.write_gate
        if gate is not None:
            gate()  # may find damage and set write_blocked
        blocked = self.read_blocked or self.write_blocked
        if blocked:
            raise StorageError(blocked)
        # one unit of work, one instant: every audit row and updated_at it writes shares the time
        with clock.operation(), self._unit(self._sessions()[1]) as session:
            yield session

    @contextmanager
    def trial(self) -> Iterator[Session]:
        """A write unit that is always rolled back whole when the block ends: a dry run meets every
        check a real write meets (constraints, what earlier rows make true) and keeps nothing, not
        even what commit hooks would add (digests, the audit anchor)."""
        with self.write() as session:
            yield session
            session.rollback()

    @contextmanager
    def read(self) -> Iterator[Session]:
        if self.read_blocked:
            raise StorageError(self.read_blocked)
        with self._unit(self._sessions()[0]) as session:
            yield session

    @contextmanager
    def peek(self) -> Iterator[Connection]:
        """A short read on a plain connection, no session and so no ORM: what the first window
        reads before the rest of the program loads (issue 15). Refused and worded as read() is."""
        if self.read_blocked:
            raise StorageError(self.read_blocked)
        with self._worded(), self.engine.connect() as conn:
            yield conn

    def _sessions(self) -> tuple[sessionmaker, sessionmaker]:
        if self._makers is None:
            from sqlalchemy.orm import sessionmaker

            from xihu_desk.store import lengths

            lengths.install()  # every flush holds the declared lengths
            self._makers = (
                sessionmaker(self.engine, expire_on_commit=False),
                sessionmaker(self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False),
            )
        return self._makers

    @contextmanager
    def _worded(self) -> Iterator[None]:
        """A driver's error as the StorageError that says it in Chinese (a UserError as it is)."""
        try:
            yield
        except UserError:
            raise
        except Exception as exc:
            known = storage_error(exc, self.folder)
            if known is None and self.url.startswith("postgresql"):  # a server may have gone away meanwhile
                from xihu_desk.store import pg

                known = pg.lost(exc, self.url)
            if known is None:
                raise
            raise known from exc

    @contextmanager
    def _unit(self, make: sessionmaker) -> Iterator[Session]:
        session = make()
        try:
            with self._worded(), session.begin():
                yield session
        finally:
            try:
                session.close()
            except Exception as exc:
                if storage_error(exc, self.folder) is None:
                    raise

    def dispose(self) -> None:
        self.engine.dispose()
