"""Who may send records of which owner: only what this node's own enrolment records say, never what a
sender's manifest claims (issue 11); receipts only from the parent they were meant for (issue 12)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import ADMIN_PASSWORD
from tests.test_exchange import Node
from xihu_desk.domain import ids
from xihu_desk.domain.errors import UserError
from xihu_desk.services import demo, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.aggregates import case_doc
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Node as NodeRow
from xihu_desk.store.sync_models import BundleIn, Lineage
from xihu_desk.sync import container, keys


def _node(root: Path, org: str, level: str, admin: str, cases: int = 0, seed: int = 3) -> Node:
    n = Node(root)
    with n.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(org, level, None, admin, ADMIN_PASSWORD))
        if cases:
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=seed, cases=cases, committees=1, mediators=2,
                                                       today=date(2026, 11, 20)))
    return n


def _id(n: Node) -> str:
    return n.key()["node_id"]


@pytest.fixture(scope="module")
def _offices_made(tmp_path_factory) -> Path:
    """Township A (北山) and township B (西溪) both report to the district; A's bundle is in."""
    root = tmp_path_factory.mktemp("offices")
    a = _node(root / "a", "330106002", "township", "ta", cases=4, seed=7)
    b = _node(root / "b", "330106004", "township", "tb", cases=2, seed=8)
    district = _node(root / "d", "330106", "district", "qu")
    for t in (a, b):
        district.enrol(t)
        t.enrol(district)
    (root / "usb").mkdir()
    got = district.import_(a.export(root / "usb").file)
    assert got.result == "applied" and got.counts["refused"] == 0
    for n in (a, b, district):
        n.db.dispose()
    return root


@pytest.fixture
def offices(_offices_made, tmp_path):
    import shutil

    nodes = []
    for name in ("a", "b", "d"):
        shutil.copytree(_offices_made / name, tmp_path / name)
        nodes.append(Node(tmp_path / name))
    return tuple(nodes)


def _forged(sender: Node, receiver: Node, tmp_path: Path, name: str, kind_docs: dict[str, list[dict]],
            children: list[dict], sequence: int = 1) -> Path:
    """A bundle correctly signed by ``sender`` and encrypted to ``receiver``, saying what it likes."""
    inner = tmp_path / f"{name}.zip"
    members = {f"records/{k}.jsonl": b"".join(json.dumps(d, ensure_ascii=False).encode() + b"\n" for d in docs)
               for k, docs in kind_docs.items()}
    with zipfile.ZipFile(inner, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    with sender.db.read() as s:
        me = s.get(NodeRow, 1)
        signer, origin, org = container.Sender(me.node_id, me.sign_private), me.node_id, me.org_code
    with receiver.db.read() as s:
        target = s.get(NodeRow, 1)
        dest, enc = target.node_id, target.enc_public
        prev = s.get(BundleIn, (origin, sequence - 1))
    manifest = {"bundle_id": ids.new_uuid(), "origin": origin, "origin_org": org, "destination": dest,
                "sequence": sequence, "prev_sha256": prev.sha256 if prev else "", "created_at": "2026-11-27T10:00:00",
                "schema": migrate.head_revision(), "children": children, "counts": {},
                "members": {m: hashlib.sha256(d).hexdigest() for m, d in members.items()}}
    out = tmp_path / f"{name}.xdb"
    container.write_bundle(out, manifest, inner, signer, enc)
    return out


def test_a_township_cannot_overwrite_another_townships_case_by_claiming_it_as_a_child(offices, tmp_path):
    a, b, district = offices
    with district.db.read() as s:
        victim = s.scalars(select(MediationCase).where(MediationCase.owner_node == _id(a))).first()
        doc = case_doc(s, victim)
        before = json.dumps(doc, sort_keys=True)
    forged = json.loads(json.dumps(doc))
    forged["case"]["version"] += 1
    forged["case"]["summary"] = "被篡改的案情"
    forged["case"]["claims"] = "被篡改的请求"
    claim = [{"node_id": _id(a), "org_code": "330106002", "level": "township", "fingerprint": a.key()["fingerprint"],
              "parent": _id(b)}]
    got = district.import_(_forged(b, district, tmp_path, "forged", {"case": [forged]}, claim))
    assert got.counts["accepted"] == 0 and got.counts["refused"] == 1
    refused = [p for p in got.problems if p["status"] == "refused"]
    assert [p["uuid"] for p in refused] == [victim.uuid] and refused[0]["label"] == victim.case_no
    assert any("不予认可" in w for w in got.warnings)
    with district.db.read() as s:
        assert json.dumps(case_doc(s, s.get(MediationCase, victim.uuid)), sort_keys=True) == before
        assert s.scalar(select(Lineage).where(Lineage.node_id == _id(a))) is None
    # Without any claim, and with the owner changed to B itself: still refused, still unchanged.
    forged["case"]["owner_node"] = _id(b)
    (tmp_path / "2").mkdir()
    again = district.import_(_forged(b, district, tmp_path / "2", "forged2", {"case": [forged]}, [], sequence=2))
    assert again.counts["refused"] == 1 and again.counts["accepted"] == 0
    with district.db.read() as s:
        assert json.dumps(case_doc(s, s.get(MediationCase, victim.uuid)), sort_keys=True) == before


def test_claims_are_checked_against_the_org_tree_and_never_move_a_known_node(offices, tmp_path):
    a, b, district = offices
    # A's community point, enrolled by A and forwarded by A: the district records it below A.
    point = _node(tmp_path / "p", "330106002", "community", "pt", cases=2, seed=9)
    a.enrol(point)
    point.enrol(a)
    (tmp_path / "p-usb").mkdir()
    up = a.import_(point.export(tmp_path / "p-usb").file)
    exchange.take_receipt(point.db, cli_actor(), up.receipt)
    (tmp_path / "a2").mkdir()
    via_a = district.import_(a.export(tmp_path / "a2").file)
    assert via_a.counts["refused"] == 0 and via_a.warnings == []
    with district.db.read() as s:
        row = s.get(Lineage, _id(point))
        assert row.via == _id(a) and row.parent == _id(a)
        point_case = s.scalars(select(MediationCase).where(MediationCase.owner_node == _id(point))).first()
        doc = case_doc(s, point_case)
    # B claims A's point: its org is not B's, and it is already known below A.
    forged = json.loads(json.dumps(doc))
    forged["case"]["version"] += 5
    forged["case"]["summary"] = "被篡改"
    claim = [{"node_id": _id(point), "org_code": "330106004", "level": "community", "fingerprint": "x", "parent": _id(b)}]
    got = district.import_(_forged(b, district, tmp_path, "steal-point", {"case": [forged]}, claim))
    assert got.counts["refused"] == 1 and got.counts["accepted"] == 0
    with district.db.read() as s:
        assert s.get(Lineage, _id(point)).via == _id(a)
        assert s.get(MediationCase, point_case.uuid).summary == doc["case"]["summary"]
    # B claims a node of A's org that nobody knows yet: refused by the org tree.
    stranger = {"node_id": ids.new_uuid(), "org_code": "330106002", "level": "community", "fingerprint": "y",
                "parent": _id(b)}
    (tmp_path / "3").mkdir()
    got = district.import_(_forged(b, district, tmp_path / "3", "stranger", {}, [stranger], sequence=2))
    assert any("辖区" in w for w in got.warnings)
    with district.db.read() as s:
        assert s.get(Lineage, stranger["node_id"]) is None
    # A node in B's own org, below B: recorded.
    own = dict(stranger, node_id=ids.new_uuid(), org_code="330106004")
    (tmp_path / "4").mkdir()
    got = district.import_(_forged(b, district, tmp_path / "4", "own", {}, [own], sequence=3))
    assert got.warnings == []
    with district.db.read() as s:
        assert s.get(Lineage, own["node_id"]).via == _id(b)


def _receipt(signer: Node, doc: dict, path: Path) -> Path:
    with signer.db.read() as s:
        key = keys.load_signing_key(s.get(NodeRow, 1).sign_private)
    path.write_text(json.dumps({"receipt": doc, "signature": key.sign(container.canonical(doc)).hex()}), encoding="utf-8")
    return path


def test_receipts_are_taken_only_from_the_parent_they_were_meant_for(offices, tmp_path):
    a, b, district = offices
    point = _node(tmp_path / "p", "330106002", "community", "pt", cases=1, seed=9)
    a.enrol(point)
    point.enrol(a)
    (tmp_path / "x").mkdir()
    sent = a.export(tmp_path / "x")
    got = district.import_(sent.file)
    real = json.loads(got.receipt.read_text(encoding="utf-8"))["receipt"]
    # Signed by A's own child (an enrolled peer, but not the parent), naming itself the receiver.
    by_child = _receipt(point, dict(real, receiver=_id(point)), tmp_path / "child.json")
    with pytest.raises(UserError, match="接收单位"):
        exchange.take_receipt(a.db, cli_actor(), by_child)
    # Signed by the district but written for B.
    for_b = _receipt(district, dict(real, sender=_id(b)), tmp_path / "for-b.json")
    with pytest.raises(UserError, match="其他单位"):
        exchange.take_receipt(a.db, cli_actor(), for_b)
    # Claims to be from the district but signed by B.
    with b.db.read() as s:
        key = keys.load_signing_key(s.get(NodeRow, 1).sign_private)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"receipt": real, "signature": key.sign(container.canonical(real)).hex()}), encoding="utf-8")
    with pytest.raises(UserError, match="签名无效"):
        exchange.take_receipt(a.db, cli_actor(), forged)
    # The real one is taken.
    taken = exchange.take_receipt(a.db, cli_actor(), got.receipt)
    assert taken.acknowledged == got.counts["accepted"] + got.counts["duplicate"] + got.counts["stale"] > 0
