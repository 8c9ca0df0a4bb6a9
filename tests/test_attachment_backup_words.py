"""The system's English never reaches the clerk from the attachments of a backup: writing them,
reading them back from a backup, moving them in after a restore (was "备份附件失败：No such file
or directory")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.test_attachment_backup import attached  # noqa: F401 (fixture)
from xihu_desk.domain.errors import StorageError
from xihu_desk.services import attachment_backup, maintenance
from xihu_desk.services.context import cli_actor

pytestmark = pytest.mark.sqlite_only  # the data folder's files (a server's backups are pg_dump files)


def _gone(*_args, **_kwargs):
    raise FileNotFoundError(2, "No such file or directory")


def _refused(*_args, **_kwargs):
    raise PermissionError(13, "Permission denied")


def _chinese_only(message: str) -> None:
    assert "No such" not in message and "Permission" not in message, message


def test_a_failed_attachment_write_is_said_in_chinese(data_dir, db, attached, monkeypatch):  # noqa: F811
    monkeypatch.setattr(attachment_backup, "_fill", _gone)
    with pytest.raises(StorageError) as got:
        maintenance.backup_now(data_dir, db, cli_actor())
    assert got.value.message.startswith("备份附件失败：找不到文件或文件夹")
    _chinese_only(got.value.message)


def test_unreadable_and_unmovable_attachments_of_a_restore_are_said_in_chinese(
    data_dir, db, attached, tmp_path, monkeypatch  # noqa: F811
):
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "b.sqlite3")
    with monkeypatch.context() as m:
        m.setattr(attachment_backup, "_named", _refused)
        with pytest.raises(StorageError) as got:
            attachment_backup.stage(saved, tmp_path / "staged")
    assert "没有权限" in got.value.message
    _chinese_only(got.value.message)

    staged = attachment_backup.stage(saved, tmp_path / "staged")
    monkeypatch.setattr(os, "replace", _refused)
    with pytest.raises(StorageError) as got:
        attachment_backup.move_in(staged, Path(tmp_path / "live"))
    assert "没有权限" in got.value.message
    _chinese_only(got.value.message)
