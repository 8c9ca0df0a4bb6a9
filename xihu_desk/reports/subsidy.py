"""以案定补 payment sheet as Excel: 发放表 (one line a mediator, with the place to sign), 明细 (every
case with its amount and the rule that gave it), 暂缓与不发放 (held-back cases and excluded
mediators with why) and 规则 (the table used). Plain data in (services/subsidy.Sheet), bytes out
through reports/ledger.to_bytes, like every workbook."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column

MONEY = "#,##0.00"
PAY_COLUMNS = [
    Column("n", "序号", width=6),
    Column("name", "调解员", width=12),
    Column("committee", "调委会", width=32),
    Column("cases", "件数", width=8),
    Column("amount", "金额（元）", width=14, number_format=MONEY),
    Column("sign", "领取人签字", width=18),
    Column("note", "备注", width=30),
]
ITEM_COLUMNS = [
    Column("name", "调解员", width=12),
    Column("case_no", "案号", width=32),
    Column("amount", "金额（元）", width=12, number_format=MONEY),
    Column("reason", "依据", width=70),
]
HELD_COLUMNS = [Column("what", "案件或调解员", width=34), Column("reason", "原因", width=60)]
RULE_COLUMNS = [Column("key", "项目", width=30), Column("value", "规定", width=60)]


def _rule_rows(table: Any) -> list[dict[str, Any]]:
    from xihu_desk.domain.grading import SOURCE
    from xihu_desk.domain.subsidy import DIFFICULTY_LABELS

    rows = [
        {"key": f"基础金额：{DIFFICULTY_LABELS.get(k, k)}", "value": f"{v / 100:g} 元"} for k, v in table.base.items()
    ]
    rows += [{"key": f"纠纷类型系数：{k}", "value": f"× {v:g}"} for k, v in table.type_factor.items()]
    rows += [
        {"key": "书面协议加发", "value": f"{table.written_bonus / 100:g} 元"},
        {"key": "司法确认加发", "value": f"{table.confirmation_bonus / 100:g} 元"},
        {"key": "提级或联合调解加发", "value": f"{table.escalated_bonus / 100:g} 元"},
    ]
    rows += [{"key": f"卷宗评查 {low} 分以上", "value": f"× {f:g}"} for low, f in table.grade_bands]
    rows += [
        {"key": "每人每期上限", "value": f"{table.cap / 100:g} 元" if table.cap else "不设上限"},
        {"key": "不发放的调解员", "value": "、".join(SOURCE.get(s, s) for s in table.excluded_sources) or "无"},
        {"key": "一案多名调解员", "value": f"主办 {table.lead_share:.0%}，其余平分" if table.split == "lead" else "平分"},
        {"key": "调解不成功的案件", "value": f"充分调解（{table.failed_min_records} 次以上调解记录）后发放" if table.pay_failed else "不发放"},
        {"key": "须在省平台登记", "value": "是" if table.require_platform_code else "否"},
    ]  # fmt: skip
    return rows


def payment_workbook(sheet: Any, *, org_name: str, generated_at: datetime) -> bytes:
    table = sheet.rules
    status = f"已于 {sheet.closed['at']} 由 {sheet.closed['by']} 审核通过" if sheet.closed else "未审核（草表）"
    lines = [
        f"期间：{sheet.date_from} 至 {sheet.date_to}；规则：{table.version}" + ("（示例金额，待区司法局确定）" if table.sample else ""),
        f"状态：{status}；生成时间：{generated_at:%Y-%m-%d %H:%M}",
    ]  # fmt: skip
    pay = [
        {
            "n": i,
            "name": m.name,
            "committee": m.committee,
            "cases": len({x.case_no for x in m.items if not x.adjustment}),
            "amount": m.amount / 100,
            "note": (f"含上限核减 {m.capped / 100:g} 元" if m.capped else "")
            + ("；含更正调整" if any(x.adjustment for x in m.items) else ""),
        }
        for i, m in enumerate(sheet.mediators, start=1)
    ]
    items = [
        {"name": m.name, "case_no": x.case_no, "amount": x.amount / 100, "reason": x.reason}
        for m in sheet.mediators
        for x in m.items
    ]
    held = [{"what": h["case_no"], "reason": h["reason"]} for h in sheet.held]
    held += [{"what": e["name"], "reason": e["reason"]} for e in sheet.excluded]
    wb = Workbook()
    sheets = (
        ("发放表", PAY_COLUMNS, pay, f"{org_name}人民调解以案定补发放表"),
        ("明细", ITEM_COLUMNS, items, f"{org_name}人民调解以案定补明细"),
        ("暂缓与不发放", HELD_COLUMNS, held, "暂缓发放的案件和不发放的调解员"),
        ("规则", RULE_COLUMNS, _rule_rows(table), f"以案定补规则 {table.version}"),
    )
    for i, (name, columns, rows, title) in enumerate(sheets):
        ws = ledger.first_sheet(wb, name) if i == 0 else wb.create_sheet(name)
        first = ledger.title_rows(ws, title, lines, len(columns))
        last = ledger.write_table(ws, columns, rows, first_row=first)
        if not rows:
            ws.cell(first + 1, 1, "（无）").font = Font(color="808080")
        if name == "发放表":
            last += 1
            ws.cell(last, 2, "合计").font = Font(bold=True)
            ws.cell(last, 5, sheet.total / 100).number_format = MONEY
            ws.cell(last, 5).font = Font(bold=True)
            for j, text in enumerate(("经办人：", "所长审核：", "日期："), start=0):
                ws.cell(last + 2, 1 + j * 3, text)
            last += 2
        ledger.landscape(ws, f"{first}:{first}")
        ws.print_area = f"A1:{get_column_letter(len(columns))}{max(last, first + 1)}"
    return ledger.to_bytes(wb)
