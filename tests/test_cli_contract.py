"""The command line as district scripts call it (design.md §10): global options before or after
every command, Chinese help and usage errors, --version, UTF-8 output on a GBK console, Ctrl-C,
and -o never aimed at the node's own database or backups."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests import casekit
from xihu_desk import cli
from xihu_desk.services.units import reads
from xihu_desk.store import sqlfile


def _leaf_commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every runnable command of the parser as (words, required arguments filled in)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, _required_values(parser)
        return
    for name, child in subs[0].choices.items():
        yield from _leaf_commands(child, path + (name,))


def _required_values(parser: argparse.ArgumentParser) -> list[str]:
    values: list[str] = []
    for action in parser._actions:
        if action.option_strings and not action.required:
            continue
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        value = (str(action.choices[0]) if action.choices else
                 "2026-01-31" if "date" in getattr(action.type, "__name__", "") else
                 "1" if action.type is not None else "x.xlsx")
        values += ([action.option_strings[0]] if action.option_strings else []) + [value]
    return values


LEAVES = list(_leaf_commands(cli._parser()))


def test_the_walk_finds_every_command():
    words = {" ".join(w) for w, _ in LEAVES}
    for expected in ("init", "check", "case list", "case show", "bundle import", "print agreement", "print verify",
                     "ledger export", "report", "mediator evidence", "review show", "node enrol"):
        assert expected in words
    assert len(LEAVES) >= 25


@pytest.mark.parametrize("words,required", LEAVES, ids=[" ".join(w) for w, _ in LEAVES])
def test_global_options_before_and_after_every_command(words, required, tmp_path):
    home = str(tmp_path / "elsewhere")
    for argv in (["--data-dir", home, "--json", *words, *required],
                 [*words, *required, "--data-dir", home, "--json"],
                 ["--json", *words, *required, "--data-dir", home]):
        args = cli._parser().parse_args(argv)
        assert args.data_dir == home, argv
        assert args.json is True, argv
    args = cli._parser().parse_args([*words, *required])
    assert args.data_dir is None and args.json is False


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_init_and_json_before_the_command_use_that_folder(capsys, tmp_path, monkeypatch):
    default = tmp_path / "default-home"
    monkeypatch.setenv("XIHU_DESK_HOME", str(default))
    pw = tmp_path / "pw.txt"
    pw.write_text("Strong-pass-2026\n", encoding="utf-8")
    home = tmp_path / "node"
    code, _out, err = run(capsys, "--data-dir", str(home), "init", "--org", "330106002", "--level", "township",
                          "--admin", "wang", "--password-file", str(pw))
    assert code == 0, err
    assert (home / "xihu-desk.sqlite3").exists()
    assert not default.exists()
    code, out, _ = run(capsys, "--json", "--data-dir", str(home), "case", "list")
    assert code == 0 and json.loads(out) == {"total": 0, "cases": []}
    code, out, _ = run(capsys, "--json", "node", "show", "--data-dir", str(home))
    assert json.loads(out)["org_code"] == "330106002"


def test_help_and_usage_errors_are_chinese(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for english in ("usage:", "positional arguments", "options:", "show this help", "show program"):
        assert english not in out
    assert "用法：" in out and "UTF-8" in out
    code, _out, err = run(capsys, "case", "list", "--bogus")
    assert code == 2 and "无法识别的参数" in err and "unrecognized" not in err
    code, _out, err = run(capsys, "case")
    assert code == 2 and "缺少必需的参数" in err and "case_command" not in err


def test_version(capsys):
    from xihu_desk import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"xihu-desk {__version__}"


@pytest.mark.parametrize("argv", [
    ("case", "list", "--year", "99999"), ("demo", "--cases", "-5"), ("demo", "--cases", "100000000"),
    ("review", "list", "--year", "0"), ("case", "list", "--year", "abc"),
])
def test_out_of_range_numbers_are_usage_errors(capsys, argv):
    code, _out, err = run(capsys, *argv)
    assert code == 2 and "用法错误" in err


def test_ctrl_c_exits_130_with_a_message(capsys, data_dir, monkeypatch):
    from xihu_desk.services import case_queries

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(case_queries, "count_cases", reads(interrupted))  # a stand-in says its unit too
    code, _out, err = run(capsys, "case", "list", "--data-dir", str(data_dir.root))
    assert code == 130 and "已取消" in err


def test_interrupted_output_leaves_no_half_written_file(tmp_path, monkeypatch):
    from xihu_desk.cli import output as cli_output

    target = tmp_path / "ledger.xlsx"
    target.write_bytes(b"old workbook")

    def interrupted(self, other):  # noqa: ANN001 - Ctrl-C after the bytes are written, before the swap
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli_output.write_output(argparse.Namespace(data_dir=str(tmp_path / "d")), target, b"new workbook")
    monkeypatch.undo()
    assert target.read_bytes() == b"old workbook"
    assert [p.name for p in tmp_path.iterdir()] == ["ledger.xlsx"]


@pytest.mark.parametrize("argv", [
    ("ledger", "export", "--kind", "cases", "-o", "{db}"),
    ("report", "mediation", "--from", "2026-01-01", "--to", "2026-12-31", "-o", "{db}"),
    ("report", "reviews", "--from", "2026-01-01", "--to", "2026-12-31", "-o", "{db}-wal"),
    ("ledger", "export", "--kind", "mediators", "-o", "{backups}/x.xlsx"),
    ("node", "export-key", "-o", "{db}"),
])
def test_output_over_the_database_or_backups_is_refused(capsys, data_dir, argv):
    db = data_dir.database
    with closing(sqlfile.connect(db)) as conn:  # what the fixture left in the -wal goes into the file first:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # a command's clean close checkpoints it too
    before = db.read_bytes()
    filled = [a.format(db=db, backups=data_dir.backups) for a in argv]
    code, _out, err = run(capsys, *filled, "--data-dir", str(data_dir.root))
    assert code == 1 and "数据库或备份" in err
    assert db.read_bytes() == before


def test_a_redirected_list_on_a_gbk_console_is_utf8(data_dir, db):
    actor = casekit.head_actor(db)
    mediators = casekit.roster(db, actor)
    from xihu_desk.domain.parties import PartyInput
    from xihu_desk.services import cases

    rare = (PartyInput("applicant", "person", "刘䶮", phone="13800000001"),
            PartyInput("respondent", "person", "李四", phone="13800000002"))
    with db.write() as s:
        cases.open_case(s, actor, casekit.intake(db, mediators, parties=rare))
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONUTF8": "0"}
    done = subprocess.run([sys.executable, "-m", "xihu_desk", "case", "list", "--data-dir", str(data_dir.root)],
                          capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "刘䶮" in done.stdout.decode("utf-8")


def test_the_programs_warnings_go_to_the_log_not_to_stderr(capsys, data_dir, monkeypatch):
    import logging

    from xihu_desk.services import case_queries

    real = case_queries.count_cases

    def warn_then_count(*a, **k):
        logging.getLogger("xihu_desk.services.audit_anchor").warning("audit anchor not written: [Errno 28]")
        return real(*a, **k)

    monkeypatch.setattr(case_queries, "count_cases", reads(warn_then_count))  # a stand-in says its unit too
    code, _out, err = run(capsys, "case", "list", "--data-dir", str(data_dir.root))
    assert code == 0 and err == ""
    assert "Errno 28" in (data_dir.logs / "xihu-desk-cli.log").read_text(encoding="utf-8")


def test_an_error_line_masks_an_id_number_it_quotes(capsys, data_dir, monkeypatch):
    from xihu_desk.domain.errors import UserError
    from xihu_desk.services import case_queries

    def refuse(*_a, **_k):
        raise UserError("证件号码 330106198001010013 与已登记的当事人不符")

    monkeypatch.setattr(case_queries, "count_cases", reads(refuse))  # a stand-in says its unit too
    code, _out, err = run(capsys, "case", "list", "--data-dir", str(data_dir.root))
    assert code == 1 and "330106198001010013" not in err and "0013" in err
