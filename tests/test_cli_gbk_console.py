"""A GBK console (a Chinese Windows' cp936, or PYTHONIOENCODING=gbk): every command's human output
and its errors come out as UTF-8 (README: 输出一律为 UTF-8，与控制台代码页无关), never a
UnicodeEncodeError turned into 内部错误, even for a name outside GBK (刘䶮) in what is printed or
echoed back. The console is a strict GBK text stream over bytes, as Python makes it there."""

from __future__ import annotations

import io
import json
import sys

import pytest

from tests import casekit
from tests.test_cli_contract import LEAVES
from xihu_desk import cli

RARE = "刘䶮"  # 䶮 is outside GBK
WALKED = [(w, r) for w, r in LEAVES if w != ("gui",)]


class Console:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def run(self, *argv: str) -> tuple[int, str, str]:
        # set in the test's own phase: pytest puts its capture back between set-up and call
        self.out = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="strict")
        self.err = io.TextIOWrapper(io.BytesIO(), encoding="gbk", errors="strict")
        self.monkeypatch.setattr(sys, "stdout", self.out)
        self.monkeypatch.setattr(sys, "stderr", self.err)
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:
            code = exc.code
        for s in (self.out, self.err):
            s.flush()
        # the bytes are UTF-8 (decoding strictly fails otherwise)
        return int(code or 0), self.out.buffer.getvalue().decode("utf-8"), self.err.buffer.getvalue().decode("utf-8")


@pytest.fixture
def console(monkeypatch):
    return Console(monkeypatch)


@pytest.fixture
def rare_node(data_dir, db):
    """The node with a case whose applicant is 刘䶮 and a committee named with 䶮."""
    from xihu_desk.domain.parties import PartyInput
    from xihu_desk.services import cases

    actor = casekit.head_actor(db)
    mediators = casekit.roster(db, actor)
    parties = (PartyInput("applicant", "person", RARE, phone="13800000001"),
               PartyInput("respondent", "person", "李四", phone="13800000002"))
    with db.write() as s:
        ref = cases.open_case(s, actor, casekit.intake(db, mediators, parties=parties, summary=f"{RARE}与李四相邻"))
    db.dispose()
    return data_dir, ref.case_no


@pytest.mark.parametrize("words,required", WALKED, ids=[" ".join(w) for w, _ in WALKED])
def test_every_command_and_its_error_on_a_gbk_console(console, rare_node, tmp_path, monkeypatch, words, required):
    data, _case_no = rare_node
    monkeypatch.chdir(tmp_path)
    # every free value the walk fills in carries a character outside GBK, so errors echo it
    argv = [f"{RARE}.xlsx" if v == "x.xlsx" else v for v in required]
    argv += ["--cases", "2"] if words == ("demo",) else []  # its output, not its size, is tested here
    code, _out, err = console.run(*words, *argv, "--data-dir", str(data.root))
    assert code in (0, 1, 2), (code, err)
    assert "内部错误" not in err and "Traceback" not in err, err
    if code == 1:
        assert len(err.strip().splitlines()) == 1, err
    # and with --json (the state the first run left): one document on success, else nothing (README)
    code, out, err = console.run(*words, *argv, "--data-dir", str(data.root), "--json")
    assert code in (0, 1, 2) and "内部错误" not in err, err
    if out:
        assert code == 0 or words in {("check",), ("print", "verify"), ("bundle", "import")}, (code, out)
        json.loads(out)
    else:
        assert code != 0, err


@pytest.mark.parametrize("argv", [
    ("case", "list"), ("case", "show", "{case}"), ("committee", "list"), ("committee", "show", "北山"),
    ("screening", "list"), ("screening", "ledger"), ("screening", "officers"), ("transfer", "list"),
    ("user", "list"), ("subsidy", "--show-rules"), ("casefile", "review"), ("node", "show"), ("review", "list"),
    ("mediator", "list"), ("check",),
])
def test_the_human_output_of_the_reads_is_utf8_on_a_gbk_console(console, rare_node, argv):
    data, case_no = rare_node
    code, out, err = console.run(*[a.format(case=case_no) for a in argv], "--data-dir", str(data.root))
    assert code == 0, err
    assert out.strip()
    if argv[0] == "case":
        assert RARE in out
