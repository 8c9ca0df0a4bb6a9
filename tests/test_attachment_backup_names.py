"""A backup works out each attachment's stored name (a keyed hash of its SHA-256) once while it
writes and verifies the attachments, not once for the copy, once for the link and once more for the
check: at 20,000 attachments that and the path objects around it were 3 of the 5 s of every
backup, the automatic one every half hour included, when no file had changed."""

from __future__ import annotations

import hmac

import pytest

from tests.test_attachment_backup import attached  # noqa: F401 (fixture)
from xihu_desk.services import attachment_backup, attachment_vault, maintenance
from xihu_desk.services.context import cli_actor

pytestmark = pytest.mark.sqlite_only  # the data folder's files (a server's backups are pg_dump files)


@pytest.fixture
def names_worked_out(monkeypatch):
    """How many keyed names are worked out while the companion folder is written and verified."""
    seen = {"on": False, "n": 0}
    real_new, real_write = hmac.new, attachment_backup.write

    def counted_new(*args, **kwargs):
        seen["n"] += seen["on"]
        return real_new(*args, **kwargs)

    def watched_write(*args, **kwargs):
        seen["on"] = True
        try:
            return real_write(*args, **kwargs)
        finally:
            seen["on"] = False

    monkeypatch.setattr(attachment_vault.hmac, "new", counted_new)
    monkeypatch.setattr(attachment_backup, "write", watched_write)
    return seen


def test_each_attachment_is_named_once_per_backup(data_dir, db, attached, names_worked_out):  # noqa: F811
    first = maintenance.backup_now(data_dir, db, cli_actor())  # every file copied
    assert names_worked_out["n"] == len(attached)
    names_worked_out["n"] = 0
    second = maintenance.backup_now(data_dir, db, cli_actor())  # every file linked from the first
    assert names_worked_out["n"] == len(attached)
    assert attachment_backup.verify(first) == attachment_backup.verify(second) == len(attached)
