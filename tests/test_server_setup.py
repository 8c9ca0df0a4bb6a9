"""First run on an office's PostgreSQL database (issue 17): the wizard's 测试连接 and the switch
to the server, through services/server_setup.py. What needs no server runs everywhere; the rest
on the PostgreSQL test server (bootstrap.py test --db postgresql)."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import pg_server
from tests.conftest import PG
from xihu_desk import dbserver
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import server_setup
from xihu_desk.store import pg_probe, pg_secret

needs_pg = pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")


@pytest.fixture
def pgpass(tmp_path, monkeypatch) -> Path:
    """No keyring here: the password goes to libpq's password file, in the test's folder."""
    path = tmp_path / "conf" / "pgpass"
    monkeypatch.setenv("PGPASSFILE", str(path))
    monkeypatch.setattr(pg_secret, "_keyring_usable", lambda: False)
    return path


def _form(url: str, password: str = "") -> server_setup.ServerForm:
    parts = urlsplit(url)
    return server_setup.ServerForm(parts.hostname or "", str(parts.port), parts.path.strip("/"), parts.username or "",
                                   password)


def test_the_form_names_what_to_correct() -> None:
    with pytest.raises(UserError, match="请填写服务器地址"):
        server_setup.ServerForm("", "5432", "xihu", "xihu", "").url()
    with pytest.raises(UserError, match="端口应为"):
        server_setup.ServerForm("10.0.0.5", "70000", "xihu", "xihu", "").url()
    url = server_setup.ServerForm(" 10.0.0.5 ", "", "xihu", "xihu", "s3cret").url()
    assert dbserver.display(url) == "postgresql://xihu@10.0.0.5:5432/xihu" and "s3cret" not in url


def test_no_server_is_said_plainly() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UserError) as refused:
        server_setup.test_connection(server_setup.ServerForm("127.0.0.1", str(port), "xihu", "xihu", "x"))
    assert refused.value.message.startswith("连不上服务器 postgresql://xihu@127.0.0.1:")


def test_the_reasons_in_chinese() -> None:
    where = "postgresql://xihu@h:5432/xihu"
    assert "用户名 xihu 或密码不对" in pg_probe.failure(
        'FATAL:  password authentication failed for user "xihu"', where, "xihu", "xihu")
    assert "服务器上没有数据库 xihu" in pg_probe.failure('FATAL:  database "xihu" does not exist', where, "xihu", "xihu")
    assert "加密连接（TLS）失败" in pg_probe.failure("server does not support SSL, but SSL was required", where, "x", "x")
    assert "pg_hba.conf" in pg_probe.failure('no pg_hba.conf entry for host "10.0.0.9"', where, "x", "x")


def test_the_password_file_is_this_accounts_only(pgpass) -> None:
    pgpass.parent.mkdir()
    pgpass.write_text("otherhost:5432:*:me:keep\nh:5432:xihu:xihu:old\n", encoding="utf-8")
    assert pg_secret.remember(dbserver.normalize("postgresql://xihu@h:5432/xihu"), "n:ew\\pw") == pg_secret.FILE
    assert pgpass.read_text(encoding="utf-8").splitlines() == ["otherhost:5432:*:me:keep", "h:5432:xihu:xihu:n\\:ew\\\\pw"]
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(pgpass).st_mode) == 0o600


@needs_pg
def test_an_empty_database_is_made_ready_and_remembered(tmp_path, pgpass) -> None:
    url = pg_server.create_database(PG)
    try:
        form = _form(url, "typed-password")
        assert server_setup.test_connection(form).state == pg_probe.EMPTY
        data = DataDir(tmp_path / "desk")
        switched = server_setup.use_server(data, form)
        switched.opened.db.dispose()
        assert json.loads((data.root / dbserver.SETTINGS_FILE).read_text(encoding="utf-8")) == {
            "url": dbserver.display(dbserver.normalize(url))}
        assert data.server and switched.kept_in == pg_secret.FILE
        assert "typed-password" not in (data.root / dbserver.SETTINGS_FILE).read_text(encoding="utf-8")
        assert server_setup.test_connection(form).state == pg_probe.SCHEMA_ONLY  # schema made, no node yet
    finally:
        pg_server.drop_database(PG, url)


@needs_pg
def test_an_office_database_is_joined_and_a_stranger_refused(data_dir, pgpass) -> None:
    office = pg_server.url_in(data_dir.root)
    probe = server_setup.test_connection(_form(office))
    assert probe.state == pg_probe.OFFICE and probe.org_name == "北山街道"
    stranger = pg_server.create_database(PG)
    try:
        import psycopg

        with psycopg.connect(stranger, autocommit=True) as conn:
            conn.execute("CREATE TABLE payroll (x int)")
        with pytest.raises(UserError, match="不是空的，也不是西湖司法所工作台的数据库"):
            server_setup.test_connection(_form(stranger))
        with pytest.raises(UserError, match="服务器上没有数据库"):
            server_setup.test_connection(_form(stranger.rsplit("/", 1)[0] + "/no_such_db"))
    finally:
        pg_server.drop_database(PG, stranger)
