"""Issue 18: a case transferred (移送) from one street's office to another through the district, with
real bundle files: ownership moves, the receiver numbers and closes it, the sender keeps a read-only
copy, nothing doubles on a second import, forged or tampered bundles change nothing, and the
district's statistics count the case once."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import casekit
from tests.conftest import ADMIN_PASSWORD
from tests.test_exchange import Node, _crafted
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import PermissionDenied, UserError
from xihu_desk.services import (
    attachments,
    case_queries,
    case_transfer,
    cases,
    exchange,
    home,
    mediation_stats,
    mediators,
    node,
)
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import Attachment, CaseHistory, MediationCase
from xihu_desk.store.transfer_models import TransferDecision
from xihu_desk.sync.container import BundleRefused

XIXI = "330106004"  # 西溪街道: the office that receives the case


def _township(root: Path, org: str) -> Node:
    n = Node(root)
    with n.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(org, "township", None, "admin", ADMIN_PASSWORD))
    return n


@pytest.fixture
def nodes(data_dir, tmp_path):
    """北山 (A, the template node), 西溪 (B) and the district, each enrolled with the other."""
    a = Node(data_dir.root)
    b = _township(tmp_path / "xixi", XIXI)
    district = Node(tmp_path / "district")
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    for child in (a, b):
        district.enrol(child)
        child.enrol(district)
    return a, b, district


def _case_at_a(a: Node, tmp_path: Path) -> tuple[str, str]:
    head = casekit.head_actor(a.db)
    people = casekit.roster(a.db, head)
    with a.db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(a.db, people))
    paper = tmp_path / "申请书.pdf"
    paper.write_bytes(b"%PDF-1.4 transfer test\n")
    with a.db.write() as s:
        attachments.add_attachment(s, head, a.data.root, ref.uuid, "evidence", paper)
    return ref.uuid, ref.case_no


def _folder(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name
    out.mkdir(exist_ok=True)
    return out


def _state(n: Node) -> dict:
    with n.db.read() as s:
        return {
            "cases": n.cases(),
            "decisions": sorted((d.id, d.accepted, d.new_case_no) for d in s.scalars(select(TransferDecision))),
        }


def test_case_moves_from_one_office_to_another_through_the_district(nodes, tmp_path):
    a, b, district = nodes
    uuid, old_no = _case_at_a(a, tmp_path)
    head_a = casekit.head_actor(a.db)

    # A asks; the case is frozen at A until the district answers
    with a.db.write() as s:
        asked = case_transfer.request(s, head_a, uuid, XIXI, "双方当事人均居住在西溪街道")
    assert asked.status == "pending" and asked.to_name == "西溪街道"
    with a.db.write() as s, pytest.raises(PermissionDenied, match="申请移送至西溪街道"):
        cases.mark_id_proofs(s, head_a, uuid, True)
    with a.db.read() as s:
        shown = case_queries.case_detail(s, head_a, uuid)
    assert shown["transfer"]["status"] == "pending" and shown["may_void"] is False

    # up: the request travels with the case
    up = a.export(_folder(tmp_path, "a-up"))
    assert up.counts["case_transfer"] == 1
    got = district.import_(up.file)
    assert got.counts["refused"] == 0 and got.counts["quarantined"] == 0
    exchange.take_receipt(a.db, cli_actor(), got.receipt)
    with district.db.read() as s:
        pending = case_transfer.listing(s, cli_actor(), pending_only=True)
    assert [(p.from_case_no, p.to_org, p.reason) for p in pending] == [(old_no, XIXI, "双方当事人均居住在西溪街道")]

    # the district accepts: its copy belongs to B at once
    with district.db.write() as s:
        decided = case_transfer.accept(s, cli_actor(), pending[0].uuid[:8])
    assert decided.status == "accepted"
    b_id = b.key()["node_id"]
    with district.db.read() as s:
        assert s.get(MediationCase, uuid).owner_node == b_id
        assert case_transfer.listing(s, cli_actor(), pending_only=True) == []

    # down: the whole case to B, the decision to A; each imported twice
    to_b = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d-b"), to=XIXI)
    to_a = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d-a"), to="330106002")
    assert to_b.counts["transfer"] == 1 and to_b.counts["attachments"] == 1
    assert to_a.counts["transfer"] == 1 and to_a.counts["attachments"] == 0
    # a tampered copy of B's bundle is refused and changes nothing
    bad = tmp_path / "tampered.xdb"
    raw = bytearray(to_b.file.read_bytes())
    raw[len(raw) // 2] ^= 0x55
    bad.write_bytes(bytes(raw))
    before = _state(b)
    with pytest.raises(BundleRefused) as refused:
        b.import_(bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)
    assert _state(b) == before

    got_b = b.import_(to_b.file)
    assert got_b.counts["accepted"] >= 1 and got_b.counts["refused"] == got_b.counts["quarantined"] == 0
    got_a = a.import_(to_a.file)
    assert got_a.counts["accepted"] >= 1 and got_a.counts["refused"] == 0
    after_b, after_a = _state(b), _state(a)
    assert b.import_(to_b.file).result == "already-imported"
    assert a.import_(to_a.file).result == "already-imported"
    assert _state(b) == after_b and _state(a) == after_a
    exchange.take_receipt(district.db, cli_actor(), got_b.receipt)
    exchange.take_receipt(district.db, cli_actor(), got_a.receipt)

    # B: a new number of its own street committee; the old one kept as 原案号; the files came along
    head_b = casekit.head_actor(b.db)
    with b.db.read() as s:
        case_b = s.get(MediationCase, uuid)
        new_no = case_b.case_no
        assert case_b.owner_node == b_id and "西溪人调字" in new_no
        assert cases.find_case_uuid(s, new_no) == uuid == cases.find_case_uuid(s, old_no)
        history = [(h.action, h.field, h.before, h.after) for h in s.scalars(select(CaseHistory).where(CaseHistory.case_uuid == uuid))]
        files = list(s.scalars(select(Attachment).where(Attachment.case_uuid == uuid)))
        shown_b = case_queries.case_detail(s, head_b, uuid)
    assert ("transfer", "case_no", old_no, new_no) in history
    assert ("transfer", "owner_node", "", "西溪街道") in history  # A's request, same trail
    assert [f.file_name for f in files] == ["申请书.pdf"]
    with b.db.read() as s:
        assert attachments.read_content(s, b.data.root, files[0].uuid)[1] == b"%PDF-1.4 transfer test\n"
    assert shown_b["transfer"]["direction"] == "in" and shown_b["transfer"]["from_case_no"] == old_no

    # B works and closes it
    with b.db.write() as s:
        people_b = [mediators.create_mediator(s, head_b, mediators.MediatorCommand("郑调解", s.get(MediationCase, uuid).committee_uuid)).uuid]
    with b.db.write() as s:
        cases.add_record(s, head_b, uuid, casekit.record(kind="investigation", when=datetime(2026, 3, 9, 9, 0)))
        cases.close_without_agreement(s, head_b, uuid, Outcome.FAILED, date(2026, 3, 20), "双方分歧较大", routes_told=True)
    assert people_b

    # A: a read-only copy marked 已移送, outside A's statistics
    with a.db.read() as s:
        copy = s.get(MediationCase, uuid)
        assert copy.owner_node == b_id and copy.case_no == old_no
        shown_a = case_queries.case_detail(s, head_a, uuid)
        stats_a = mediation_stats.compute(s, head_a, mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31)))
    assert shown_a["transfer"]["status"] == "accepted" and shown_a["transfer"]["to_name"] == "西溪街道"
    assert stats_a.total["accepted"] == 0
    with a.db.read() as s:  # nor on A's to-do list, however late it is
        assert uuid not in {d.case_uuid for d in case_queries.due_items(s, head_a, date(2026, 12, 31))}
    with a.db.write() as s, pytest.raises(PermissionDenied, match=r"已于 .* 移送至西溪街道"):
        cases.mark_id_proofs(s, head_a, uuid, True)
    # A sends nothing of the case up again
    assert a.export(_folder(tmp_path, "a-up2")).counts["case"] == 0

    # B's bundle up: the district takes B's version (B owns it now), and counts the case once
    up_b = b.export(_folder(tmp_path, "b-up"))
    got_up_b = district.import_(up_b.file)
    assert got_up_b.counts["refused"] == 0 and got_up_b.counts["quarantined"] == 0, [p["reason"] for p in got_up_b.problems]
    with district.db.read() as s:
        at_d = s.get(MediationCase, uuid)
        assert at_d.case_no == new_no and at_d.outcome == "failed"
        assert s.scalar(select(func.count()).select_from(MediationCase)) == 1
        stats = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31)))
        xixi = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31), org_code=XIXI))
        beishan = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31), org_code="330106002"))
    assert stats.total["accepted"] == 1 and stats.total["failed"] == 1
    assert xixi.total["failed"] == 1 and beishan.total["accepted"] == 0

    # a bundle that moves ownership from anyone but the parent is refused whole
    point = Node(tmp_path / "point")
    with point.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106002", "community", None, "pt", "Point-key-2026"))
    a.enrol(point)
    point.enrol(a)
    line = {"decision": {"id": asked.uuid, "case_uuid": uuid, "from_case_no": old_no, "district_node": point.key()["node_id"],
                         "from_node": a.key()["node_id"], "from_org": "330106002", "to_node": point.key()["node_id"],
                         "to_org": "330106002", "accepted": True, "reason": "", "decided_on": "2026-03-10",
                         "decided_by": "x", "case_version": 99}, "case": None}
    forged = _crafted(point, a, tmp_path, "forged", [("records/transfer.jsonl", json.dumps(line).encode() + b"\n")])
    before_a = _state(a)
    with pytest.raises(BundleRefused, match="只能来自上级单位"):
        a.import_(forged)
    assert _state(a) == before_a


def test_refused_transfer_unfreezes_and_requests_are_checked(nodes, tmp_path):
    a, _b, district = nodes
    uuid, _old_no = _case_at_a(a, tmp_path)
    head_a = casekit.head_actor(a.db)
    with a.db.write() as s, pytest.raises(UserError, match="不是本区的其他街道"):
        case_transfer.request(s, head_a, uuid, "999999999", "理由")
    with a.db.write() as s, pytest.raises(UserError, match="理由"):
        case_transfer.request(s, head_a, uuid, XIXI, " ")
    with a.db.write() as s:
        case_transfer.request(s, head_a, uuid, XIXI, "当事人搬到西溪街道")
    with a.db.write() as s, pytest.raises(PermissionDenied):  # frozen: not asked twice
        case_transfer.request(s, head_a, uuid, XIXI, "再次申请")
    got = district.import_(a.export(_folder(tmp_path, "up")).file)
    exchange.take_receipt(a.db, cli_actor(), got.receipt)
    with district.db.write() as s, pytest.raises(UserError, match="理由"):
        case_transfer.refuse(s, cli_actor(), cases.find_case_uuid(s, _old_no), "")
    with district.db.read() as s:
        tid = case_transfer.listing(s, cli_actor(), pending_only=True)[0].uuid
        todo = [d.title for d in home.summary(s, cli_actor()).due if d.kind == home.TRANSFERS]
    assert todo == [f"移送申请待决定：{_old_no}（北山街道 → 西溪街道）"]
    with district.db.write() as s:
        case_transfer.refuse(s, cli_actor(), tid, "纠纷发生地在北山街道，请继续调解")
    with district.db.write() as s, pytest.raises(UserError, match="已经决定"):
        case_transfer.accept(s, cli_actor(), tid)
    with district.db.read() as s:
        assert not [d for d in home.summary(s, cli_actor()).due if d.kind == home.TRANSFERS]
    to_b = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d-b"), to=XIXI)
    assert to_b.counts["transfer"] == 0  # a refusal concerns only the office that asked
    to_a = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d-a"), to="330106002")
    a.import_(to_a.file)
    with a.db.write() as s:  # editable again
        cases.mark_id_proofs(s, head_a, uuid, True)
    with a.db.read() as s:
        assert s.get(MediationCase, uuid).owner_node == a.key()["node_id"]
        assert case_queries.case_detail(s, head_a, uuid)["transfer"] is None
        rows = case_transfer.listing(s, head_a)
    assert [(r.status, r.refusal) for r in rows] == [("refused", "纠纷发生地在北山街道，请继续调解")]


def test_downward_bundles_out_of_order_end_the_same(nodes, tmp_path):
    """The district writes two bundles for the receiver before its receipt: each carries the
    transfer; taken newest first, then the older one, the case is there once, numbered once."""
    a, b, district = nodes
    uuid, old_no = _case_at_a(a, tmp_path)
    with a.db.write() as s:
        case_transfer.request(s, casekit.head_actor(a.db), uuid, XIXI, "当事人住在西溪")
    district.import_(a.export(_folder(tmp_path, "up")).file)
    with district.db.write() as s:
        case_transfer.accept(s, cli_actor(), old_no)
    first = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d1"), to=XIXI)
    second = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, "d2"), to=XIXI)
    assert first.counts["transfer"] == second.counts["transfer"] == 1
    b.import_(second.file)
    after = _state(b)
    older = b.import_(first.file)
    assert older.counts["accepted"] == 0
    assert _state(b) == after
    with b.db.read() as s:
        numbers = list(s.scalars(select(MediationCase.case_no)))
        history = list(s.scalars(select(CaseHistory.after).where(CaseHistory.field == "case_no")))
    assert len(numbers) == 1 and history == numbers
