"""The node's own encrypted backup copied out of the data folder (to a USB stick) restores on the
PC that made it without the recovery key: the backup is tried with the node's own keys, not only
with the keys of the folders around the backup."""

from __future__ import annotations

import shutil

import pytest

from xihu_desk.services import data_security
from xihu_desk.services.context import cli_actor
from xihu_desk.store import sqlfile
from tests.test_cli_contract import run

pytestmark = pytest.mark.sqlite_only  # the encrypted SQLite file


def test_own_backup_on_a_usb_stick_restores_without_the_recovery_key(capsys, data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(sqlfile, "_given", [])  # no key handed to this process by an earlier test
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    home = ["--data-dir", str(data_dir.root)]
    usb = tmp_path / "usb"
    code, _out, err = run(capsys, "backup", "-o", str(usb / "备份.sqlite3"), *home)
    assert code == 0, err
    moved = tmp_path / "另一个U盘" / "备份.sqlite3"  # nothing of the node's beside it
    moved.parent.mkdir()
    shutil.copy2(usb / "备份.sqlite3", moved)
    sqlfile._given.clear()
    sqlfile._by_salt.clear()
    plan = data_security.restore_plan(data_dir, cli_actor(), moved)
    assert not plan.needs_code
    sqlfile._given.clear()
    sqlfile._by_salt.clear()
    code, _out, err = run(capsys, "restore", str(moved), *home)
    assert code == 0, err
