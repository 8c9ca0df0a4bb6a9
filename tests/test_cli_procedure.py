"""case list --json and case show --json give each case its procedure (design.md §10, issue 14)."""

from __future__ import annotations

import json
from datetime import date

from tests import casekit
from xihu_desk import cli
from xihu_desk.services import cases, simple_cases


def _run(capsys, *argv: str) -> dict:
    assert cli.main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_case_list_and_show_give_the_procedure(capsys, data_dir, db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ordinary = cases.open_case(s, head, casekit.intake(db, roster))
        simple = simple_cases.open_simple_case(s, head, simple_cases.SimpleCaseCommand(
            committee_uuid=casekit.committee_uuid(db), source="initiative", dispute_type="02",
            settled_on=date(2026, 3, 3), summary="楼道堆物引发争执。", parties=casekit.parties(),
            mediators=(cases.MediatorAssignment(roster[0], lead=True),), clauses=("李四当场清理楼道杂物。",),
            performance_method="当场清理", performed_on_the_spot=True, registrar="吴调解"))
    db.dispose()
    listed = _run(capsys, "case", "list", "--data-dir", str(data_dir.root), "--json")
    assert {c["case_no"]: c["procedure"] for c in listed["cases"]} == {ordinary.case_no: "ordinary",
                                                                       simple.case_no: "simple"}
    shown = _run(capsys, "case", "show", simple.case_no, "--data-dir", str(data_dir.root), "--json")
    assert shown["procedure"] == "simple" and shown["procedure_label"] == "简易程序"
    assert shown["filing"]["missing"] == []
    assert cli.main(["case", "show", simple.case_no, "--data-dir", str(data_dir.root)]) == 0
    assert "程序：简易程序" in capsys.readouterr().out
