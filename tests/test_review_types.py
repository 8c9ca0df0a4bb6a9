"""Review types as a street office meets them (issue 19): 合同 and 会议议题 beside the four of the
provincial rule; old data and old ledgers keep their meaning."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from tests import reviewkit
from xihu_desk.domain import reviews as rules
from xihu_desk.services import codes, review_ledger, review_queries
from xihu_desk.store import seed
from xihu_desk.store.case_models import RefCode
from xihu_desk.store.models import Meta


def test_contract_and_meeting_topic_are_review_types(db):
    with db.read() as s:
        types = dict(codes.items(s, "review_type"))
    assert types["contract"] == "合同" and types["meeting_topic"] == "会议议题"
    assert types["agreement"] == "行政协议"
    assert {"normative", "major_decision", "enforcement", "agreement"} <= set(types)
    assert rules.limit_for("contract") == 5 and rules.limit_for("meeting_topic") == 5
    shen = reviewkit.reviewer(db)
    ref = reviewkit.register(db, shen, item_type="meeting_topic", title="关于调整辖区停车泊位的议题")
    with db.read() as s:
        d = review_queries.review_detail(s, shen, ref.uuid)
    assert d["type"] == "会议议题" and d["limit_days"] == 5


def test_an_older_code_list_gains_the_new_types_and_keeps_old_items(db):
    """A database seeded with the earlier list (no 合同, 会议议题) is brought up to the shipped one;
    an item registered as 行政协议（合同） keeps its code."""
    shen = reviewkit.reviewer(db)
    with db.write() as s:
        for code in ("contract", "meeting_topic"):
            s.delete(s.get(RefCode, ("review_type", code)))
        s.merge(Meta(key="reference.codes", value="2026-12-1"))
    old = reviewkit.register(db, shen, item_type="agreement", title="保洁服务协议")
    with db.write() as s:
        assert seed.seed_codes(s)
    with db.read() as s:
        assert s.scalar(select(RefCode.retired).where(RefCode.code == "contract")) is False
        assert review_queries.review_detail(s, shen, old.uuid)["type_code"] == "agreement"


def _ledger(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "审查类型", "送审文件名称", "送审科室", "收文日期"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_ledger_import_reads_the_new_types_and_the_old_label(db):
    shen = reviewkit.reviewer(db)
    data = _ledger([
        [1, "合同", "停车场承包合同", "经济发展办", "2026-01-05"],
        [2, "会议议题", "关于老旧小区加装电梯补助的议题", "城建办", "2026-01-06"],
        [3, "行政协议（合同）", "征收补偿协议", "城建办", "2026-01-07"],  # the label exported before
        [4, "采购合同", "办公用品采购合同", "党政办", "2026-01-08"],
    ])
    with db.write() as s:
        report = review_ledger.import_ledger(s, shen, data)
    assert report.imported == 4, report.text()
    with db.read() as s:
        got = {r["title"]: r["type_code"] for r in review_queries.summaries(s, shen, review_queries.ReviewFilter(), shen.today)}
    assert got == {"停车场承包合同": "contract", "关于老旧小区加装电梯补助的议题": "meeting_topic",
                   "征收补偿协议": "agreement", "办公用品采购合同": "contract"}
