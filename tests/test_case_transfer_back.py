"""A case transferred from 北山 to 西溪 and later back to 北山: 北山 takes it again (its read-only copy
becomes its case, under a new number of its own register), may edit it, and 西溪 keeps the copy.
It was refused at 北山 as 本单位已有该案件, leaving a case that no office could change."""

from __future__ import annotations

from datetime import date

from tests import casekit
from tests.test_case_transfer_bundles import XIXI, _case_at_a, _folder, nodes  # noqa: F401 (fixture)
from xihu_desk.services import case_transfer, exchange, mediation_stats
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase

BEISHAN = "330106002"
YEAR = mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31))


def _move(sender, district, tmp_path, name: str, uuid: str, to_org: str) -> None:
    head = casekit.head_actor(sender.db)
    with sender.db.write() as s:
        case_transfer.request(s, head, uuid, to_org, "当事人搬回原街道居住")
    got = district.import_(sender.export(_folder(tmp_path, f"{name}-up")).file)
    assert got.counts["refused"] == 0 and got.counts["quarantined"] == 0
    exchange.take_receipt(sender.db, cli_actor(), got.receipt)
    with district.db.write() as s:
        pending = case_transfer.listing(s, cli_actor(), pending_only=True)
        assert len(pending) == 1
        case_transfer.accept(s, cli_actor(), pending[0].uuid)


def _down(district, office, org: str, tmp_path, name: str) -> dict:
    out = exchange.export_bundle(district.data, district.db, cli_actor(), _folder(tmp_path, name), to=org)
    got = office.import_(out.file)
    exchange.take_receipt(district.db, cli_actor(), got.receipt)
    return got.counts


def test_a_case_transferred_back_to_the_office_it_left(nodes, tmp_path):  # noqa: F811
    a, b, district = nodes
    uuid, first_no = _case_at_a(a, tmp_path)
    a_id = a.key()["node_id"]

    _move(a, district, tmp_path, "out", uuid, XIXI)
    _down(district, b, XIXI, tmp_path, "d-b1")
    _down(district, a, BEISHAN, tmp_path, "d-a1")
    with a.db.read() as s:
        assert case_transfer.edit_block(s, s.get(MediationCase, uuid))  # 北山's copy is read-only

    _move(b, district, tmp_path, "back", uuid, BEISHAN)
    to_a = _down(district, a, BEISHAN, tmp_path, "d-a2")
    assert to_a["refused"] == 0 and to_a["quarantined"] == 0, to_a
    _down(district, b, XIXI, tmp_path, "d-b2")

    with a.db.read() as s:
        case = s.get(MediationCase, uuid)
        assert case.owner_node == a_id
        assert case.case_no != first_no and "北山人调字" in case.case_no
        assert case_transfer.edit_block(s, case) is None  # 北山's own case again
        assert case_transfer.case_view(s, uuid)["direction"] == "in"
        assert uuid not in set(s.scalars(case_transfer.moved_out_query()))
        assert mediation_stats.compute(s, cli_actor(), YEAR).total["accepted"] == 1  # counted here again
    with b.db.read() as s:
        case = s.get(MediationCase, uuid)
        assert case.owner_node == a_id and case_transfer.edit_block(s, case)  # 西溪 keeps a copy
        assert uuid in set(s.scalars(case_transfer.moved_out_query()))
        assert mediation_stats.compute(s, cli_actor(), YEAR).total["accepted"] == 0
    with district.db.read() as s:
        assert s.get(MediationCase, uuid).owner_node == a_id
