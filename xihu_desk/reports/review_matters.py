"""The office's list of meeting items and contracts as Excel: the columns its 会议议题清单 or
合同台账 uses (read by the same synonym header reader as the other ledgers) and the list written
back with each line's review state (应审未审 marked). Plain data in, bytes out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column
from xihu_desk.reports.review_ledger import TYPE_SYNONYMS, _choices

STATE_LABELS = {
    "reviewed": "已审查",
    "in_review": "审查中",
    "late": "先上会（签订）后审查",
    "missing": "应审未审",
    "exempt": "无需审查",
}


def columns(type_labels: Mapping[str, str]) -> list[Column]:
    return [
        Column(
            "kind",
            "类型",
            ("事项类型", "类别", "审查类型"),
            "choice",
            choices=_choices(type_labels, TYPE_SYNONYMS),
            width=12,
            hint="会议议题、合同（或其他审查事项类型）",
        ),
        Column(
            "title",
            "事项名称",
            ("议题名称", "议题", "会议议题", "合同名称", "名称", "事项", "标题", "项目名称"),
            required=True,
            width=40,
        ),
        Column("unit", "承办单位", ("提出单位", "汇报单位", "承办科室", "送审单位", "经办科室", "责任科室"), width=14),
        Column(
            "matter_on",
            "会议（签订）日期",
            ("会议日期", "上会日期", "审议日期", "签订日期", "签约日期", "合同签订日期", "日期"),
            "date",
            required=True,
            width=14,
        ),
        Column("meeting", "会议名称", ("会议", "会议类型", "会议名"), width=16),
        Column(
            "needs_review",
            "是否需审查",
            ("是否需要合法性审查", "需审查", "应审查", "是否应审查", "是否需合法性审查"),
            "bool",
            width=10,
        ),
        Column("review_no", "审查编号", ("合法性审查编号", "审查意见书编号", "意见书编号"), width=24),
        Column("note", "备注", ("说明",), width=20),
        Column("state", "审查情况", (), width=16, import_=False),
        Column("review_number", "对应审查事项", (), width=24, import_=False),
    ]


def export_workbook(
    rows: list[dict[str, Any]], *, org_name: str, org_code: str, generated_at: datetime, type_labels: Mapping[str, str]
) -> bytes:
    missing = sum(r["state_code"] == "missing" for r in rows)
    return ledger.write_ledger(
        columns(type_labels),
        rows,
        title=f"{org_name}会议议题和合同清单（合法性审查情况）",
        sheet="议题和合同",
        lines=[
            f"单位：{org_name}（{org_code}）　共 {len(rows)} 项，其中应审未审 {missing} 项",
            f"导出时间：{generated_at:%Y-%m-%d %H:%M}　“审查情况”按审查编号或事项名称与合法性审查台账对照得出。",
        ],
    )
