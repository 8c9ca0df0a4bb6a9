"""Validation of a party (当事人) as typed: ID numbers (GB 11643), credit codes (GB 32100),
the cross-check of gender and birth date against the ID number, and civil capacity (民法典第17–23条):
a natural person under 18 acts through a legal representative (法定代理人) unless 16–17 and living
on their own income (the mediator ticks it with a reason); under 8 never signs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from xihu_desk.domain import idnumber
from xihu_desk.domain.cases import age_on
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
    # 法定代理人: the name is ``guardian`` (guardians are the legal representatives, 民法典第23条)
    rep_relation: str = ""
    rep_id_number: str = ""
    rep_phone: str = ""
    acts_alone: bool = False  # 16–17, own labour income the main living source (民法典第18条)
    acts_alone_reason: str = ""
    service_address: str = ""  # 送达地址
    tags: str = ""  # special-group codes (code list party_tag), comma-separated


ADULT_AGE = 18
INCOME_AGE = 16  # 16–17 living on their own income count as adults (民法典第18条)
SIGN_AGE = 8  # under 8: no capacity, the legal representative acts and signs (民法典第20条)
# Special-group tags the app derives from age (code list party_tag), offered as suggestions.
TAG_ELDERLY, TAG_MINOR = "01", "03"
ELDERLY_AGE = 60  # 老年人权益保障法第2条


def age_of(p: PartyInput, on: date) -> int | None:
    """A natural person's age on ``on`` (the case's accepted date), from the birth date."""
    if p.kind != "person" or p.birth_date is None:
        return None
    return age_on(p.birth_date, on)


def needs_representative(p: PartyInput, on: date) -> bool:
    age = age_of(p, on)
    return age is not None and age < ADULT_AGE and not (p.acts_alone and age >= INCOME_AGE)


def signs_self(birth: date | None, on: date) -> bool:
    """Under 8 never signs: the signature line goes to the legal representative."""
    return birth is None or age_on(birth, on) >= SIGN_AGE


def suggested_tags(p: PartyInput, on: date) -> list[str]:
    """未成年人 and 老年人 follow from the age; the form offers them, the mediator decides."""
    age = age_of(p, on)
    if age is None:
        return []
    return [TAG_MINOR] if age < ADULT_AGE else [TAG_ELDERLY] if age >= ELDERLY_AGE else []


def tag_codes(value: str) -> list[str]:
    return [t for t in (x.strip() for x in value.replace("，", ",").replace("、", ",").split(",")) if t]


def validate_credit_code(value: str) -> str:
    code = value.strip().upper().replace(" ", "")
    if len(code) != 18:
        raise UserError(f"统一社会信用代码应为 18 位，现为 {len(code)} 位。")
    if any(c in "IOSVZ" for c in code):
        raise UserError("统一社会信用代码中不会出现 I、O、S、V、Z 这几个字母，请核对。")
    from stdnum import exceptions as stdnum_errors  # loaded on use: costly for every command (issue 15)
    from stdnum.cn import uscc

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
    p = _check_common(p, who)
    if p.kind == "org":
        if not p.credit_code.strip():
            raise FieldError("credit_code", f"{who}：请填写统一社会信用代码。")
        try:
            code = validate_credit_code(p.credit_code)
        except UserError as exc:
            raise FieldError("credit_code", f"{who}：{exc.message}") from None
        return replace(
            p,
            credit_code=code,
            gender="",
            birth_date=None,
            id_number="",
            id_type="resident",
            acts_alone=False,
            acts_alone_reason="",
        )
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
    p = _check_representative(p, on, who)
    if p.agent_kind not in AGENT_KINDS:
        raise FieldError("agent_kind", f"{who}：未知的代理人类型。")
    if p.agent_kind and not p.agent_name.strip():
        raise FieldError("agent_name", f"{who}：请填写代理人姓名。")
    return p


def _check_common(p: PartyInput, who: str) -> PartyInput:
    """Fields every party has: 送达地址 and the special-group tags."""
    service = p.service_address.strip()
    if len(service) > 120:
        raise FieldError("service_address", f"{who}：送达地址不能超过 120 个字。")
    tags = tag_codes(p.tags)
    if any(len(t) > 4 or not t.isalnum() for t in tags):
        raise FieldError("tags", f"{who}：特殊群体标签不在代码表中，请从列表中选择。")
    return replace(p, service_address=service, tags=",".join(dict.fromkeys(tags)))


def _check_representative(p: PartyInput, on: date, who: str) -> PartyInput:
    """Under 18 (on the accepted date): a legal representative, or 16–17 acting alone with a reason."""
    age = age_of(p, on)
    p = replace(
        p,
        guardian=p.guardian.strip(),
        rep_relation=p.rep_relation.strip(),
        rep_phone=p.rep_phone.strip(),
        rep_id_number=p.rep_id_number.strip(),
        acts_alone_reason=p.acts_alone_reason.strip(),
    )
    if p.acts_alone:
        if age is None or not INCOME_AGE <= age < ADULT_AGE:
            raise FieldError(
                "acts_alone",
                f"{who}：只有已满 16 周岁未满 18 周岁的当事人才能以自己的劳动收入为主要生活来源"
                "而独立参加调解，请取消勾选。",
            )
        if not p.acts_alone_reason:
            raise FieldError(
                "acts_alone_reason",
                f"{who}：勾选了以自己的劳动收入为主要生活来源，请写明依据（如工作单位、收入情况）。",
            )
    if age is None or age >= ADULT_AGE or p.acts_alone:
        return p
    if not p.guardian and p.agent_kind == "legal" and p.agent_name.strip():  # typed as the 代理人 法定代理人
        p = replace(p, guardian=p.agent_name.strip(), rep_phone=p.rep_phone or p.agent_phone.strip())
    lead = f"{who}未满 8 周岁，不能自己签字" if age < SIGN_AGE else f"{who}未满 18 周岁"
    if not p.guardian:
        raise FieldError("guardian", f"{lead}，须填写法定代理人（监护人）姓名，由法定代理人代为参加调解和签字。")
    if not p.rep_relation:
        raise FieldError("rep_relation", f"{who}：请填写法定代理人与当事人的关系（如父亲、母亲）。")
    if not p.rep_phone:
        raise FieldError("rep_phone", f"{who}：请填写法定代理人的联系电话。")
    if not p.rep_id_number:
        raise FieldError("rep_id_number", f"{who}：请填写法定代理人的身份证件号码。")
    if len(p.rep_id_number) == 18 and p.rep_id_number[:17].isdigit():  # a resident ID: check it; other papers as typed
        try:
            number = idnumber.validate(p.rep_id_number, today=on)
        except UserError as exc:
            raise FieldError("rep_id_number", f"{who}的法定代理人：{exc.message}") from None
        p = replace(p, rep_id_number=number)
    return p
