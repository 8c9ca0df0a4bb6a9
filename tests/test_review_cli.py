"""The command-line contract of the review log, Excel ledgers and reports (design.md §10)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests import anydb
from xihu_desk import cli

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-reviews.xlsx"  # copy of shared/data/


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(capsys, data_dir) -> str:
    home = str(data_dir.root)
    code, out, _ = run(capsys, "demo", "--data-dir", home, "--seed", "5", "--cases", "0", "--json")
    assert code == 0 and json.loads(out)["reviews"] == 30
    return home


def test_review_list_and_show_json(capsys, home):
    code, out, err = run(capsys, "review", "list", "--data-dir", home, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["total"] == len(doc["reviews"]) == 30
    for item in doc["reviews"]:
        assert {"number", "type", "title", "unit", "complete_on", "due_on", "status", "warnings"} <= set(item)
        assert item["status"] in ("waiting", "reviewing", "paused", "opinion", "returned", "archived")
        assert isinstance(item["warnings"], list)
    numbers = [r["number"] for r in doc["reviews"]]
    assert numbers == sorted(numbers, key=lambda n: (n[1:5], n))  # by year and sequence
    statuses = {r["status"] for r in doc["reviews"]}
    assert {"waiting", "reviewing", "paused", "opinion"} <= statuses
    assert any(r["overdue"] and r["warnings"] for r in doc["reviews"])

    code, out, _ = run(capsys, "review", "list", "--data-dir", home, "--status", "paused", "--json")
    paused = json.loads(out)["reviews"]
    assert code == 0 and [r["status"] for r in paused] == ["paused"] and paused[0]["due_on"] is None

    first = doc["reviews"][0]
    code, out, _ = run(capsys, "review", "show", first["number"], "--data-dir", home, "--json")
    shown = json.loads(out)
    assert code == 0
    for key in ("number", "type", "title", "unit", "complete_on", "due_on", "status", "warnings"):
        assert shown[key] == first[key]
    assert {"pauses", "extension", "opinion", "adoption", "filing", "case", "attachments", "remaining_days"} <= set(shown)
    code, out, _ = run(capsys, "review", "show", first["number"], "--data-dir", home)
    assert code == 0 and first["number"] in out and "类型：" in out

    code, out, err = run(capsys, "review", "show", "（2020）无此合审字第9999号", "--data-dir", home, "--json")
    assert code == 1 and out == "" and "找不到" in err and len(err.strip().splitlines()) == 1


def test_ledger_import_dry_run_then_real_then_duplicates(capsys, data_dir, tmp_path):
    home = str(data_dir.root)
    code, out, err = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "reviews", "--dry-run", "--data-dir", home, "--json")
    assert code == 0, err
    dry = json.loads(out)
    assert (dry["kind"], dry["rows"], dry["imported"], dry["duplicates"], dry["problems"]) == ("reviews", 20, 20, 0, [])
    code, out, _ = run(capsys, "review", "list", "--data-dir", home, "--json")
    assert json.loads(out)["reviews"] == []
    code, out, _ = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "reviews", "--data-dir", home, "--json")
    assert code == 0 and json.loads(out)["imported"] == 20
    code, out, _ = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "reviews", "--data-dir", home)
    assert code == 0 and "重复 20 行" in out

    target = tmp_path / "台账.xlsx"
    code, out, _ = run(capsys, "ledger", "export", "--kind", "reviews", "-o", str(target), "--data-dir", home, "--json")
    assert code == 0 and json.loads(out)["file"] == str(target)
    ws = openpyxl.load_workbook(target)["审查台账"]
    assert sum(1 for row in ws.iter_rows(values_only=True) if str(row[0] or "").startswith("（2025）")) == 20

    report = tmp_path / "统计.xlsx"
    code, out, err = run(capsys, "report", "reviews", "--from", "2025-01-01", "--to", "2025-12-31", "-o", str(report),
                         "--data-dir", home, "--json")
    assert code == 0, err
    assert json.loads(out) == {"file": str(report), "kind": "reviews", "from": "2025-01-01", "to": "2025-12-31"}
    figures = {r[0]: r[1] for r in openpyxl.load_workbook(report)["统计表"].iter_rows(values_only=True) if r[0]}
    assert figures["应审查数（件）"] == 20 and figures["已审查数（件）"] == 20 and figures["采纳率"] == 1

    actors = {a for (a,) in anydb.rows(data_dir, "SELECT actor FROM audit_event WHERE action LIKE 'review.%' "
                                                  "OR action = 'ledger.import'")}
    assert actors and all(a.startswith("cli:") for a in actors)


def test_ledger_failures_and_usage(capsys, data_dir, tmp_path):
    home = str(data_dir.root)
    code, _, err = run(capsys, "ledger", "import", str(tmp_path / "none.xlsx"), "--kind", "reviews", "--data-dir", home)
    assert code == 1 and "找不到文件" in err
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not excel")
    code, out, err = run(capsys, "ledger", "import", str(junk), "--kind", "reviews", "--data-dir", home, "--json")
    assert code == 1 and out == "" and "xlsx" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "ledger", "import", str(SAMPLE), "--kind", "mediators", "--data-dir", home)
    assert code == 1 and "没有在任何工作表中找到台账表头" in err  # a review register is no roster
    code, _, err = run(capsys, "report", "reviews", "--from", "2025-13-01", "--to", "2025-12-31", "-o", "x.xlsx")
    assert code == 2 and "用法错误" in err
    code, _, err = run(capsys, "report", "reviews", "--from", "2025-12-31", "--to", "2025-01-01", "-o",
                       str(tmp_path / "x.xlsx"), "--data-dir", home)
    assert code == 1 and "结束日期" in err
    code, _, _ = run(capsys, "review", "--data-dir", home)
    assert code == 2
