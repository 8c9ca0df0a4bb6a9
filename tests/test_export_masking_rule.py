"""Masking as a rule over every cell of every workbook the command line writes (README: 身份证号在
列表和导出中只显示前 4 位和后 4 位，每一格). Valid 18-digit ID numbers (their check digit computed
with python-stdnum) are planted in every free-text field a user can type -- the fields of
test_export_masking.py and those of the later exports: a screening round's area, staff and
dispute (summary, measures, closing note), a review matter, a platform export's cells -- and every
workbook the CLI writes is scanned cell by cell for ANY valid ID number, planted or not."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import openpyxl
import pytest
from openpyxl import Workbook
from stdnum.cn import ric

from tests.test_export_masking import CANARIES, planted  # noqa: F401 - the fixture plants the older fields
from xihu_desk import cli
from xihu_desk.domain import clock

# 17 digits then a digit or X, not inside a longer run of digits (full-width digits folded first)
CANDIDATE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
WIDE = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"\uff38": "X", "\uff58": "x"})


def valid_id(n: int) -> str:
    """A well-formed resident ID number (西湖区, born 1985-03-15, sequence n) with its check digit."""
    body = f"33010619850315{n:03d}"
    value = body + ric.calc_check_digit(body + "0")  # stdnum's helper takes a number with a check digit slot
    assert ric.is_valid(value)
    CANARIES.append(value)
    return value


def unmasked_ids(text: str) -> list[str]:
    """Every valid 18-digit ID number in ``text`` (the rule, not a list of the planted ones)."""
    folded = text.translate(WIDE)
    return [m for m in CANDIDATE.findall(folded) if ric.is_valid(m.upper())]


def test_the_rule_finds_a_valid_number_and_not_a_masked_one():
    n = valid_id(900)
    assert unmasked_ids(f"证件{n}。") == [n]
    assert unmasked_ids(f"证件{n[:4]}**********{n[-4:]}") == []
    assert unmasked_ids("".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in n)) == [n]


def _run(capsys, *argv: str) -> str:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, (argv, err)
    return out


def _cells(path) -> list[tuple[str, str, str]]:
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [(ws.title, c.coordinate, str(c.value)) for ws in book.worksheets for row in ws.iter_rows()
            for c in row if c.value is not None]


@pytest.fixture
def everywhere(planted, db, data_dir, capsys, tmp_path):  # noqa: F811 - the imported fixture
    """The older fields planted (test_export_masking) plus the later exports' free text."""
    db.dispose()
    home = ["--data-dir", str(data_dir.root)]
    committee = json.loads(_run(capsys, "committee", "list", "--json", *home))["committees"][0]
    code = committee.get("code") or committee.get("short")
    added = json.loads(_run(
        capsys, "screening", "add", "--committee", code, "--area", f"文三路{valid_id(1)}号楼",
        "--staff", f"周调解（{valid_id(2)}）", "--method", "visit", "--type", "邻里",
        "--applicant", "王五", "--respondent", "赵六", "--summary", f"漏水纠纷，申请人证件{valid_id(3)}",
        "--risk", "major", "--responsible", "周调解", "--measures", f"每周走访{valid_id(4)}",
        "--date", "2026-03-05", "--json", *home))
    dispute = added["disputes"][0]["id"] if "disputes" in added else added["dispute"]["id"]
    _run(capsys, "screening", "check", dispute, "--measures", f"再次走访，户主{valid_id(5)}", "--next", str(clock.local_today() + timedelta(days=7)),
         *home)
    matters = tmp_path / "合同台账.xlsx"
    wb = Workbook()
    wb.active.append(["合同名称", "签订日期", "承办科室", "是否需要合法性审查", "备注"])
    wb.active.append([f"租赁合同（承租人{valid_id(6)}）", "2026-02-03", f"城管科{valid_id(7)}", "是",
                      f"经办人{valid_id(8)}"])
    wb.save(matters)
    _run(capsys, "ledger", "import", str(matters), "--kind", "review-matters", *home)
    platform = tmp_path / "平台导出.xlsx"
    wb = Workbook()
    wb.active.append(["序号", "案件编号", "申请人", "被申请人", "登记日期", "纠纷类型", "办结日期", "化解结果",
                      "涉及金额", "协议金额"])
    wb.active.append([1, "P-ONLY", f"刘某{valid_id(9)}", f"某公司{valid_id(10)}", "2026-03-05", "合同纠纷", None,
                      "调解中", None, None])
    wb.save(platform)
    return {"home": home, "platform": platform}


PERIOD = ["--from", "2026-01-01", "--to", "2026-12-31"]


def test_no_valid_id_number_in_any_cell_of_any_workbook_the_command_line_writes(capsys, everywhere, tmp_path):
    home = everywhere["home"]
    exports = {
        "ledger cases": ["ledger", "export", "--kind", "cases"],
        "ledger reviews": ["ledger", "export", "--kind", "reviews"],
        "ledger mediators": ["ledger", "export", "--kind", "mediators"],
        "ledger platform": ["ledger", "export", "--kind", "platform"],
        "ledger review-matters": ["ledger", "export", "--kind", "review-matters"],
        "report mediation": ["report", "mediation", *PERIOD],
        "report reviews": ["report", "reviews", *PERIOD],
        "report mediators": ["report", "mediators", *PERIOD],
        "casefile review": ["casefile", "review", *PERIOD],
        "subsidy": ["subsidy", *PERIOD],
        "reconcile": ["reconcile", str(everywhere["platform"]), *PERIOD],
    }
    leaks = {}
    scanned = 0
    for name, argv in exports.items():
        target = tmp_path / f"{name}.xlsx"
        _run(capsys, *argv, "-o", str(target), *home)
        cells = _cells(target)
        scanned += len(cells)
        # the rule (any valid number) and every planted number, valid or merely ID-shaped
        found = [(sheet, at, text) for sheet, at, text in cells
                 if unmasked_ids(text) or any(c in text for c in CANARIES)]
        if found:
            leaks[name] = found[:3]
    assert not leaks, leaks
    assert scanned > 500
    # the planted text was exported (masked), not dropped
    text = "\n".join(t for _s, _a, t in _cells(tmp_path / "ledger review-matters.xlsx"))
    assert "租赁合同（承租人3301**********" in text
    text = "\n".join(t for _s, _a, t in _cells(tmp_path / "reconcile.xlsx"))
    assert "刘某3301" in text
    # and the rule sees a number when one is there: the same export asked with --reveal
    _run(capsys, "ledger", "export", "--kind", "cases", "-o", str(tmp_path / "full.xlsx"), "--reveal", *home)
    assert [t for _s, _a, t in _cells(tmp_path / "full.xlsx") if unmasked_ids(t)]


def test_no_valid_id_number_in_the_screening_documents(capsys, everywhere):
    home = everywhere["home"]
    for argv in (["screening", "list"], ["screening", "ledger"]):
        for fmt in ([], ["--json"]):
            out = _run(capsys, *argv, *fmt, *home)
            assert not unmasked_ids(out), (argv, fmt, unmasked_ids(out))
    assert "3301**********" in _run(capsys, "screening", "list", "--json", *home)
