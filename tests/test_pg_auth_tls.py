"""The failures the first-run wizard's 测试连接 names, met on a live server (issue 17): a role that
logs in with a password (scram-sha-256) on a server that offers TLS, and a database it reaches
over TLS only. One server for the module, started here (tests/pg_server.py), skipped with one line
when PostgreSQL cannot be started on this machine. Also the command line's ``--json`` contract on
the server's errors: exit 1, nothing on stdout, one line on stderr, as on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests import pg_server
from xihu_desk import cli, dbserver
from xihu_desk.domain.errors import UserError
from xihu_desk.services import node_glance, server_setup
from xihu_desk.store import pg, pg_probe
from xihu_desk.store.uow import Database

ROLE, PASSWORD = "office", "Right-Pass-2026"
SECURE = "secure"  # the database the server takes encrypted connections to only


@pytest.fixture(scope="module")
def server():
    try:
        started = pg_server.Server(role=(ROLE, PASSWORD), tls=True, tls_only=(SECURE,)).start()
    except Exception as exc:  # no PostgreSQL here (Windows without it, no initdb)
        pytest.skip(f"PostgreSQL cannot be started here: {str(exc).splitlines()[0] if str(exc) else exc}")
    yield started
    started.stop()


@pytest.fixture(autouse=True)
def _no_password_around(monkeypatch):
    """Only what a test gives: no PGPASSWORD, nothing typed before, no keyring answer."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setattr(dbserver, "_known", {})
    monkeypatch.setattr(dbserver, "password", dbserver.known_password)
    dbserver.choose(None)
    yield
    dbserver.choose(None)  # --database of a command holds for this process


def _form(server: pg_server.Server, password: str) -> server_setup.ServerForm:
    return server_setup.ServerForm("127.0.0.1", str(server.port), ROLE, ROLE, password)


def test_a_wrong_password_is_said_as_such(server) -> None:
    with pytest.raises(UserError) as refused:
        server_setup.test_connection(_form(server, "Wrong-Pass-2026"))
    assert refused.value.message == (
        f"无法登录 postgresql://{ROLE}@127.0.0.1:{server.port}/{ROLE}：用户名 {ROLE} 或密码不对。请核对后重试，或向信息管理员确认。"
    )


def test_the_right_password_connects_encrypted(server) -> None:
    probe = server_setup.test_connection(_form(server, PASSWORD))
    assert probe.state == pg_probe.EMPTY and probe.tls


def test_the_programs_connections_are_encrypted_when_the_server_offers_tls(server) -> None:
    url = dbserver.normalize(server.role_url(ROLE))  # sslmode=prefer, as every desk's URL
    dbserver.use_password(url, PASSWORD)
    db = Database(url)
    try:
        with db.read() as session:
            ssl, version = session.execute(
                text("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            ).one()
    finally:
        db.dispose()
    assert ssl is True and version.startswith("TLS")


def test_a_server_that_requires_tls_refuses_sslmode_disable_with_the_tls_line(server) -> None:
    url = dbserver.normalize(server.role_url(SECURE) + "?sslmode=disable")
    with pytest.raises(UserError) as refused:
        pg_probe.probe(url, PASSWORD, node_glance.glance)
    where = f"postgresql://{ROLE}@127.0.0.1:{server.port}/{SECURE}"
    assert refused.value.message.startswith(f"服务器 {where} 只接受加密连接（TLS）")
    assert "sslmode=disable" in refused.value.message
    # the same server over the default sslmode=prefer is fine
    assert pg_probe.probe(dbserver.normalize(server.role_url(SECURE)), PASSWORD, node_glance.glance).tls


# -- the command line's --json on the server's errors ------------------------------------------------


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(code: int, out: str, err: str) -> str:
    """The contract (design.md §10): exit 1, nothing on stdout under --json, one line on stderr."""
    assert code == 1 and out == "", (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：") and "内部错误" not in err, err
    return lines[0]


def test_json_errors_on_sqlite_are_one_line_and_an_empty_stdout(capsys, tmp_path: Path) -> None:
    _one_error_line(*_run(capsys, "--data-dir", str(tmp_path / "none"), "case", "list", "--json"))


def test_json_with_a_wrong_password(server, capsys, tmp_path: Path) -> None:
    wrong = tmp_path / "pw.txt"
    wrong.write_text("Wrong-Pass-2026\n", encoding="utf-8")
    for command in (("case", "list", "--json"), ("node", "show", "--json"), ("check", "--json")):
        line = _one_error_line(*_run(capsys, "--data-dir", str(tmp_path / "d"), "--database", server.role_url(ROLE),
                                     "--database-password-file", str(wrong), *command))
        assert "用户名或密码不对" in line


def test_json_with_the_server_down(capsys, tmp_path: Path) -> None:
    down = f"postgresql://{ROLE}@127.0.0.1:{pg_server._free_port()}/{ROLE}"  # nothing listens there
    line = _one_error_line(*_run(capsys, "--data-dir", str(tmp_path / "d"), "--database", down, "case", "list", "--json"))
    assert line.startswith(f"错误：无法连接数据库服务器 {down}")


def test_json_when_the_server_goes_away_during_the_command(server, capsys, tmp_path: Path, monkeypatch) -> None:
    """Opened fine, then the connection is cut (the server restarted, the network dropped): the
    one-line message, not 内部错误 and a crash log."""
    import psycopg

    from xihu_desk.services import case_queries
    from xihu_desk.services.units import reads

    url = server.role_url(SECURE)
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    admin = tmp_path / "admin.txt"
    admin.write_text("Xihu-2026-Beishan\n", encoding="utf-8")
    base = ("--data-dir", str(tmp_path / "d"), "--database", url, "--database-password-file", str(secret))
    assert _run(capsys, *base, "init", "--org", "330106002", "--level", "township", "--admin", "admin",
                "--password-file", str(admin))[0] == 0
    count = case_queries.count_cases

    @reads
    def cut_then_count(*args, **kwargs):
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (SECURE,))
        return count(*args, **kwargs)

    monkeypatch.setattr(case_queries, "count_cases", cut_then_count)
    try:
        line = _one_error_line(*_run(capsys, *base, "case", "list", "--json"))
    finally:
        pg.dispose_engines(url)
    assert line.startswith(f"错误：与数据库服务器 postgresql://{ROLE}@127.0.0.1:{server.port}/{SECURE} 的连接中断")


# -- the same lines without a server (machines where PostgreSQL cannot be started) ---------------


def test_the_tls_line_for_libpqs_reason() -> None:
    url = dbserver.normalize("postgresql://xihu@10.0.0.5:5432/xihu?sslmode=disable")
    refused = Exception('connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  '
                        'pg_hba.conf rejects connection for host "10.0.0.9", user "xihu", database "xihu", no encryption')
    assert pg.unreachable(refused, url).message.startswith("服务器 postgresql://xihu@10.0.0.5:5432/xihu 只接受加密连接（TLS）")


def test_a_cut_connection_is_a_storage_error_and_a_constraint_is_not() -> None:
    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    url = dbserver.normalize("postgresql://xihu@10.0.0.5:5432/xihu")
    cut = OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection unexpectedly"),
                           connection_invalidated=True)
    said = pg.lost(cut, url)
    assert said is not None and said.message.startswith("与数据库服务器 postgresql://xihu@10.0.0.5:5432/xihu 的连接中断")
    assert pg.lost(IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate key")), url) is None
