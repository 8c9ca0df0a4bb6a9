"""Bundles between a township and the district: nothing lost, nothing doubled, nothing forged."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import case_queries, cases, demo, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.aggregates import case_doc
from xihu_desk.store.case_models import MediationCase
from xihu_desk.sync.container import BundleRefused


class Node:
    def __init__(self, root: Path):
        self.data = DataDir(root)
        self.db = migrate.open_database(self.data).db

    def key(self) -> dict:
        with self.db.read() as s:
            return exchange.export_key(s, cli_actor())

    def enrol(self, other: "Node") -> None:
        with self.db.write() as s:
            exchange.enrol(s, cli_actor(), other.key())

    def export(self, out: Path):
        return exchange.export_bundle(self.data, self.db, cli_actor(), out)

    def import_(self, path: Path, **kw):
        return exchange.import_bundle(self.data, self.db, cli_actor(), path, **kw)

    def cases(self) -> dict[str, dict]:
        with self.db.read() as s:
            return {c.uuid: _normalised(case_doc(s, c)) for c in s.scalars(select(MediationCase))}


def _normalised(doc: dict) -> dict:
    return {k: (sorted(v, key=lambda r: json.dumps(r, sort_keys=True)) if isinstance(v, list) else v) for k, v in doc.items()}


@pytest.fixture
def township(data_dir) -> Node:
    n = Node(data_dir.root)
    with n.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=11, cases=25, today=date(2026, 11, 20)))
    return n


@pytest.fixture
def district(tmp_path) -> Node:
    n = Node(tmp_path / "district")
    with n.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    return n


@pytest.fixture
def pair(township, district):
    district.enrol(township)
    township.enrol(district)
    return township, district


def test_export_import_reproduces_every_record_and_receipt_acknowledges(pair, tmp_path):
    township, district = pair
    out = tmp_path / "usb"
    out.mkdir()
    sent = township.export(out)
    assert sent.sequence == 1 and sent.counts["case"] == 25 and sent.file.name.startswith("XD_330106002_to_330106_0001")
    got = district.import_(sent.file)
    assert got.result == "applied" and got.counts["accepted"] == sent_total(sent)
    assert sent.counts["review_item"] > 0 and sent.counts["mediator_training"] > 0
    assert district.cases() == township.cases()
    # Reviews and the roster's logs travel too, row for row.
    from xihu_desk.store.aggregates import ROOTS, row_doc
    for kind, model in ROOTS.items():
        if kind == "case":
            continue
        with township.db.read() as s:
            here = {r.uuid: row_doc(r) for r in s.scalars(select(model))}
        with district.db.read() as s:
            there = {r.uuid: row_doc(r) for r in s.scalars(select(model))}
        if kind == "mediator":
            for doc in here.values():
                doc["user_uuid"] = None  # accounts stay on their node
        assert there == here, kind
    # searchable at the district too
    some = next(iter(township.cases().values()))
    with district.db.read() as s:
        hits = case_queries.list_cases(s, cli_actor(), case_queries.CaseFilter(text=some["case"]["case_no"]), date(2026, 11, 27))
    assert [h.uuid for h in hits] == [some["case"]["uuid"]]
    # the same bundle again: nothing doubled, the receipt written again
    again = district.import_(sent.file)
    assert again.result == "already-imported"
    with district.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 25
    # the receipt acknowledges; the next bundle carries nothing old
    taken = exchange.take_receipt(township.db, cli_actor(), got.receipt)
    assert taken.acknowledged == got.counts["accepted"] and taken.not_taken == []
    nothing = township.export(out)
    assert nothing.sequence == 2 and set(nothing.counts.values()) == {0}


def test_lost_bundle_and_out_of_order_end_in_the_same_database(pair, tmp_path):
    township, district = pair
    first = township.export(tmp_path)  # never arrives
    head = casekit.head_actor(township.db)
    uuid = next(iter(township.cases()))
    with township.db.write() as s:
        cases.mark_id_proofs(s, head, uuid, True) if s.get(MediationCase, uuid).status != "filed" else None
    second = township.export(tmp_path)
    assert second.counts["case"] == 25  # no receipt yet: everything goes again
    got = district.import_(second.file)
    assert [str(g) for g in got.gaps] == ["1"] and got.result == "applied"
    assert got.as_json()["gaps"] == [1] and got.as_json()["gap_ranges"] == [{"from": 1, "to": 1}]
    late = district.import_(first.file)  # the lost one turns up afterwards
    assert late.result == "applied" and late.counts["accepted"] == 0
    assert late.counts["stale"] + late.counts["duplicate"] == sent_total(first)
    assert district.cases() == township.cases()


def sent_total(result) -> int:
    return sum(n for kind, n in result.counts.items() if kind != "attachments")


def test_tampering_and_truncation_are_refused_before_any_write(pair, tmp_path):
    township, district = pair
    sent = township.export(tmp_path)
    raw = sent.file.read_bytes()
    for position in range(0, len(raw), max(1, len(raw) // 60)):
        bad = bytearray(raw)
        bad[position] ^= 0x01
        tampered = tmp_path / f"flip-{position}.xdb"
        tampered.write_bytes(bytes(bad))
        with pytest.raises(BundleRefused):
            district.import_(tampered)
    for cut in (len(raw) // 3, len(raw) - 10):
        short = tmp_path / f"cut-{cut}.xdb"
        short.write_bytes(raw[:cut])
        with pytest.raises(BundleRefused):
            district.import_(short)
    with district.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_unenrolled_sender_and_wrong_destination_are_refused(township, district, tmp_path):
    township.enrol(district)  # the district never enrolled the township
    sent = township.export(tmp_path)
    with pytest.raises(BundleRefused, match="尚未登记"):
        district.import_(sent.file)
    with pytest.raises(UserError, match="尚未登记上级"):
        exchange.export_bundle(district.data, district.db, cli_actor(), tmp_path)


def test_names_and_id_numbers_never_appear_in_the_file(pair, tmp_path):
    township, district = pair
    sent = township.export(tmp_path)
    raw = sent.file.read_bytes()
    with township.db.read() as s:
        from xihu_desk.store.case_models import Party
        parties = list(s.scalars(select(Party)))
    for p in parties:
        assert p.name.encode() not in raw
        if p.id_number:
            assert p.id_number.encode() not in raw


def _crafted(township: Node, district: Node, tmp_path: Path, name: str, members: list[tuple[str, bytes]],
             compress=zipfile.ZIP_STORED) -> Path:
    """A correctly signed and encrypted bundle whose inner zip holds ``members``."""
    import hashlib
    import warnings

    from xihu_desk.domain import ids
    from xihu_desk.store.models import Node as NodeRow
    from xihu_desk.sync import container

    inner = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(inner, "w", compress) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we make on purpose
        for member, data in members:
            zf.writestr(member, data)
    with township.db.read() as s:
        me = s.get(NodeRow, 1)
        sender = container.Sender(me.node_id, me.sign_private)
        origin = me.node_id
    with district.db.read() as s:
        target = s.get(NodeRow, 1)
        dest, enc = target.node_id, target.enc_public
    manifest = {"bundle_id": ids.new_uuid(), "origin": origin, "destination": dest, "sequence": 1, "prev_sha256": "",
                "created_at": "2026-11-27T10:00:00", "schema": migrate.head_revision(), "children": [],
                "members": {m: hashlib.sha256(d).hexdigest() for m, d in members}, "counts": {}}
    out = tmp_path / f"{name}.xdb"
    container.write_bundle(out, manifest, inner, sender, enc)
    return out


def test_zip_tricks_inside_the_payload_are_refused(pair, tmp_path):
    township, district = pair
    tricks = {
        "parent-path": [("../evil", b"x")],
        "absolute": [("/etc/passwd", b"x")],
        "unexpected": [("records/case.jsonl", b""), ("notes.txt", b"x")],
        "duplicate": [("records/case.jsonl", b""), ("records/case.jsonl", b"")],
        "bomb": [("records/case.jsonl", b" " * 20_000_000)],
    }
    for name, members in tricks.items():
        bundle = _crafted(township, district, tmp_path, name, members,
                          zipfile.ZIP_DEFLATED if name == "bomb" else zipfile.ZIP_STORED)
        with pytest.raises(BundleRefused):
            district.import_(bundle)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("records/case.jsonl")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, b"/etc/passwd")
    from xihu_desk.sync.container import check_zip
    with zipfile.ZipFile(link) as zf, pytest.raises(BundleRefused, match="链接"):
        check_zip(zf, lambda n: True, "数据包内容")
    plain_zip = tmp_path / "plain.xdb"
    with zipfile.ZipFile(plain_zip, "w") as zf:
        zf.writestr("manifest.json", b"{}")
    with pytest.raises(BundleRefused, match="不是"):
        district.import_(plain_zip)
    with district.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 0


def test_fork_and_replay_are_detected(pair, tmp_path):
    township, district = pair
    first = township.export(tmp_path)
    district.import_(first.file)
    # The township restores an old backup and exports a different "bundle 2" twice over.
    second = township.export(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path)
    district.import_(second.file)
    from xihu_desk.store.sync_models import BundleOut
    with township.db.write() as s:  # forget bundle 2 was made, as a restored backup would
        s.delete(s.get(BundleOut, (second.destination, 2)))
    (tmp_path / "b").mkdir()
    forked = township.export(tmp_path / "b")
    assert forked.sequence == 2
    with pytest.raises(BundleRefused, match="分叉"):
        district.import_(forked.file)


def test_wrong_owner_is_refused(pair, tmp_path, district):
    township, _ = pair
    # A case the district itself owns cannot be overwritten by the township's bundle.
    sent = township.export(tmp_path)
    district.import_(sent.file)
    uuid = next(iter(township.cases()))
    with district.db.write() as s:
        s.get(MediationCase, uuid).owner_node = "somebody-else"
    with township.db.write() as s:
        row = s.get(MediationCase, uuid)
        row.version += 1
    (tmp_path / "n").mkdir()
    again = district.import_(township.export(tmp_path / "n").file)
    refused = [p for p in again.problems if p["status"] == "refused"]
    assert len(refused) == 1 and "管理单位" in refused[0]["reason"]
    assert again.counts["refused"] == 1


def test_dry_run_writes_nothing(pair, tmp_path):
    township, district = pair
    sent = township.export(tmp_path)
    dry = district.import_(sent.file, dry_run=True)
    assert dry.result == "dry-run" and dry.counts["accepted"] > 25
    with district.db.read() as s:
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 0
    assert district.import_(sent.file).result == "applied"


def test_cli_enrol_export_import_receipt(capsys, pair, tmp_path):
    from xihu_desk import cli

    township, district = pair
    t, d = str(township.data.root), str(district.data.root)
    assert cli.main(["bundle", "export", "--data-dir", t, "-o", str(tmp_path), "--json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert set(exported) >= {"file", "sequence", "destination", "counts"}
    assert cli.main(["bundle", "import", exported["file"], "--data-dir", d, "--json"]) == 0
    imported = json.loads(capsys.readouterr().out)
    assert imported["result"] == "applied" and set(imported["counts"]) == {"accepted", "duplicate", "stale", "refused", "quarantined"}
    assert cli.main(["bundle", "receipt", imported["receipt"], "--data-dir", t]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.xdb"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert cli.main(["bundle", "import", str(bad), "--data-dir", d, "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["result"] == "refused" and "拒绝导入" in err


def test_three_levels_and_corrections_going_down(township, district, tmp_path):
    """community point -> township -> district; the district returns a case for correction."""
    from xihu_desk.services import exchange as ex

    point = Node(tmp_path / "point")
    with point.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106002", "community", None, "pt", "Point-key-2026"))
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=5, cases=6, committees=1, mediators=2, today=date(2026, 11, 20)))
    township.enrol(point)
    point.enrol(township)
    district.enrol(township)
    township.enrol(district)
    for d in ("p", "t", "d"):
        (tmp_path / d).mkdir()
    up = point.export(tmp_path / "p")
    got = township.import_(up.file)
    assert got.counts["accepted"] == sum(v for k, v in up.counts.items() if k != "attachments")
    ex.take_receipt(point.db, cli_actor(), got.receipt)
    # The township's bundle carries its own cases and the point's, owners kept.
    sent = township.export(tmp_path / "t")
    assert sent.counts["case"] == 25 + 6
    assert at_least_reviews(sent)
    at_district = district.import_(sent.file)
    assert at_district.counts["refused"] == 0
    assert len(district.cases()) == 31
    with district.db.read() as s:
        owners = {c.owner_node for c in s.scalars(select(MediationCase))}
        point_case = s.scalar(select(MediationCase.uuid).where(MediationCase.owner_node == point.key()["node_id"]))
    assert owners == {township.key()["node_id"], point.key()["node_id"]}
    # The township cannot edit the point's case: it is a read-only copy there.
    head = casekit.head_actor(township.db)
    from xihu_desk.domain.errors import PermissionDenied
    with township.db.write() as s, pytest.raises(PermissionDenied):
        cases.mark_id_proofs(s, head, point_case, True)
    # District returns the point's case for correction; it travels down via the township.
    with district.db.write() as s:
        ex.return_for_correction(s, cli_actor(), point_case, "请补充当事人身份证明")
    down = ex.export_bundle(district.data, district.db, cli_actor(), tmp_path / "d", to="330106002")
    assert down.counts["correction"] == 1
    got_down = township.import_(down.file)
    assert got_down.counts["accepted"] >= 1
    with township.db.read() as s:
        listed = ex.corrections(s, cli_actor())
    assert [c["comment"] for c in listed] == ["请补充当事人身份证明"]
    # An upward bundle may not carry corrections.
    with pytest.raises(BundleRefused):
        point.import_(sent.file)  # not addressed to the point


def at_least_reviews(result) -> bool:
    return result.counts.get("review_item", 0) > 0


def test_throughput_and_stale_versions(pair, tmp_path):
    township, district = pair
    sent = township.export(tmp_path)
    district.import_(sent.file)
    exchange.take_receipt(township.db, cli_actor(), district.import_(sent.file).receipt)
    uuid = next(iter(township.cases()))
    with township.db.write() as s:
        s.get(MediationCase, uuid).version += 1
    (tmp_path / "2").mkdir()
    second = township.export(tmp_path / "2")
    assert second.counts["case"] == 1  # only what changed since the receipt
    assert district.import_(second.file).counts["accepted"] == 1


def test_a_clash_with_a_local_record_is_quarantined_and_the_rest_imported(pair, tmp_path):
    township, district = pair
    sent = township.export(tmp_path)
    # The district already holds a review item with the same number (made by hand, say).
    from xihu_desk.store.review_models import ReviewItem
    with township.db.read() as s:
        first = s.scalars(select(ReviewItem).order_by(ReviewItem.number)).first()
        number, office, year, seq = first.number, first.office_code, first.year, first.seq
    from tests import anydb
    from xihu_desk.store import dialect
    with anydb.cursor(township.data) as src:
        cols = src.columns("review_item")
        row = list(src.execute(f"SELECT {', '.join(cols)} FROM review_item WHERE number = ?", (number,)).fetchone())
    row[cols.index("uuid")] = "clashing-uuid"
    with anydb.connect(district.data) as conn:  # without foreign-key checks, as a hand edit would be
        anydb.loosen(conn)
        dialect.wrap(conn.connection.driver_connection).execute(
            f"INSERT INTO review_item ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", row)
    got = district.import_(sent.file)
    assert got.result == "applied" and got.counts["quarantined"] == 1
    assert "冲突" in next(p["reason"] for p in got.problems if p["kind"] == "review_item")
    assert len(district.cases()) == 25
