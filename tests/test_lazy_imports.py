"""What every command pays before its work: heavy libraries that only some commands need are not
imported by a command that does not use them (start-up speed, issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from xihu_desk import cli
with redirect_stdout(io.StringIO()) as out:
    code = cli.main(json.loads(sys.argv[1]))
heavy = sorted(m for m in json.loads(sys.argv[2]) if m in sys.modules)
print(code, ",".join(heavy))
"""

# Never before a reading command's output: pinyin, Excel, PDF, Word, ID numbers, seeding, Alembic
# (only when a migration is due), crypto (only when old attachments wait for encryption), the
# attachment service.
NEVER = ["pypinyin", "openpyxl", "reportlab", "docx", "stdnum", "xihu_desk.store.seed", "alembic", "cryptography",
         "xihu_desk.services.attachments"]
# A list reads cases, not one case's changes: none of the change services or their models, nor sign-in.
NOT_FOR_A_LIST = ["argon2", "xihu_desk.services.auth", "xihu_desk.services.case_lifecycle", "xihu_desk.services.agreement_drafts",
                  "xihu_desk.services.case_transfer", "xihu_desk.store.sync_models", "xihu_desk.store.ledger_models",
                  "xihu_desk.store.transfer_models"]


def _loaded(argv: list[str], watch: list[str]) -> str:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv), json.dumps(watch)], capture_output=True,
                          text=True, timeout=120, encoding="utf-8")
    code, _, heavy = done.stdout.strip().splitlines()[-1].partition(" ")
    assert code == "0", done.stderr
    return heavy


def test_a_case_list_loads_no_heavy_library_and_no_change_service(data_dir):
    heavy = _loaded(["case", "list", "--json", "--data-dir", str(data_dir.root)], NEVER + NOT_FOR_A_LIST)
    assert heavy == "", f"loaded by `case list`: {heavy}"


@pytest.mark.parametrize("argv", [["node", "show"], ["committee", "list"], ["mediator", "list"],
                                  ["review", "list"]])
def test_other_reading_commands_load_no_heavy_library(data_dir, argv):
    heavy = _loaded([*argv, "--json", "--data-dir", str(data_dir.root)], NEVER)
    assert heavy == "", f"loaded by `{' '.join(argv)}`: {heavy}"


def test_showing_one_case_loads_no_heavy_library(data_dir, db):
    """`case show` reads one case's history, transfers and corrections, and nothing heavy."""
    from tests import casekit
    from xihu_desk.services import cases

    actor = casekit.head_actor(db)
    team = casekit.roster(db, actor)
    with db.write() as s:
        case_no = cases.open_case(s, actor, casekit.intake(db, team)).case_no
    heavy = _loaded(["case", "show", case_no, "--json", "--data-dir", str(data_dir.root)],
                    NEVER + ["argon2", "xihu_desk.services.auth"])
    assert heavy == "", f"loaded by `case show`: {heavy}"
