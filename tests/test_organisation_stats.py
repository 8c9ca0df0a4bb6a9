"""组织与队伍 figures (issue 18) equal counts taken independently from the rows with plain SQL."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from tests import casekit
from xihu_desk.services import committee_roster, demo, escalation, organisation_stats
from xihu_desk.services.context import cli_actor

FROM, TO = date(2026, 1, 1), date(2026, 12, 31)
DERIVED = {"community": "community", "village": "community", "street": "street", "town": "street"}


def _plain(s) -> tuple[dict[str, int], dict[str, int], int]:
    rows = s.execute(text(
        "SELECT c.kind, (SELECT p.org_kind FROM committee_profile p WHERE p.committee_uuid = c.uuid AND NOT p.deleted"
        " AND p.effective_on <= :to ORDER BY p.effective_on DESC, p.updated_at DESC, p.uuid DESC LIMIT 1)"
        " FROM committee c WHERE NOT c.deleted"), {"to": TO.isoformat()}).all()
    kinds: dict[str, int] = {}
    for kind, profiled in rows:
        k = profiled or DERIVED.get(kind, "sector")
        kinds[k] = kinds.get(k, 0) + 1
    people = dict(s.execute(text(
        "SELECT employment_type, count(*) FROM mediator m JOIN committee c ON c.uuid = m.committee_uuid"
        " WHERE NOT m.deleted AND m.active AND m.status = 'serving' AND NOT c.deleted"
        " AND (m.appointed_on IS NULL OR m.appointed_on <= :to) GROUP BY employment_type"), {"to": TO.isoformat()}).all())
    people["info_officer"] = s.execute(text(
        "SELECT count(*) FROM info_officer WHERE NOT deleted AND active")).scalar_one()
    moved = s.execute(text(
        "SELECT count(DISTINCT case_uuid) FROM case_escalation WHERE NOT deleted AND kind = 'escalate'"
        " AND escalated_on BETWEEN :a AND :b"), {"a": FROM.isoformat(), "b": TO.isoformat()}).scalar_one()
    return kinds, people, moved


def test_figures_match_plain_sql(db):
    head = casekit.head_actor(db)
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=5, cases=30, today=date(2026, 11, 20)))
    street = casekit.committee_uuid(db)
    with db.write() as s:
        committee_roster.set_profile(s, head, street, committee_roster.ProfileInput(date(2025, 1, 1), "street"))
        mediating = s.execute(text(
            "SELECT m.uuid FROM mediation_case m JOIN committee c ON c.uuid = m.committee_uuid"
            " WHERE m.status IN ('accepted', 'mediating') AND c.kind = 'community' LIMIT 1")).scalar()
        if mediating:
            escalation.escalate(s, head, mediating, street, "社区调解未果")
    with db.read() as s:
        got = organisation_stats.figures(s, FROM, TO)
        kinds, people, moved = _plain(s)
    assert {k: v for k, v in got.committees.items() if v} == kinds
    assert got.committee_total == sum(kinds.values())
    assert {k: v for k, v in got.mediators.items() if v} == {k: v for k, v in people.items() if v}
    assert got.escalated == moved
    rows = organisation_stats.sheet_rows(got)
    assert ["调委会（调解组织）", "合计", sum(kinds.values())] in rows


def test_the_workbook_has_the_sheet_with_the_same_figures(db):
    import io

    import openpyxl

    from xihu_desk.services import mediation_stats

    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=5, cases=20, today=date(2026, 11, 20)))
    with db.read() as s:
        book = mediation_stats.workbook(s, cli_actor(), mediation_stats.StatsQuery(FROM, TO))
        kinds, people, moved = _plain(s)
    ws = openpyxl.load_workbook(io.BytesIO(book))[organisation_stats.SHEET_NAME]
    cells = {(r[0], r[1]): r[2] for r in ws.iter_rows(values_only=True) if r and len(r) >= 3 and r[0] and r[1]}
    assert cells[("调委会（调解组织）", "合计")] == sum(kinds.values())
    assert cells[("调委会（调解组织）", "村（社区）调委会")] == kinds.get("community", 0)
    assert cells[("人民调解员", "专职")] == people.get("full_time", 0)
    assert cells[("人民调解员", "兼职")] == people.get("part_time", 0)
    assert cells[("信息员", "信息员")] == people["info_officer"]
    assert cells[("提级/移交", "本期提级/移交至本范围调委会的案件")] == moved
