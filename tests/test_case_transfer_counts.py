"""Issue 18: a transferred case counts once, where it is closed. At the office that sent it, the
read-only copy is out of the statistics workbook (case figures and the organisation sheet's
escalations), the case ledger (台账), the mediator ledger and the mediator grading evidence, while the
case list still shows it, marked 已移送. Each node's figures are checked against counts taken with
plain SQL on that node's rows, across the three nodes of a real bundle round trip."""

from __future__ import annotations

from datetime import date

from tests import anydb, casekit
from tests.test_case_transfer_bundles import XIXI, _folder, nodes  # noqa: F401 (fixture)
from tests.test_case_transfer_back import _down, _move
from xihu_desk.domain.cases import Outcome
from xihu_desk.services import (
    case_ledger,
    case_queries,
    cases,
    committees,
    escalation,
    mediation_stats,
    mediator_ledger,
    mediators,
    organisation_stats,
)
from xihu_desk.services.context import cli_actor
from xihu_desk.services.grading import counting

BEISHAN = "330106002"
FROM, TO = date(2026, 1, 1), date(2026, 12, 31)

# A case is a copy kept after a transfer when this node gave it away by an accepted decision and
# does not own it now; every report below leaves exactly these out.
_COPY = (
    "EXISTS (SELECT 1 FROM case_transfer_decision d WHERE d.case_uuid = c.uuid AND d.accepted"
    " AND d.from_node = (SELECT node_id FROM node WHERE id = 1))"
    " AND c.owner_node <> (SELECT node_id FROM node WHERE id = 1)"
)
_LIVE = "NOT c.deleted AND c.status <> 'void'"


def _plain(n) -> dict:
    """Counted from the rows, one plain SELECT each: cases accepted in the year, ledger lines,
    cases per mediator, escalations into the node's committees, and the copies kept."""
    where = f"{_LIVE} AND NOT ({_COPY})"
    return {
        "accepted": anydb.scalar(
            n.data, f"SELECT count(*) FROM mediation_case c WHERE {where} AND c.accepted_on BETWEEN :a AND :b",
            a=FROM, b=TO,
        ),
        "ledger": sorted(r[0] for r in anydb.rows(n.data, f"SELECT c.case_no FROM mediation_case c WHERE {where}")),
        "per_mediator": dict(
            anydb.rows(
                n.data,
                f"SELECT m.mediator_uuid, count(*) FROM case_mediator m JOIN mediation_case c ON c.uuid = m.case_uuid"
                f" WHERE {where} GROUP BY m.mediator_uuid",
            )
        ),
        "escalated": anydb.scalar(
            n.data,
            "SELECT count(DISTINCT e.case_uuid) FROM case_escalation e JOIN mediation_case c ON c.uuid = e.case_uuid"
            f" WHERE NOT e.deleted AND e.kind = 'escalate' AND e.escalated_on BETWEEN :a AND :b AND NOT ({_COPY})",
            a=FROM, b=TO,
        ),
        "copies": anydb.scalar(n.data, f"SELECT count(*) FROM mediation_case c WHERE {_LIVE} AND {_COPY}"),
    }


def _program(n, actor) -> dict:
    with n.db.read() as s:
        stats = mediation_stats.compute(s, actor, mediation_stats.StatsQuery(FROM, TO))
        ledger = case_ledger.ledger_rows(s, actor, case_ledger.LedgerScope())
        roster = {m.uuid for m in mediators.roster(s, actor, mediators.RosterFilter(status=""))}
        evidence = {u: counting.evidence(s, actor, u, FROM, TO).cases_total for u in roster}
        people = {r["name"]: r["cases"] for r in mediator_ledger.roster_rows(s, actor)}
        names = {m.uuid: m.name for m in mediators.roster(s, actor, mediators.RosterFilter(status=""))}
        escalated = organisation_stats.figures(s, FROM, TO).escalated
    return {
        "accepted": stats.total["accepted"],
        "ledger": sorted(r["number"] for r in ledger),
        "evidence": {u: k for u, k in evidence.items() if k},
        "people": {names[u]: k for u, k in evidence.items()},
        "ledger_people": people,
        "escalated": escalated,
    }


def _check(n, actor) -> dict:
    plain, got = _plain(n), _program(n, actor)
    assert got["accepted"] == plain["accepted"]
    assert got["ledger"] == plain["ledger"]
    assert got["evidence"] == plain["per_mediator"]
    assert got["ledger_people"] == got["people"]  # the mediator ledger counts as the evidence does
    assert got["escalated"] == plain["escalated"]
    return {**plain, "evidence": got["evidence"]}


def test_the_copy_kept_after_a_transfer_counts_nowhere_and_the_case_once_where_closed(nodes, tmp_path):  # noqa: F811
    a, b, district = nodes
    head_a = casekit.head_actor(a.db)
    people = casekit.roster(a.db, head_a)
    with a.db.write() as s:
        community = committees.create_committee(
            s, cli_actor(), committees.CommitteeCommand("北山街道北山社区人民调解委员会", "", BEISHAN, "community")
        ).uuid
    with a.db.write() as s:  # escalated to the street committee, then transferred away
        moving = cases.open_case(s, head_a, casekit.intake(a.db, people, committee_uuid=community)).uuid
    with a.db.write() as s:
        escalation.escalate(s, head_a, moving, casekit.committee_uuid(a.db), "涉及两个社区，提交街道调委会")
    with a.db.write() as s:  # stays at 北山 and is closed there
        staying = cases.open_case(s, head_a, casekit.intake(a.db, people[:1])).uuid
        cases.close_without_agreement(s, head_a, staying, Outcome.FAILED, date(2026, 3, 20), "分歧大", routes_told=True)
    before = _check(a, head_a)
    assert before["accepted"] == 2 and before["escalated"] == 1 and before["copies"] == 0

    _move(a, district, tmp_path, "out", moving, XIXI)
    _down(district, b, XIXI, tmp_path, "d-b")
    _down(district, a, BEISHAN, tmp_path, "d-a")
    head_b = casekit.head_actor(b.db)
    with b.db.write() as s:  # the receiver's committee assigns its own mediators (none yet here)
        cases.close_without_agreement(s, head_b, moving, Outcome.FAILED, date(2026, 3, 25), "分歧大", routes_told=True)
    got = district.import_(b.export(_folder(tmp_path, "b-up")).file)
    assert got.counts["refused"] == got.counts["quarantined"] == 0
    got = district.import_(a.export(_folder(tmp_path, "a-up")).file)
    assert got.counts["refused"] == got.counts["quarantined"] == 0

    at_a = _check(a, head_a)
    assert at_a["copies"] == 1 and at_a["accepted"] == 1 and at_a["escalated"] == 0
    assert at_a["evidence"] == {people[0]: 1}  # only the case that stayed; 吴调解 had only the copy
    at_b = _check(b, head_b)
    assert at_b["copies"] == 0 and at_b["accepted"] == 1 and len(at_b["ledger"]) == 1
    at_d = _check(district, cli_actor())
    assert at_d["copies"] == 0 and at_d["accepted"] == 2  # each case once, the moved one at 西溪
    with district.db.read() as s:
        xixi = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(FROM, TO, org_code=XIXI))
        beishan = mediation_stats.compute(s, cli_actor(), mediation_stats.StatsQuery(FROM, TO, org_code=BEISHAN))
    assert xixi.total["failed"] == 1 and beishan.total["failed"] == 1

    # the case list still shows the copy at 北山, marked, and can leave it out or show only it
    today = date(2026, 12, 31)
    with a.db.read() as s:
        every = case_queries.list_cases(s, head_a, case_queries.CaseFilter(), today)
        only = case_queries.list_cases(s, head_a, case_queries.CaseFilter(transferred="only"), today)
        hidden = case_queries.list_cases(s, head_a, case_queries.CaseFilter(transferred="hide"), today)
        counts = [
            case_queries.count_cases(s, head_a, case_queries.CaseFilter(transferred=t), today)
            for t in ("", "only", "hide")
        ]
        docs = {d["uuid"]: d for d in case_queries.case_summaries(s, head_a, case_queries.CaseFilter(), today)}
    marked = {r.uuid: r for r in every}
    assert set(marked) == {moving, staying} and counts == [2, 1, 1]
    assert [r.uuid for r in only] == [moving] and [r.uuid for r in hidden] == [staying]
    assert marked[moving].status_label.startswith("已移送") and not marked[moving].overdue
    assert marked[moving].transferred_to == "西溪街道" and marked[staying].transferred_to == ""
    assert docs[moving]["transferred_to"] == {
        "node": b.key()["node_id"], "org": XIXI, "name": "西溪街道", "on": docs[moving]["transferred_to"]["on"],
    }
    assert docs[staying]["transferred_to"] is None
    assert date.fromisoformat(docs[moving]["transferred_to"]["on"]).year >= 2026
