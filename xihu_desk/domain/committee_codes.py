"""字号: a committee's abbreviation in its case numbers, （2025）北山人调字第0012号 (domain.md §2.1).

The number printed on an agreement is how people find a case again, so no two committees in the
district may share a 字号 (issue 11: 北山街道人民调解委员会 and 北山社区's committee were both
“北山”). The street and town committees' 字号 come from db/reference/committee_codes.json; a
committee without a known one gets a default derived from its name: the name without the street or
town in front and without “人民调解委员会”, e.g. 北山街道北山社区人民调解委员会 → 北山社区. Street and
town 字号 never end in 社区 or 村, so a community named like its street no longer clashes. When
that default is taken, the street's 字号 goes in front (西溪桂花社区), then a number.

No database here: the caller says which 字号 are taken.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection

SUFFIX = "人民调解委员会"
MAX_LEN = 10
OWN_KINDS = ("street", "town")  # a street's or town's own committee carries the unit's 字号
WORD = "人调字"  # the fixed part of a case number after the 字号


def normalise(code: str) -> str:
    """What is stored: NFKC (full-width letters and digits become plain ones), no spaces."""
    return "".join(unicodedata.normalize("NFKC", code or "").split())


def problem(code: str) -> str | None:
    """Why ``code`` (normalised) cannot be a 字号, in one Chinese sentence; None when it can."""
    if not code:
        return "请填写字号（案件编号中调委会的简称，如“北山”）。"
    if len(code) > MAX_LEN:
        return f"字号“{code}”超过 {MAX_LEN} 个字，请缩短。"
    if not all(ch.isalnum() for ch in code):
        return f"字号“{code}”只能由汉字、字母和数字组成（不能有括号、标点或空格）。"
    if WORD in code or code.endswith("人调"):
        return f"字号“{code}”不能含有“{WORD}”：案件编号会读不清。"
    return None


def stem(name: str, org_name: str) -> str:
    """The distinctive part of a committee's name: 北山街道北山社区人民调解委员会 → 北山社区."""
    base = name.strip().removesuffix(SUFFIX) or name.strip()
    if org_name and base.startswith(org_name) and len(base) > len(org_name):
        base = base[len(org_name) :]
    return "".join(ch for ch in normalise(base) if ch.isalnum())


def default_code(
    name: str, org_name: str, org_short: str, kind: str, taken: Collection[str] | Callable[[str], bool]
) -> str:
    """A 字号 for a committee whose real one is not known, unique against ``taken`` (the 字号 of
    every committee here and those reserved by the reference list)."""
    is_taken = taken if callable(taken) else taken.__contains__
    base = stem(name, org_name)
    short = normalise(org_short)
    if kind in OWN_KINDS and (not base or base == normalise(org_name)):
        candidates = [short, base]
    elif kind == "other" and short and not base.startswith(short):
        # a street's trade committee (物业纠纷、劳动争议…): every street may have one, so the
        # street's 字号 leads (北山物业纠纷), not the trade alone
        candidates = [short + base, base]
    else:
        candidates = [base, short + base]
    for candidate in candidates:
        candidate = candidate[:MAX_LEN]
        if candidate and problem(candidate) is None and not is_taken(candidate):
            return candidate
    first = (candidates[0] or short or "调委会")[: MAX_LEN - 2]
    if problem(f"{first}2") is not None:
        first = "调委会"
    n = 2
    while True:
        candidate = f"{first}{n}"
        if problem(candidate) is None and not is_taken(candidate):
            return candidate
        n += 1
