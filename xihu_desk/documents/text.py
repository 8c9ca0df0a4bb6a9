"""Wording helpers of the printed documents: dates, small Chinese numerals, money in capitals."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape

import cn2an  # about 0.1 s to import: paid with the module, not by the first document

from xihu_desk.domain import clock

DIGITS = "〇一二三四五六七八九"
GAP = "\u3000\u3000"  # room to write a figure by hand (ideographic spaces survive layout)
BLANK_DAY = f"{GAP}年{GAP}月{GAP}日"


def esc(text: object) -> str:
    """User text as paragraph markup that prints exactly as typed (a party named <b> stays <b>)."""
    # reportlab collapses runs of whitespace; an ideographic space (used to space out labels and
    # to leave room for handwriting) becomes four no-break spaces of the same total width.
    return (
        escape("" if text is None else str(text))
        .replace("\r\n", "\n")
        .replace("\n", "<br/>")
        .replace("\u3000", "\u00a0" * 4)
    )


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一 (clause numbers, copies); plain digits from 100 on."""
    if n < 0 or n >= 100:
        return str(n)
    if n < 10:
        return DIGITS[n] if n else "零"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def _as_date(value: str | date | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def day(value: str | date | None, blank: str = BLANK_DAY) -> str:
    """2026年3月6日, or a blank to be filled in by hand."""
    d = _as_date(value)
    return f"{d.year}年{d.month}月{d.day}日" if d else blank


def day_cn(value: str | date | None, blank: str = BLANK_DAY) -> str:
    """二〇二六年三月六日: the date under a seal."""
    d = _as_date(value)
    if d is None:
        return blank
    year = "".join(DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{cn_number(d.month)}月{cn_number(d.day)}日"


def minute(value: str | None) -> str:
    """2026-03-05T09:30 → 2026年3月5日9时30分."""
    if not value:
        return f"{BLANK_DAY}{GAP}时{GAP}分"
    t = datetime.fromisoformat(value)
    return f"{t.year}年{t.month}月{t.day}日{t.hour}时{t.minute:02d}分"


def age(birth: str | None, on: str | date | None) -> str:
    b, d = _as_date(birth), _as_date(on) or clock.local_today()
    if b is None:
        return ""
    return f"{d.year - b.year - ((d.month, d.day) < (b.month, b.day))}岁"


def _cents(amount: float | int | Decimal | str) -> Decimal:
    return Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def figures(amount: float | int | Decimal | str) -> str:
    """¥170,000.00"""
    return f"¥{_cents(amount):,.2f}"


def capitals(amount: float | int | Decimal | str) -> str:
    """壹拾柒万元整 (cn2an)."""
    value = _cents(amount)
    if value == 0:
        return "零元整"
    return cn2an.an2cn(f"{value:.2f}", "rmb")


def money(amount: float | int | Decimal | str) -> str:
    """人民币壹拾柒万元整（¥170,000.00）"""
    return f"人民币{capitals(amount)}（{figures(amount)}）"
