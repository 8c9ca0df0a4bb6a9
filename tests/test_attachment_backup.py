"""Backups carry the attachments (issue 21): a companion folder ``<backup>.attachments`` beside each
backup (files linked from the previous backup when it has them), verified after writing against the digests the backup's database records, brought back by a
restore on another PC byte for byte; a tampered file in it is caught; an older backup without one
still restores and says so; a failed restore leaves the live attachment folder as it was."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import casekit
from xihu_desk import cli
from xihu_desk.domain.errors import StorageError
from xihu_desk.paths import DataDir
from xihu_desk.services import attachment_backup, attachments, cases, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import backup, db_key, sqlfile

pytestmark = pytest.mark.sqlite_only  # the data folder's files (a server's backups are pg_dump files)

CANARY = "雷峰塔乙丁调解材料-330106198512121234".encode()


def _tree(root: Path) -> dict[str, bytes]:
    folder = root / "attachments"
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def attached(data_dir, db, tmp_path) -> dict[str, bytes]:
    """Two scans on one case: attachment uuid -> plain content."""
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    out = {}
    for n in range(2):
        scan = tmp_path / f"scan{n}.jpg"
        scan.write_bytes(b"\xff\xd8" + CANARY * (40 + n) + os.urandom(3000))
        with db.write() as s:
            out[attachments.add_attachment(s, head, data_dir.root, ref.uuid, "id_proof", scan)] = scan.read_bytes()
    return out


def test_a_backup_restores_its_attachments_byte_identical_on_another_pc(data_dir, db, attached, tmp_path, monkeypatch):
    (tmp_path / "usb").mkdir()
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "usb" / "b.sqlite3")
    companion = backup.attachments_of(saved)
    assert companion.is_dir() and not companion.with_name(companion.name + ".partial").exists()
    assert _tree(data_dir.root) == {str(p.relative_to(companion)): p.read_bytes()
                                    for p in companion.glob("??/*")}  # the ciphertext as stored
    for p in companion.rglob("*"):
        if p.is_file():
            raw = p.read_bytes()
            assert CANARY not in raw and CANARY.decode().encode("utf-16-le") not in raw

    key = db_key.current_key(data_dir.root)
    # another PC: another account's sealed keys, this process forgets the keys; the recovery key given
    monkeypatch.setenv(db_key.ENV_DIR, str(tmp_path / "other-account-keys"))
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])
    assert key is not None
    sqlfile.remember(key)
    second = DataDir(tmp_path / "new-pc")
    result = maintenance.restore(second, None, cli_actor(), saved)
    try:
        assert result.attachments is not None and result.attachments.as_json() == {
            "in_backup": True, "restored": 2, "damaged": 0, "absent": 0}
        assert "附件 2 个已一并恢复" in result.text()
        assert not (second.root / "tmp").exists()  # the staging scratch folder is gone
        assert _tree(second.root) == _tree(data_dir.root)
        with result.db.read() as s:
            for uuid, content in attached.items():
                assert attachments.read_content(s, second.root, uuid)[1] == content
    finally:
        result.db.dispose()


def test_a_tampered_attachment_in_the_backup_is_caught(data_dir, db, attached, tmp_path):
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "b.sqlite3")
    assert attachment_backup.verify(saved) == 2
    victim = sorted(backup.attachments_of(saved).glob("??/*"))[0]
    blob = bytearray(victim.read_bytes())
    blob[60] ^= 1
    victim.write_bytes(bytes(blob))
    with pytest.raises(StorageError) as got:
        attachment_backup.verify(saved)
    assert "已损坏或被改动" in got.value.message and "\n" not in got.value.message

    # the restore brings back the database and the sound file, and names what it could not bring
    live = _tree(data_dir.root)
    result = maintenance.restore(data_dir, db, cli_actor(), saved)
    try:
        assert result.attachments is not None and (result.attachments.files, result.attachments.damaged) == (1, 1)
        assert "1 个附件已损坏或被改动，未恢复" in result.text()
        assert _tree(data_dir.root) == live  # the live files stay; the damaged one replaced nothing
    finally:
        result.db.dispose()


def test_the_verify_after_writing_catches_a_bad_write_and_leaves_nothing(data_dir, db, attached, monkeypatch):
    real = attachment_backup._copy

    def writes_badly(store, sha, target):
        done = real(store, sha, target)
        blob = target.read_bytes()
        target.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))  # a bad write the disk did not report
        return done

    monkeypatch.setattr(attachment_backup, "_copy", writes_badly)
    before = sorted(p.name for p in data_dir.backups.iterdir()) if data_dir.backups.exists() else []
    with pytest.raises(StorageError) as got:
        maintenance.backup_now(data_dir, db, cli_actor())
    assert "校验未通过" in got.value.message
    assert sorted(p.name for p in data_dir.backups.iterdir()) == before  # neither the database copy nor a partial


def test_an_older_backup_without_attachments_restores_and_says_so(data_dir, db, attached, tmp_path):
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "old.sqlite3")
    backup.remove_attachments(saved)  # as written before backups carried attachments
    live = _tree(data_dir.root)
    result = maintenance.restore(data_dir, db, cli_actor(), saved)
    try:
        assert result.attachments is not None and result.attachments.in_backup is False
        assert "这份备份不含附件" in result.text()
        assert result.as_json()["attachments"]["in_backup"] is False
        assert _tree(data_dir.root) == live
    finally:
        result.db.dispose()


def test_a_failed_restore_leaves_the_live_attachments_as_they_were(data_dir, db, attached, tmp_path, monkeypatch):
    saved = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "b.sqlite3")
    for p in (data_dir.root / "attachments").rglob("*"):
        if p.is_file():
            p.unlink()  # lost since: the restore would bring them back
    live = _tree(data_dir.root)

    def fails(*_args):
        raise StorageError("恢复失败：测试。")

    monkeypatch.setattr(maintenance, "_restore_database", fails)
    with pytest.raises(StorageError):
        maintenance.restore(data_dir, db, cli_actor(), saved)
    assert _tree(data_dir.root) == live and not (data_dir.root / "tmp").exists()


def test_an_unchanged_set_of_files_is_linked_not_copied_and_pruned_with_its_backup(data_dir, db, attached):
    first = maintenance.backup_now(data_dir, db, cli_actor())
    backup.make_backup(data_dir.database, data_dir.backups, "before-import")  # one without attachments between
    second = maintenance.backup_now(data_dir, db, cli_actor())
    a, b = sorted(backup.attachments_of(first).glob("??/*")), sorted(backup.attachments_of(second).glob("??/*"))
    assert len(a) == len(b) == 2 and all(os.path.samefile(x, y) for x, y in zip(a, b, strict=True))
    assert not any(os.path.samefile(x, data_dir.root / "attachments" / x.parent.name / x.name) for x in a)
    backup._remove_with_companions(first)
    assert not backup.attachments_of(first).exists() and attachment_backup.verify(second) == 2


def test_a_cancelled_backup_leaves_no_file(data_dir, db, attached):
    class Cancelled(Exception):
        pass

    class StopsAtTheAttachments:
        def step(self, done=None, stage=None, total=None):
            if stage and "附件" in stage:
                raise Cancelled

    with pytest.raises(Cancelled):
        maintenance.backup_now(data_dir, db, cli_actor(), progress=StopsAtTheAttachments())
    assert not data_dir.backups.exists() or list(data_dir.backups.iterdir()) == []


def test_backup_command_reports_the_attachments(data_dir, attached, tmp_path, capsys):
    target = tmp_path / "u" / "b.sqlite3"
    target.parent.mkdir()
    code = cli.main(["backup", "--data-dir", str(data_dir.root), "-o", str(target), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)["attachments"]
    assert doc["files"] == 2 and doc["skipped"] == 0 and Path(doc["folder"]) == backup.attachments_of(target)


def test_a_backup_written_again_to_the_same_file_replaces_its_attachments(data_dir, db, attached, tmp_path):
    target = tmp_path / "b.sqlite3"
    maintenance.backup_now(data_dir, db, cli_actor(), target)
    maintenance.backup_now(data_dir, db, cli_actor(), target)
    assert target.is_file() and attachment_backup.verify(target) == 2


def test_what_a_killed_backup_left_is_removed_at_the_next_start(data_dir, db, attached):
    saved = maintenance.backup_now(data_dir, db, cli_actor())
    left = backup.attachments_of(saved).with_name("x.sqlite3.attachments.partial")
    (left / "ab").mkdir(parents=True)
    (left / "ab" / "cd").write_bytes(b"half")
    assert left in backup.remove_partials(data_dir.root, data_dir.backups) and not left.exists()
    assert attachment_backup.verify(saved) == 2  # a finished backup's folder stays


def test_the_estimate_counts_only_the_attachment_files_to_copy(data_dir, db, attached):
    from xihu_desk.store import progress as progress_steps

    database_only = progress_steps.backup_seconds(data_dir.database.stat().st_size)
    assert maintenance.backup_estimate(data_dir) > database_only  # none backed up yet: all to copy
    maintenance.backup_now(data_dir, db, cli_actor())
    assert maintenance.backup_estimate(data_dir) == pytest.approx(
        progress_steps.backup_seconds(data_dir.database.stat().st_size))  # all linked next time
