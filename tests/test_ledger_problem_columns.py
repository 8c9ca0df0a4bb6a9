"""A problem about a column the sheet does not have never names the program's internal key
("closed_on") to the user: it names the sheet's heading, the Chinese name the caller gave, or none."""

from __future__ import annotations

from xihu_desk.reports.ledger import LedgerRow


def test_problem_columns_are_headings_or_nothing():
    row = LedgerRow("2024年", 3, values={}, raw={"accepted_on": "2024-3-5"}, headers={"accepted_on": "受理时间"})
    row.warn("accepted_on", "日期写法不规范")
    row.warn("closed_on", "没有结案日期，按受理日期记录")
    row.warn("送审日期", "台账没有送审日期")
    row.refuse(None, "整行为空")
    assert [p.column for p in row.problems] == ["受理时间", None, "送审日期", None]
