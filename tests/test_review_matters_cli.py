"""ledger import/export --kind review-matters (design.md §10): the office's list of meeting items and
contracts read by the ledger reader and written back with each line's review state."""

from __future__ import annotations

import json

import openpyxl

from tests.test_review_cli import run


def test_import_and_export_the_matter_list(capsys, data_dir, tmp_path):
    home = str(data_dir.root)
    code, _out, err = run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "0", "--json")
    assert code == 0, err
    source = tmp_path / "合同台账.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["合同名称", "签订日期", "承办科室", "是否需要合法性审查"])
    wb.active.append(["辖区公厕保洁服务合同", "2026-02-03", "城管科", "是"])
    wb.active.append(["年度文印服务合同", "2026-02-04", "党政办", "否"])
    wb.active.append(["没有日期的合同", None, "党政办", "是"])
    wb.save(source)
    code, out, err = run(capsys, "ledger", "import", str(source), "--kind", "review-matters", "--data-dir", home, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["kind"], doc["rows"], doc["imported"], doc["refused"]) == ("review-matters", 3, 2, 1)
    target = tmp_path / "清单.xlsx"
    code, out, err = run(capsys, "ledger", "export", "--kind", "review-matters", "-o", str(target), "--data-dir", home)
    assert code == 0 and "已导出" in out, err
    rows = {r[1]: r for r in openpyxl.load_workbook(target).active.iter_rows(values_only=True) if r[0] == "合同"}
    assert rows["辖区公厕保洁服务合同"][8] == "应审未审" and rows["年度文印服务合同"][8] == "无需审查"
