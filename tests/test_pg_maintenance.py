"""backup, restore and check of a node on PostgreSQL (issue 17): pg_dump custom format verified by
its listing, restore only into an empty database, check by the app's own audit and record checks.
Runs in `bootstrap.py test --db postgresql` (the database fixtures are on the test server there)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import PG
from xihu_desk import cli
from xihu_desk.store import pg

pytestmark = pytest.mark.skipif(not PG, reason="needs the PostgreSQL test server (bootstrap.py test --db postgresql)")


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_restore_into_an_empty_database_and_check(data_dir, empty_data_dir, tmp_path, capsys):
    d = str(data_dir.root)
    code, out, _ = _cli(capsys, "demo", "--cases", "4", "--data-dir", d)
    assert code == 0
    code, out, err = _cli(capsys, "backup", "--data-dir", d, "--json")
    assert code == 0, err
    dump = json.loads(out)["file"]
    assert dump.endswith(pg.DUMP_SUFFIX)
    assert any("TABLE DATA" in line and " audit_event " in line for line in pg.listing(dump))

    code, out, err = _cli(capsys, "restore", dump, "--data-dir", str(empty_data_dir.root), "--json")
    assert code == 0, err
    assert json.loads(out)["verified"] is True
    code, out, err = _cli(capsys, "check", "--data-dir", str(empty_data_dir.root), "--json")
    report = json.loads(out)
    assert code == 0, err
    assert report["backend"] == "postgresql" and report["audit"]["first_broken"] is None
    assert report["records"]["cases"] >= 4 and report["records"]["ok"]
    code, out, _ = _cli(capsys, "case", "list", "--data-dir", str(empty_data_dir.root), "--json")
    assert code == 0


def test_restore_refuses_a_database_in_use(data_dir, tmp_path, capsys):
    d = str(data_dir.root)
    code, out, _ = _cli(capsys, "backup", "--data-dir", d, "-o", str(tmp_path), "--json")
    assert code == 0
    code, _, err = _cli(capsys, "restore", json.loads(out)["file"], "--data-dir", d)
    assert code == 1 and "不是空的" in err


def test_restore_refuses_what_is_not_a_dump(empty_data_dir, tmp_path, capsys):
    fake = tmp_path / "x.pgdump"
    fake.write_bytes(b"not a dump")
    code, _, err = _cli(capsys, "restore", str(fake), "--data-dir", str(empty_data_dir.root))
    assert code == 1 and "读取备份文件目录失败" in err


def test_no_automatic_file_backup_of_a_server_database(data_dir):
    from xihu_desk.services import maintenance

    assert maintenance.auto_backup_if_changed(data_dir) is None
    assert not list(data_dir.backups.glob("*"))
