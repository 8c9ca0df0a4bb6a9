"""Attachments at rest (issue 21): encrypted under keyed names, read back whole, refused with the
case and material named when tampered with, carried through a bundle, and old plain files
encrypted once."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import casekit
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import attachments, cases, exchange, node
from xihu_desk.services.attachment_vault import AttachmentDamaged, vault
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_models import Attachment, MediationCase

CANARY = "祝融峰甲乙丙调解材料-330106199001011234".encode()


def _files(root: Path) -> list[Path]:
    return [p for p in (root / "attachments").rglob("*") if p.is_file()]


@pytest.fixture
def attached(data_dir, db, tmp_path):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    scan = tmp_path / "身份证复印件.jpg"
    scan.write_bytes(b"\xff\xd8" + CANARY * 50)
    with db.write() as s:
        uuid = attachments.add_attachment(s, head, data_dir.root, ref.uuid, "id_proof", scan)
    with db.read() as s:
        case_no = s.get_one(MediationCase, ref.uuid).case_no
    return head, uuid, scan.read_bytes(), case_no


def test_no_attachment_file_holds_the_content_or_its_hash(data_dir, db, attached):
    _head, uuid, content, _ = attached
    sha = hashlib.sha256(content).hexdigest()
    files = _files(data_dir.root)
    assert len(files) == 1
    blob = files[0].read_bytes()
    assert CANARY not in blob and CANARY.decode().encode("utf-16-le") not in blob
    assert sha not in str(files[0])  # the name is a keyed hash: a known document cannot be looked for
    with db.read() as s:
        name, back = attachments.read_content(s, data_dir.root, uuid)
    assert (name, back) == ("身份证复印件.jpg", content)


def test_view_copy_is_the_plain_file_under_its_name(data_dir, db, attached, tmp_path):
    head, uuid, content, _ = attached
    with db.read() as s:
        copy = attachments.view_copy(s, head, data_dir.root, uuid, tmp_path / "view")
    assert copy.name == "身份证复印件.jpg" and copy.read_bytes() == content


def test_a_tampered_file_names_the_case_and_material(data_dir, db, attached):
    _head, uuid, _, case_no = attached
    (stored,) = _files(data_dir.root)
    blob = bytearray(stored.read_bytes())
    blob[40] ^= 1
    stored.write_bytes(bytes(blob))
    with db.read() as s, pytest.raises(AttachmentDamaged) as got:
        attachments.read_content(s, data_dir.root, uuid)
    assert case_no in got.value.message and "身份证复印件.jpg" in got.value.message
    assert "\n" not in got.value.message


def test_a_file_swapped_for_another_does_not_open(data_dir, db, attached, tmp_path):
    """Another attachment's (valid) encrypted file put in place of this one is refused too."""
    head, uuid, _, _ = attached
    other = tmp_path / "other.png"
    other.write_bytes(b"another scan" * 30)
    with db.write() as s:
        case_uuid = s.get_one(Attachment, uuid).case_uuid
        attachments.add_attachment(s, head, data_dir.root, case_uuid, "photo", other)
    with db.read() as s:
        store = vault(s, data_dir.root)
        sha = s.get_one(Attachment, uuid).sha256
    store.path(sha).write_bytes(store.path(hashlib.sha256(other.read_bytes()).hexdigest()).read_bytes())
    with db.read() as s, pytest.raises(AttachmentDamaged):
        attachments.read_content(s, data_dir.root, uuid)


def test_plain_files_of_an_older_version_are_encrypted_once(data_dir, db):
    content = b"%PDF-1.4 " + CANARY * 20
    sha = hashlib.sha256(content).hexdigest()
    legacy = attachments.legacy_path(data_dir.root, sha)
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(content)
    said: list[str] = []
    assert attachments.encrypt_on_open(data_dir.root, db, said.append) == 1
    assert not legacy.exists()
    assert all(CANARY not in p.read_bytes() for p in _files(data_dir.root))
    with db.read() as s:
        assert vault(s, data_dir.root).read(sha) == content
    assert attachments.encrypt_on_open(data_dir.root, db) == 0  # once: the folder is marked done


def test_round_trip_through_a_bundle_to_the_district(template_node, data_dir, db, attached, tmp_path):
    head, uuid, content, case_no = attached
    district = DataDir(tmp_path / "district")
    d = migrate.open_database(district).db
    try:
        with d.write() as s:
            node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
        with db.read() as s:
            tk = exchange.export_key(s, cli_actor())
        with d.read() as s:
            dk = exchange.export_key(s, cli_actor())
        with d.write() as s:
            exchange.enrol(s, cli_actor(), tk)
        with db.write() as s:
            exchange.enrol(s, cli_actor(), dk)
        usb = tmp_path / "usb"
        usb.mkdir()
        bundle = exchange.export_bundle(data_dir, db, cli_actor(), usb).file
        assert CANARY not in bundle.read_bytes()
        assert exchange.import_bundle(district, d, cli_actor(), bundle).result == "applied"
        assert _files(district.root) and all(CANARY not in p.read_bytes() for p in _files(district.root))
        with d.read() as s:
            there = s.scalar(select(Attachment.uuid).where(Attachment.uuid == uuid))
            assert attachments.read_content(s, district.root, there)[1] == content
        # a file damaged here stops the next export with the case and material named
        with db.write() as s:
            attachments.add_attachment(
                s, head, data_dir.root, s.get_one(Attachment, uuid).case_uuid, "evidence", _other(tmp_path)
            )
        with db.read() as s:
            store = vault(s, data_dir.root)
        store.path(hashlib.sha256(_other(tmp_path).read_bytes()).hexdigest()).write_bytes(b"XDA1" + b"\0" * 40)
        with pytest.raises(UserError, match=re.escape(case_no)):
            exchange.export_bundle(data_dir, db, cli_actor(), usb)
    finally:
        d.dispose()


def _other(tmp_path: Path) -> Path:
    path = tmp_path / "证据.pdf"
    if not path.exists():
        path.write_bytes(b"%PDF evidence " * 40)
    return path


@pytest.mark.sqlite_only  # restores the SQLite file; a server's attachments follow the same keys
def test_any_backup_restored_keeps_the_attachments_readable(data_dir, db, tmp_path):
    """The keys come from the node's private key, the same in every backup: a backup taken
    before an attachment was added, restored, still opens the files added since (here: the same
    content added again finds its encrypted file under the same name)."""
    from xihu_desk.services import maintenance

    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    before = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "before.sqlite3")
    scan = tmp_path / "协议.pdf"
    scan.write_bytes(b"%PDF " + CANARY * 10)
    with db.write() as s:
        uuid = attachments.add_attachment(s, head, data_dir.root, ref.uuid, "agreement_scan", scan)
    after = maintenance.backup_now(data_dir, db, cli_actor(), tmp_path / "after.sqlite3")
    files = {p: p.read_bytes() for p in _files(data_dir.root)}

    restored = maintenance.restore(data_dir, db, cli_actor(), after).db
    try:
        with restored.read() as s:
            assert attachments.read_content(s, data_dir.root, uuid)[1] == scan.read_bytes()
    finally:
        restored.dispose()
    restored = maintenance.restore(data_dir, None, cli_actor(), before).db
    try:
        with restored.write() as s:
            again = attachments.add_attachment(s, head, data_dir.root, ref.uuid, "agreement_scan", scan)
        assert {p: p.read_bytes() for p in _files(data_dir.root)} == files  # the same file, not a second one
        with restored.read() as s:
            assert attachments.read_content(s, data_dir.root, again)[1] == scan.read_bytes()
    finally:
        restored.dispose()
