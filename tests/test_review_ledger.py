"""Excel in and out for the review register: the generic ledger reader (headers, the forms people
type, every row accounted for), the sample ledger, export round trip, the statistics workbook."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import to_excel
from sqlalchemy import func, select

from tests import reviewkit
from xihu_desk.domain import reviews as rules
from xihu_desk.domain.errors import UserError
from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column
from xihu_desk.services import review_ledger, review_queries, reviews
from xihu_desk.store.review_models import ReviewItem

SAMPLE = Path(__file__).parent / "data" / "sample-ledger-reviews.xlsx"  # copy of shared/data/
SAMPLE_BYTES = SAMPLE.read_bytes()


# ---------------------------------------------------------------- values as people type them


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2025, 3, 1, 0, 0), date(2025, 3, 1)),
    (date(2025, 3, 1), date(2025, 3, 1)),
    (to_excel(datetime(2025, 3, 1)), date(2025, 3, 1)),  # a serial number in a General cell
    (45717.0, date(2025, 3, 1)),
    ("2025/3/1", date(2025, 3, 1)), ("2025.3.1", date(2025, 3, 1)), ("2025-03-01", date(2025, 3, 1)),
    ("2025年3月1日", date(2025, 3, 1)), ("2025年3月1号", date(2025, 3, 1)), (" 2025 年 3 月 1 日 ", date(2025, 3, 1)),
    ("２０２５年３月１日", date(2025, 3, 1)), ("２０２５／３／１", date(2025, 3, 1)), ("20250301", date(2025, 3, 1)),
    ("2025-03-01 00:00:00", date(2025, 3, 1)), ("二〇二五年三月一日", date(2025, 3, 1)),
    ("二〇二五年十二月三十一日", date(2025, 12, 31)), (None, None), ("  ", None),
])
def test_dates_in_the_forms_people_type(value, expected):
    assert ledger.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025/2/30", "3月1日", "25.3.1", "下周一", 12, True, "2025年13月1日"])
def test_bad_dates_say_why(value):
    with pytest.raises(ValueError) as info:
        ledger.parse_date(value)
    assert "日期" in str(info.value)


@pytest.mark.parametrize(("value", "expected"), [
    (3, 3), (3.0, 3), ("3", 3), ("３", 3), ("3条", 3), (" 12 条 ", 12), ("三", 3), ("十二", 12), ("二十", 20), (None, None),
])
def test_whole_numbers(value, expected):
    assert ledger.parse_int(value) == expected


@pytest.mark.parametrize("value", [3.5, "三点五", "-1", "many"])
def test_bad_numbers(value):
    with pytest.raises(ValueError):
        ledger.parse_int(value)


def test_yes_no_and_choices():
    assert [ledger.parse_bool(v) for v in ("是", "否", "√", "×", "Y", "无", None, "")] == [True, False, True, False, True, False, None, None]
    with pytest.raises(ValueError, match="是"):
        ledger.parse_bool("也许")
    choices = {"合法": "lawful", "修改后合法": "lawful_amended"}
    assert ledger.parse_choice(" 合法 ", choices) == "lawful" and ledger.parse_choice("修改后合法（已改）", choices) == "lawful_amended"
    with pytest.raises(ValueError, match="合法、修改后合法"):
        ledger.parse_choice("大概合法", choices)


def test_headers_by_name_synonym_or_containment():
    cols = [Column("title", "事项名称", ("文件名称",)), Column("on", "送审日期", ("收文日期",), "date"),
            Column("amount", "金额", ()), Column("unit", "送审单位", ("送审科室",))]
    found, ignored = ledger.match_headers(["序 号", " 文件名称 ", "收文日期（年月日）", "金 额（元）", "*送审单位", "乱七八糟"], cols)
    assert {i: c.key for i, c in found.items()} == {1: "title", 2: "on", 3: "amount", 4: "unit"}
    assert ignored == ["序 号", "乱七八糟"]


# ---------------------------------------------------------------- a messy ledger


def messy_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025年台账"
    ws["A1"] = "北山街道2025年合法性审查台账"
    ws.merge_cells("A1:J1")
    ws.append(["制表：司法所"])
    ws.append(["序号", "审查类型", "送审文件名称", "送审科室", "收文日期", "材料齐备日期", "审查结论",
               "出具意见日期", "意见条数", "意见采纳情况", "不认识的列"])
    rows = [
        [1, "规范性文件", "关于停车收费的实施意见", "城建办", "2025/3/1", "2025.3.3", "合法", "2025年3月7日", "0", "采纳", "x"],
        [2, "重大决策", "关于河道整治的决策", "农业办", to_excel(datetime(2025, 3, 1)), "２０２５年３月５日", "修改后合法",
         "20250320", "3条", "部分采纳", None],
        [3, "合同", "停车场承包合同", "经济发展办", datetime(2025, 4, 1), None, "", None, None, None, None],
        [None, None, None, None, None, None, None, None, None, None, None],  # blank: not a row
        [4, "会议纪要", "某会议纪要", "党政办", "2025-04-02", None, None, None, None, None, None],  # unknown type
        [5, "行政协议", "", "城建办", "2025-04-03", None, None, None, None, None, None],  # no title
        [6, "行政协议", "保洁服务协议", "城建办", "四月三日", None, None, None, None, None, None],  # bad required date
        [7, "行政协议", "绿化养护协议", "城建办", "2025-04-08", "2025-04-09", "合法", "2025/4/10", "很多", None, None],
        [8, "执法决定", "关于违建拆除的决定", "综合执法队", "2025-04-10", "2025-04-10", "不合法", "2025-04-11", 1,
         "未采纳", None],  # not adopted without a reason: taken with a warning
        [9, "规范性文件", "关于停车收费的实施意见", "城建办", "2025-03-01", None, None, None, None, None, None],  # duplicate of 1
        ["序号", "审查类型", "送审文件名称", "送审科室", "收文日期", None, None, None, None, None, None],  # header again
        [10, "其他", "村规民约修订", "某村", "2025-04-20", "2025-04-20", "合法", "2025-04-18", None, None, None],  # opinion too early
        ["合计", None, None, None, None, None, None, None, None, None, None],
    ]
    for r in rows:
        ws.append(r)
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "请按时填写"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_every_row_of_a_messy_ledger_is_accounted_for(db):
    shen = reviewkit.reviewer(db)
    with db.write() as s:
        report = review_ledger.import_ledger(s, shen, messy_workbook())
    assert (report.rows, report.imported, report.duplicates, report.refused) == (11, 5, 1, 5)
    assert report.rows == report.imported + report.duplicates + report.refused
    refused_rows = {(p.sheet, p.row) for p in report.problems if not p.imported}
    assert len(refused_rows) == report.refused  # one line per refused row at least; each row counted once
    by_row = {p.row: p for p in report.problems}
    assert by_row[8].column == "审查类型" and by_row[8].value == "会议纪要" and "不是可识别的取值" in by_row[8].reason
    assert by_row[9].column == "送审文件名称" and by_row[9].reason == "“送审文件名称”不能为空"
    assert by_row[10].column == "收文日期" and by_row[10].value == "四月三日"
    assert by_row[11].imported and by_row[11].column == "意见条数"  # "很多" dropped, the row taken
    assert by_row[12].imported and by_row[12].column == "意见采纳情况"
    assert by_row[15].column == "出具意见日期" and not by_row[15].imported and "不能早于" in by_row[15].reason
    assert "合计" in by_row[16].reason
    assert report.duplicate_rows == [{"sheet": "2025年台账", "row": 13, "title": "关于停车收费的实施意见"}]
    assert any("填表说明" in n for n in report.notes) and any("不认识的列" in n for n in report.notes)
    doc = report.as_json()
    assert set(doc) >= {"kind", "rows", "imported", "duplicates", "problems"} and doc["kind"] == "reviews"
    assert set(doc["problems"][0]) == {"sheet", "row", "column", "value", "reason", "imported"}
    with db.read() as s:
        rows = {r["legacy_no"]: r for r in review_queries.register_rows(s, shen, review_queries.ReviewFilter(), date(2026, 3, 2))}
    assert set(rows) == {"1", "2", "3", "7", "8"}
    two = rows["2"]
    assert (two["received_on"], two["complete_on"], two["opinion_on"]) == (date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 20))
    assert two["conclusion_code"] == "lawful_amended" and two["points"] == 3 and two["adoption_code"] == "partly"
    assert rows["3"]["status_code"] == "waiting" and rows["7"]["points"] == 0
    assert rows["8"]["adoption_reason"] == "（原台账未填写理由）"


def test_not_a_workbook_is_one_clear_error(db):
    shen = reviewkit.reviewer(db)
    with db.write() as s, pytest.raises(UserError, match="xlsx"):
        review_ledger.import_ledger(s, shen, b"not a zip")
    empty = openpyxl.Workbook()
    empty.active["A1"] = "随便写的"
    out = io.BytesIO()
    empty.save(out)
    with db.write() as s, pytest.raises(UserError, match="表头"):
        review_ledger.import_ledger(s, shen, out.getvalue())


# ---------------------------------------------------------------- the sample and the round trip


def test_sample_ledger_every_row_imported_then_all_duplicates(db):
    shen = reviewkit.reviewer(db)
    with db.write() as s:
        dry = review_ledger.import_ledger(s, shen, SAMPLE_BYTES, dry_run=True)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReviewItem)) == 0  # a dry run leaves nothing
    with db.write() as s:
        first = review_ledger.import_ledger(s, shen, SAMPLE_BYTES)
    assert (dry.rows, dry.imported) == (first.rows, first.imported) == (20, 20)
    assert first.duplicates == first.refused == 0 and first.problems == []
    assert any("审查意见日期" in n for n in first.notes)
    assert first.numbers[0] == "（2025）北山合审字第0001号" and first.numbers[-1] == "（2025）北山合审字第0020号"
    with db.write() as s:
        again = review_ledger.import_ledger(s, shen, SAMPLE_BYTES)
    assert (again.rows, again.imported, again.duplicates, again.refused) == (20, 0, 20, 0)
    with db.read() as s:
        rows = review_queries.register_rows(s, shen, review_queries.ReviewFilter(), date(2026, 3, 2))
    assert Counter(r["type_code"] for r in rows) == {"normative": 4, "major_decision": 4, "enforcement": 4,
                                                     "agreement": 4, "other": 4}
    assert {r["conclusion_code"] for r in rows} == {"lawful"} and {r["adoption_code"] for r in rows} == {"adopted"}
    assert [r["legacy_no"] for r in rows] == [str(i) for i in range(1, 21)]
    assert all(r["opinion_on"] is None and r["on_time"] is None for r in rows)


def test_export_imports_again_on_another_node(db, tmp_path, template_node):
    shen = reviewkit.reviewer(db)
    a = reviewkit.register(db, shen)
    reviewkit.register(db, shen, item_type="agreement", title="保洁服务合同", complete_on=None)
    with db.write() as s:
        reviews.ask_supplement(s, shen, a.uuid, date(2026, 2, 24), "依据")
        reviews.supplement_received(s, shen, a.uuid, date(2026, 2, 26))
        reviews.record_opinion(s, shen, a.uuid, reviews.OpinionInput(date(2026, 3, 2), "lawful_amended", "意见1号", "问题", 2))
        reviews.record_after(s, shen, a.uuid, reviews.AfterInput("adopted", "", date(2026, 3, 2), date(2026, 3, 2)))
    with db.read() as s:
        data = review_ledger.export_ledger(s, shen)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["审查台账"]
    assert ws["A1"].value == "北山街道合法性审查台账" and "330106002" in ws["A2"].value
    with db.write() as s:
        same = review_ledger.import_ledger(s, shen, data)
    assert (same.rows, same.duplicates) == (2, 2)

    import shutil

    from xihu_desk.paths import DataDir
    from xihu_desk.store import migrate
    other = DataDir(tmp_path / "other")
    shutil.copytree(template_node, other.root)
    opened = migrate.open_database(other)
    try:
        peer = reviewkit.reviewer(opened.db)
        with opened.db.write() as s:
            report = review_ledger.import_ledger(s, peer, data)
        assert (report.rows, report.imported, report.refused) == (2, 2, 0)
        with opened.db.read() as s:
            rows = review_queries.register_rows(s, peer, review_queries.ReviewFilter(), date(2026, 3, 2))
        moved = next(r for r in rows if r["title"] == "关于加强老旧小区停车管理的实施意见")
        assert moved["legacy_no"] == "（2026）北山合审字第0001号" and moved["opinion_no"] == "意见1号"
        assert moved["conclusion_code"] == "lawful_amended" and moved["points"] == 2
        assert moved["issued_on"] == date(2026, 3, 2) and moved["adoption_code"] == "adopted"
    finally:
        opened.db.dispose()


# ---------------------------------------------------------------- the statistics workbook


def _figures(ws) -> dict[str, object]:
    out, started = {}, False
    for name, value, *_ in ws.iter_rows(values_only=True):
        if name == "项目":
            started = True
        elif started and name:
            out[name] = value
    return out


def test_statistics_workbook_agrees_with_the_register(db):
    shen = reviewkit.reviewer(db, date(2026, 4, 30))
    made = []
    for kwargs in (dict(), dict(item_type="agreement", title="合同一"), dict(item_type="agreement", title="合同二"),
                   dict(item_type="enforcement", title="处罚决定", received_on=date(2026, 3, 2), complete_on=date(2026, 3, 3)),
                   dict(item_type="major_decision", title="决策", received_on=date(2026, 3, 16), complete_on=date(2026, 3, 16)),
                   dict(item_type="other", title="村规民约", received_on=date(2026, 4, 1), complete_on=None),
                   dict(title="去年的文件", received_on=date(2025, 12, 1), complete_on=date(2025, 12, 1))):
        made.append(reviewkit.register(db, shen, **kwargs))
    with db.write() as s:
        reviews.record_opinion(s, shen, made[0].uuid, reviews.OpinionInput(date(2026, 2, 25), "lawful", "意见1"))
        reviews.record_after(s, shen, made[0].uuid, reviews.AfterInput("adopted"))
        reviews.record_opinion(s, shen, made[1].uuid, reviews.OpinionInput(date(2026, 3, 3), "unlawful", "意见2", "主体不适格", 1))
        reviews.record_after(s, shen, made[1].uuid, reviews.AfterInput("not_adopted", "另行处理"))
        reviews.record_opinion(s, shen, made[2].uuid, reviews.OpinionInput(date(2026, 2, 24), "lawful_amended", "意见3", "问题", 2))
        reviews.record_after(s, shen, made[2].uuid, reviews.AfterInput("partly", "部分条款保留"))
        reviews.return_item(s, shen, made[3].uuid, date(2026, 3, 4), "不属于审查范围")
        reviews.record_opinion(s, shen, made[6].uuid, reviews.OpinionInput(date(2025, 12, 3), "lawful", "意见0"))
    with db.read() as s:
        data = review_ledger.statistics_workbook(s, shen, date(2026, 1, 1), date(2026, 6, 30))
        register = review_queries.register_rows(s, shen, review_queries.ReviewFilter(), date(2026, 4, 30))
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["统计表", "按类型按月", "明细", "应审未审", "说明"]
    for ws in book.worksheets:  # every sheet states its period and org unit
        texts = [c for row in ws.iter_rows(max_row=4, values_only=True) for c in row if isinstance(c, str)]
        assert "统计期间：2026年01月01日 至 2026年06月30日" in texts and "单位：北山街道（330106002）" in texts

    period = [r for r in register if date(2026, 1, 1) <= r["received_on"] <= date(2026, 6, 30)]
    reviewed = [r for r in period if r["conclusion_code"]]
    adoption = [r for r in period if r["adoption_code"]]
    timed = [r for r in reviewed if r["on_time"] is not None]
    fig = _figures(book["统计表"])
    assert fig["送审登记数（件）"] == len(period) == 6
    needing = [r for r in period if r["status_code"] != "returned"]  # returned: not a review that was due
    assert fig["应审查数（件）"] == len(needing) == 5 and fig["应审未审（件）"] == 0
    assert fig["已审查数（件）"] == len(reviewed) == 3
    assert fig["审查率"] == pytest.approx(len(reviewed) / len(needing))
    assert book["统计表"].cell(*next((c.row, 2) for c in book["统计表"]["A"] if c.value == "审查率")).number_format == "0.0%"
    assert fig["在审数（件）"] == sum(r["status_code"] in rules.OPEN_STATUSES for r in period) == 2
    assert fig["其中结论“不合法”（件）"] == 1 and fig["退回（件）"] == 1 and fig["不合法或退回（件）"] == 2
    assert fig["采纳率"] == pytest.approx(sum(r["adoption_code"] in rules.ADOPTED for r in adoption) / len(adoption))
    assert fig["按期出具意见（件）"] == sum(r["on_time"] for r in timed)
    assert fig["按期率"] == pytest.approx(sum(r["on_time"] for r in timed) / len(timed))
    assert fig["平均审查用时（工作日）"] == pytest.approx(round(sum(r["working_days"] for r in timed) / len(timed), 1))

    ws = book["按类型按月"]
    table = [row for row in ws.iter_rows(values_only=True) if row[0]]
    heads = next(r for r in table if r[0] == "事项类型")
    assert heads[1:] == ("2026年1月", "2026年2月", "2026年3月", "2026年4月", "2026年5月", "2026年6月", "合计")
    counts = Counter((r["type"], f"2026年{r['received_on'].month}月") for r in period)
    for row in table[table.index(heads) + 1:]:
        label = row[0]
        if label == "合计":
            assert list(row[1:-1]) == [sum(v for (t, m), v in counts.items() if m == h) for h in heads[1:-1]]
            assert row[-1] == len(period)
        else:
            assert list(row[1:-1]) == [counts.get((label, h), 0) for h in heads[1:-1]]
            assert row[-1] == sum(v for (t, _), v in counts.items() if t == label)

    ws = book["明细"]
    numbers = [row[0] for row in ws.iter_rows(values_only=True) if row[0] and str(row[0]).startswith("（")]
    assert numbers == [r["number"] for r in period]
    assert "（2025）北山合审字第0001号" not in numbers
