"""What may be corrected on a case after it was closed, and how a typed value is read.

A correction changes one field at a time with a reason (issue 14); the service checks who may
(services/case_lifecycle.py). Fields are named as ``case correct --field`` takes them: a case field
(``summary``), an agreement field (``agreement.clauses``) or a party's field by its position in
the case (``party.1.name``, 1 = the first party listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from xihu_desk.domain.errors import FieldError


@dataclass(frozen=True)
class FieldSpec:
    name: str  # as typed after --field
    label: str
    kind: str  # text, longtext, date, money, code, clauses
    part: str  # case, agreement, party
    column: str
    code_list: str = ""
    required: bool = False


CASE_FIELDS = (
    FieldSpec("accepted_on", "受理日期", "date", "case", "accepted_on", required=True),
    FieldSpec("dispute_type", "纠纷类型", "code", "case", "dispute_type", "dispute_type", True),
    FieldSpec("dispute_subtype", "纠纷细类", "text", "case", "dispute_subtype"),
    FieldSpec("difficulty", "难易程度", "code", "case", "difficulty", "difficulty", True),
    FieldSpec("summary", "纠纷简要情况", "longtext", "case", "summary", required=True),
    FieldSpec("claims", "当事人请求", "longtext", "case", "claims"),
    FieldSpec("amount", "涉及金额（元）", "money", "case", "amount_fen"),
    FieldSpec("registrar", "登记人", "text", "case", "registrar"),
    FieldSpec("referrer_name", "移送单位名称", "text", "case", "referrer_name"),
    FieldSpec("referrer_doc_no", "移送文书编号", "text", "case", "referrer_doc_no"),
    FieldSpec("reported_to", "已报告的部门", "text", "case", "reported_to"),
    FieldSpec("notice_given_on", "权利义务告知日期", "date", "case", "notice_given_on"),
    FieldSpec("outcome_on", "调解结果日期", "date", "case", "outcome_on"),
    FieldSpec("failure_reason", "调解不成功或终止的原因", "longtext", "case", "failure_reason"),
    FieldSpec("closed_on", "结案时间", "date", "case", "closed_on"),
    FieldSpec("closing_report", "结案报告", "longtext", "case", "closing_report"),
)
AGREEMENT_FIELDS = (
    FieldSpec("agreement.facts", "协议：纠纷主要事实", "longtext", "agreement", "facts"),
    FieldSpec("agreement.disputed", "协议：争议事项", "longtext", "agreement", "disputed"),
    FieldSpec("agreement.responsibility", "协议：各方责任", "longtext", "agreement", "responsibility"),
    FieldSpec("agreement.clauses", "协议条款", "clauses", "agreement", "clauses", required=True),
    FieldSpec(
        "agreement.performance_method", "协议：履行方式", "text", "agreement", "performance_method", required=True
    ),
    FieldSpec("agreement.performance_place", "协议：履行地点", "text", "agreement", "performance_place"),
    FieldSpec("agreement.performance_deadline", "协议：履行期限", "date", "agreement", "performance_deadline"),
    FieldSpec("agreement.amount", "协议金额（元）", "money", "agreement", "amount_fen"),
    FieldSpec("agreement.effective_on", "协议日期", "date", "agreement", "effective_on", required=True),
)
PARTY_COLUMNS = (
    ("name", "姓名或名称", "text", True),
    ("id_number", "证件号码", "text", False),
    ("phone", "联系电话", "text", False),
    ("address", "住址", "text", False),
)
_PARTY = re.compile(r"^party\.(\d{1,2})\.(\w+)$")


def party_field(position: int, column: str, who: str = "") -> FieldSpec:
    """The spec of party ``position`` (1-based) ``column``; ``who`` names the party in the label."""
    for name, label, kind, required in PARTY_COLUMNS:
        if name == column:
            prefix = f"当事人{position}" + (f"（{who}）" if who else "")
            return FieldSpec(f"party.{position}.{column}", f"{prefix}{label}", kind, "party", column, required=required)
    raise KeyError(column)


def spec(name: str, parties: int, has_agreement: bool) -> FieldSpec:
    """The field ``name`` of a case with ``parties`` parties, or a FieldError listing what may be."""
    for s in CASE_FIELDS + (AGREEMENT_FIELDS if has_agreement else ()):
        if s.name == name:
            return s
    m = _PARTY.match(name)
    if m and 1 <= int(m.group(1)) <= parties and m.group(2) in {c[0] for c in PARTY_COLUMNS}:
        return party_field(int(m.group(1)), m.group(2))
    if name.startswith("agreement.") and not has_agreement:
        raise FieldError("field", f"本案没有登记协议，不能更正“{name}”。")
    raise FieldError(
        "field",
        f"“{name}”不是可更正的项目。可更正：{'、'.join(s.name for s in CASE_FIELDS)}、"
        f"agreement.*（有协议时）、party.N.name / id_number / phone / address。",
    )


def parse(s: FieldSpec, text: str) -> object:
    """The value typed for field ``s`` in storage form: str, date, fen (int) or a list of clauses."""
    value = text.strip()
    if s.kind == "date":
        if not value:
            if s.required:
                raise FieldError("value", f"{s.label}不能为空。")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise FieldError("value", f"{s.label}应为日期，如 2026-03-05。") from None
    if s.kind == "money":
        try:
            amount = Decimal(value.replace(",", "").replace("，", "") or "0")
        except InvalidOperation:
            raise FieldError("value", f"{s.label}应为金额数字（元），如 3000 或 1250.50。") from None
        # finite and bounded before comparing and quantizing (NaN or 1e400 raise InvalidOperation there)
        if not amount.is_finite() or amount < 0 or amount > 10**11 or amount != amount.quantize(Decimal("0.01")):
            raise FieldError("value", f"{s.label}应为不小于 0、至多两位小数的金额（元）。")
        return int(amount * 100)
    if s.kind == "clauses":
        clauses = [line.strip() for line in value.splitlines() if line.strip()]
        if not clauses:
            raise FieldError("value", "协议至少需要一条具体内容（每行一条）。")
        return clauses
    if s.required and not value:
        raise FieldError("value", f"{s.label}不能为空。")
    if s.kind == "text" and ("\n" in value or "\r" in value):
        raise FieldError("value", f"{s.label}只能写一行。")
    return value


def shown(s: FieldSpec, value: object) -> str:
    """A stored value as the history and the audit log show it."""
    if value is None:
        return ""
    if s.kind == "money" and isinstance(value, int):
        return f"{Decimal(value) / 100:.2f}"
    if s.kind == "clauses" and isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


ACTIONS = {
    "correct": "更正",
    "reopen": "重新调解",
    "void": "作废",
    "link": "由此新立案件",
    "linked": "由原案件新立",
    "file": "归档（回访未完成）",
    "escalate": "提级/移交",  # services/escalation.py
    "co_mediate": "联合调解",
    "transfer": "移送",  # services/case_transfer.py
}
