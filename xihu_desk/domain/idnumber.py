"""Resident ID numbers (GB 11643): validation with a reason, and masking for lists."""

from __future__ import annotations

from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from xihu_desk.domain.errors import UserError


def normalise(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def validate(value: str, today: date | None = None) -> str:
    """Return the normalised 18-character number or raise UserError saying what is wrong."""
    number = normalise(value)
    if len(number) != 18:
        raise UserError(f"身份证号应为 18 位，现为 {len(number)} 位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise UserError("身份证号前 17 位须为数字，最后一位为数字或 X。")
    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise UserError("身份证号中的出生日期不是有效日期。") from None
    if birth.year < 1900 or birth > (today or date.today()):
        raise UserError("身份证号中的出生日期不合理。")
    if ric.calc_check_digit(number) != number[17]:
        raise UserError("身份证号校验位不符，请核对每一位数字。")
    # Unknown address codes are not refused: abolished codes stay valid on old cards
    # (domain.md §9.1); see birthplace_known() for a warning.
    return number


def birthplace_known(number: str) -> bool:
    try:
        ric.get_birth_place(number)
    except stdnum_errors.ValidationError:
        return False
    return True


def gender(number: str) -> str:
    return "男" if int(number[16]) % 2 else "女"


MASK_HEAD, MASK_TAIL = 4, 4  # issue 3: first 4 and last 4 shown (design.md §4 said 6; 4 hides the county)


def mask(number: str | None, head: int = MASK_HEAD, tail: int = MASK_TAIL) -> str:
    if not number:
        return ""
    if len(number) <= head + tail:
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]
