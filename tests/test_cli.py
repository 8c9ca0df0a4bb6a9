"""The command line contract of design.md §10: exit codes, --json documents, audit as cli:<account>."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import anydb
from xihu_desk import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "pw.txt"
    path.write_text("Strong-pass-2026\n", encoding="utf-8")
    return path


def test_init_then_node_show_json(capsys, tmp_path, password_file):
    home = str(tmp_path / "node")
    code, out, err = run(capsys, "init", "--data-dir", home, "--org", "330106013", "--level", "township",
                         "--admin", "boss", "--password-file", str(password_file), "--json")
    assert code == 0, err
    made = json.loads(out)
    code, out, _ = run(capsys, "node", "show", "--data-dir", home, "--json")
    shown = json.loads(out)
    assert code == 0
    for key in ("node_id", "org_code", "org_name", "level", "parent_code", "key_fingerprint"):
        assert shown[key] == made[key]
    assert shown["org_name"] == "文新街道" and shown["level"] == "township" and shown["parent_code"] == "330106"

    code, out, err = run(capsys, "init", "--data-dir", home, "--org", "330106013", "--level", "township",
                         "--admin", "boss2", "--password-file", str(password_file))
    assert code == 1 and "已初始化" in err and out == ""
    code, out, _ = run(capsys, "node", "show", "--data-dir", home, "--json")
    assert json.loads(out)["node_id"] == made["node_id"]


def test_unknown_org_and_weak_password_are_refused(capsys, tmp_path, password_file):
    code, _, err = run(capsys, "init", "--data-dir", str(tmp_path / "a"), "--org", "999999999", "--level",
                       "township", "--admin", "boss", "--password-file", str(password_file))
    assert code == 1 and "不在西湖区单位列表" in err
    weak = tmp_path / "weak.txt"
    weak.write_text("123456\n")
    code, _, err = run(capsys, "init", "--data-dir", str(tmp_path / "b"), "--org", "330106002", "--level",
                       "township", "--admin", "boss", "--password-file", str(weak))
    assert code == 1 and "密码" in err
    assert len(err.strip().splitlines()) == 1


def test_wrong_usage_exits_2(capsys):
    code, _, err = run(capsys, "init", "--org", "330106002")
    assert code == 2 and "用法错误" in err
    code, _, _ = run(capsys, "no-such-command")
    assert code == 2


def test_commands_on_a_missing_node_fail_cleanly(capsys, tmp_path):
    code, out, err = run(capsys, "node", "show", "--data-dir", str(tmp_path / "none"))
    assert code == 1 and "init" in err and out == ""


def test_check_backup_restore_and_tamper_detection(capsys, data_dir, request):
    home = str(data_dir.root)
    code, out, _ = run(capsys, "check", "--data-dir", home, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["audit"]["first_broken"] is None
    assert report["integrity"] == "ok" or anydb.is_pg(data_dir)  # the SQLite file's own integrity_check

    code, out, _ = run(capsys, "backup", "--data-dir", home, "--json")
    saved = json.loads(out)["file"]
    assert code == 0
    if anydb.is_pg(data_dir):  # a server's backup is restored into a new, empty database only
        code, _, err = run(capsys, "restore", saved, "--data-dir", home)
        assert code == 1 and "不是空的" in err
        data_dir = request.getfixturevalue("empty_data_dir")
        home = str(data_dir.root)
    code, _, err = run(capsys, "restore", saved, "--data-dir", home)
    assert code == 0, err

    anydb.execute(data_dir, "UPDATE audit_event SET actor = 'someone-else' WHERE seq = 2", no_audit_guard=True)
    code, out, err = run(capsys, "check", "--data-dir", home)
    assert code == 1 and "第 2 条" in out and "未通过" in err


def test_demo_adds_committees_accounts_and_cases(capsys, data_dir):
    home = str(data_dir.root)
    code, out, _ = run(capsys, "demo", "--data-dir", home, "--seed", "7", "--cases", "40", "--json")
    first = json.loads(out)
    assert code == 0 and len(first["committees"]) == 6 and len(first["users"]) == 8 and first["cases"] == 40
    code, out, _ = run(capsys, "demo", "--data-dir", home, "--seed", "7", "--cases", "5", "--json")
    second = json.loads(out)
    assert not set(first["committees"]) & set(second["committees"])  # adds, never doubles
    code, out, _ = run(capsys, "case", "list", "--data-dir", home, "--json")
    listed = json.loads(out)
    assert listed["total"] == 45 == len(listed["cases"])
    statuses = {c["status"] for c in listed["cases"]}
    assert {"closed", "filed"} <= statuses and statuses & {"accepted", "mediating"}  # some still open


def test_case_list_and_show_json_contract(capsys, data_dir):
    home = str(data_dir.root)
    run(capsys, "demo", "--data-dir", home, "--seed", "3", "--cases", "30")
    code, out, _ = run(capsys, "case", "list", "--data-dir", home, "--status", "filed", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["total"] == len(listed["cases"]) > 0
    case = listed["cases"][0]
    for key in ("uuid", "case_no", "committee", "accepted_on", "dispute_type", "source", "status", "outcome",
                "agreement_form", "amount", "closed_on", "mediators", "parties"):
        assert key in case
    assert case["status"] == "filed" and case["outcome"] in ("succeeded", "failed", "terminated")
    assert "*" in case["parties"][0]["id_number"] and set(case["parties"][0]) >= {"role", "kind", "name", "id_number"}
    code, out, _ = run(capsys, "case", "show", case["case_no"], "--data-dir", home, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["uuid"] == case["uuid"] and shown["filing"]["missing"] == []
    code, out, _ = run(capsys, "case", "show", case["case_no"], "--data-dir", home, "--json", "--reveal")
    revealed = json.loads(out)
    assert "*" not in revealed["parties"][0]["id_number"] and len(revealed["parties"][0]["id_number"]) == 18
    actors = anydb.rows(data_dir, "SELECT actor FROM audit_event WHERE action = 'party.reveal'")
    assert len(actors) == 1 and actors[0][0].startswith("cli:")
    code, _, err = run(capsys, "case", "show", "（2020）无此人调字第9999号", "--data-dir", home)
    assert code == 1 and "找不到" in err


def test_cli_actions_are_audited_as_the_os_account(capsys, data_dir):
    run(capsys, "backup", "--data-dir", str(data_dir.root))
    actor = anydb.scalar(data_dir, "SELECT actor FROM audit_event WHERE action = 'data.backup'")
    assert actor.startswith("cli:")


def test_installed_entry_point_and_env_home(tmp_path, password_file):
    env = {"XIHU_DESK_HOME": str(tmp_path / "envhome"), "PATH": "/usr/bin:/bin"}
    exe = [sys.executable, "-m", "xihu_desk"]
    done = subprocess.run([*exe, "init", "--org", "330106110", "--level", "township", "--admin", "boss",
                           "--password-file", str(password_file), "--json"], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["org_name"] == "双浦镇"
    assert (tmp_path / "envhome" / "xihu-desk.sqlite3").exists()


def test_a_bug_is_logged_and_reported_in_one_line(capsys, data_dir, monkeypatch):
    from xihu_desk.services import maintenance, server_maintenance

    def broken(*_a, **_k):
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(maintenance, "check", broken)
    monkeypatch.setattr(server_maintenance, "check", broken)  # what check calls on a server database
    code, out, err = run(capsys, "check", "--data-dir", str(data_dir.root))
    assert code == 1 and out == "" and "内部错误" in err and len(err.strip().splitlines()) == 1
    log = (data_dir.logs / "xihu-desk-cli.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log
