"""A node on a PostgreSQL server (issue 17): connecting, opening (migrate + reference data).

What SQLite needs at start -- the file's integrity check, clean-exit markers, a file copy before a
migration -- belongs to the file; the server keeps its own crash safety (its write-ahead log), so
opening a server database reads the schema revision, migrates when due and loads reference data.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from xihu_desk import dbserver
from xihu_desk.domain.errors import StorageError

log = logging.getLogger("xihu_desk")

# Made by hand in migration 0014_pg_search (pg_trgm, text_pattern_ops): not in the models.
SERVER_ONLY_INDEXES = frozenset({"ix_case_search_body_trgm", "ix_party_name_prefix"})


def configure_engine(engine: Engine) -> None:
    """The password from dbserver (file, keyring) at each connect; never part of the URL."""
    url = engine.url.render_as_string(hide_password=True)

    @event.listens_for(engine, "do_connect")
    def on_connect(_dialect, _record, _cargs, cparams):
        if "password" not in cparams:
            secret = dbserver.password(url.replace("postgresql+psycopg", "postgresql", 1))
            if secret is not None:
                cparams["password"] = secret


def unreachable(exc: BaseException, url: str) -> StorageError:
    """A connection failure as one line a user can act on (server down, refused, wrong password)."""
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else ""
    where = dbserver.display(url)
    if "password" in detail.lower() or "authentication" in detail.lower():
        return StorageError(
            f"无法登录数据库服务器 {where}：用户名或密码不对。请检查密码文件、PGPASSWORD 或系统密钥环中的密码。"
        )
    return StorageError(
        f"无法连接数据库服务器 {where}（{detail}）。请检查网络和服务器是否开启，或联系单位的信息管理员。"
    )


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
    from xihu_desk.store.seed import seed_all
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
            migrate.upgrade(db)
            result.migrated_from = current
        with db.write() as session:
            result.reference_loaded = seed_all(session)
    except (DBAPIError, StorageError):
        db.dispose()
        raise
    return result


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


def dump(url: str, target: Any) -> None:
    """pg_dump -Fc of the server database into ``target`` (written beside it, then renamed),
    verified by listing it: a file that does not list, or lists no audit log, is removed."""
    from pathlib import Path

    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    plain, env = _libpq(url)
    try:
        _run([tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={plain}"], env, "备份")
        toc = listing(partial)
        if not any("TABLE DATA" in line and " audit_event " in line for line in toc):
            raise StorageError("备份文件校验未通过（目录中没有审计日志），已删除。请重试或联系信息管理员。")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar()


def restore_into(url: str, path: Any) -> None:
    """Load a pg_dump custom-format file into the (empty) server database, all or nothing."""
    plain, env = _libpq(url)
    argv = [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    _run([*argv, f"--dbname={plain}", str(path)], env, "恢复")


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SHOW server_version")).scalar())
