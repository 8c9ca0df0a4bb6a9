"""`case transfer --to` with a code that is no other office of the district says which codes are."""

from __future__ import annotations

from tests.test_case_transfer_bundles import XIXI, _case_at_a, nodes  # noqa: F401 (fixture)
from xihu_desk import cli


def test_a_wrong_office_code_lists_the_offices_a_case_may_go_to(nodes, tmp_path, capsys):  # noqa: F811
    a, _b, _district = nodes
    _uuid, case_no = _case_at_a(a, tmp_path)
    code = cli.main(["--data-dir", str(a.data.root), "case", "transfer", case_no, "--to", "999999", "--reason", "x"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert "“999999”不是本区的其他街道" in err and f"{XIXI} 西溪街道" in err
    assert "330106002" not in err  # not the office's own code
    assert len(err.strip().splitlines()) == 1
