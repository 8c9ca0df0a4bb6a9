"""The command line of 矛盾纠纷排查 (design.md §10): screening list's JSON contract, a round
recorded and its dispute made a case, a 零报告 refused for a period with disputes, the ledger."""

from __future__ import annotations

import json

from xihu_desk import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


ADD = (
    "screening",
    "add",
    "--committee",
    "北山",
    "--area",
    "北山社区 3 幢",
    "--staff",
    "周调解",
    "--method",
    "visit",
    "--type",
    "邻里",
    "--applicant",
    "赵邻居",
    "--respondent",
    "钱邻居",
    "--summary",
    "楼上漏水",
)


def test_screening_list_add_to_case_zero_and_ledger(capsys, data_dir):
    home = str(data_dir.root)
    code, out, err = run(
        capsys,
        *ADD,
        "--date",
        "2026-11-20",
        "--risk",
        "serious",
        "--responsible",
        "周调解",
        "--data-dir",
        home,
        "--json",
    )
    assert code == 0, err
    dispute = json.loads(out)["disputes"][0]["id"]
    code, out, err = run(
        capsys,
        "screening",
        "zero",
        "--committee",
        "北山",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--area",
        "北山社区",
        "--staff",
        "周调解",
        "--data-dir",
        home,
    )
    assert code == 1 and "不能报零" in err and not out
    code, _out, err = run(
        capsys,
        "screening",
        "zero",
        "--committee",
        "北山",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
        "--area",
        "北山社区",
        "--staff",
        "周调解",
        "--data-dir",
        home,
    )
    assert code == 0, err
    code, out, err = run(capsys, "screening", "to-case", dispute, "--data-dir", home, "--json")
    assert code == 0, err
    case_no = json.loads(out)["case_no"]
    code, out, err = run(
        capsys, "screening", "list", "--from", "2026-10-01", "--to", "2026-11-30", "--data-dir", home, "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["screenings"]
    for item in doc["screenings"]:
        assert {"id", "date", "committee", "method", "found", "zero_report", "disputes"} <= set(item)
        for d in item["disputes"]:
            assert {"type", "risk", "status", "case_no"} <= set(d)
    zero, found = doc["screenings"]
    assert (zero["zero_report"], zero["found"], zero["date"]) == (True, 0, "2026-10-31")
    assert (found["zero_report"], found["found"], found["method"]) == (False, 1, "visit")
    first = found["disputes"][0]
    assert (first["type"], first["risk"], first["status"], first["case_no"]) == ("邻里", "serious", "case", case_no)
    code, out, _ = run(capsys, "screening", "list", "--from", "2026-11-01", "--data-dir", home, "--json")
    assert [s["id"] for s in json.loads(out)["screenings"]] == [found["id"]]
    code, out, _ = run(capsys, "screening", "ledger", "--data-dir", home, "--json")
    assert [d["id"] for d in json.loads(out)["disputes"]] == [dispute]
    code, _out, err = run(capsys, "screening", "close", dispute, "--how", "resolved", "--note", "x", "--data-dir", home)
    assert code == 1 and "已处置" in err


def test_officers_and_ledger_checks(capsys, data_dir):
    home = str(data_dir.root)
    code, out, err = run(
        capsys,
        "screening",
        "officer-add",
        "--committee",
        "北山",
        "--name",
        "郑网格",
        "--kind",
        "grid",
        "--area",
        "3 号网格",
        "--data-dir",
        home,
        "--json",
    )
    assert code == 0, err
    officer = json.loads(out)["id"]
    code, out, err = run(
        capsys,
        *(a if a != "visit" else "informant" for a in ADD),
        "--officer",
        officer,
        "--risk",
        "serious",
        "--responsible",
        "周调解",
        "--data-dir",
        home,
        "--json",
    )
    assert code == 0, err
    dispute = json.loads(out)["disputes"][0]["id"]
    code, out, _ = run(capsys, "screening", "officers", "--data-dir", home, "--json")
    assert [(o["name"], o["reports"]) for o in json.loads(out)["officers"]] == [("郑网格", 1)]
    code, _out, err = run(capsys, "screening", "check", dispute, "--measures", "已上门", "--data-dir", home)
    assert code == 1 and "下次检查" in err  # a serious dispute still open stays watched
    code, out, err = run(
        capsys,
        "screening",
        "check",
        dispute,
        "--measures",
        "已上门，情绪平稳",
        "--next",
        "2099-01-01",
        "--data-dir",
        home,
        "--json",
    )
    assert code == 0 and json.loads(out)["next_check_on"] == "2099-01-01", err
    code, out, _ = run(capsys, "screening", "ledger", "--data-dir", home, "--json")
    (entry,) = json.loads(out)["disputes"]
    assert entry["next_check_on"] == "2099-01-01" and "情绪平稳" in entry["measures"]
