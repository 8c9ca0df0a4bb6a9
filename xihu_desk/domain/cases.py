"""Rules of a people's-mediation case that need no database: numbers, deadlines, stages, filing.

Sources: domain.md §1.3–1.5 (procedure, time limit, agreement, confirmation), §2.1–2.2 (case
number, contents list of the case file).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from xihu_desk.domain.errors import UserError


class Status(StrEnum):
    ACCEPTED = "accepted"
    MEDIATING = "mediating"
    CLOSED = "closed"
    FILED = "filed"
    VOID = "void"  # 作废: registered by mistake; keeps its number, leaves every statistic

    @property
    def label(self) -> str:
        return {"accepted": "已受理", "mediating": "调解中", "closed": "已结案", "filed": "已归档", "void": "已作废"}[
            self.value
        ]


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return {"succeeded": "调解成功", "failed": "调解不成功", "terminated": "终止调解"}[self.value]


class AgreementForm(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"

    @property
    def label(self) -> str:
        return {"written": "书面协议", "oral": "口头协议"}[self.value]


class Procedure(StrEnum):
    """简易程序: a dispute settled on the spot, recorded on the oral-agreement register (domain.md
    §2.9, §3.5); everything else follows the ordinary procedure."""

    SIMPLE = "simple"
    ORDINARY = "ordinary"

    @property
    def label(self) -> str:
        return {"simple": "简易程序", "ordinary": "普通程序"}[self.value]


@dataclass(frozen=True)
class SimpleFiling:
    """What filing a simple-procedure case needs beyond the intake document and the oral-agreement
    register (both always required), as the district configures it (services/settings.py).
    Defaults: the parties' ID is checked on the spot; the rights and duties are told orally, and the
    register itself records the mediation and the closing, so none of those papers is required."""

    notice: bool = False
    id_proofs: bool = True
    mediation_record: bool = False
    closing_report: bool = False

    def required_names(self) -> list[str]:
        """The contents-list items filing requires under the simple procedure, for the UI to say."""
        names = ["人民调解申请书或受理登记表"]
        if self.notice:
            names.append("人民调解当事人权利义务告知书")
        if self.id_proofs:
            names.append("当事人身份证明")
        if self.mediation_record:
            names.append("人民调解记录")
        names.append("人民调解口头协议登记表")
        if self.closing_report:
            names.append("结案报告表")
        return names


MEDIATION_MONTHS = 1  # 《人民调解工作若干规定》第33条: 一般在一个月内调结
CONFIRMATION_DAYS = 30  # 人民调解法第33条: 协议生效之日起三十日内共同申请司法确认
FOLLOWUP_DAYS = 30  # default: visit within a month of the agreement (configurable in settings)
MINOR_AGE = 14


def case_number(year: int, short_name: str, seq: int) -> str:
    """（2025）北山人调字第0012号: full-width parentheses, four-digit sequence."""
    if seq < 1:
        raise ValueError("sequence starts at 1")
    return f"（{year}）{short_name}人调字第{seq:04d}号"


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def mediation_due(accepted_on: date, extended_to: date | None = None) -> date:
    return extended_to or add_months(accepted_on, MEDIATION_MONTHS)


def confirmation_deadline(effective_on: date) -> date:
    return effective_on + timedelta(days=CONFIRMATION_DAYS)


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_minor(birth: date | None, on: date) -> bool:
    """Under 14: the guardian signs and the data is sensitive (domain.md §8.1)."""
    return birth is not None and age_on(birth, on) < MINOR_AGE


def copies(parties: int) -> int:
    """Each party keeps one, the committee one (人民调解法第29条)."""
    return parties + 1


TITLE_LENGTH = 120  # mediation_case.title: String(120)


def title(applicants: list[str], respondents: list[str], dispute_label: str) -> str:
    """卷名 such as 张三与李四邻里纠纷; long names (companies) are shortened to fit its column."""
    left = "、".join(applicants[:2]) + ("等" if len(applicants) > 2 else "")
    right = "、".join(respondents[:2]) + ("等" if len(respondents) > 2 else "")
    tail = f"{dispute_label}纠纷"
    whole = f"{left}与{right}{tail}" if left and right else f"{left or right}{tail}"
    if len(whole) <= TITLE_LENGTH:
        return whole
    room = max(TITLE_LENGTH - len(tail) - 3, 2)  # "与" and two "…"
    half = room // 2
    if left and right:
        return f"{left[: half - 1]}…与{right[: room - half - 1]}…{tail}"[:TITLE_LENGTH]
    return f"{(left or right)[:room]}…{tail}"[:TITLE_LENGTH]


def search_body(case_no: str, title: str, party_names: list[str], summary: str, claims: str) -> str:
    """The text the case search indexes: number, title, every party's name, account, claims."""
    return " ".join([case_no, title, " ".join(party_names), summary, claims])


@dataclass(frozen=True)
class FileFacts:
    """What the filing check needs to know about a case."""

    outcome: Outcome | None
    agreement_form: AgreementForm | None
    has_intake_document: bool  # 申请书 or 受理登记表
    notice_given: bool
    id_proofs: bool
    mediation_records: int
    has_agreement: bool
    closing_report: bool


@dataclass(frozen=True)
class FileItem:
    number: int
    name: str
    required: bool
    present: bool
    note: str = ""


def contents_list(
    f: FileFacts,
    investigation_records: int = 0,
    followups: int = 0,
    confirmation: bool = False,
    attachments: dict[str, int] | None = None,
    simple: SimpleFiling | None = None,
) -> list[FileItem]:
    """卷内目录 (domain.md §2.2) with what is present. The 协议书 is required when mediation
    succeeded (an oral agreement is filed as its register); a failed or terminated case files
    its mediation record instead. ``simple``: the case follows the simple procedure, and filing
    requires only what that procedure's settings name (the rest stays in the list, optional)."""
    att = attachments or {}
    succeeded = f.outcome is Outcome.SUCCEEDED
    agreement_name = "人民调解口头协议登记表" if f.agreement_form is AgreementForm.ORAL else "人民调解协议书"

    def waived(required: bool, present: bool) -> str:  # said only of a paper the file does not have
        return "" if required or present else "简易程序不要求"

    notice = True if simple is None else simple.notice
    id_proofs = True if simple is None else simple.id_proofs
    record = True if simple is None else simple.mediation_record
    closing = True if simple is None else simple.closing_report
    return [
        FileItem(1, "人民调解申请书或受理登记表", True, f.has_intake_document),
        FileItem(2, "人民调解当事人权利义务告知书", notice, f.notice_given, waived(notice, f.notice_given)),
        FileItem(3, "当事人身份证明", id_proofs, f.id_proofs, waived(id_proofs, f.id_proofs)),
        FileItem(4, "授权委托书", False, att.get("power_of_attorney", 0) > 0),
        FileItem(5, "人民调解调查记录", False, investigation_records > 0),
        FileItem(6, "人民调解证据材料", False, att.get("evidence", 0) > 0),
        FileItem(7, "人民调解记录", record, f.mediation_records > 0, waived(record, f.mediation_records > 0)),
        FileItem(8, agreement_name, succeeded, f.has_agreement, "" if succeeded else "调解未成功，无需协议"),
        FileItem(9, "履行凭证（收条、汇款单等）", False, att.get("receipt", 0) > 0),
        FileItem(10, "人民调解回访记录", False, followups > 0),
        FileItem(11, "司法确认有关材料", False, confirmation),
        FileItem(12, "结案报告表", closing, f.closing_report, waived(closing, f.closing_report)),
        FileItem(13, "封底", True, True, "归档时自动生成"),
    ]


def missing_for_filing(items: list[FileItem]) -> list[str]:
    return [i.name for i in items if i.required and not i.present]


def check_filing(items: list[FileItem]) -> None:
    missing = missing_for_filing(items)
    if missing:
        raise UserError("卷宗不完整，不能归档。缺少：" + "、".join(missing) + "。")


ATTACHMENT_KINDS = {
    "id_proof": "当事人身份证明",
    "power_of_attorney": "授权委托书",
    "evidence": "证据材料",
    "receipt": "履行凭证",
    "application_scan": "申请书扫描件",
    "agreement_scan": "签字协议书扫描件",
    "photo": "现场照片",
    "other": "其他材料",
}
