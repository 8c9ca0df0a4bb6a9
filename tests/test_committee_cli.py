"""committee list/show/profile/member-* on the command line (issue 18): list keeps its fields and
gains the committee as it is (kind, registration, chair, members, rule warnings)."""

from __future__ import annotations

import json

from tests import casekit
from xihu_desk import cli


def _json(capsys, argv) -> dict:
    assert cli.main(argv + ["--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_committee_list_shows_members_and_warnings(data_dir, capsys, db):
    head = casekit.head_actor(db)
    casekit.roster(db, head, ("赵主任", "钱委员", "孙委员"))
    home = ["--data-dir", str(data_dir.root)]
    code = "北山"
    base = home + ["committee"]
    assert cli.main(base + ["profile", code, "--org-kind", "street", "--from", "2024-01-01",
                            "--registered", "2010-05-01", "--filed", "2010-06-01", "--seal", "北山街道人民调解委员会印"]) == 0
    assert cli.main(base + ["member-add", code, "赵主任", "--role", "chair", "--from", "2024-01-01"]) == 0
    assert cli.main(base + ["member-add", code, "钱委员", "--role", "member", "--from", "2024-01-01"]) == 0
    capsys.readouterr()
    listed = {c["code"]: c for c in _json(capsys, base + ["list"])["committees"]}
    mine = listed[code]
    assert {"uuid", "name", "code", "org_code", "kind", "own"} <= set(mine)  # the fields it had
    assert mine["kind"] == "street" and mine["org_kind"] == "street" and mine["registered_on"] == "2010-05-01"
    assert mine["chair"] == "赵主任"
    assert [(m["name"], m["role"]) for m in mine["members"]] == [("赵主任", "chair"), ("钱委员", "member")]
    assert any("妇女" in w for w in mine["warnings"])  # the casekit roster has no gender: no woman known
    assert cli.main(base + ["list"]) == 0
    assert "注意：委员会中应当有妇女成员" in capsys.readouterr().out
    assert cli.main(base + ["member-role", code, "钱委员", "--role", "vice_chair", "--from", "2025-01-01",
                            "--reason", "补选"]) == 0
    capsys.readouterr()
    shown = _json(capsys, base + ["show", code])
    assert [(m["name"], m["role"]) for m in shown["members"]] == [("赵主任", "chair"), ("钱委员", "vice_chair")]
    assert [(m["name"], m["role"], m["term_end"]) for m in shown["past_members"]] == [("钱委员", "member", "2024-12-31")]
    assert cli.main(base + ["member-end", code, "钱委员", "--on", "2025-06-30", "--reason", "辞职"]) == 0
    capsys.readouterr()
    assert cli.main(base + ["member-add", code, "无此人", "--role", "member"]) == 1
