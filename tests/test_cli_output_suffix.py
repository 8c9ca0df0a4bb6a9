"""An output of one fixed format named for another (xlsx bytes into x.csv, a PDF into x.xlsx) is
refused in one Chinese line, exit 1, before any work: no database is opened, nothing is written."""

from __future__ import annotations

import re

import pytest

from tests.test_cli_contract import run

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PERIOD = ["--from", "2026-01-01", "--to", "2026-12-31"]

# (argv with {out}, a wrong name, the suffix the refusal asks for)
WRONG = [
    (["ledger", "export", "--kind", "cases", "-o", "{out}"], "台账.csv", ".xlsx"),
    (["ledger", "export", "--kind", "platform", "-o", "{out}"], "平台", ".xlsx"),
    (["ledger", "import", "台账.xlsx", "--problems", "{out}"], "问题.csv", ".xlsx"),
    (["report", "mediation", *PERIOD, "-o", "{out}"], "统计.xls", ".xlsx"),
    (["casefile", "review", "-o", "{out}"], "评查.pdf", ".xlsx"),
    (["subsidy", *PERIOD, "-o", "{out}"], "发放表.csv", ".xlsx"),
    (["subsidy", *PERIOD, "--pdf", "{out}"], "发放表.xlsx", ".pdf"),
    (["reconcile", "平台.xlsx", "-o", "{out}"], "对账.csv", ".xlsx"),
    (["mediator", "evidence", "1", "-o", "{out}"], "申请表.docx", ".pdf"),
]


@pytest.mark.parametrize("argv,name,wanted", WRONG, ids=[" ".join(w[0][:2]) + " " + w[1] for w in WRONG])
def test_a_name_of_another_format_is_refused_before_any_work(capsys, tmp_path, argv, name, wanted):
    home = tmp_path / "没有初始化的数据目录"  # no database: the refusal must come before it is looked for
    target = tmp_path / name
    code, out, err = run(capsys, *[a.format(out=target) for a in argv] + ["--data-dir", str(home), "--json"])
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1 and out == "", err
    assert len(lines) == 1 and CHINESE.search(lines[0]) and f"应以 {wanted} 结尾" in lines[0], err
    assert not target.exists() and not home.exists()


def test_the_right_suffix_in_any_case_is_written(capsys, data_dir, tmp_path):
    target = tmp_path / "台账.XLSX"
    code, _out, err = run(capsys, "ledger", "export", "--kind", "mediators", "-o", str(target),
                          "--data-dir", str(data_dir.root))
    assert code == 0, err
    assert target.read_bytes().startswith(b"PK")  # a zip: the xlsx it is named for


def test_over_the_database_the_database_refusal_still_comes_first(capsys, data_dir):
    code, _out, err = run(capsys, "ledger", "export", "--kind", "cases", "-o", str(data_dir.database),
                          "--data-dir", str(data_dir.root))
    assert code == 1 and "数据库或备份" in err
