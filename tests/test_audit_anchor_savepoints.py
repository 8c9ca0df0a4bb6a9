"""The audit anchor moves only with the outermost commit: a dry-run import releases a savepoint per
row and then rolls everything back, and must leave the anchor where the kept chain ends."""

from __future__ import annotations

from pathlib import Path

from xihu_desk.services import case_ledger, maintenance
from xihu_desk.services.context import cli_actor

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-cases.xlsx"


def test_a_dry_run_import_leaves_the_anchor_and_check_passes(data_dir, db):
    with db.write() as s:
        report = case_ledger.import_ledger(s, cli_actor(), SAMPLE, file_name=SAMPLE.name, dry_run=True)
    assert report.imported > 0
    result = maintenance.check(data_dir, db)
    assert result.audit_first_broken is None, result.audit_reason
    # A real import afterwards moves the anchor on, and the chain still checks.
    with db.write() as s:
        case_ledger.import_ledger(s, cli_actor(), SAMPLE, file_name=SAMPLE.name)
    result = maintenance.check(data_dir, db)
    assert result.audit_first_broken is None, result.audit_reason
