"""Validation of a party (当事人) as typed: ID numbers (GB 11643), credit codes (GB 32100),
the cross-check of gender and birth date against the ID number, and the under-14 rule."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from xihu_desk.domain import idnumber
from xihu_desk.domain.cases import is_minor
from xihu_desk.domain.errors import FieldError, UserError

ROLES = {"applicant": "申请人", "respondent": "被申请人", "third": "第三人"}
KINDS = {"person": "自然人", "org": "法人或其他组织"}
ID_TYPES = {"resident": "居民身份证", "passport": "护照", "other": "其他证件"}
AGENT_KINDS = {"": "无", "legal": "法定代理人", "entrusted": "委托代理人"}


@dataclass(frozen=True)
class PartyInput:
    role: str
    kind: str
    name: str
    gender: str = ""
    ethnicity: str = ""
    birth_date: date | None = None
    id_type: str = "resident"
    id_number: str = ""
    phone: str = ""
    address: str = ""
    occupation: str = ""
    credit_code: str = ""
    legal_rep: str = ""
    guardian: str = ""
    agent_kind: str = ""
    agent_name: str = ""
    agent_phone: str = ""
    uuid: str | None = None  # set when editing an existing party


def validate_credit_code(value: str) -> str:
    code = value.strip().upper().replace(" ", "")
    if len(code) != 18:
        raise UserError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位。")
    if any(c in "IOSVZ" for c in code):
        raise UserError("统一社会信用代码中不会出现 I、O、S、V、Z 这几个字母，请核对。")
    try:
        uscc.validate(code)
    except stdnum_errors.InvalidChecksum:
        raise UserError("统一社会信用代码校验位不符，请核对每一位。") from None
    except stdnum_errors.ValidationError:
        raise UserError("统一社会信用代码格式不对：前 8 位应为数字。") from None
    return code


def validate_party(p: PartyInput, on: date) -> PartyInput:
    """Return the party with normalised fields, or raise FieldError naming the field."""
    who = p.name.strip() or "当事人"
    if p.role not in ROLES:
        raise FieldError("role", f"{who}：请选择当事人身份（申请人、被申请人或第三人）。")
    if p.kind not in KINDS:
        raise FieldError("kind", f"{who}：请选择自然人或组织。")
    if not p.name.strip():
        raise FieldError("name", "请填写当事人姓名或名称。")
    p = replace(p, name=p.name.strip(), phone=p.phone.strip(), address=p.address.strip())
    if p.kind == "org":
        if not p.credit_code.strip():
            raise FieldError("credit_code", f"{who}：请填写统一社会信用代码。")
        try:
            code = validate_credit_code(p.credit_code)
        except UserError as exc:
            raise FieldError("credit_code", f"{who}：{exc.message}") from None
        return replace(p, credit_code=code, gender="", birth_date=None, id_number="", id_type="resident")
    if p.gender not in ("", "男", "女"):
        raise FieldError("gender", f"{who}：性别应为“男”或“女”。")
    if p.id_type not in ID_TYPES:
        raise FieldError("id_type", f"{who}：未知的证件类型。")
    if p.id_type == "resident" and p.id_number.strip():
        try:
            number = idnumber.validate(p.id_number, today=on)
        except UserError as exc:
            raise FieldError("id_number", f"{who}：{exc.message}") from None
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        gender = idnumber.gender(number)
        if p.gender and p.gender != gender:
            raise FieldError("gender", f"{who}：身份证号显示性别为“{gender}”，与所填“{p.gender}”不符。")
        if p.birth_date and p.birth_date != birth:
            raise FieldError("birth_date", f"{who}：身份证号显示出生日期为 {birth:%Y年%m月%d日}，与所填不符。")
        p = replace(p, id_number=number, gender=gender, birth_date=birth)
    else:
        p = replace(p, id_number=p.id_number.strip())
    if p.birth_date and p.birth_date > on:
        raise FieldError("birth_date", f"{who}：出生日期不能晚于受理日期。")
    if is_minor(p.birth_date, on) and not p.guardian.strip():
        raise FieldError("guardian", f"{who}未满 14 周岁，须填写监护人（由监护人代为签字）。")
    if p.agent_kind not in AGENT_KINDS:
        raise FieldError("agent_kind", f"{who}：未知的代理人类型。")
    if p.agent_kind and not p.agent_name.strip():
        raise FieldError("agent_name", f"{who}：请填写代理人姓名。")
    return p
