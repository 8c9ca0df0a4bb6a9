"""The legality-review register as Excel: the columns an office's 审查台账 uses (for import and
export) and the statistics workbook (design.md §7). Plain data in, bytes out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xihu_desk.domain import reviews as rules
from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column

# Spellings offices use for the code lists, beyond the labels of db/reference/codes.json.
TYPE_SYNONYMS = {
    "规范性文件": "normative",
    "行政规范性文件": "normative",
    "政府规范性文件": "normative",
    "重大决策": "major_decision",
    "重大行政决策事项": "major_decision",
    "决策": "major_decision",
    "重大执法决定": "enforcement",
    "执法决定": "enforcement",
    "行政执法决定": "enforcement",
    "重大行政执法": "enforcement",
    "行政协议": "agreement",
    "协议": "agreement",
    "合同协议": "agreement",
    # A street office's own contracts (leases, purchases, services) are 合同, apart from 行政协议.
    "合同": "contract",
    "行政机关合同": "contract",
    "机关合同": "contract",
    "民事合同": "contract",
    "经济合同": "contract",
    "采购合同": "contract",
    "合同审查": "contract",
    "会议议题": "meeting_topic",
    "议题": "meeting_topic",
    "上会议题": "meeting_topic",
    "党工委会议题": "meeting_topic",
    "主任办公会议题": "meeting_topic",
    "党的规范性文件": "party_normative",
    "党内文件": "party_normative",
    "其他": "other",
    "其他事项": "other",
    "其他涉法事项": "other",
    "村规民约": "other",
    "居民公约": "other",
    "村规民约居民公约": "other",
    "信访答复": "other",
}
CONCLUSION_SYNONYMS = {
    "合法": "lawful",
    "合法无意见": "lawful",
    "无意见": "lawful",
    "同意": "lawful",
    "无异议": "lawful",
    "修改后合法": "lawful_amended",
    "基本合法": "lawful_amended",
    "基本合法建议修改": "lawful_amended",
    "基本合法,建议修改后提交": "lawful_amended",
    "修改后提交": "lawful_amended",
    "建议修改": "lawful_amended",
    "不合法": "unlawful",
    "违法": "unlawful",
    "不得提交": "unlawful",
    "不合法不得提交": "unlawful",
}
ADOPTION_SYNONYMS = {
    "采纳": "adopted",
    "已采纳": "adopted",
    "全部采纳": "adopted",
    "是": "adopted",
    "部分采纳": "partly",
    "基本采纳": "partly",
    "未采纳": "not_adopted",
    "不采纳": "not_adopted",
    "否": "not_adopted",
}


def _choices(labels: Mapping[str, str], synonyms: Mapping[str, str]) -> dict[str, str]:
    out = {label: code for code, label in labels.items()}
    out.update({code: code for code in labels})  # the stable English codes are accepted too
    out.update({k: v for k, v in synonyms.items() if v in labels})
    return out


def columns(
    type_labels: Mapping[str, str], conclusion_labels: Mapping[str, str], adoption_labels: Mapping[str, str]
) -> list[Column]:
    """The register's columns; the labels come from the code lists in force (configurable)."""
    return [
        Column(
            "number", "编号", ("序号", "审查编号", "台账编号", "登记编号", "原编号", "原台账编号", "收件编号"), width=24
        ),
        Column(
            "item_type",
            "事项类型",
            ("类型", "审查类型", "审查事项类型", "文件类型", "事项类别", "类别"),
            "choice",
            required=True,
            choices=_choices(type_labels, TYPE_SYNONYMS),
            width=16,
            hint="、".join(type_labels.values()),
        ),
        Column(
            "title",
            "事项名称",
            (
                "名称",
                "文件名称",
                "送审事项",
                "审查事项",
                "审查事项名称",
                "标题",
                "文件标题",
                "项目名称",
                "送审文件名称",
                "事项",
            ),
            required=True,
            width=36,
        ),
        Column(
            "unit",
            "送审单位",
            ("送审科室", "送审部门", "起草单位", "承办单位", "报送单位", "提请单位", "送审单位（科室）"),
            required=True,
            width=14,
        ),
        Column("contact", "联系人", ("经办人", "送审联系人", "送审人"), width=10),
        Column("contact_phone", "联系电话", ("电话", "手机", "联系方式"), width=14),
        Column(
            "received_on",
            "送审日期",
            ("收件日期", "收文日期", "接收日期", "送审时间", "受理日期", "登记日期", "收到日期"),
            "date",
            required=True,
            width=12,
        ),
        Column(
            "complete_on",
            "材料齐全日期",
            ("材料齐备日期", "材料齐全时间", "齐全日期", "材料完整日期"),
            "date",
            width=12,
        ),
        Column("pauses", "补正（要求—收到）", ("补正情况",), width=24, import_=False),
        Column("reviewer", "审查人", ("审查员", "经办审查人", "承办审查员", "法治审查员"), width=10),
        Column(
            "adviser_consulted",
            "法律顾问参与",
            ("是否提请法律顾问", "法律顾问", "法律顾问意见", "公职律师参与"),
            "bool",
            width=10,
        ),
        Column("expert_panel", "专家论证", ("是否专家论证", "专家意见"), "bool", width=10),
        Column("limit_days", "审查时限（工作日）", (), width=10, import_=False),
        Column("extension_days", "延长（工作日）", (), width=10, import_=False),
        Column("extension_approver", "延期批准人", (), width=10, import_=False),
        Column("due_on", "期限届满日", (), width=12, import_=False),
        Column("opinion_no", "审查意见书编号", ("意见书编号", "意见书文号", "审查意见编号", "意见书号"), width=20),
        Column(
            "opinion_on",
            "审查意见日期",
            ("出具意见日期", "意见日期", "审查完成日期", "意见书日期", "出具日期"),
            "date",
            width=12,
        ),
        Column(
            "conclusion",
            "审查结论",
            ("结论", "审查结果", "审查意见结论"),
            "choice",
            choices=_choices(conclusion_labels, CONCLUSION_SYNONYMS),
            width=12,
            hint="、".join(conclusion_labels.values()),
        ),
        Column("issues", "主要问题", ("主要问题及意见", "审查意见内容", "意见内容", "主要意见"), width=30),
        Column("points", "意见条数", ("意见数", "问题条数", "提出意见条数", "意见（条）"), "int", width=8),
        Column("working_days", "审查用时（工作日）", (), width=10, import_=False),
        Column("on_time", "是否按期", (), width=8, import_=False),
        Column(
            "adoption",
            "采纳情况",
            ("意见采纳情况", "是否采纳", "采纳"),
            "choice",
            choices=_choices(adoption_labels, ADOPTION_SYNONYMS),
            width=10,
            hint="、".join(adoption_labels.values()),
        ),
        Column("adoption_reason", "未采纳理由", ("采纳说明", "不采纳理由", "采纳情况说明"), width=20),
        Column("deliberation_on", "集体审议日期", ("审议日期", "会议审议日期", "集体讨论日期"), "date", width=12),
        Column(
            "issued_on",
            "出台（签订）日期",
            ("出台日期", "签订日期", "印发日期", "发布日期", "出台/签订日期"),
            "date",
            width=12,
        ),
        Column("filing_submitted_on", "报送备案日期", ("备案日期", "报备日期", "备案报送日期"), "date", width=12),
        Column("filing_registered_on", "备案登记日期", ("备案审查日期",), "date", width=12),
        Column("risk_assessed", "风险评估", ("社会稳定风险评估", "是否风险评估", "稳评"), "bool", width=10),
        Column("status", "状态", (), width=10, import_=False),
        Column("archived_on", "归档日期", (), width=12, import_=False),
        Column("note", "备注", ("说明",), width=20),
        Column("warnings", "提示", (), width=30, import_=False),
    ]


def export_workbook(
    rows: list[dict[str, Any]],
    *,
    org_name: str,
    org_code: str,
    generated_at: datetime,
    type_labels: Mapping[str, str],
    conclusion_labels: Mapping[str, str],
    adoption_labels: Mapping[str, str],
    reveal: bool = False,
) -> bytes:
    cols = columns(type_labels, conclusion_labels, adoption_labels)
    years = sorted({(r["received_on"] or r["complete_on"]).year for r in rows})  # 送审日期 may be unknown
    span = f"{years[0]}—{years[-1]} 年" if len(years) > 1 else (f"{years[0]} 年" if years else "（无事项）")
    return ledger.write_ledger(
        cols,
        rows,
        title=f"{org_name}合法性审查台账",
        sheet="审查台账",
        reveal=reveal,
        lines=[
            f"单位：{org_name}（{org_code}）　范围：{span}，共 {len(rows)} 件",
            f"导出时间：{generated_at:%Y-%m-%d %H:%M}　期限按工作日计算（法定节假日与调休）；“提示”列为导出时的状态。",
        ],
    )


# ---------------------------------------------------------------- statistics workbook

PCT = "0.0%"
UNREVIEWED_COLUMNS = [
    Column("kind", "类型", width=12),
    Column("title", "事项名称", width=44),
    Column("unit", "承办单位", width=14),
    Column("matter_on", "会议（签订）日期", kind="date", width=14),
    Column("meeting", "会议名称", width=16),
]
DEFINITIONS = [
    ("统计范围", "统计期间内送审（送审日期在期间内）的全部审查事项。"),
    ("送审登记数", "统计期间内送审登记的事项数。"),
    ("应审未审", "导入的会议议题和合同清单中，会议（签订）日期在期间内、需要审查而台账中没有对应审查事项的件数。"),
    ("应审查数", "送审登记数 − 退回（不属审查范围或撤回）+ 应审未审。"),
    ("已审查数", "送审登记的事项中已出具审查意见的件数。"),
    ("审查率", rules.REVIEW_RATE_RULE + "。不是“办结数 ÷ 登记数”。"),
    ("不合法或退回", "审查结论为“不合法”的件数，加上退回送审单位（未予审查）的件数。"),
    ("采纳率", "（采纳 + 部分采纳）÷ 已反馈采纳情况的意见数。"),
    (
        "平均审查用时",
        "从材料齐全次日起至出具意见日，按工作日计算（法定节假日不计、调休上班日计入，补正期间不计），"
        "只统计意见日期已知的事项。",
    ),
    ("按期率", "在期限（含批准延长）内出具意见的件数 ÷ 意见日期已知的已审查件数。"),
    ("依据", "口径为本程序的假定（domain.md §5.4），请以区司法局的统计要求为准。"),
]


def statistics_workbook(
    s: rules.Statistics,
    rows: list[dict[str, Any]],
    *,
    org_name: str,
    org_code: str,
    generated_at: datetime,
    type_labels: Mapping[str, str],
    conclusion_labels: Mapping[str, str],
    adoption_labels: Mapping[str, str],
    unreviewed: list[dict[str, Any]] | None = None,
) -> bytes:
    """合法性审查工作统计: the figures, counts by type and month, the items counted, the listed items
    that needed a review and got none (应审未审), the definitions. Every sheet states the period and
    the org unit it covers."""
    period = f"统计期间：{s.date_from:%Y年%m月%d日} 至 {s.date_to:%Y年%m月%d日}"
    unit = f"单位：{org_name}（{org_code}）"
    made = f"制表时间：{generated_at:%Y-%m-%d %H:%M}"
    wb = Workbook()

    ws = ledger.first_sheet(wb, "统计表")
    r = ledger.title_rows(ws, f"{org_name}合法性审查工作统计表", [period, unit, made], 3)
    figures: list[tuple[str, Any, str | None]] = [
        ("送审登记数（件）", s.total, None),
        ("应审未审（件）", s.unreviewed, None),
        ("应审查数（件）", s.needing, None),
        ("已审查数（件）", s.reviewed, None),
        ("审查率", s.review_rate, PCT),
        ("在审数（件）", s.pending, None),
        *[
            (f"其中结论“{label}”（件）", s.by_conclusion.get(code, 0), None)
            for code, label in conclusion_labels.items()
        ],
        ("退回（件）", s.returned, None),
        ("不合法或退回（件）", s.unlawful_or_returned, None),
        *[(f"意见“{label}”（件）", s.by_adoption.get(code, 0), None) for code, label in adoption_labels.items()],
        ("采纳率", s.adoption_rate, PCT),
        ("按期出具意见（件）", s.on_time, None),
        ("按期率", s.on_time_rate, PCT),
        ("平均审查用时（工作日）", round(s.average_days, 1) if s.average_days is not None else None, "0.0"),
    ]
    for col, text in enumerate(("项目", "数值"), start=1):
        cell = ws.cell(r, col, text)
        cell.font, cell.fill, cell.border = Font(bold=True), ledger.HEAD_FILL, ledger.BORDER
    for i, (name, value, fmt) in enumerate(figures, start=r + 1):
        ws.cell(i, 1, name).border = ledger.BORDER
        cell = ws.cell(i, 2, "—" if value is None else value)
        cell.border = ledger.BORDER
        cell.alignment = Alignment(horizontal="right")
        if fmt and value is not None:
            cell.number_format = fmt
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 14
    ledger.landscape(ws)

    ws = wb.create_sheet("按类型按月")
    months = s.months()
    r = ledger.title_rows(ws, "审查事项数（按类型、按送审月份）", [period, unit], len(months) + 2)
    heads = ["事项类型", *[f"{m[:4]}年{int(m[5:])}月" for m in months], "合计"]
    for j, text in enumerate(heads, start=1):
        cell = ws.cell(r, j, text)
        cell.font, cell.fill, cell.border = Font(bold=True), ledger.HEAD_FILL, ledger.BORDER
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = 18 if j == 1 else 11
    codes_in_use = [c for c in type_labels] + [c for c in s.by_type if c not in type_labels]
    for i, code in enumerate(codes_in_use, start=r + 1):
        ws.cell(i, 1, ledger.safe_text(type_labels.get(code, code))).border = ledger.BORDER
        for j, m in enumerate(months, start=2):
            ws.cell(i, j, s.by_type_month.get((code, m), 0)).border = ledger.BORDER
        ws.cell(i, len(months) + 2, s.by_type.get(code, 0)).border = ledger.BORDER
    total_row = r + 1 + len(codes_in_use)
    ws.cell(total_row, 1, "合计").font = Font(bold=True)
    for j, m in enumerate(months, start=2):
        ws.cell(total_row, j, s.by_month.get(m, 0)).font = Font(bold=True)
    ws.cell(total_row, len(months) + 2, s.total).font = Font(bold=True)
    for j in range(1, len(months) + 3):
        ws.cell(total_row, j).border = ledger.BORDER
    ws.freeze_panes = ws.cell(r + 1, 2)
    ledger.landscape(ws)

    ws = wb.create_sheet("明细")
    detail = [
        c
        for c in columns(type_labels, conclusion_labels, adoption_labels)
        if c.key
        in (
            "number",
            "item_type",
            "title",
            "unit",
            "received_on",
            "complete_on",
            "due_on",
            "opinion_on",
            "conclusion",
            "points",
            "working_days",
            "on_time",
            "adoption",
            "status",
        )
    ]
    r = ledger.title_rows(ws, "统计所含审查事项", [period, unit, f"共 {len(rows)} 件"], len(detail))
    last = ledger.write_table(ws, detail, rows, first_row=r)
    ledger.landscape(ws, f"{r}:{r}")
    ws.print_area = f"A1:{get_column_letter(len(detail))}{last}"

    ws = wb.create_sheet("应审未审")
    missing = UNREVIEWED_COLUMNS
    listed = unreviewed or []
    r = ledger.title_rows(
        ws,
        "应审未审事项（会议议题和合同清单中需要审查而没有审查的）",
        [period, unit, f"共 {len(listed)} 项" if listed else "无（或尚未导入会议议题和合同清单）"],
        len(missing),
    )
    last = ledger.write_table(ws, missing, listed, first_row=r)
    ledger.landscape(ws, f"{r}:{r}")
    ws.print_area = f"A1:{get_column_letter(len(missing))}{last}"

    ws = wb.create_sheet("说明")
    r = ledger.title_rows(ws, "统计口径", [period, unit], 2)
    for i, (name, text) in enumerate(DEFINITIONS, start=r):
        ws.cell(i, 1, name).font = Font(bold=True)
        ws.cell(i, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    ledger.landscape(ws)
    return ledger.to_bytes(wb)


def period_of(date_from: date, date_to: date) -> str:
    return f"{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}"
