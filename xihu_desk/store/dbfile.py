"""What state a database file is in, found out with plain read-only SQLite and nothing else.

Start-up, ``check`` and ``restore`` must work whatever is on disk: damaged pages, garbage, zero
bytes, a file that is missing while its ``-wal`` is still there, a database made by another
program. None of them may go through Alembic or the ORM first (both give up on a damaged file
with errors that say nothing to a user), and none may mistake a full disk or a locked file for
damage: a full disk is never a reason to restore a backup (that would lose work).

Also here: telling a full disk apart from every other failure (``is_disk_full``), for the one
message every write path gives (``DiskFull``).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xihu_desk.domain.errors import StorageError
from xihu_desk.store import sqlfile
from xihu_desk.store.sqlite_words import check_row, words

SQLITE_HEADER = b"SQLite format 3\x00"
# Also what an encrypted file no key sealed here opens looks like (app.py offers the recovery key).
NOT_SQLITE_HEADER = "文件开头不是 SQLite 数据库的文件头"
# Primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 3, 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_FORMAT, SQLITE_RANGE, SQLITE_NOTADB = 24, 25, 26
DAMAGE_CODES = {SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FORMAT, SQLITE_RANGE}
# Windows: ERROR_HANDLE_DISK_FULL (39), ERROR_DISK_FULL (112). Python maps both to ENOSPC, but a
# winerror may come without the errno from some wrappers.
_WINDOWS_DISK_FULL = {39, 112}
# Below this much free space an I/O error of SQLite's is taken to be the disk being full (SQLite
# reports a failed write of its -shm or -wal file as SQLITE_IOERR, not SQLITE_FULL).
NEARLY_FULL = 256 * 1024

COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")
PROGRESS_STEPS = 50_000  # SQLite VM steps between calls of inspect's progress (a few ms)

# sqlite3's errors and SQLCipher's (an encrypted node's file), which are not sqlite3's subclasses
DB_ERRORS: tuple[type[Exception], ...] = sqlfile.errors()
_READ_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, UnicodeDecodeError)
_OPEN_ERRORS: tuple[type[Exception], ...] = (*DB_ERRORS, StorageError)

DISK_FULL_MESSAGE = "磁盘已满：{where}没有剩余空间，本次操作没有完成。请清理磁盘空间后重试，已保存的数据没有改变。"


class DiskFull(StorageError):
    """No space left where we write. Never a reason to call the database damaged."""

    def __init__(self, where: Path | str | None = None):
        place = f"{where} 所在的磁盘" if where else "磁盘"
        super().__init__(DISK_FULL_MESSAGE.format(where=place))


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (Python 3.11 attaches the extended one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it and what it interrupted, and SQLAlchemy's wrapped driver error."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]


def free_bytes(folder: Path) -> int | None:
    """Free space where ``folder`` is (the nearest existing parent); None when it cannot be told."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            try:
                return shutil.disk_usage(candidate).free
            except OSError:
                return None
    return None


def is_disk_full(exc: BaseException, folder: Path | None = None) -> bool:
    """Whether ``exc`` (or anything in its chain) says the disk is full.

    SQLITE_FULL and ENOSPC say so themselves; SQLite's I/O errors count when ``folder`` is given
    and its disk has (next to) no space left."""
    io_error = False
    for e in chain(exc):
        if isinstance(e, OSError) and (e.errno == errno.ENOSPC or getattr(e, "winerror", None) in _WINDOWS_DISK_FULL):
            return True
        code = sqlite_code(e)
        if code == SQLITE_FULL or "database or disk is full" in str(e).lower():
            return True
        if code in (SQLITE_IOERR, SQLITE_CANTOPEN) or "disk i/o error" in str(e).lower():
            io_error = True
    if io_error and folder is not None:
        free = free_bytes(folder)
        return free is not None and free < NEARLY_FULL
    return False


def disk_full_error(exc: BaseException, folder: Path | None = None) -> DiskFull | None:
    """The one message for ``exc`` when it is a full disk, naming where space is needed (the
    folder of the file that could not be written, else ``folder``); None otherwise."""
    if isinstance(exc, DiskFull):
        return exc
    if not is_disk_full(exc, folder):
        return None
    for e in chain(exc):
        name = getattr(e, "filename", None) if isinstance(e, OSError) else None
        if name:
            return DiskFull(Path(name).parent)
    return DiskFull(folder)


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc`` (or anything in its chain) is SQLite saying the file is damaged."""
    for e in chain(exc):
        # SQLite quotes damaged bytes in some messages, which the driver then fails to decode.
        if sqlite_code(e) in DAMAGE_CODES or isinstance(e, UnicodeDecodeError):
            return True
        text = str(e).lower()
        if "malformed" in text or "file is not a database" in text or "could not decode to utf-8" in text:
            return True
    return False


def companions(path: Path) -> list[Path]:
    """The -wal, -shm and -journal files SQLite keeps beside ``path`` (those that exist)."""
    return [p for p in (path.with_name(path.name + s) for s in COMPANION_SUFFIXES) if p.exists()]


def wal_left(path: Path) -> bool:
    """A non-empty -wal beside ``path``: committed work that is not in the main file yet."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


@dataclass(frozen=True)
class NodeIdentity:
    node_id: str
    org_code: str
    org_name: str
    level: str
    fingerprint: str

    def label(self) -> str:
        return f"{self.org_name or self.org_code}（{self.org_code}，节点 {self.node_id[:8]}）"


@dataclass(frozen=True)
class Health:
    """``state`` is one of:

    * ``missing``: no file (and nothing left beside it): a new node may be made here;
    * ``new``: a sound SQLite file without a single table (what a first start leaves);
    * ``ok``: sound as far as the check went;
    * ``damaged``: zero bytes, not SQLite, damaged pages, not this program's database, or gone
      while its ``-wal`` is still there. Never recreated or written to silently;
    * ``unavailable``: could not be read for a reason that is not damage (disk full, locked, no
      permission, I/O error): the file is left alone and nobody is told to restore.
    """

    path: Path
    state: str
    problems: tuple[str, ...] = ()
    summary: str = ""  # one short Chinese phrase about the damage, for one-line messages
    revision: str | None = None
    node: NodeIdentity | None = None
    node_read: bool = False  # the node table was read (``node`` None then means "no node yet")
    error: StorageError | None = None  # for ``unavailable``
    # the key that opened it (``ok``/``new``), handed to the engine: never printed, never compared
    key: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def damaged(self) -> bool:
        return self.state == "damaged"

    def raise_if_unavailable(self) -> None:
        """Raise why a file that is not damaged could not be read (disk full, lock, no permission)."""
        if self.state == "unavailable":
            raise self.error or StorageError("；".join(self.problems))

    @property
    def readable(self) -> bool:
        """Reads may be tried: sound, or damaged in places but with its schema still readable."""
        return self.state in ("ok", "new") or (self.damaged and self.revision is not None)

    @property
    def creatable(self) -> bool:
        return self.state in ("missing", "new")


def _connect_ro(path: Path, **key: bytes | None) -> sqlite3.Connection:
    """``path`` read-only; ``key=`` when the caller has found it already (else it is found here)."""
    conn = sqlfile.connect(path, readonly=True, **key)
    # SQLite quotes damaged bytes in its messages: never fail on decoding them.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return conn


def _unavailable(path: Path, exc: BaseException) -> Health:
    if is_disk_full(exc, path.parent):
        error: StorageError = DiskFull(path.parent)
    else:
        code = sqlite_code(exc)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            text = "数据库正被另一个程序使用，请关闭其他的西湖司法所工作台窗口后重试。"
        elif code in (SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN) or isinstance(exc, PermissionError):
            text = f"无法读取数据库文件 {path}：没有权限或文件被占用。请检查数据目录的权限后重试。"
        else:
            text = f"读取数据库文件 {path} 时磁盘出错（{words(exc)}）。请检查磁盘后重试，不要删除数据目录。"
        error = StorageError(text)
    return Health(path, "unavailable", (words(exc),), error=error)


def _damaged(path: Path, problems: list[str], summary: str, **kw) -> Health:
    return Health(path, "damaged", tuple(problems), summary=summary, **kw)


def _page_count(conn: sqlite3.Connection) -> int:
    try:
        return conn.execute("PRAGMA page_count").fetchone()[0]
    except DB_ERRORS:
        return 0


class GarbledText(sqlite3.DatabaseError):
    """A value that should be plain text holds bytes that are not UTF-8: damage in a record,
    which neither quick_check nor integrity_check can see."""

    sqlite_errorcode = SQLITE_CORRUPT


def _plain(value: object) -> str:
    text = "" if value is None else str(value)
    if "\ufffd" in text:  # our read-only connections decode with errors="replace"
        raise GarbledText("record holds bytes that are not UTF-8")
    return text


def read_revision(conn: sqlite3.Connection) -> str | None:
    heads = sorted(_plain(r[0]) for r in conn.execute("SELECT version_num FROM alembic_version"))
    return ",".join(heads) or None


def read_node(conn: sqlite3.Connection) -> NodeIdentity | None:
    row = conn.execute(
        "SELECT n.node_id, n.org_code, coalesce(o.name, ''), n.level, n.fingerprint "
        "FROM node n LEFT JOIN org_unit o ON o.code = n.org_code"
    ).fetchone()
    if not row:
        return None
    node_id, org_code, org_name, level, fingerprint = row
    return NodeIdentity(_plain(node_id), _plain(org_code), str(org_name), _plain(level), _plain(fingerprint))


def inspect(
    path: Path, *, full: bool = False, check: bool = True, progress: Callable[[], bool] | None = None
) -> Health:
    """The state of the database file at ``path``; reads only, never raises for what is on disk.

    ``full`` runs ``PRAGMA integrity_check`` (every index against its table) instead of
    ``quick_check``; ``check=False`` runs neither (a start after a clean exit, store/clean_exit.py):
    the header, the schema, the revision and the node are still read. ``progress`` is called
    every few thousand steps of the check (a long one on a large file); True stops it."""
    path = Path(path)
    try:
        exists = path.exists()
        size = path.stat().st_size if exists else 0
        if not exists:
            if wal_left(path):
                return _damaged(
                    path, ["数据库文件不存在，但留有未合并的日志文件（-wal）"], "文件丢失，只留下了 -wal 日志文件"
                )
            return Health(path, "missing")
        if size == 0:
            return _damaged(path, ["数据库文件为空（0 字节）"], "文件为空，0 字节")
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        return _unavailable(path, exc)
    try:
        key = sqlfile.key_for(path) if header != SQLITE_HEADER else None
    except StorageError as exc:  # encrypted, and this account cannot unseal the key: not damage
        return Health(path, "unavailable", (exc.message,), error=exc)
    if header != SQLITE_HEADER and key is None:
        return _damaged(path, [NOT_SQLITE_HEADER], "文件已被覆盖或不是数据库")
    try:
        conn = _connect_ro(path, key=key)
    except DB_ERRORS as exc:
        return _damaged(path, [words(exc)], "无法读取") if is_damage(exc) else _unavailable(path, exc)
    if progress is not None:
        conn.set_progress_handler(progress, PROGRESS_STEPS)
    try:
        try:
            pragma = "PRAGMA integrity_check" if full else "PRAGMA quick_check"
            rows = [r[0] for r in conn.execute(pragma)] if check else ["ok"]
        except _READ_ERRORS as exc:
            if not is_damage(exc):
                return _unavailable(path, exc)
            rows = [str(exc)]  # said in Chinese with the rows, below
        # SQLite's rows are English: said in Chinese, the page or index they name kept
        problems = [] if rows == ["ok"] else list(dict.fromkeys(check_row(str(r)) for r in rows))
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except _READ_ERRORS as exc:
            if not is_damage(exc):
                return _unavailable(path, exc)
            return _damaged(path, problems or [words(exc)], "完整性检查未通过")
        if not tables and not problems and _page_count(conn) <= 2:
            return Health(path, "new", key=key)
        revision, node, node_read = None, None, False
        try:
            revision = read_revision(conn) if "alembic_version" in tables else None
        except _READ_ERRORS as exc:
            if not is_damage(exc):
                return _unavailable(path, exc)
            problems = problems or ["数据库版本记录已损坏：" + words(exc)]
        try:
            if "node" in tables:
                node, node_read = read_node(conn), True
        except _READ_ERRORS as exc:
            if not is_damage(exc):
                return _unavailable(path, exc)
            problems = problems or ["节点身份记录已损坏：" + words(exc)]
        if problems:
            return _damaged(path, problems, "完整性检查未通过", revision=revision, node=node, node_read=node_read)
        if revision is None:
            return _damaged(path, ["数据库中没有西湖司法所工作台的版本记录"], "不是西湖司法所工作台的数据库")
        return Health(path, "ok", revision=revision, node=node, node_read=node_read, key=key)
    finally:
        conn.close()


@dataclass
class InUse:
    """Result of ``probe_exclusive``: whether another connection (another program) has the file."""

    busy: bool
    detail: str = field(default="")


def probe_exclusive(path: Path) -> InUse:
    """Try for a moment to take the whole file for ourselves (a sound database only).

    In WAL mode every open connection holds a shared lock, so this fails while another window or
    command has the database open; it leaves the file unchanged."""
    try:
        conn = sqlfile.connect(path, timeout=0, isolation_level=None)
    except _OPEN_ERRORS as exc:
        return InUse(False, str(exc))
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("ROLLBACK")
        return InUse(False)
    except DB_ERRORS as exc:
        return InUse(sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED), str(exc))
    finally:
        conn.close()
