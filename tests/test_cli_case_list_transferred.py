"""Issue 18: `case list` marks the read-only copy an office keeps of a case it transferred out
("transferred_to" in --json, 已移送 in the text) and `--transferred only|hide` lists only those or
leaves them out."""

from __future__ import annotations

import json

from tests import casekit
from tests.test_case_transfer_back import BEISHAN, _down, _move
from tests.test_case_transfer_bundles import XIXI, _case_at_a, nodes  # noqa: F401 (fixture)
from xihu_desk import cli
from xihu_desk.services import cases


def _list(capsys, root: str, *extra: str) -> dict:
    code = cli.main(["case", "list", "--data-dir", root, "--json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_case_list_marks_and_filters_the_copy_kept_after_a_transfer(nodes, tmp_path, capsys):  # noqa: F811
    a, b, district = nodes
    moving, moving_no = _case_at_a(a, tmp_path)
    head = casekit.head_actor(a.db)
    with a.db.write() as s:
        staying = cases.open_case(s, head, casekit.intake(a.db, casekit.roster(a.db, head, ("钱调解",)))).uuid
    _move(a, district, tmp_path, "out", moving, XIXI)
    _down(district, b, XIXI, tmp_path, "d-b")
    _down(district, a, BEISHAN, tmp_path, "d-a")
    root = str(a.data.root)

    every = _list(capsys, root)
    marks = {c["uuid"]: c["transferred_to"] for c in every["cases"]}
    assert every["total"] == 2 and marks[staying] is None
    assert marks[moving]["org"] == XIXI and marks[moving]["name"] == "西溪街道"
    assert marks[moving]["node"] == b.key()["node_id"] and marks[moving]["on"]
    only = _list(capsys, root, "--transferred", "only")
    hidden = _list(capsys, root, "--transferred", "hide")
    assert (only["total"], [c["uuid"] for c in only["cases"]]) == (1, [moving])
    assert (hidden["total"], [c["uuid"] for c in hidden["cases"]]) == (1, [staying])

    assert cli.main(["case", "list", "--data-dir", root]) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if x.startswith(moving_no))
    assert "\t已移送\t" in line
    staying_no = next(c["case_no"] for c in every["cases"] if c["uuid"] == staying)
    kept = next(x for x in text.splitlines() if x.startswith(staying_no))
    assert kept.split("\t")[3] in {"已受理", "调解中", "已结案", "已归档"}  # a person reads the status in Chinese

    assert cli.main(["case", "show", moving_no, "--data-dir", root, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["transferred_to"] == marks[moving] and shown["status_label"] == "已移送"
    assert shown["overdue"] is False
