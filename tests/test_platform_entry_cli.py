"""ledger export --kind platform (issue 19): the cases still to enter in the provincial platform,
masked by default."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from tests.test_platform_reconcile import office  # noqa: F401 - fixture
from xihu_desk import cli


def test_cli_ledger_export_platform(capsys, data_dir, db, office, tmp_path):  # noqa: F811
    _head, made = office
    db.dispose()
    out = tmp_path / "录入清单.xlsx"
    argv = ["ledger", "export", "--kind", "platform", "-o", str(out), "--data-dir", str(data_dir.root), "--json"]
    assert cli.main(argv) == 0
    assert json.loads(capsys.readouterr().out)["masked"] is True
    ws = load_workbook(out).active
    numbers = {r[1] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], int)}
    assert numbers == {made[k][1] for k in ("edge", "beyond", "alone")}

