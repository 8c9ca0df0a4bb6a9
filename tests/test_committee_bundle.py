"""Committees' particulars, members and moved cases travel in bundles row by row (issue 18):
the district holds the same rows as the street office that keeps them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests import casekit
from tests.test_exchange import district, pair, township  # noqa: F401 - fixtures
from xihu_desk.services import committee_roster as roster
from xihu_desk.services import mediators
from xihu_desk.store.aggregates import ROOTS, row_doc
from xihu_desk.store.committee_models import CaseEscalation, CommitteeMember, CommitteeProfile


def _rows(node, model) -> dict[str, dict]:
    with node.db.read() as s:
        return {r.uuid: row_doc(r) for r in s.scalars(select(model))}


def test_profiles_and_members_travel(pair, tmp_path):  # noqa: F811
    town, dist = pair
    assert {"committee_profile", "committee_member", "case_escalation"} <= set(ROOTS)
    head = casekit.head_actor(town.db)
    cu = casekit.committee_uuid(town.db)
    with town.db.write() as s:
        person = mediators.create_mediator(s, head, mediators.MediatorCommand("郑委员", cu, gender="女")).uuid
        roster.set_profile(s, head, cu, roster.ProfileInput(date(2025, 1, 1), "street", registered_on=date(2010, 1, 1)))
        member = roster.add_member(s, head, cu, person, "member", date(2025, 1, 1))
        roster.change_role(s, head, member, "chair", date(2025, 7, 1), "换届")
    out = tmp_path / "usb"
    out.mkdir()
    sent = town.export(out)
    assert sent.counts["committee_profile"] >= 1 and sent.counts["committee_member"] >= 2
    assert sent.counts["case_escalation"] >= 1  # the demo escalates community cases to the street committee
    got = dist.import_(sent.file)
    assert got.result == "applied" and got.counts.get("quarantined", 0) == 0
    for model in (CommitteeProfile, CommitteeMember, CaseEscalation):
        assert _rows(dist, model) == _rows(town, model), model.__tablename__


def test_a_member_with_an_unknown_role_is_quarantined(township):  # noqa: F811
    from xihu_desk.store import aggregates

    with township.db.read() as s:
        row = s.scalars(select(CommitteeMember)).first()
        doc = row_doc(row)
        owner = row.owner_node
    doc["role"], doc["version"] = "=HYPERLINK(1)", doc["version"] + 1
    with township.db.write() as s:
        results = aggregates.apply(s, "committee_member", [doc], {owner})
    assert results[0][2] == "quarantined" and "role" in results[0][3]
