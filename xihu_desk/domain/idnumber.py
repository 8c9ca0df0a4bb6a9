"""Resident ID numbers (GB 11643): validation with a reason, and masking for lists and for everything
that leaves the app (``mask_text``, ``scrub``)."""

from __future__ import annotations

import re
from datetime import date

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError


def normalise(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def validate(value: str, today: date | None = None) -> str:
    """Return the normalised 18-character number or raise UserError saying what is wrong."""
    number = normalise(value)
    if len(number) == 15 and number.isdigit():
        raise UserError("身份证号应为 18 位，现为 15 位（第一代身份证号已停用），请改填现用的 18 位号码。")
    if len(number) != 18:
        raise UserError(f"身份证号应为 18 位，现为 {len(number)} 位。")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise UserError("身份证号前 17 位须为数字，最后一位为数字或 X。")
    # python-stdnum costs more to import than a command's work: loaded on the first check (issue 15)
    from stdnum import exceptions as stdnum_errors
    from stdnum.cn import ric

    try:
        birth = ric.get_birth_date(number)
    except stdnum_errors.ValidationError:
        raise UserError("身份证号中的出生日期不是有效日期。") from None
    today = today or clock.local_today()
    if birth.year < 1900:
        raise UserError(f"身份证号中的出生日期（{birth.year}年）不合理。")
    if birth > today:
        raise UserError(f"身份证号中的出生日期（{birth:%Y年%m月%d日}）晚于{today:%Y年%m月%d日}，不合理。")
    if ric.calc_check_digit(number) != number[17]:
        raise UserError("身份证号校验位不符，请核对每一位数字。")
    # Unknown address codes are not refused: abolished codes stay valid on old cards
    # (domain.md §9.1); see birthplace_known() for a warning.
    return number


def birthplace_known(number: str) -> bool:
    from stdnum import exceptions as stdnum_errors
    from stdnum.cn import ric

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


# ---------------------------------------------------------------- masking whatever leaves the app
#
# Exports and reports are masked by their content, not by which column a number sits in: a number
# shaped like an ID (15 digits, or 17 digits and a digit or X; ASCII or full-width; also written in
# groups 6-8-4 with spaces or hyphens) that is not part of a longer run of digits is masked in any
# text, whatever field it came from (kept legacy columns, notes, claims, agreement clauses ...).
# Digests are left alone: a run of digits inside a long hex string is not a number a person wrote.

_D = "[0-9０-９]"
_ID_SHAPED = re.compile(
    rf"(?<![0-9０-９])(?:{_D}{{17}}[0-9０-９XxＸｘ]|{_D}{{15}}"
    rf"|{_D}{{6}}[ \-]{_D}{{8}}[ \-]{_D}{{3}}[0-9０-９XxＸｘ]|{_D}{{6}}[ \-]{_D}{{6}}[ \-]{_D}{{3}})"
    rf"(?![0-9０-９])"
)
_SIX_DIGITS = re.compile("[0-9０-９]{6}")
_HEX = frozenset("0123456789abcdefABCDEF")
_WIDE = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX")
DIGEST_MIN = 32
BIRTH_KEYS = frozenset({"birth_date", "birth"})


def _in_digest(text: str, start: int, end: int) -> bool:
    while start > 0 and text[start - 1] in _HEX:
        start -= 1
    while end < len(text) and text[end] in _HEX:
        end += 1
    return end - start >= DIGEST_MIN


def _credit_code(number: str) -> bool:
    """An organisation's 统一社会信用代码 written in digits only: it begins with 9 (companies, 个体工商户,
    cooperatives), which no resident ID does (no province code 9x), and its check character fits.
    It is public and stays readable in exports."""
    plain = number.translate(_WIDE)
    if len(plain) != 18 or plain[0] != "9":
        return False
    from stdnum.cn import uscc

    return uscc.is_valid(plain)


def mask_text(text: str) -> str:
    """``text`` with every ID-shaped number in it masked as ``mask`` does (first 4 and last 4)."""
    if len(text) < 15 or not _SIX_DIGITS.search(text):  # the cheap test first: most text has no ID
        return text

    def masked(m: re.Match[str]) -> str:
        if _in_digest(text, m.start(), m.end()):
            return m.group(0)
        number = re.sub(r"[ \-]", "", m.group(0))
        if _credit_code(number):
            return m.group(0)
        return mask(number)

    return _ID_SHAPED.sub(masked, text)


def mask_number(value: int | float) -> int | float | str:
    """A whole number of 15 or 18 digits (an ID typed into a numeric cell) becomes masked text."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        return value
    digits = str(abs(int(value)))
    if len(digits) in (15, 18):
        return mask(digits)
    return value


def mask_birth(value: object) -> object:
    """A birth date reduced to its year (with the check digit, a full date narrows an ID down to a few)."""
    if value is None or value == "":
        return value
    text = value.isoformat() if isinstance(value, date) else str(value)
    return text[:4] if len(text) >= 4 and text[:4].isdigit() else mask_text(text)


def scrub(doc: object, *, reveal: bool = False) -> object:
    """A document on its way out (CLI JSON or text): ID-shaped numbers masked in every string and
    birth dates cut to the year, unless ``reveal`` (a role that may, audited by the service that
    gave the full numbers). Lists, tuples and dicts are walked; everything else passes as it is."""
    if reveal:
        return doc
    if isinstance(doc, str):
        return mask_text(doc)
    if isinstance(doc, dict):
        return {k: (mask_birth(v) if k in BIRTH_KEYS else scrub(v)) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [scrub(v) for v in doc]
    if isinstance(doc, int | float) and not isinstance(doc, bool):
        return mask_number(doc)
    return doc
