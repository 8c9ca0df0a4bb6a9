"""The office's list of meeting items and contracts (issue 19): imported through the ledger reader,
compared with the review register so that what needed a review and got none is flagged, and
审查率 = reviewed ÷ needing review (not completed ÷ registered)."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from tests import reviewkit
from xihu_desk.reports import ledger
from xihu_desk.services import review_ledger, review_matters, review_queries, reviews


def _list(rows, heads=("序号", "议题名称", "汇报单位", "会议日期", "会议名称", "审查编号", "是否需审查")) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["北山街道2026年党工委会议题清单"])
    ws.append(list(heads))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _setup(db):
    shen = reviewkit.reviewer(db, date(2026, 3, 31))
    a = reviewkit.register(db, shen, item_type="meeting_topic", title="关于老旧小区加装电梯补助的议题",
                           received_on=date(2026, 2, 2), complete_on=date(2026, 2, 2))
    b = reviewkit.register(db, shen, item_type="contract", title="停车场承包合同",
                           received_on=date(2026, 2, 3), complete_on=date(2026, 2, 3))
    c = reviewkit.register(db, shen, item_type="contract", title="保洁服务合同",
                           received_on=date(2026, 2, 4), complete_on=date(2026, 2, 4))
    d = reviewkit.register(db, shen, item_type="other", title="不属于审查范围的事项",
                           received_on=date(2026, 2, 5), complete_on=date(2026, 2, 5))
    with db.write() as s:
        reviews.record_opinion(s, shen, a.uuid, reviews.OpinionInput(date(2026, 2, 6), "lawful", "意见1"))
        reviews.record_opinion(s, shen, b.uuid, reviews.OpinionInput(date(2026, 2, 20), "lawful", "意见2"))
        reviews.return_item(s, shen, d.uuid, date(2026, 2, 6), "不属于审查范围")
    return shen, a, b, c


def test_listed_items_without_a_review_are_flagged(db):
    shen, a, b, _c = _setup(db)
    data = _list([
        [1, "关于老旧小区加装电梯补助（送审稿）", "城建办", "2026-02-10", "党工委会", "", ""],  # by title
        [2, "停车场承包合同", "经发办", "2026-02-12", "", b.number, "是"],  # by number; opinion after signing
        [3, "保洁服务合同", "城建办", "2026-02-25", "", "", ""],  # registered, no opinion yet
        [4, "关于辖区道路命名的议题", "城建办", "2026-02-26", "主任办公会", "", ""],  # none: flagged
        [5, "采购办公电脑合同", "党政办", "2026-03-02", "", "", "是"],  # none: flagged (type from its name)
        [6, "听取一季度安全生产工作汇报", "应急办", "2026-03-03", "党工委会", "", "否"],  # needs none
        [7, "不属于审查范围的事项", "某村", "2026-03-04", "党工委会", "", ""],  # only a returned item: flagged
        [8, "关于辖区道路命名的议题", "城建办", "2026-02-26", "主任办公会", "", ""],  # duplicate of 4
        [9, "", "城建办", "2026-03-05", "党工委会", "", ""],  # no title: refused
    ])
    with db.write() as s:
        report = review_matters.import_list(s, shen, data)
    assert (report.rows, report.imported, report.duplicates, report.refused) == (9, 7, 1, 1), report.text()
    with db.read() as s:
        rows = {r.title: r for r in review_matters.list_matters(s, shen)}
    assert rows["关于老旧小区加装电梯补助（送审稿）"].state == "reviewed"
    assert rows["关于老旧小区加装电梯补助（送审稿）"].review_uuid == a.uuid
    assert rows["停车场承包合同"].state == "late" and rows["停车场承包合同"].state_label == "先上会（签订）后审查"
    assert rows["保洁服务合同"].state == "in_review"
    assert rows["关于辖区道路命名的议题"].state == "missing" and rows["关于辖区道路命名的议题"].kind == "meeting_topic"
    assert rows["采购办公电脑合同"].state == "missing" and rows["采购办公电脑合同"].kind == "contract"
    assert rows["听取一季度安全生产工作汇报"].state == "exempt"
    assert rows["不属于审查范围的事项"].state == "missing"
    # importing the same list again takes nothing twice
    with db.write() as s:
        again = review_matters.import_list(s, shen, data)
    assert again.imported == 0 and again.duplicates == 8

    # a review registered later clears the flag
    reviewkit.register(db, shen, item_type="meeting_topic", title="关于辖区道路命名",
                       received_on=date(2026, 2, 20), complete_on=date(2026, 2, 20))
    with db.read() as s:
        assert review_matters.list_matters(s, shen, state="missing")[0].title == "采购办公电脑合同"
        assert review_matters.missing_count(s, shen, date(2026, 1, 1), date(2026, 3, 31)) == 2
        assert review_matters.missing_count(s, shen, date(2026, 3, 3), date(2026, 3, 3)) == 0


def test_review_rate_is_reviewed_over_needing_review(db):
    shen, *_ = _setup(db)
    with db.write() as s:
        review_matters.import_list(s, shen, _list([[1, "关于辖区道路命名的议题", "城建办", "2026-02-26", "主任办公会", "", ""],
                                                   [2, "采购办公电脑合同", "党政办", "2026-03-02", "", "", ""]]))
    with db.read() as s:
        st = review_queries.statistics(s, shen, date(2026, 1, 1), date(2026, 3, 31))
        book = openpyxl.load_workbook(io.BytesIO(review_ledger.statistics_workbook(s, shen, date(2026, 1, 1), date(2026, 3, 31))))
    # registered 4 (one returned), listed without a review 2: needing 4 - 1 + 2 = 5; reviewed 2
    # (completed ÷ registered would say 2 ÷ 4)
    assert (st.total, st.returned, st.unreviewed, st.needing, st.reviewed) == (4, 1, 2, 5, 2)
    assert st.review_rate == pytest.approx(2 / 5)
    fig = {r[0]: r[1] for r in book["统计表"].iter_rows(values_only=True) if r[0] and r[1] is not None}
    assert fig["送审登记数（件）"] == 4 and fig["应审未审（件）"] == 2 and fig["应审查数（件）"] == 5
    assert fig["审查率"] == pytest.approx(0.4)
    listed = [r for r in book["应审未审"].iter_rows(values_only=True) if r[0] in ("会议议题", "合同")]
    assert [r[1] for r in listed] == ["关于辖区道路命名的议题", "采购办公电脑合同"]  # the lines behind 应审未审
    assert any(isinstance(c, str) and "共 2 项" in c for row in book["应审未审"].iter_rows(values_only=True) for c in row)
    rules = {r[0]: r[1] for r in book["说明"].iter_rows(values_only=True) if r[0]}
    assert "已审查数 ÷ 应审查数" in rules["审查率"] and "应审未审" in rules["审查率"]


def test_matter_list_exports_with_its_states_and_reads_again(db):
    shen, *_ = _setup(db)
    with db.write() as s:
        review_matters.import_list(s, shen, _list([[1, "关于辖区道路命名的议题", "城建办", "2026-02-26", "主任办公会", "", ""]]))
        m = review_matters.list_matters(s, shen)[0]
        with pytest.raises(Exception, match="理由"):
            review_matters.set_needs_review(s, shen, m.uuid, False)
        data = review_matters.export_list(s, shen)
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = [c for row in book.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "应审未审" in texts and any("其中应审未审 1 项" in t for t in texts)
    with db.read() as s:
        back = ledger.read(data, review_matters.import_columns(s)).rows[0].values
    assert back["title"] == "关于辖区道路命名的议题" and back["kind"] == "meeting_topic"
    with db.write() as s:
        review_matters.set_needs_review(s, shen, m.uuid, False, "纯事务性议题")
    with db.read() as s:
        assert review_matters.list_matters(s, shen)[0].state == "exempt"
        assert review_matters.missing_count(s, shen, date(2026, 1, 1), date(2026, 3, 31)) == 0
