"""Issue 18: an escalated case changed after its first bundle still reaches the district. Rows kept
beside a case (its escalation) refer to it, so an import replaces the case's row in place: it used
to delete it first, which their foreign key refused, and the case was quarantined."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.test_case_escalation import setup  # noqa: F401 (fixture)
from tests.test_exchange import Node
from xihu_desk.domain.cases import Outcome
from xihu_desk.services import cases, escalation, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.committee_models import CaseEscalation


def test_escalated_case_closed_later_reaches_the_district(data_dir, db, setup, tmp_path):  # noqa: F811
    head, _community, street, ref, _people = setup
    with db.write() as s:
        escalation.escalate(s, head, ref.uuid, street, "涉及多户居民")
    township = Node(data_dir.root)
    district = Node(tmp_path / "district")
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    district.enrol(township)
    township.enrol(district)
    out = tmp_path / "usb"
    out.mkdir()
    first = district.import_(township.export(out).file)
    exchange.take_receipt(township.db, cli_actor(), first.receipt)
    with township.db.write() as s:
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 12, 1), "双方分歧较大", routes_told=True)
    second = district.import_(township.export(out).file)
    assert second.counts["quarantined"] == 0 and second.counts["refused"] == 0, second.problems
    with district.db.read() as s:
        assert s.get(MediationCase, ref.uuid).outcome == "failed"
        assert s.scalar(select(CaseEscalation.case_uuid)) == ref.uuid
    assert district.cases() == township.cases()
