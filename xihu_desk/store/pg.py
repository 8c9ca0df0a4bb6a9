"""A node on a PostgreSQL server (issue 17): connecting, opening (migrate + reference data).

What SQLite needs at start -- the file's integrity check, clean-exit markers, a file copy before a
migration -- belongs to the file; the server keeps its own crash safety (its write-ahead log), so
opening a server database reads the schema revision, migrates when due and loads reference data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from xihu_desk import dbserver
from xihu_desk.domain.errors import StorageError
from xihu_desk.store import pg_probe

log = logging.getLogger("xihu_desk")

# Made by hand in migration 0014_pg_search (pg_trgm, text_pattern_ops): not in the models.
SERVER_ONLY_INDEXES = frozenset({"ix_case_search_body_trgm", "ix_party_name_prefix"})


def wants_password(exc: BaseException) -> bool:
    """A connection refused for want of a (right) password, not for the network or the database."""
    return pg_probe.asks_password(str(getattr(exc, "orig", exc)))


def configure_engine(engine: Engine) -> None:
    """The password from dbserver (file, keyring) at each connect; never part of the URL.

    The keyring is asked only when the server wants a password that libpq did not find itself
    (PGPASSWORD, ~/.pgpass): loading it costs time at start (its D-Bus and crypto modules)."""
    url = engine.url.render_as_string(hide_password=True)

    @event.listens_for(engine, "do_connect")
    def on_connect(dialect, _record, cargs, cparams):
        if "password" in cparams:
            return None
        secret = dbserver.known_password(url)
        if secret is None:
            try:
                return dialect.loaded_dbapi.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError as exc:
                if not wants_password(exc):
                    raise
                secret = dbserver.password(url)
                if secret is None:
                    raise
        cparams["password"] = secret
        return None


def unreachable(exc: BaseException, url: str) -> StorageError:
    """A connection failure as one line a user can act on (server down, refused, wrong password,
    no such database …: what libpq's reason tells, as the wizard's 测试连接 says it)."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else ""
    where = dbserver.display(url)
    if wants_password(exc):
        return StorageError(
            f"无法登录数据库服务器 {where}：用户名或密码不对。请检查密码文件、PGPASSWORD 或系统密钥环中的密码。"
        )
    said = pg_probe.diagnosis(detail, where, urlsplit(url).path.strip("/"))
    return StorageError(
        said or f"无法连接数据库服务器 {where}（{detail}）。请检查网络和服务器是否开启，或联系单位的信息管理员。"
    )


def lost(exc: BaseException, url: str) -> StorageError | None:
    """The server went away during a command or a screen's read (stopped, restarted, the network
    dropped; or it was never reached): one line as at opening, not a program error. None for any
    other error (a constraint, a bug)."""
    import psycopg

    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, DBAPIError) and (
            e.connection_invalidated or type(e.orig) is psycopg.OperationalError  # subclasses: server-side errors
        ):
            if e.connection_invalidated:
                return StorageError(
                    f"与数据库服务器 {dbserver.display(url)} 的连接中断，本次操作没有完成（已保存的数据不受影响）。"
                    "请检查网络和服务器是否开启后重试。"
                )
            return unreachable(e, url)
        e = e.__cause__ or e.__context__
    return None


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, None for an empty database."""
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('alembic_version') IS NOT NULL")).scalar()
        if not exists:
            return None
        heads = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return ",".join(sorted(heads)) or None


def open_server(data: Any, result_type: Any) -> Any:  # migrate.open_database's DataDir and OpenResult
    """migrate.open_database for a node on a server: the same OpenResult, without file checks."""
    from xihu_desk.store import migrate
    from xihu_desk.store.uow import Database

    data.ensure()  # logs and exported files still live in the data folder
    url = data.url
    db = Database(url)
    result = result_type(db=db)
    try:
        current = current_revision(db.engine)
    except OperationalError as exc:
        db.dispose()
        raise unreachable(exc, url) from exc
    try:
        if current is not None and not migrate.known_revision(current):
            raise StorageError(f"数据库版本（{current}）比本程序新，请先升级西湖司法所工作台再打开此数据库。")
        if current != migrate.head_revision():
            with _one_migrator(db):  # several desks started together: one upgrades, the others wait
                current = current_revision(db.engine)  # what the desk before us left
                if current is not None and not migrate.known_revision(current):
                    raise StorageError(f"数据库版本（{current}）比本程序新，请先升级西湖司法所工作台再打开此数据库。")
                if current != migrate.head_revision():
                    if current is not None:  # as SQLite copies its file: a verified dump first, or no upgrade
                        result.backup = backup_before_upgrade(data, current)
                    migrate.upgrade(db)
                    result.migrated_from = current
        if migrate.reference_due(db):  # as on SQLite: seed (and its models) only when due
            from xihu_desk.store.seed import seed_all

            with db.write() as session:
                result.reference_loaded = seed_all(session)
    except (DBAPIError, StorageError):
        db.dispose()
        raise
    return result


# Held while a desk makes or upgrades the schema (the writers' lock is store/locks.py's, another key).
MIGRATE_LOCK_KEY = 0x58494855_4D494752  # "XIHU" "MIGR"


@contextmanager
def _one_migrator(db: Any) -> Iterator[None]:
    """A session-level advisory lock on a connection of its own, for the whole upgrade."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATE_LOCK_KEY})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATE_LOCK_KEY})
            conn.commit()


def backup_before_upgrade(data: Any, current: str) -> Any:
    """A verified pg_dump of the server database into the data folder's backups/ before its schema
    is upgraded; without one (no pg_dump here, a failed dump) the upgrade is refused, the database
    left as it is."""
    from pathlib import Path

    from xihu_desk.domain import clock

    folder = Path(data.backups)
    target = folder / f"xihu-desk-{clock.local_now():%Y%m%d-%H%M%S}-before-migrate{DUMP_SUFFIX}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        dump(data.url, target)
    except (StorageError, OSError) as exc:
        reason = (exc.message if isinstance(exc, StorageError) else str(exc)).rstrip("。") + "。"
        raise StorageError(
            f"单位服务器上的数据库（版本 {current}）需要升级，升级前必须先备份，但备份没有成功：{reason}"
            "数据库没有改动。请排除上述问题后重新打开，或请信息管理员先用 xihu-desk backup 备份。"
        ) from exc
    log.info("升级单位服务器数据库前已备份：%s", target)
    return target


def insert_many(conn: Any, table: Any, rows: list[dict[str, Any]], *, upsert: bool = False) -> None:
    """A bundle's checked rows (SQLite's storage form: 0/1 booleans, ISO text dates) into ``table``;
    with ``upsert`` a row with the same uuid is replaced column by column (never deleted)."""
    from sqlalchemy import Boolean
    from sqlalchemy.dialects.postgresql import insert

    flags = [c.name for c in table.columns if isinstance(c.type, Boolean)]
    if flags:
        rows = [{**r, **{f: None if r[f] is None else bool(r[f]) for f in flags}} for r in rows]
    stmt = insert(table)
    if upsert:
        stmt = stmt.on_conflict_do_update(
            index_elements=["uuid"], set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name != "uuid"}
        )
    conn.execute(stmt, rows)


def dispose_engines(url: str) -> None:
    """Close this program's pooled connections to the server database ``url`` (before it is
    dropped or restored into)."""
    from sqlalchemy.engine import make_url

    from xihu_desk.store import uow

    target = make_url(dbserver.normalize(url) if "+" not in url.split("://", 1)[0] else url)
    for engine in list(uow._ENGINES):
        at = engine.url
        if at.drivername.startswith("postgresql") and (at.host, at.port, at.database) == (
            target.host,
            target.port,
            target.database,
        ):
            engine.dispose()


# ---------------------------------------------------------------- pg_dump / pg_restore

DUMP_SUFFIX = ".pgdump"


def tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore): on PATH, else the newest of
    Debian's /usr/lib/postgresql/N/bin or Windows' Program Files\\PostgreSQL\\N\\bin."""
    import shutil
    from pathlib import Path

    found = shutil.which(name)
    if found:
        return found
    bases = [Path("/usr/lib/postgresql"), Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "PostgreSQL"]
    for base in bases:
        if base.is_dir():
            versions = sorted(
                (p for p in base.iterdir() if p.name.split(".")[0].isdigit()), key=lambda p: int(p.name.split(".")[0])
            )
            for version in reversed(versions):
                for candidate in (version / "bin" / name, version / "bin" / f"{name}.exe"):
                    if candidate.is_file():
                        return str(candidate)
    raise StorageError(
        f"没有找到 PostgreSQL 的 {name} 程序。请安装 PostgreSQL 客户端（Debian/UOS：apt install postgresql-client）后重试。"
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """``url`` as libpq takes it (no driver name) and the environment carrying its password."""
    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    env = dict(os.environ)
    secret = dbserver.password(plain)
    if secret is not None:
        env["PGPASSWORD"] = secret  # to the child only: never on its command line
    return plain, env


def _run(argv: list[str], env: dict[str, str], what: str) -> str:
    import subprocess

    done = subprocess.run(argv, env=env, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise StorageError(f"{what}失败：{detail[-1] if detail else '退出码 ' + str(done.returncode)}")
    return done.stdout


def listing(path: Any) -> list[str]:
    """The table-of-contents lines of a pg_dump custom-format file (pg_restore --list)."""
    lines = _run([tool("pg_restore"), "--list", str(path)], dict(os.environ), "读取备份文件目录")
    return [line for line in lines.splitlines() if line and not line.startswith(";")]


def dump(url: str, target: Any, progress: Any = None, tables: int = 0) -> None:
    """pg_dump -Fc of the server database into ``target`` (written beside it, then renamed),
    verified by listing it: a file that does not list, or lists no audit log, is removed.

    ``progress`` (store/progress.BackupProgress) hears of each table dumped out of ``tables``
    and of the check; what it raises (the user cancelled) stops pg_dump and leaves no file."""
    from pathlib import Path

    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    plain, env = _libpq(url)
    argv = [tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={plain}"]
    try:
        if progress is None:
            _run(argv, env, "备份")
        else:
            _dump_watched([*argv, "--verbose"], env, progress, max(tables, 1))
            progress.at(progress.split, "正在校验备份…")
        toc = listing(partial)
        if not any("TABLE DATA" in line and " audit_event " in line for line in toc):
            raise StorageError("备份文件校验未通过（目录中没有审计日志），已删除。请重试或联系信息管理员。")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


# How often a running pg_dump is asked whether the user cancelled, in seconds.
POLL_S = 0.2


def _dump_watched(argv: list[str], env: dict[str, str], progress: Any, tables: int) -> None:
    """pg_dump with its --verbose lines counted as tables done; a cancel (whatever
    ``progress.copied`` raises) kills it at once, even in the middle of a large table."""
    import queue
    import subprocess
    import threading

    env = {k: v for k, v in env.items() if k != "LC_ALL"}
    env["LC_MESSAGES"] = "C"  # the lines counted below are pg_dump's untranslated ones
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace"
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:  # stderr in its own thread: the loop below must not block on it
        assert proc.stderr is not None
        with proc.stderr:
            for line in proc.stderr:
                lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    done, last = 0, ""
    try:
        while True:
            try:
                line = lines.get(timeout=POLL_S)
            except queue.Empty:
                progress.copied(done, tables)  # no news: still asks whether to stop
                continue
            if line is None:
                break
            if "dumping contents of table" in line:
                done = min(done + 1, tables)
                progress.copied(done, tables)
            elif line.strip():
                last = line.strip()
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        reader.join(timeout=5)  # pg_dump has ended: its stderr is at its end and closed
    if proc.wait() != 0:
        raise StorageError(f"备份失败：{last or '退出码 ' + str(proc.returncode)}")


def table_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar() or 0
        )


def is_empty(engine: Engine) -> bool:
    return table_count(engine) == 0


def restore_into(url: str, path: Any) -> None:
    """Load a pg_dump custom-format file into the (empty) server database, all or nothing."""
    plain, env = _libpq(url)
    argv = [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*argv, f"--dbname={plain}", str(path)], env, "恢复")


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SHOW server_version")).scalar())
