"""Accounts on the command line (issue 12): init reads a Notepad password file as typed; an
administrator with access to the data folder resets a password (and unlocks), audited as
cli:<account>; user list."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from xihu_desk import cli
from xihu_desk.cli import user as cli_users
from xihu_desk.domain.errors import UserError
from xihu_desk.services import auth
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent

NEW_PASSWORD = "Reset-2026-Xixi"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("content", [
    "\ufeffStrong-pass-2026\r\n".encode(),  # Notepad, UTF-8 with BOM
    "Strong-pass-2026\r\n".encode("utf-16"),  # Notepad's "Unicode"
    b"  Strong-pass-2026  \n\n",
])
def test_init_reads_a_notepad_password_file_as_typed(capsys, tmp_path, content):
    pw = tmp_path / "密码.txt"
    pw.write_bytes(content)
    home = tmp_path / "node"
    code, _out, err = run(capsys, "init", "--data-dir", str(home), "--org", "330106013", "--level", "township",
                          "--admin", "boss", "--password-file", str(pw))
    assert code == 0, err
    opened = migrate.open_database(cli.DataDir(home))
    try:
        assert auth.sign_in(opened.db, "boss", "Strong-pass-2026").name == "boss"
    finally:
        opened.db.dispose()


@pytest.mark.parametrize(("content", "says"), [
    (b"", "没有密码"), (b"\n  \n", "没有密码"), ("密码".encode("gbk"), "UTF-8"), (b"x" * 70_000, "过大"),
])
def test_unusable_password_files_are_named(tmp_path, content, says):
    pw = tmp_path / "pw.txt"
    pw.write_bytes(content)
    with pytest.raises(UserError, match=says):
        cli_users.read_password_file(pw)
    with pytest.raises(UserError, match="无法读取"):
        cli_users.read_password_file(tmp_path / "missing.txt")


def test_reset_password_unlocks_and_is_audited(capsys, data_dir, tmp_path):
    opened = migrate.open_database(data_dir)
    for _ in range(5):
        with pytest.raises(UserError):
            auth.sign_in(opened.db, "admin", "Wrong-pass-1")
    with pytest.raises(UserError, match="已锁定"):
        auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)
    opened.db.dispose()

    code, out, err = run(capsys, "--data-dir", str(data_dir.root), "user", "list", "--json")
    assert code == 0, err
    listed = {u["username"]: u for u in json.loads(out)["users"]}
    assert listed["admin"]["locked"] is True and listed["admin"]["role"] == "admin"

    weak = tmp_path / "weak.txt"
    weak.write_text("P@ssw0rd\n", encoding="utf-8")
    code, _out, err = run(capsys, "user", "reset-password", "admin", "--password-file", str(weak),
                          "--data-dir", str(data_dir.root))
    assert code == 1 and "常见密码" in err

    pw = tmp_path / "new.txt"
    pw.write_bytes(f"\ufeff{NEW_PASSWORD}\r\n".encode())
    code, out, err = run(capsys, "user", "reset-password", "admin", "--password-file", str(pw),
                         "--data-dir", str(data_dir.root))
    assert code == 0, err
    assert "已为账户 admin 设置新密码并解除锁定" in out

    opened = migrate.open_database(data_dir)
    try:
        assert auth.sign_in(opened.db, "admin", NEW_PASSWORD).name == "admin"
        with pytest.raises(UserError):
            auth.sign_in(opened.db, "admin", ADMIN_PASSWORD)
        with opened.db.read() as s:
            event = s.scalar(select(AuditEvent).where(AuditEvent.action == "user.password"))
        assert event.actor.startswith("cli:")
    finally:
        opened.db.dispose()

    code, out, _ = run(capsys, "user", "list", "--data-dir", str(data_dir.root))
    assert code == 0 and "admin" in out and "正常" in out


def test_unlock_and_unknown_user(capsys, data_dir):
    code, _out, err = run(capsys, "user", "unlock", "nobody", "--data-dir", str(data_dir.root))
    assert code == 1 and "没有用户名为“nobody”的账户" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "user", "unlock", "admin", "--data-dir", str(data_dir.root), "--json")
    assert code == 0, err
    assert json.loads(out) == {"username": "admin", "unlocked": True}
