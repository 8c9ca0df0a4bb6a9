"""The command line's corrections of 矛盾纠纷排查 (design.md §10, added): screening edit, edit-dispute
and void with their reasons, list --voided, officer-deactivate and officer-reactivate."""

from __future__ import annotations

import json

from tests.test_cli_screening import ADD, run


def _json(capsys, *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_edit_edit_dispute_void_and_list_voided(capsys, data_dir):
    home = ("--data-dir", str(data_dir.root))
    added = _json(capsys, *ADD, "--date", "2026-11-20", *home)
    round_id, dispute = added["id"], added["disputes"][0]["id"]
    code, _out, err = run(capsys, "screening", "edit", round_id, "--area", "北山社区 5 幢", *home)
    assert code == 2 and "--reason" in err  # a correction says why
    edited = _json(capsys, "screening", "edit", round_id, "--area", "北山社区 5 幢", "--reason", "楼幢写错", *home)
    assert edited["changes"] == [{"what": "排查范围", "before": "北山社区 3 幢", "after": "北山社区 5 幢"}]
    fixed = _json(
        capsys,
        "screening",
        "edit-dispute",
        dispute,
        "--respondent",
        "钱某某",
        "--type",
        "02",
        "--reason",
        "姓名",
        *home,
    )
    assert [c["after"] for c in fixed["changes"]] == ["钱某某"]
    listed = _json(capsys, "screening", "list", *home)["screenings"]
    mine = next(r for r in listed if r["id"] == round_id)
    assert mine["area"] == "北山社区 5 幢" and mine["disputes"][0]["respondent"] == "钱某某"
    code, out, err = run(capsys, "screening", "void", round_id, "--reason", "重复登记", *home)
    assert code == 0 and "已作废" in out, err
    assert round_id not in [r["id"] for r in _json(capsys, "screening", "list", *home)["screenings"]]
    voided = _json(capsys, "screening", "list", "--voided", *home)["screenings"]
    again = next(r for r in voided if r["id"] == round_id)
    assert again["voided"] and again["void_reason"] == "重复登记"
    code, _out, err = run(capsys, "screening", "edit", round_id, "--staff", "周", "--reason", "x", *home)
    assert code == 1 and "作废" in err and len(err.strip().splitlines()) == 1


def test_officer_deactivate_and_reactivate(capsys, data_dir):
    home = ("--data-dir", str(data_dir.root))
    officer = _json(
        capsys, "screening", "officer-add", "--committee", "北山", "--name", "郑网格", "--kind", "grid", *home
    )
    code, _out, err = run(capsys, "screening", "officer-deactivate", officer["id"], *home)
    assert code == 2 and "--reason" in err
    off = _json(capsys, "screening", "officer-deactivate", officer["id"], "--reason", "调离", *home)
    assert off["active"] is False
    listed = {o["id"]: o for o in _json(capsys, "screening", "officers", *home)["officers"]}
    assert listed[officer["id"]]["active"] is False and listed[officer["id"]]["deactivation_reason"] == "调离"
    code, _out, err = run(capsys, "screening", "officer-deactivate", officer["id"], "--reason", "调离", *home)
    assert code == 1 and "已停用" in err
    assert _json(capsys, "screening", "officer-reactivate", officer["id"], *home)["active"] is True


def test_edit_dispute_corrects_where_a_dispute_was_referred(capsys, data_dir):
    home = ("--data-dir", str(data_dir.root))
    added = _json(capsys, *ADD, "--date", "2026-11-20", *home)
    dispute = added["disputes"][0]["id"]
    code, _out, err = run(
        capsys, "screening", "close", dispute, "--how", "referred", "--note", "违建", "--to", "城管", *home
    )
    assert code == 0, err
    fixed = _json(
        capsys, "screening", "edit-dispute", dispute, "--referred-to", "综合执法队", "--reason", "写错", *home
    )
    assert fixed["changes"] == [{"what": "赵邻居与钱邻居：移交单位", "before": "城管", "after": "综合执法队"}]
