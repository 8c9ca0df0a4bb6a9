"""A node on a PostgreSQL server (issue 17): connecting, opening (migrate + reference data).

What SQLite needs at start -- the file's integrity check, clean-exit markers, a file copy before a
migration -- belongs to the file; the server keeps its own crash safety (its write-ahead log), so
opening a server database reads the schema revision, migrates when due and loads reference data.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError

from xihu_desk import dbserver
from xihu_desk.domain.errors import StorageError

log = logging.getLogger("xihu_desk")


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
