"""以案定补发放表 as a PDF for signatures: one row a mediator (调委会, 件数, 金额, 领取人签字), the
total, and 经办人 / 所长审核 / 日期 below. Plain data in (services/subsidy.Sheet); the case-by-case
reasons are in the workbook's 明细."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from xihu_desk.documents.fonts import ensure_fonts
from xihu_desk.documents.layout import Footer, Sheet, render, spacer
from xihu_desk.documents.templates import load

HEADS = ["序号", "调解员", "调委会", "件数", "金额（元）", "领取人签字"]
WIDTHS = [12, 20, 62, 12, 24, 26]  # mm, the whole 156


def _story(sheet: Sheet, data: Any, org_name: str) -> list[Flowable]:
    table = data.rules
    story = sheet.title(f"{org_name}人民调解以案定补发放表")
    status = f"已于 {data.closed['at']} 审核通过" if data.closed else "未审核（草表）"
    note = f"期间：{data.date_from} 至 {data.date_to}　规则：{table.version}" + ("（示例金额）" if table.sample else "")
    story += [sheet.p(note, "note"), sheet.p(f"状态：{status}", "note"), spacer(2)]
    rows: list[list[Any]] = [[sheet.label(h) for h in HEADS]]
    for i, m in enumerate(data.mediators, start=1):
        cases = len({x.case_no for x in m.items if not x.adjustment})
        rows.append(
            [
                sheet.cell(str(i), "cell_center"),
                sheet.cell(m.name),
                sheet.cell(m.committee),
                sheet.cell(str(cases), "cell_center"),
                sheet.cell(f"{m.amount / 100:,.2f}", "cell_right"),
                "",
            ]
        )
    rows.append([sheet.label("合计"), "", "", "", sheet.cell(f"{data.total / 100:,.2f}", "cell_right"), ""])
    n = len(rows) - 1
    story.append(sheet.grid(rows, WIDTHS, spans=[((0, n), (3, n))], heights=[None] * len(rows)))
    story += [
        spacer(8),
        sheet.p("经办人：　　　　所长审核：　　　　日期：　　年　　月　　日", "flush"),
    ]
    return story


def build_pdf(data: Any, *, org_name: str) -> tuple[bytes, int]:
    ensure_fonts()
    common = load("_common")
    sheet = Sheet(common, Footer("", "", common, qr=False, anonymous=True))
    story = _story(sheet, data, org_name)
    return render(story, sheet, title=f"以案定补发放表 {data.date_from}-{data.date_to}", author=org_name)
