"""卷宗评查 as Excel, for the annual check: 评查结果 (each case, lowest score first), 扣分明细 (every
lost point with its reason) and 评查标准 (the criteria used, marked 示例 while they are the shipped
ones). Plain data in (services/casefile_review.Review), bytes out through reports/ledger.to_bytes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column

RESULT_COLUMNS = [
    Column("rank", "序号", width=6),
    Column("case_no", "案号", width=30),
    Column("title", "案件名称", width=36),
    Column("mediators", "承办调解员", width=14),
    Column("closed_on", "结案日期", width=12),
    Column("score", "得分", width=8),
    Column("lost", "扣分", width=8),
    Column("defects", "主要问题", width=60),
]
DEFECT_COLUMNS = [
    Column("case_no", "案号", width=30),
    Column("item", "评查项目", width=28),
    Column("points", "扣分", width=8),
    Column("reason", "问题", width=70),
]
CRITERIA_COLUMNS = [
    Column("name", "评查项目", width=40),
    Column("points", "分值", width=8),
    Column("per_defect", "每处问题扣分", width=14),
    Column("days", "期限（日）", width=12),
]


def _day(value: str) -> date | str:
    return date.fromisoformat(value) if value else ""


def _fit_rows(ws: Any, columns: list[Column], rows: list[dict[str, Any]], first: int) -> None:
    """Rows as tall as their wrapped text (LibreOffice and WPS keep the default height otherwise)."""
    for i, row in enumerate(rows, start=first + 1):
        # a Chinese character is about two of a column width's units
        lines = max(-(-len(str(row.get(c.key, ""))) * 2 // max(c.width - 1, 1)) for c in columns if c.width >= 24)
        if lines > 1:
            ws.row_dimensions[i].height = 15 * lines


def review_workbook(review: Any, *, org_name: str, generated_at: datetime) -> bytes:
    crit = review.criteria
    standard = f"评查标准：{crit.version}，满分 {crit.max} 分" + ("（示例标准，待区司法局确定）" if crit.sample else "")
    lines = [
        f"结案日期：{review.date_from} 至 {review.date_to}，共 {len(review.rows)} 件",
        standard,
        f"生成时间：{generated_at:%Y-%m-%d %H:%M}",
    ]
    results = [
        {
            "rank": i,
            "case_no": r.case_no,
            "title": r.title,
            "mediators": r.mediators,
            "closed_on": _day(r.closed_on),
            "score": r.score.score,
            "lost": r.score.max - r.score.score,
            "defects": "；".join(d.reason for d in r.score.defects if d.points) or "无",
        }
        for i, r in enumerate(review.rows, start=1)
    ]
    defects = [
        {"case_no": r.case_no, "item": d.item, "points": d.points, "reason": d.reason}
        for r in review.rows
        for d in r.score.defects
    ]
    criteria = [
        {"name": c.name, "points": c.points, "per_defect": c.per_defect, "days": c.days or ""} for c in crit.items
    ]
    wb = Workbook()
    sheets = (
        ("评查结果", RESULT_COLUMNS, results, f"{org_name}人民调解卷宗评查结果"),
        ("扣分明细", DEFECT_COLUMNS, defects, f"{org_name}人民调解卷宗评查扣分明细"),
        ("评查标准", CRITERIA_COLUMNS, criteria, "人民调解卷宗评查标准"),
    )
    for i, (name, columns, rows, title) in enumerate(sheets):
        ws = ledger.first_sheet(wb, name) if i == 0 else wb.create_sheet(name)
        first = ledger.title_rows(ws, title, lines, len(columns))
        last = ledger.write_table(ws, columns, rows, first_row=first)
        _fit_rows(ws, columns, rows, first)
        if not rows:
            ws.cell(first + 1, 1, "（无）").font = Font(color="808080")
        ledger.landscape(ws, f"{first}:{first}")
        ws.print_area = f"A1:{get_column_letter(len(columns))}{max(last, first + 1)}"
    if results:  # 平均分 under the results, for the office's own line in the district's summary
        ws = wb["评查结果"]
        row = ws.max_row + 2
        average = sum(r["score"] for r in results) / len(results)
        ws.cell(row, 1, f"平均得分：{average:.1f} 分；低于 60 分的 {sum(r['score'] < 60 for r in results)} 件")
    return ledger.to_bytes(wb)
