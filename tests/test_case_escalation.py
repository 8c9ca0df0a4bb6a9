"""提级/移交 and 联合调解 (issue 18): an escalated case takes the receiving committee's next number
(the old one stays in its history and still finds the case), keeps one history, both committees
see it, and statistics count it once, at the committee that closed it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import casekit
from xihu_desk.domain.cases import Outcome
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.services import case_queries, cases, committees, escalation, mediation_stats, mediators
from xihu_desk.store.committee_models import CaseEscalation


@pytest.fixture
def setup(db):
    head = casekit.head_actor(db)
    with db.write() as s:
        community = committees.create_committee(s, casekit.cli_like(), committees.CommitteeCommand(
            "北山街道北山社区人民调解委员会", "", "330106002", "community")).uuid
        local = mediators.create_mediator(s, head, mediators.MediatorCommand("社区调解员", community)).uuid
    street_people = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, [local], committee_uuid=community))
    return head, community, casekit.committee_uuid(db), ref, street_people


def test_escalated_case_is_renumbered_keeps_its_history_and_counts_once(db, setup):
    head, community, street, ref, _street_people = setup
    assert "北山社区人调字" in ref.case_no
    with db.write() as s:
        row = escalation.escalate(s, head, ref.uuid, street, "涉及多户居民，社区调解未果")
    assert row.from_case_no == ref.case_no and "（2026）北山人调字第" in row.to_case_no
    with db.read() as s:
        assert cases.find_case_uuid(s, ref.case_no) == ref.uuid  # the old number still finds it
        assert cases.find_case_uuid(s, row.to_case_no) == ref.uuid
        detail = case_queries.case_detail(s, head, ref.uuid)
        seen_by = {c: [m.case_uuid for m in escalation.moves(s, committee_uuid=c)] for c in (community, street)}
    assert detail["case_no"] == row.to_case_no
    moved = [(h["action"], h["field"], h["before"], h["after"]) for h in detail["history"]]
    assert ("escalate", "case_no", ref.case_no, row.to_case_no) in moved
    assert ("escalate", "committee_uuid", "北山街道北山社区人民调解委员会", "北山街道人民调解委员会") in moved
    assert seen_by == {community: [ref.uuid], street: [ref.uuid]}
    # closed at the street committee: counted there, once
    with db.write() as s:
        cases.close_without_agreement(s, head, ref.uuid, Outcome.FAILED, date(2026, 12, 1), "双方分歧较大",
                                      routes_told=True)
    q = mediation_stats.StatsQuery(date(2026, 1, 1), date(2026, 12, 31))
    with db.read() as s:
        stats = mediation_stats.compute(s, head, q)
        street_only = mediation_stats.compute(s, head, mediation_stats.StatsQuery(q.date_from, q.date_to,
                                                                                  committee_uuid=street))
        community_only = mediation_stats.compute(s, head, mediation_stats.StatsQuery(q.date_from, q.date_to,
                                                                                     committee_uuid=community))
    assert stats.total["accepted"] == 1 and stats.total["failed"] == 1
    assert street_only.total["accepted"] == 1 and street_only.total["failed"] == 1
    assert community_only.total["accepted"] == 0 and community_only.total["failed"] == 0
    with db.write() as s, pytest.raises(UserError):  # closed: no longer moves
        escalation.escalate(s, head, ref.uuid, community, "再移回")


def test_escalation_refuses_what_it_cannot_do(db, setup):
    head, community, _street, ref, _people = setup
    with db.write() as s, pytest.raises(FieldError, match="已由"):
        escalation.escalate(s, head, ref.uuid, community, "同一调委会")
    with db.write() as s, pytest.raises(FieldError, match="理由"):
        escalation.escalate(s, head, ref.uuid, casekit.committee_uuid(db), " ")


def test_co_mediation_keeps_the_number_and_lets_the_other_committee_see_it(db, setup):
    head, _community, street, ref, street_people = setup
    with db.write() as s:
        joined = escalation.co_mediate(s, head, ref.uuid, street_people, "涉及街道辖区多个小区")
    assert joined == ["北山街道人民调解委员会"]
    with db.read() as s:
        detail = case_queries.case_detail(s, head, ref.uuid)
        assert s.scalar(select(func.count()).select_from(CaseEscalation)) == 1
        assert [m.kind for m in escalation.moves(s, committee_uuid=street)] == ["co_mediate"]
    assert detail["case_no"] == ref.case_no and len(detail["mediators"]) == 3
    assert detail["history"][-1]["action"] == "co_mediate"
    with db.write() as s, pytest.raises(FieldError, match="已参加"):
        escalation.co_mediate(s, head, ref.uuid, street_people[:1], "again")


def test_case_escalate_on_the_command_line(data_dir, db, setup, capsys):
    import json

    from xihu_desk import cli

    _head, _community, _street, ref, _people = setup
    home = ["--data-dir", str(data_dir.root)]
    assert cli.main(home + ["case", "escalate", ref.case_no, "--to", "北山", "--reason", "案情复杂", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["former_case_no"] == ref.case_no and doc["to_committee"] == "北山街道人民调解委员会"
    assert cli.main(home + ["case", "show", ref.case_no, "--json"]) == 0  # by its former number
    assert json.loads(capsys.readouterr().out)["case_no"] == doc["case_no"]
    assert cli.main(home + ["case", "escalate", doc["case_no"], "--to", "北山", "--reason", "x"]) == 1
