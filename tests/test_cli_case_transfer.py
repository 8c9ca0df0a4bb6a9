"""Issue 18: `case transfer`, `transfer list|accept|refuse` on the command line, with bundle files."""

from __future__ import annotations

import json

from tests import casekit
from tests.test_case_transfer_bundles import XIXI, _case_at_a, nodes  # noqa: F401 (fixture)
from xihu_desk import cli


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_transfer_on_the_command_line(nodes, tmp_path, capsys):  # noqa: F811
    a, b, district = nodes
    _uuid, old_no = _case_at_a(a, tmp_path)
    da, db_, dd = str(a.data.root), str(b.data.root), str(district.data.root)
    code, out, _ = _run(capsys, "case", "transfer", old_no, "--to", XIXI, "--reason", "当事人住在西溪", "--data-dir", da, "--json")
    assert code == 0 and json.loads(out)["status"] == "pending"
    code, _out, err = _run(capsys, "case", "transfer", old_no, "--to", XIXI, "--reason", "再来一次", "--data-dir", da)
    assert code == 1 and "申请移送至西溪街道" in err
    code, out, _ = _run(capsys, "bundle", "export", "--data-dir", da, "-o", str(tmp_path), "--json")
    code, out, _ = _run(capsys, "bundle", "import", json.loads(out)["file"], "--data-dir", dd, "--json")
    assert code == 0
    code, out, _ = _run(capsys, "transfer", "list", "--pending", "--data-dir", dd, "--json")
    listed = json.loads(out)["transfers"]
    assert [(t["from_case_no"], t["to_org"], t["status"]) for t in listed] == [(old_no, XIXI, "pending")]
    code, _out, err = _run(capsys, "transfer", "accept", listed[0]["uuid"][:8], "--data-dir", da)
    assert code == 1 and "区司法局决定" in err  # not the township's decision
    code, out, _ = _run(capsys, "transfer", "accept", listed[0]["uuid"][:8], "--data-dir", dd)
    assert code == 0 and "已同意" in out
    code, out, _ = _run(capsys, "transfer", "list", "--data-dir", dd)
    assert "已移送" in out and old_no in out
    down = tmp_path / "down"
    down.mkdir()
    code, out, _ = _run(capsys, "bundle", "export", "--to", XIXI, "--data-dir", dd, "-o", str(down), "--json")
    assert code == 0 and json.loads(out)["counts"]["transfer"] == 1
    code, out, _ = _run(capsys, "bundle", "import", json.loads(out)["file"], "--data-dir", db_, "--json")
    assert code == 0
    code, out, err = _run(capsys, "case", "show", old_no, "--data-dir", db_, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert "西溪人调字" in shown["case_no"] and shown["transfer"]["from_case_no"] == old_no
    casekit.head_actor(b.db)
