"""The command line's connection failure says what libpq's reason tells (issue 17), as the wizard's
测试连接 does (store/pg_probe.diagnosis): a missing database is not "check the network"."""

from __future__ import annotations

import pytest

from tests.conftest import PG
from xihu_desk import cli, dbserver
from xihu_desk.store import pg

URL = dbserver.normalize("postgresql://xihu@10.0.0.5:5432/xihu")


def test_a_missing_database_is_named() -> None:
    exc = Exception('connection failed: connection to server at "10.0.0.5", port 5432 failed: '
                    'FATAL:  database "xihu" does not exist')
    said = pg.unreachable(exc, URL).message
    assert said.startswith("服务器上没有数据库 xihu。") and "检查网络" not in said


def test_refused_and_wrong_password_keep_the_command_lines_lines() -> None:
    refused = Exception('connection failed: connection to server at "10.0.0.5", port 5432 failed: Connection refused')
    assert pg.unreachable(refused, URL).message.startswith("无法连接数据库服务器 postgresql://xihu@10.0.0.5:5432/xihu")
    wrong = Exception('connection failed: FATAL:  password authentication failed for user "xihu"')
    assert "用户名或密码不对" in pg.unreachable(wrong, URL).message


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")
def test_the_command_line_on_a_missing_database(tmp_path, capsys) -> None:
    missing = PG.rsplit("/", 1)[0] + "/no_such_database_here"
    try:
        code = cli.main(["--data-dir", str(tmp_path), "--database", missing, "node", "show"])
    finally:
        dbserver.choose(None)  # --database holds for this process: not for the tests after this one
    err = capsys.readouterr().err
    assert code == 1 and "服务器上没有数据库 no_such_database_here" in err and "内部错误" not in err
