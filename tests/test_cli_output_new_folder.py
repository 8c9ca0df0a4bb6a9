"""-o naming a folder not made yet, written with its trailing slash ("-o 新文件夹/"): print makes
it and writes the document inside it under the document's own name, as into an existing folder
(it wrote 新文件夹.pdf beside it). backup does the same (tests/test_cli_backup_new_folder.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_cli_output_targets import _argv, _run, node  # noqa: F401 (fixture)


@pytest.mark.parametrize("slash", ["/", os.sep])
def test_print_into_a_new_folder_named_with_its_slash(capsys, node, tmp_path, slash):  # noqa: F811
    wanted = tmp_path / "打印件"
    argv = _argv(node, ["print", "agreement", "{case}", "-o", str(wanted) + slash, "--json"], tmp_path)
    code, out, err = _run(capsys, argv)
    assert code == 0, err
    written = Path(json.loads(out)["file"])
    assert written.parent == wanted and written.name == f"{node['case']}人民调解协议书.pdf"
    assert not wanted.with_name(wanted.name + ".pdf").exists()
