"""The one way this program opens a SQLite file: plain files with sqlite3, encrypted ones with
SQLCipher (the ``sqlcipher3`` binding) and the key that opens them.

An encrypted file does not start with SQLite's header (its first 16 bytes are SQLCipher's random
salt). Its key is looked for among the keys sealed for the data folder it lies in (the node's
file, its backups, a damaged copy kept in backups/), the keys this process has been given (a
recovery key typed for a restore) and the keys already seen; the one that opens page 1 is
remembered by the file's salt. Keys are raw 256-bit keys (``x'…'``), so SQLCipher's slow
passphrase hashing is skipped: opening costs one page's HMAC.

A missing or empty file inside a folder with a sealed key is created encrypted with that key.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from xihu_desk.store import db_key

SQLITE_HEADER = b"SQLite format 3\x00"


def _cipher() -> Any:
    from sqlcipher3 import dbapi2  # the native library loads only for an encrypted node

    return dbapi2


def errors() -> tuple[type[Exception], ...]:
    """The driver errors of both kinds of file (sqlcipher3's are not sqlite3's subclasses)."""
    return (sqlite3.Error, _cipher().Error)


def is_driver_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return True
    module = type(exc).__module__
    return module.startswith("sqlcipher3") and isinstance(exc, _cipher().Error)


_by_salt: dict[bytes, bytes] = {}
_given: list[bytes] = []  # keys handed to this process (a recovery key for a restore)


def remember(key: bytes) -> None:
    """Let this process open files made with ``key`` wherever they lie."""
    if key not in _given:
        _given.append(key)


def _header(path: Path) -> bytes:
    try:
        with Path(path).open("rb") as f:
            return f.read(16)
    except OSError:
        return b""


def is_encrypted(path: Path) -> bool:
    head = _header(path)
    return len(head) == 16 and head != SQLITE_HEADER


def _roots(path: Path) -> list[Path]:
    """The data folders ``path`` may belong to: its own folder and up to two above (backups/,
    backups/damaged-…/)."""
    folder = Path(path).resolve().parent
    return [folder, *list(folder.parents)[:2]]


def _candidates(path: Path) -> tuple[list[bytes], db_key.KeyUnavailable | None]:
    found: list[bytes] = []
    lost = None
    for root in _roots(path):
        try:
            found += db_key.keys(root)
        except db_key.KeyUnavailable as exc:
            lost = lost or exc
    for key in (*_given, *_by_salt.values()):
        if key not in found:
            found.append(key)
    return found, lost


def opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the encrypted file ``path`` (one page read and checked)."""
    return _try_key(path, key) is True


# SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN: the folder refused (a WAL file's reader must make
# its -shm beside it), which says nothing about the key; a wrong key is SQLITE_NOTADB.
_ACCESS_CODES = (3, 8, 14)


def _try_key(path: Path, key: bytes) -> bool | Exception:
    """True when ``key`` opens ``path``; the error when the folder, not the key, stopped it."""
    conn = None
    try:
        conn = _raw_connect(path, key, readonly=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Exception as exc:
        return exc if getattr(exc, "sqlite_errorcode", None) in _ACCESS_CODES else False
    finally:
        if conn is not None:
            conn.close()


def _refused(path: Path) -> Exception:
    from xihu_desk.domain.errors import StorageError

    folder = Path(path).resolve().parent
    return StorageError(
        f"无法打开数据库 {path}：本账户不能写入数据目录 {folder}（读数据库也要在其中建临时文件）。"
        "请检查该文件夹的权限后重试，不要删除或改动数据目录。"
    )


def key_for(path: Path) -> bytes | None:
    """The key ``path`` needs (None: a plain file, or one no key opens: SQLite then says it is
    not a database, as it would of a damaged file). KeyUnavailable when the folder's key cannot
    be unsealed by this account."""
    path = Path(path)
    head = _header(path)
    if head == SQLITE_HEADER:
        return None
    if len(head) < 16:  # missing or (nearly) empty: made encrypted where a key is sealed
        return db_key.current_key(path.parent)
    cached = _by_salt.get(head)
    if cached is not None and opens(path, cached):  # a file re-keyed since (rekey) is looked up again
        return cached
    keys, lost = _candidates(path)
    refused = False
    for key in keys:
        tried = _try_key(path, key)
        if tried is True:
            _by_salt[head] = key
            return key
        refused = refused or isinstance(tried, Exception)
    if refused:  # a read-only folder is not a damaged file (nor a lost key)
        raise _refused(path)
    if lost is not None:
        raise lost
    return None


def _raw_connect(path: Path | str, key: bytes, *, readonly: bool = False, **kwargs: Any) -> Any:
    dbapi = _cipher()
    if readonly:
        conn = dbapi.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, **kwargs)
    else:
        conn = dbapi.connect(str(path), **kwargs)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher's own log would go to stderr
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    except BaseException:
        conn.close()
        raise
    return conn


_AUTO: Any = object()


def connect(path: Path | str, *, readonly: bool = False, key: bytes | None = _AUTO, **kwargs: Any) -> Any:
    """A DB-API connection to the SQLite file ``path``, keyed when it is (or is to be) encrypted.

    ``readonly`` opens with ``mode=ro`` (never creates, never writes); ``key`` forces a key
    (None: plain) instead of finding it; other arguments go to the driver's ``connect``."""
    if key is _AUTO:
        key = key_for(Path(path))
    if key is not None:
        return _raw_connect(path, key, readonly=readonly, **kwargs)
    if readonly:
        return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, **kwargs)
    return sqlite3.connect(str(path), **kwargs)


# The program's own connections to an encrypted file keep more decrypted pages: a page read again
# from SQLite's cache costs nothing, one read again from the disk cache costs its decryption
# (the case list's counts and full-text search read the same index pages query after query).
ENGINE_CACHE_KIB = 196_608  # 192 MiB at most, filled only as pages are read (1M cases: RSS ~220 MB)


def engine_connection(path: Path, key: bytes) -> Any:
    """A connection of the program's engine (store/engine.py) to the encrypted file ``path``."""
    conn = _raw_connect(path, key, check_same_thread=False)
    conn.execute(f"PRAGMA cache_size = -{ENGINE_CACHE_KIB}")
    return conn


def cipher_plain(path: Path) -> Any:
    """A plain file opened with SQLCipher's library and no key (for ``sqlcipher_export``)."""
    conn = _cipher().connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE")
    return conn


def sqlite_version(path: Path) -> str:
    """The SQLite library that reads ``path``: SQLCipher's for an encrypted file."""
    return str(_cipher().sqlite_version) if is_encrypted(path) else sqlite3.sqlite_version


def dbapi_for(key: bytes | None) -> Any:
    """The DB-API module of a file with (or without) ``key``: SQLAlchemy maps its errors."""
    return _cipher() if key is not None else sqlite3
