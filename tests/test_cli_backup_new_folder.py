"""`backup -o 新文件夹/` naming a folder that does not exist yet (written with its slash): the folder
is made and the backup goes inside it under its own name, as into an existing folder. It wrote a
file called 新文件夹 beside it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xihu_desk import cli

pytestmark = pytest.mark.sqlite_only  # a server's backup is a pg_dump file (the same rule, slower)


@pytest.mark.parametrize("slash", ["/", os.sep])
def test_backup_into_a_new_folder_named_with_its_slash(data_dir, tmp_path, capsys, slash):
    wanted = tmp_path / "U盘备份"
    code = cli.main(["backup", "--data-dir", str(data_dir.root), "-o", str(wanted) + slash, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    written = Path(json.loads(out)["file"])
    assert wanted.is_dir() and written.parent == wanted and written.name.endswith("-manual.sqlite3")
