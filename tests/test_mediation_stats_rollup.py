"""The year, its months and the district's roll-up agree to the case (issue 19): two townships send
their cases up; the district's year report equals the sum of its twelve monthly reports, the rows
of its 按月 sheet, and the two townships' own year reports; case by case, each case adds to the
months exactly what it adds to the year."""

from __future__ import annotations

import calendar
import io
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl

from tests.test_exchange import Node
from xihu_desk.reports import mediation_stats as report
from xihu_desk.services import demo, mediation_stats, node
from xihu_desk.services.context import cli_actor
from xihu_desk.services.mediation_stats import StatsQuery

YEAR = StatsQuery(date(2025, 1, 1), date(2025, 12, 31))
FLOWS = report.INTAKE + report.OUTCOMES


def _month(m: int) -> StatsQuery:
    return StatsQuery(date(2025, m, 1), date(2025, m, calendar.monthrange(2025, m)[1]))


def _node(root: Path, code: str, level: str, password: str) -> Node:
    n = Node(root)
    with n.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(code, level, None, "admin", password))
    return n


def _total(n: Node, q: StatsQuery) -> dict[str, int]:
    with n.db.read() as s:
        return mediation_stats.compute(s, cli_actor(), q).total


def test_year_months_and_townships_agree(tmp_path):
    district = _node(tmp_path / "district", "330106", "district", "District-key-2026")
    towns = []
    for code, seed in (("330106002", 5), ("330106004", 6)):
        town = _node(tmp_path / code, code, "township", "Township-key-2026")
        with town.db.write() as s:
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=seed, cases=25, committees=2, mediators=2,
                                                       today=date(2025, 12, 31)))
        district.enrol(town)
        town.enrol(district)
        out = tmp_path / f"out-{code}"
        out.mkdir()
        assert district.import_(town.export(out).file).result == "applied"
        towns.append(town)

    year = _total(district, YEAR)
    assert year["accepted"] > 30 and year["closed"] > 20 and year["amount_fen"] > 0
    months = [_total(district, _month(m)) for m in range(1, 13)]
    for k in FLOWS:
        assert sum(m[k] for m in months) == year[k], k
    assert months[0]["carried"] == year["carried"] and months[-1]["open"] == year["open"]
    for before, after in zip(months, months[1:], strict=False):
        assert after["carried"] == before["open"]
    # The 按月 sheet of the year report: its rows are the monthly reports.
    with district.db.read() as s:
        wb = openpyxl.load_workbook(io.BytesIO(mediation_stats.workbook(s, cli_actor(), YEAR)))
    detail = report.load_layout()["detail_columns"]
    rows = list(wb["按月"].iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "月份") + 2
    for m, r in zip(months, rows[first:first + 12], strict=True):
        sheet = {c["metric"]: r[1 + k] for k, c in enumerate(detail) if c["metric"] in report.METRICS}
        assert sheet == {k: m[k] for k in sheet}
    # The townships' own year reports add up to the district's.
    town_totals = [_total(t, YEAR) for t in towns]
    for k in report.METRICS:
        assert sum(t[k] for t in town_totals) == year[k], k
    # Case by case: what each case adds to the months is what it adds to the year.
    with district.db.read() as s:
        whole = {u: Counter(c["figures"]) for u, c in mediation_stats.case_figures(s, YEAR).items()}
        parts: dict[str, Counter] = {}
        for m in range(1, 13):
            for u, c in mediation_stats.case_figures(s, _month(m)).items():
                parts.setdefault(u, Counter()).update(c["figures"])
    assert parts == whole
    summed = Counter()
    for c in whole.values():
        summed.update(c)
    assert {k: summed.get(k, 0) for k in FLOWS} == {k: year[k] for k in FLOWS}
    for n in (district, *towns):
        n.db.dispose()
