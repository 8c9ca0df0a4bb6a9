"""--database URL / XIHU_DESK_DATABASE: which database a command uses, and no password in a URL (issue 17)."""

from __future__ import annotations

import json

import pytest

from xihu_desk import cli, dbserver
from xihu_desk.cli.parser import build
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir


@pytest.fixture(autouse=True)
def _no_server(monkeypatch):
    monkeypatch.delenv(dbserver.ENV, raising=False)
    yield
    dbserver.choose(None)


def test_url_normalised_with_tls_preferred():
    url = dbserver.normalize("postgresql://xihu@192.168.1.10:5433/xihu")
    assert url == "postgresql+psycopg://xihu@192.168.1.10:5433/xihu?sslmode=prefer"
    assert "sslmode=require" in dbserver.normalize("postgres://xihu@h/x?sslmode=require")
    assert dbserver.display(url) == "postgresql://xihu@192.168.1.10:5433/xihu"


@pytest.mark.parametrize("url", ["postgresql://xihu:secret@h/x", "postgresql://xihu@h/x?password=secret"])
def test_password_in_url_refused(url):
    with pytest.raises(UserError, match="不能写密码") as caught:
        dbserver.normalize(url)
    assert "secret" not in caught.value.message


def test_other_schemes_refused():
    with pytest.raises(UserError, match="postgresql://"):
        dbserver.normalize("mysql://xihu@h/x")


def test_option_before_and_after_the_command():
    before = build().parse_args(["--database", "postgresql://a@h/x", "node", "show"])
    after = build().parse_args(["node", "show", "--database", "postgresql://a@h/x", "--database-password-file", "p"])
    assert before.database == after.database == "postgresql://a@h/x"
    assert after.database_password_file == "p"


def test_sqlite_without_setting(tmp_path):
    data = DataDir(tmp_path)
    assert data.server is None and data.url.startswith("sqlite:///")
    assert dbserver.label(data.server) == "本机数据库"


def test_environment_then_settings_file(tmp_path, monkeypatch):
    dbserver.save_setting(tmp_path, "postgresql://desk@10.0.0.2/office")
    assert DataDir(tmp_path).url == "postgresql+psycopg://desk@10.0.0.2/office?sslmode=prefer"
    monkeypatch.setenv(dbserver.ENV, "postgresql://env@10.0.0.3/xihu")
    assert DataDir(tmp_path).server.startswith("postgresql+psycopg://env@10.0.0.3/xihu")
    dbserver.choose("postgresql://cli@10.0.0.4/xihu")
    assert "cli@10.0.0.4" in DataDir(tmp_path).url
    assert dbserver.label(DataDir(tmp_path).server) == "单位服务器（PostgreSQL）"
    dbserver.save_setting(tmp_path, None)
    assert not (tmp_path / dbserver.SETTINGS_FILE).exists()


def test_settings_file_unreadable(tmp_path):
    (tmp_path / dbserver.SETTINGS_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(UserError, match="数据库设置文件"):
        _ = DataDir(tmp_path).server


def test_cli_refuses_password_in_url(tmp_path, capsys):
    code = cli.main(["--data-dir", str(tmp_path), "--database", "postgresql://x:hunter2@h/db", "node", "show"])
    err = capsys.readouterr().err
    assert code == 1 and "不能写密码" in err and "hunter2" not in err


def test_password_file_read_by_the_command_line(tmp_path):
    secret = tmp_path / "pw.txt"
    secret.write_text("\ufeffs3cret\n", encoding="utf-8")
    args = build().parse_args(["node", "show", "--database", "postgresql://a@h/x", "--database-password-file", str(secret)])
    from xihu_desk.cli import common

    common.choose_database(args)
    assert dbserver.password("postgresql://a@h/x") == "s3cret"
    assert json.dumps(DataDir(tmp_path).url).count("s3cret") == 0


def test_server_not_reachable_is_one_line(tmp_path, capsys):
    code = cli.main(["--data-dir", str(tmp_path), "--database", "postgresql://xihu@127.0.0.1:1/xihu", "node", "show"])
    err = capsys.readouterr().err
    assert code == 1 and "无法连接数据库服务器 postgresql://xihu@127.0.0.1:1/xihu" in err
    assert "内部错误" not in err
