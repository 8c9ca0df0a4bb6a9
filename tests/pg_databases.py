"""PostgreSQL for this area's tests until the suite runs on both backends (issue 17).

``postgres_node_url(name)`` is the URL of a fresh database holding an initialised township node, on
the server named by XIHU_DESK_TEST_PG (what ``bootstrap.py test --db postgresql`` sets) or else on a
throwaway server started here once (tests/pg_server.py). It skips the test with the reason when
there is no server, no driver, or the schema cannot be made there.
"""

from __future__ import annotations

import atexit
import os

import pytest

ENV = "XIHU_DESK_TEST_PG"
_started: dict[str, str] = {}


def _admin_url() -> str:
    url = os.environ.get(ENV)
    if url:
        return url
    if "url" in _started:
        return _started["url"]
    try:
        from tests.pg_server import Server
    except ImportError:
        pytest.skip(f"没有 PostgreSQL 测试服务器（未设置 {ENV}，也没有 tests/pg_server.py）")
    try:
        server = Server().start()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"无法启动测试用的 PostgreSQL：{exc}")
    atexit.register(server.stop)
    _started["url"] = server.url
    return server.url


def postgres_node_url(name: str, *, district: bool = False) -> str:
    """A fresh database ``name`` holding a township node (北山街道; admin/ADMIN_PASSWORD), or with
    ``district`` the district bureau's node (admin qu / District-key-2026, as tests/test_bundle_hardening.py)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("没有安装 psycopg，跳过 PostgreSQL 测试")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = make_url(_admin_url()).set(drivername="postgresql+psycopg")
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    url = admin.set(database=name).render_as_string(hide_password=False)
    _make_node(url, district)
    return url


def _make_node(url: str, district: bool) -> None:
    from tests.conftest import ADMIN_PASSWORD
    from xihu_desk.services import node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate
    from xihu_desk.store.seed import seed_all
    from xihu_desk.store.uow import Database

    db = Database(url)
    try:
        try:
            migrate.upgrade(db)
        except Exception as exc:  # the migrations are being made dialect-neutral (issue 17)
            pytest.skip(f"数据库结构迁移在 PostgreSQL 上尚不能完成：{str(exc).splitlines()[0][:200]}")
        with db.write() as session:
            seed_all(session)
            if district:
                command = node.InitCommand("330106", "district", None, "qu", "District-key-2026")
            else:
                command = node.InitCommand(
                    org_code="330106002", level="township", parent_code=None,
                    admin_username="admin", admin_password=ADMIN_PASSWORD, admin_display_name="王管理")
            node.init_node(session, cli_actor(), command)
    finally:
        db.dispose()
