"""A review ledger with 材料齐全日期 but no 送审日期 column (a common layout) is taken row by row:
the working-day clock runs from the day after the materials were complete, the date of
submission stays unknown (NULL), and the problem list says so for every such row, marked as
imported. A row with neither date is refused, naming both."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from sqlalchemy import select

from tests import reviewkit
from xihu_desk.services import review_ledger, review_queries
from xihu_desk.store.review_models import ReviewItem

HEADERS = ("序号", "事项类型", "事项名称", "送审单位", "材料齐全日期", "审查意见日期", "审查结论", "意见条数")
ROWS = (
    ("2026-01", "行政规范性文件", "关于规范农村宅基地审批的实施意见", "农业农村办", date(2026, 3, 2), None, None, None),
    ("2026-02", "行政规范性文件", "关于老旧小区加装电梯的补助办法", "城建办", "2026年2月2日", "2026年2月6日", "合法", 3),
    ("2026-03", "行政规范性文件", "关于公共停车管理的通知", "城管中队", None, None, None, None),
)


def _workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2026年审查台账"
    ws.append(("西湖区北山街道合法性审查台账",))
    ws.append(HEADERS)
    for row in ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_rows_without_a_submission_date_are_taken(db) -> None:  # noqa: ANN001
    actor = reviewkit.head(db, date(2026, 3, 4))
    with db.write() as s:
        report = review_ledger.import_ledger(s, actor, _workbook())
    data = report.as_json()
    assert (data["rows"], data["imported"], data["refused"]) == (3, 2, 1)
    unknown = [p for p in data["problems"] if p["reason"] == review_ledger.NO_RECEIVED]
    assert sorted(p["row"] for p in unknown) == [3, 4] and all(p["imported"] for p in unknown)
    assert {p["column"] for p in data["problems"]} == {"送审日期"}
    refused = [p for p in data["problems"] if not p["imported"]]
    assert [(p["row"], p["reason"]) for p in refused] == [(5, review_ledger.NO_DATES)]
    assert any("没有“送审日期”列" in n for n in data["notes"])
    assert "台账中没有“送审日期”列" not in report.text()
    with db.read() as s:
        items = {i.title: i for i in s.scalars(select(ReviewItem))}
        open_item = items["关于规范农村宅基地审批的实施意见"]
        done = items["关于老旧小区加装电梯的补助办法"]
        assert open_item.received_on is None and open_item.complete_on == date(2026, 3, 2)
        # Seven working days from the day after Monday 2 March: 3–6 and 9–11 March.
        assert open_item.due_on == date(2026, 3, 11)
        assert open_item.year == 2026 and open_item.legacy_no == "2026-01"
        assert done.received_on is None and done.complete_on == date(2026, 2, 2) and done.conclusion == "lawful"
        detail = review_queries.review_detail(s, actor, open_item.uuid)
        assert detail["received_on"] is None and detail["due_on"] == "2026-03-11"
        assert review_queries.UNKNOWN_RECEIVED in detail["warnings"]
        # The register, its statistics and its export still read such items.
        rows = review_queries.list_reviews(s, actor, review_queries.ReviewFilter(
            received_from=date(2026, 2, 1), received_to=date(2026, 3, 31)), date(2026, 3, 4))
        assert {r.title for r in rows} == set(items)
        assert review_queries.statistics(s, actor, date(2026, 1, 1), date(2026, 12, 31)).total == 2
    with db.read() as s:
        book = openpyxl.load_workbook(io.BytesIO(review_ledger.export_ledger(s, actor)))
    assert book.active.max_row >= 4


def test_the_same_ledger_again_adds_nothing(db) -> None:  # noqa: ANN001
    actor = reviewkit.head(db, date(2026, 3, 4))
    with db.write() as s:
        review_ledger.import_ledger(s, actor, _workbook())
    with db.write() as s:
        again = review_ledger.import_ledger(s, actor, _workbook())
    assert (again.imported, again.duplicates, again.refused) == (0, 2, 1)


def test_a_register_form_item_on_the_same_day_gets_the_same_deadline(db) -> None:  # noqa: ANN001
    actor = reviewkit.head(db, date(2026, 3, 4))
    ref = reviewkit.register(db, actor, received_on=date(2026, 3, 2), complete_on=date(2026, 3, 2))
    with db.read() as s:
        assert review_queries.review_detail(s, actor, ref.uuid)["due_on"] == "2026-03-11"
