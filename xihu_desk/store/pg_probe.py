"""测试连接 for an office's PostgreSQL database (first-run wizard, issue 17): connect once with the
password typed, say in one Chinese line what failed (no server, refused, wrong password, no such
database, TLS), and otherwise what the database holds: nothing yet (a node can be made in it), an
office's node (join it), something else (refused), or a newer program's schema (refused).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xihu_desk import dbserver
from xihu_desk.domain.errors import UserError

EMPTY, OFFICE, SCHEMA_ONLY = "empty", "office", "schema_only"
CONNECT_TIMEOUT_S = 8


@dataclass(frozen=True)
class Probe:
    state: str  # EMPTY, OFFICE or SCHEMA_ONLY (the schema is there, init was never finished)
    where: str  # postgresql://user@host:port/db, as shown
    server_version: str
    tls: bool
    org_name: str = ""  # OFFICE: the unit whose database it is
    org_code: str = ""


def asks_password(detail: str) -> bool:
    """libpq refused for want of a (right) password, not for the network or the database."""
    low = detail.lower()
    return "password" in low or "authentication failed" in low


def diagnosis(detail: str, where: str, database: str) -> str | None:
    """What libpq's reason (English: the driver's wheel has no translations) says beyond "no
    server" or "wrong password", as one line a person can act on; None when it says nothing more.
    The wizard's 测试连接 and the command line's connection failure (pg.unreachable) both ask it."""
    low = detail.lower()
    if "does not exist" in low and "database" in low:
        return f"服务器上没有数据库 {database}。请信息管理员先建立一个空数据库（createdb），或核对数据库名。"
    if "pg_hba.conf" in low and "no encryption" in low:  # the server takes encrypted connections only
        return (
            f"服务器 {where} 只接受加密连接（TLS），本机的连接设置了不加密（sslmode=disable）。"
            "请去掉数据库地址中的 sslmode=disable（或改为 sslmode=require）后重试。"
        )
    if "pg_hba.conf" in low:
        return f"服务器不允许本机连接 {where}（pg_hba.conf 中没有放行本机）。请信息管理员放行本单位网段后重试。"
    if "ssl" in low or "tls" in low or "certificate" in low:
        return f"与 {where} 建立加密连接（TLS）失败：{detail}。请信息管理员检查服务器的证书设置。"
    if "translate host name" in low or "name or service not known" in low or "nodename" in low:
        return f"找不到服务器 {where.split('@')[-1].split('/')[0]}：请核对服务器地址。"
    if "timeout" in low or "timed out" in low:
        return f"连接 {where} 超时：服务器没有响应。请检查网络、服务器地址和端口，或服务器是否开启。"
    return None


def failure(detail: str, where: str, user: str, database: str) -> str:
    """The wizard's line for a failed 测试连接."""
    if asks_password(detail):
        return f"无法登录 {where}：用户名 {user} 或密码不对。请核对后重试，或向信息管理员确认。"
    said = diagnosis(detail, where, database)
    if said:
        return said
    low = detail.lower()
    if "refused" in low or "could not connect" in low or "connection" in low:
        return f"连不上服务器 {where}：该地址和端口上没有 PostgreSQL 在运行。请检查服务器地址、端口，或服务器是否开启。"
    return f"无法连接 {where}：{detail}。请联系单位的信息管理员。"


def probe(url: str, password: str | None, office: Callable[[Any], Any]) -> Probe:
    """Connect to ``url`` (a normalised server URL) with ``password`` and look at what is there,
    read as the program reads it (store/pg.py; ``office(conn)``: the node's unit, or None before
    init: services/node_glance.glance). Raises UserError with the reason when it cannot connect."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from xihu_desk.store import migrate, pg

    at = make_url(url)
    where = dbserver.display(url)
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_S}
    if password:
        args["password"] = password
    engine = create_engine(url, connect_args=args)  # its pool keeps the one connection for every read below
    try:
        try:
            with engine.connect() as conn:
                tls = bool(conn.connection.dbapi_connection.info.pgconn.ssl_in_use)  # type: ignore[union-attr]
        except OperationalError as exc:
            detail = (str(exc.orig).strip().splitlines() or [type(exc).__name__])[-1].strip()
            raise UserError(failure(detail, where, at.username or "", at.database or "")) from exc
        version = pg.server_version(engine)
        if pg.is_empty(engine):
            return Probe(EMPTY, where, version, tls)
        revision = pg.current_revision(engine)
        if revision is None:
            raise UserError(
                f"数据库 {where} 不是空的，也不是西湖司法所工作台的数据库。请换一个空数据库，或请信息管理员新建一个。"
            )
        if not migrate.known_revision(revision):
            raise UserError(f"数据库 {where} 由更新版本的程序建立。请先升级西湖司法所工作台再连接。")
        with engine.connect() as conn:
            unit = office(conn)
    finally:
        engine.dispose()
    if unit is None:
        return Probe(SCHEMA_ONLY, where, version, tls)
    return Probe(OFFICE, where, version, tls, org_name=unit.org_name, org_code=unit.org_code)
