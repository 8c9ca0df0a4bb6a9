"""What every command pays before its work: heavy libraries that only some commands need are not
imported by a command that does not use them (start-up speed, issue 15)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from xihu_desk import cli
code = cli.main(["case", "list", "--json", "--data-dir", sys.argv[1]])
heavy = sorted(m for m in ("pypinyin", "openpyxl", "reportlab", "stdnum", "xihu_desk.store.seed") if m in sys.modules)
print(code, ",".join(heavy))
"""


def test_a_case_list_loads_no_pinyin_excel_pdf_id_number_or_seeding_library(data_dir):
    done = subprocess.run([sys.executable, "-c", PROBE, str(data_dir.root)], capture_output=True, text=True,
                          timeout=120, encoding="utf-8")
    code, _, heavy = done.stdout.strip().splitlines()[-1].partition(" ")
    assert code == "0", done.stderr
    assert heavy == "", f"loaded by `case list`: {heavy}"
