"""bundle import / restore / ledger import of something that is not the file asked for: a device,
a folder, an empty file, a file of zeros. Each is said for what it is (never 找不到 for a path that
is there), exit 1, and nothing changes: no import, no before-restore backup, the database as it was."""

from __future__ import annotations

import os
import re
from contextlib import closing
from pathlib import Path

import pytest

from xihu_desk.store import sqlfile
from tests.test_cli_contract import run

pytestmark = pytest.mark.sqlite_only  # the restore of a SQLite file; bundle import is the same on both

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _sources(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, the words the refusal must hold)."""
    folder = tmp_path / "U盘"
    folder.mkdir()
    empty = tmp_path / "空.bin"
    empty.write_bytes(b"")
    zeros = tmp_path / "零.bin"
    zeros.write_bytes(b"\0" * 8192)
    found = {"folder": (folder, "文件夹"), "empty": (empty, "空文件"), "zeros": (zeros, "不是")}
    if Path(os.devnull).exists() and not Path(os.devnull).is_file():  # /dev/null; Windows' NUL is no path
        found["device"] = (Path(os.devnull), "不是文件")
    return found


COMMANDS = {
    "bundle import": ["bundle", "import", "{src}"],
    "restore": ["restore", "{src}"],
    "ledger import": ["ledger", "import", "{src}"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_what_is_not_the_file_is_said_for_what_it_is(capsys, data_dir, tmp_path, command):
    with closing(sqlfile.connect(data_dir.database)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = data_dir.database.read_bytes()
    backups = sorted(data_dir.backups.glob("*")) if data_dir.backups.exists() else []
    for name, (src, words) in _sources(tmp_path).items():
        argv = [a.format(src=src) for a in COMMANDS[command]] + ["--data-dir", str(data_dir.root)]
        code, _out, err = run(capsys, *argv)
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 1, (name, err)
        assert len(lines) == 1 and CHINESE.search(lines[0]) and "Traceback" not in err, (name, err)
        if command == "bundle import" and name == "zeros":
            words = "不是西湖司法所工作台的数据包"
        if command == "ledger import" and name == "zeros":
            words = ".xlsx"  # read as a workbook: the reader's own refusal names the format
        assert words in lines[0] and "找不到" not in lines[0], (name, err)
    assert data_dir.database.read_bytes() == before
    assert (sorted(data_dir.backups.glob("*")) if data_dir.backups.exists() else []) == backups


def test_a_missing_file_is_still_not_found(capsys, data_dir, tmp_path):
    code, _out, err = run(capsys, "bundle", "import", str(tmp_path / "无.xdb"), "--data-dir", str(data_dir.root))
    assert code == 1 and "找不到数据包文件" in err
    code, _out, err = run(capsys, "restore", str(tmp_path / "无.sqlite3"), "--data-dir", str(data_dir.root))
    assert code == 1 and "找不到备份文件" in err


def test_the_restore_screen_asks_no_recovery_key_for_a_file_of_zeros(data_dir, tmp_path):
    from xihu_desk.domain.errors import UserError
    from xihu_desk.services import data_security
    from xihu_desk.services.context import cli_actor

    zeros = tmp_path / "零.sqlite3"
    zeros.write_bytes(b"\0" * 8192)
    with pytest.raises(UserError, match="不是本程序的备份文件"):
        data_security.restore_plan(data_dir, cli_actor(), zeros)
