"""Inputs a script gets wrong (found red-teaming the later commands): an empty --mediator for
`user link` (an unset variable) must not silently unlink; a workbook that is not the platform's
export (our own 评查表, whose 案号 and 结案日期 columns it reads) is refused by `reconcile`, and a file with
no heading at all is told which headings are looked for."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.test_cli_contract import run


def test_user_link_with_an_empty_mediator_is_refused_not_an_unlink(capsys, data_dir):
    home = ["--data-dir", str(data_dir.root)]
    code, _out, err = run(capsys, "user", "link", "admin", "--mediator", "", *home)
    assert code == 1 and "user unlink" in err, err
    code, _out, err = run(capsys, "user", "link", "admin", "--mediator", "  ", *home)
    assert code == 1, err


def test_reconcile_refuses_a_workbook_that_is_not_the_platforms(capsys, data_dir, tmp_path):
    home = ["--data-dir", str(data_dir.root)]
    ours = tmp_path / "卷宗评查.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "案号", "案件名称", "承办调解员", "结案日期", "得分", "扣分", "主要问题"])
    wb.active.append([1, "（2026）北山人调字第0001号", "张三与李四邻里纠纷", "周调解", "2026-09-04", 70, 30, "缺少回访"])
    wb.save(ours)
    code, out, err = run(capsys, "reconcile", str(ours), *home)
    assert code == 1 and out == "" and "不是省平台导出的案件表" in err, err
    blank = tmp_path / "空白.xlsx"
    wb = Workbook()
    wb.active.append(["甲", "乙"])
    wb.save(blank)
    code, _out, err = run(capsys, "reconcile", str(blank), *home)
    assert code == 1 and "例如“”" not in err and "申请人" in err, err


def test_a_missing_or_non_utf8_rules_or_analysis_file_is_said_in_chinese(capsys, data_dir, tmp_path):
    home = ["--data-dir", str(data_dir.root)]
    gbk = tmp_path / "规则.toml"
    gbk.write_bytes("版本 = \"甲\"".encode("gbk"))
    for argv, expected in (
        (["subsidy", "--load-rules", str(tmp_path / "无.toml")], "找不到该文件"),
        (["subsidy", "--load-rules", str(gbk)], "不是 UTF-8 编码"),
        (["subsidy", "--load-rules", str(tmp_path)], "找不到该文件"),
        (["print", "typical", "（2026）北山人调字第0001号", "-o", str(tmp_path / "a.docx"), "--analysis-file",
          str(tmp_path / "无.txt")], "找不到该文件"),
    ):
        code, _out, err = run(capsys, *argv, *home)
        assert code == 1 and expected in err and "Errno" not in err, err


@pytest.mark.parametrize("amount", ["1e308", "1E+400", "NaN", "-Infinity", "sNaN"])
def test_an_absurd_amount_is_refused_in_one_line(capsys, data_dir, amount):
    home = ["--data-dir", str(data_dir.root)]
    code, _out, err = run(capsys, "case", "draft-agreement", "（2026）北山人调字第0001号", "--clause", "赔偿",
                          f"--amount={amount}", *home)
    assert code == 2 and "Traceback" not in err, err  # a usage error, before any case is looked up


def test_the_correction_parser_refuses_what_decimal_cannot_compare():
    from xihu_desk.domain import corrections
    from xihu_desk.domain.errors import FieldError

    for value in ("1E+400", "NaN", "Infinity"):
        with pytest.raises(FieldError):
            corrections.parse(corrections.spec("amount", 2, False), value)


def test_an_argument_type_failing_in_a_way_argparse_misses_is_a_usage_error_not_a_traceback(capsys, monkeypatch):
    import argparse

    def odd(self, *_a, **_k):  # e.g. decimal.InvalidOperation from a type function
        raise ArithmeticError("odd")

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", odd)
    code, out, err = run(capsys, "case", "list")
    assert code == 2 and out == "" and err.count("\n") == 1 and "用法错误" in err, err


def test_an_echoed_name_cannot_reorder_the_terminal_line(capsys, data_dir):
    # U+202E would show "…tcejer" as "reject…": the error line echoes what was typed
    code, _out, err = run(capsys, "bundle", "resync", "甲\u202e\u2066乙\u2069\u200f", "--data-dir", str(data_dir.root))
    assert code == 1 and "甲乙" in err
    assert not set(err) & {"\u202e", "\u2066", "\u2069", "\u200f"}


@pytest.mark.parametrize("org,parent", [("330106000", None), ("330106002", "330100")])
def test_init_with_a_mistyped_code_leaves_no_half_made_data_folder(capsys, tmp_path, org, parent):
    password = tmp_path / "pw.txt"
    password.write_text("Strong-pass-2026\n", encoding="utf-8")
    home = tmp_path / "新节点"
    code, _out, err = run(capsys, "init", "--org", org, "--level", "township", *(["--parent", parent] if parent else []),
                          "--admin", "wang", "--password-file", str(password), "--data-dir", str(home))
    assert code == 1 and "不在" in err and "单位列表" in err, err
    assert not (home / "xihu-desk.sqlite3").exists()
    code, _out, err = run(capsys, "init", "--org", "330106002", "--level", "township", "--admin", "wang",
                          "--password-file", str(password), "--data-dir", str(home))
    assert code == 0, err
