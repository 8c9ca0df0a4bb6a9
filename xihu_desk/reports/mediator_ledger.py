"""The mediator roster (调解员名册) and the grading results as Excel (design.md §7). Plain data in,
bytes out; the generic header matching and per-row problem report are reports/ledger.py's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xihu_desk.domain import grading
from xihu_desk.reports import ledger
from xihu_desk.reports.ledger import Column

EMPLOYMENT_SYNONYMS = {
    "专职调解员": "full_time",
    "专职人民调解员": "full_time",
    "兼职调解员": "part_time",
    "兼职人民调解员": "part_time",
    "特邀调解员": "invited",
    "特邀人民调解员": "invited",
    "特聘": "invited",
}
EDUCATION_SYNONYMS = {
    "高中": "senior",
    "中专": "senior",
    "中技": "senior",
    "职高": "senior",
    "大学专科": "college",
    "专科": "college",
    "本科": "bachelor",
    "大学": "bachelor",
    "研究生": "master",
    "硕士": "master",
    "博士": "doctor",
}
POLITICAL_SYNONYMS = {
    "党员": "cpc",
    "共产党员": "cpc",
    "中共党员": "cpc",
    "预备党员": "probationary",
    "团员": "league",
    "共青团员": "league",
    "群众": "none",
    "无党派人士": "none",
    "无党派": "none",
}
LEGAL_SYNONYMS = {
    "无": "",
    "否": "",
    "司法考试": "judicial_exam",
    "法律职业资格证": "judicial_exam",
    "法律职业资格证书": "judicial_exam",
    "律师": "lawyer",
    "律师证": "lawyer",
    "基层法律服务工作者": "legal_worker",
}
SOURCE_SYNONYMS = {
    "政府购买": "purchased",
    "购买服务": "purchased",
    "村干部": "cadre",
    "社区干部": "cadre",
    "村社干部": "cadre",
    "退休法官": "retired_legal",
    "退休检察官": "retired_legal",
    "退休警察": "retired_legal",
    "退休政法干部": "retired_legal",
}
STATUS_SYNONYMS = {"在职": "serving", "现任": "serving", "正常": "serving", "离职": "left", "退出": "left"}


def _choices(labels: Mapping[str, str], synonyms: Mapping[str, str]) -> dict[str, str]:
    out = {label: code for code, label in labels.items() if label != "未填"}
    out.update({code: code for code in labels if code})
    out.update(synonyms)
    return out


def _hint(labels: Mapping[str, str]) -> str:
    return "、".join(v for k, v in labels.items() if k and v != "未填")


def roster_columns() -> list[Column]:
    """The roster's columns (the header we write first, then spellings offices use)."""
    return [
        Column("name", "姓名", ("调解员姓名", "调解员"), required=True, width=10),
        Column(
            "committee",
            "调委会",
            ("所在调委会", "所属调委会", "人民调解委员会", "调解委员会", "所在单位", "工作单位"),
            required=True,
            width=30,
        ),
        Column("gender", "性别", (), "choice", choices={"男": "男", "女": "女"}, width=6, hint="男、女"),
        Column(
            "id_number",
            "身份证号",
            (
                "身份证号码",
                "公民身份号码",
                "证件号码",
                "身份证",
                "证件号",
                "身份证件号码",
                "公民身份证号码",
                "公民身份证号",
                "身份号码",
                "调解员身份证号",
                "调解员身份证号码",
            ),
            width=22,
        ),
        Column("phone", "联系电话", ("电话", "手机", "手机号码", "联系方式"), width=14),
        Column(
            "employment_type",
            "用工类型",
            ("专兼职", "专职/兼职", "人员类别", "调解员类别", "类别"),
            "choice",
            choices=_choices(grading.EMPLOYMENT, EMPLOYMENT_SYNONYMS),
            width=10,
            hint=_hint(grading.EMPLOYMENT),
        ),
        Column(
            "education",
            "学历",
            ("文化程度", "最高学历"),
            "choice",
            choices=_choices(grading.EDUCATION, EDUCATION_SYNONYMS),
            width=12,
            hint=_hint(grading.EDUCATION),
        ),
        Column(
            "political_status",
            "政治面貌",
            (),
            "choice",
            choices=_choices(grading.POLITICAL, POLITICAL_SYNONYMS),
            width=12,
            hint=_hint(grading.POLITICAL),
        ),
        Column(
            "legal_qualification",
            "法律职业资格",
            ("法律资格", "法律类证书", "法律职业资格证"),
            "choice",
            choices=_choices(grading.LEGAL_QUALIFICATION, LEGAL_SYNONYMS),
            width=14,
            hint=_hint(grading.LEGAL_QUALIFICATION),
        ),
        Column(
            "source",
            "人员来源",
            ("来源",),
            "choice",
            choices=_choices(grading.SOURCE, SOURCE_SYNONYMS),
            width=14,
            hint=_hint(grading.SOURCE),
        ),
        Column(
            "appointed_on",
            "聘任日期",
            ("聘任时间", "任职时间", "任职日期", "聘任起始日期", "聘期起始"),
            "date",
            width=12,
        ),
        Column(
            "appointment_end",
            "聘任期满",
            ("聘期届满", "聘任终止日期", "聘任截止日期", "聘期截止", "聘期至"),
            "date",
            width=12,
        ),
        Column("registered_on", "备案日期", ("备案时间",), "date", width=12),
        Column("registration_no", "备案编号", ("备案号", "备案证号"), width=20),
        Column("grade", "等级", ("调解员等级", "现有等级", "评定等级"), width=8),
        Column("rule_set", "评定标准", ("等级标准", "评定依据"), width=24),
        Column(
            "status",
            "状态",
            ("在任情况", "任职状态"),
            "choice",
            choices=_choices(grading.STATUS, STATUS_SYNONYMS),
            width=8,
            hint=_hint(grading.STATUS),
        ),
        Column("note", "备注", ("说明",), width=24),
        Column("training_hours", "本年度培训学时", (), width=10, import_=False),
        Column("cases", "累计调解纠纷数", (), width=10, import_=False),
    ]


def export_roster(
    rows: Sequence[Mapping[str, Any]], *, org_name: str, generated_at: datetime, reveal: bool = False
) -> bytes:
    """The roster as an office keeps it; the header uses the names the import accepts."""
    note = "含完整身份证号（导出已记入审计日志），请妥善保管" if reveal else "身份证号已遮盖"
    return ledger.write_ledger(
        roster_columns(),
        rows,
        title=f"{org_name}人民调解员名册",
        sheet="调解员名册",
        reveal=reveal,
        lines=[f"导出时间：{generated_at:%Y-%m-%d %H:%M}（{note}）", f"共 {len(rows)} 人"],
    )


RESULT_COLUMNS = [
    Column("mediator", "姓名", width=10),
    Column("committee", "调委会", width=28),
    Column("employment", "用工类型", width=8),
    Column("rule_set", "评定标准", width=26),
    Column("level", "申请等级", width=8),
    Column("applied_on", "申请日期", width=12),
    Column("window", "统计期间", width=24),
    Column("years", "从事调解年限", width=10),
    Column("cases_total", "调解纠纷数", width=10),
    Column("succeeded", "调解成功数", width=10),
    Column("success_rate", "调解成功率", width=10),
    Column("oral_share", "口头协议占比", width=10),
    Column("difficult", "疑难复杂及以上", width=10),
    Column("training", "培训学时", width=9),
    Column("missed", "未达到的条件", width=40),
    Column("status", "办理状态", width=12),
    Column("granted", "评定等级", width=8),
    Column("notice", "公示期", width=24),
    Column("decision_no", "批复文号", width=18),
]
STEP_COLUMNS = [
    Column("mediator", "姓名", width=10),
    Column("level", "申请等级", width=8),
    Column("step", "步骤", width=14),
    Column("result", "结果", width=8),
    Column("on", "日期", width=12),
    Column("actor", "办理人", width=14),
    Column("at", "记录时间", width=18),
    Column("opinion", "意见", width=48),
    Column("document_no", "文号", width=18),
]
GRADE_COLUMNS = [
    Column("name", "姓名", width=10),
    Column("committee", "调委会", width=28),
    Column("employment", "用工类型", width=8),
    Column("grade", "现有等级", width=10),
    Column("graded_on", "评定日期", width=12),
]


def results_workbook(
    results: Sequence[Mapping[str, Any]],
    steps: Sequence[Mapping[str, Any]],
    grades: Sequence[Mapping[str, Any]],
    *,
    org_name: str,
    date_from: Any,
    date_to: Any,
    generated_at: datetime,
) -> bytes:
    """人民调解员等级评定结果: the applications of a period with their evidence and outcome, every
    step with who and when, and the roster's grades as they stand."""
    wb = Workbook()
    lines = [f"申请日期：{date_from} 至 {date_to}", f"生成时间：{generated_at:%Y-%m-%d %H:%M}"]
    sheets = (
        ("评定结果", RESULT_COLUMNS, results, f"{org_name}人民调解员等级评定结果"),
        ("办理过程", STEP_COLUMNS, steps, f"{org_name}人民调解员等级评定办理过程"),
        ("现有等级", GRADE_COLUMNS, grades, f"{org_name}人民调解员现有等级"),
    )
    for i, (name, columns, rows, title) in enumerate(sheets):
        ws = ledger.first_sheet(wb, name) if i == 0 else wb.create_sheet(name)
        first = ledger.title_rows(ws, title, lines, len(columns))
        last = ledger.write_table(ws, columns, rows, first_row=first)
        if not rows:
            ws.cell(first + 1, 1, "（无）").font = Font(color="808080")
        ledger.landscape(ws, f"{first}:{first}")
        ws.print_area = f"A1:{get_column_letter(len(columns))}{max(last, first + 1)}"
    return ledger.to_bytes(wb)
