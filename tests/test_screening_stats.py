"""The 矛盾纠纷排查 figures of the 人民调解工作统计表 equal counts taken independently from the rows with
plain SQL (on the demo's screening), per committee and in total, in the workbook's own sheet."""

from __future__ import annotations

import io
from datetime import date

import openpyxl

from xihu_desk.services import demo, mediation_stats, screening_stats
from xihu_desk.services.context import cli_actor
from tests import anydb

TODAY = date(2026, 11, 20)
FROM, TO = date(2026, 10, 1), date(2026, 11, 15)


def _plain(node) -> dict[str, dict[str, int]]:
    """Per committee name: the figures counted row by row, no aggregation by the program."""
    with anydb.cursor(node) as conn:
        return _count(conn)


def _count(conn) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    rounds = conn.execute(
        "SELECT r.uuid, c.name, r.zero_report FROM screening_round r JOIN committee c ON c.uuid = r.committee_uuid "
        "WHERE NOT r.deleted AND NOT c.deleted AND r.held_on BETWEEN ? AND ?",
        (FROM.isoformat(), TO.isoformat()),
    ).fetchall()
    for uuid, name, zero in rounds:
        row = out.setdefault(name, dict.fromkeys(screening_stats.FIGURES, 0))
        row["zero_reports" if zero else "rounds"] += 1
        for risk, status in conn.execute(
            "SELECT risk, status FROM screened_dispute WHERE round_uuid = ? AND NOT deleted", (uuid,)
        ).fetchall():
            row["found"] += 1
            row["serious"] += risk == "serious"
            row[status] += 1
    return out


def test_screening_figures_equal_plain_counts_and_reach_the_workbook(db, data_dir):
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=9, cases=20, today=TODAY))
    expected = _plain(data_dir)
    assert sum(r["rounds"] for r in expected.values()) and sum(r["zero_reports"] for r in expected.values())
    assert sum(r["found"] for r in expected.values())
    with db.read() as s:
        got = screening_stats.figures(s, FROM, TO)
        book = mediation_stats.workbook(s, cli_actor(), mediation_stats.StatsQuery(FROM, TO))
    assert dict(got.by_committee) == expected
    assert got.total == {k: sum(r[k] for r in expected.values()) for k in screening_stats.FIGURES}
    ws = openpyxl.load_workbook(io.BytesIO(book))[screening_stats.SHEET_NAME]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "调委会")
    assert rows[head][1:9] == [screening_stats.LABELS[k] for k in screening_stats.FIGURES]
    body = {r[0]: r[1:9] for r in rows[head + 1 :] if r[0]}
    assert body["合计"] == [got.total[k] for k in screening_stats.FIGURES]
    for name, figures in expected.items():
        assert body[name] == [figures[k] for k in screening_stats.FIGURES]

    # a scope counts only its committees: one committee, or a street with none of this demo's
    from xihu_desk.services import committees

    name, first = got.by_committee[0]
    with db.read() as s:
        one = screening_stats.figures(s, FROM, TO, committee_uuid=committees.find_committee(s, name).uuid)
        elsewhere = screening_stats.figures(s, FROM, TO, org_code="330106001")
    assert one.by_committee == [(name, first)] and one.total == first
    assert elsewhere.by_committee == [] and not any(elsewhere.total.values())
