"""Units of work: the only place that makes sessions.

``db.write()`` is one transaction that commits whole or rolls back whole; ``db.read()`` is a
short read transaction. Storage failures the user can act on (disk full, locked, read-only)
come out as StorageError with a Chinese message; anything else propagates as a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from xihu_desk.domain.errors import StorageError
from xihu_desk.store.engine import WRITE_OPTION, make_engine

_KNOWN = (
    ("database or disk is full", "磁盘空间已满，本次操作未保存。请清理磁盘后重试，已保存的数据不受影响。"),
    ("disk i/o error", "写入磁盘出错，本次操作未保存。请检查磁盘或 U 盘后重试。"),
    ("database is locked", "数据库正被另一程序占用，本次操作未保存。请关闭其他窗口后重试。"),
    ("readonly database", "数据库文件只读，无法保存。请检查文件权限。"),
    ("attempt to write a readonly", "数据库文件只读，无法保存。请检查文件权限。"),
    ("file is not a database", "数据库文件已损坏或不是本程序的数据库。"),
    ("database disk image is malformed", "数据库文件已损坏，请从备份恢复。"),
    ("unable to open database", "无法打开数据库文件，请检查数据目录。"),
)


def storage_error(exc: BaseException) -> StorageError | None:
    text = str(exc).lower()
    for needle, message in _KNOWN:
        if needle in text:
            return StorageError(message)
    return None


class Database:
    def __init__(self, url: str, *, engine: Engine | None = None):
        self.url = url
        self.engine = engine or make_engine(url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        # Set when the start-up integrity check failed: reads go on, writes are refused.
        self.write_blocked: str | None = None

    @contextmanager
    def write(self) -> Iterator[Session]:
        if self.write_blocked:
            raise StorageError(self.write_blocked)
        session = self._write()
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            known = storage_error(exc)
            if known is None:
                raise
            raise known from exc
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._read()
        try:
            with session.begin():
                yield session
        except OperationalError as exc:
            known = storage_error(exc)
            if known is None:
                raise
            raise known from exc
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
