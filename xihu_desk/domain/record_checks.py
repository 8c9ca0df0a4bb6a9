"""What a record arriving in a bundle may hold, checked before anything is written (design.md §5.5).

The sender's signature proves who sent a bundle, not that what it sent is sound: a broken or
compromised child node can put anything into a bundle it signs. So every record document is
parsed with its size and nesting bounded, and every value is held to what its column can take:
codes from the reference lists, text of bounded length without control characters or broken
Unicode, integers that fit in 64 bits, dates that parse. A record that fails is quarantined with
the reason; the rest of the bundle goes on (services/exchange.py, store/aggregates.py).

Pure functions and tables: the columns come from the store, the reference lists from the database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

from xihu_desk.domain import cases, committee_rules, grading, parties, screening
from xihu_desk.domain.reviews import ReviewStatus

MAX_RECORD_BYTES = 16 * 1024 * 1024  # one record document (one line of records/KIND.jsonl)
MAX_DEPTH = 8  # a case document is three deep: {"parties": [{...}]}
MAX_TEXT = 1_000_000  # characters in a column without a declared length (Text)
# A String(n) column takes n characters: PostgreSQL enforces n, so a record with more is refused on
# both backends before anything is written (issue 17; store/lengths.py holds the same for the ORM).
STRING_SLACK = 1
SINGLE_LINE_UP_TO = 80  # String columns up to this length hold names, numbers and codes: one line
INT64 = (-(2**63), 2**63 - 1)
YEARS = (1800, 2199)  # dates and times outside these are typing errors or garbage

_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# C0 and C1 control characters and DEL; tab, line feed and carriage return are text in long fields.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# One pass for the usual case (nothing wrong); the reason is looked for only on a hit.
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_BAD_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_CODE_LIKE = re.compile(r"[a-z0-9_]{0,20}")


class RecordProblem(ValueError):
    """Why a record cannot be taken, in Chinese, safe to print."""


def _refuse_constant(name: str) -> Any:
    raise RecordProblem(f"记录中有非法数值 {name}")


def within_depth(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when the JSON text nests arrays and objects no deeper than about ``limit`` levels,
    found without parsing: strings are taken out, then innermost pairs of brackets are removed,
    one round per level (each round is one pass in C, so a hostile line costs little)."""
    brackets = _STRINGS.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return True
        brackets = brackets.replace(b"[]", b"").replace(b"{}", b"")
    return not brackets


def parse_document(raw: bytes, *, limit: int = MAX_RECORD_BYTES, depth: int = MAX_DEPTH) -> Any:
    """One JSON document, bounded in size and depth; NaN and Infinity refused."""
    if len(raw) > limit:
        raise RecordProblem(f"记录过大（超过 {limit // (1024 * 1024)} MB）")
    if not within_depth(raw, depth):
        raise RecordProblem("记录嵌套层次过深")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordProblem("记录不是有效的 UTF-8 文字") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecordProblem:
        raise
    except (ValueError, RecursionError):
        raise RecordProblem("记录不是有效的 JSON") from None


def single_line(length: int | None) -> bool:
    return length is not None and 0 < length <= SINGLE_LINE_UP_TO


def text_problem(value: str, *, length: int | None, slack: int = STRING_SLACK) -> str:
    """Why ``value`` cannot go into a text column of declared ``length`` (None: unbounded), or ''."""
    limit = length * slack if length else MAX_TEXT
    if len(value) > limit:
        return f"过长（{len(value)} 字，上限 {limit} 字）"
    if (_BAD_LINE if single_line(length) else _BAD_TEXT).search(value) is None:
        return ""
    if _SURROGATE.search(value):
        return "含有无效的 Unicode 字符（孤立的代理项）"
    if _CONTROL.search(value):
        return "含有控制字符"
    if single_line(length) and _LINE_BREAK.search(value):
        return "不能含有换行或制表符"
    return ""


def integer_problem(value: Any) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return "应为整数"
    if not INT64[0] <= value <= INT64[1]:
        return "超出 64 位整数的范围"
    return ""


def printable(value: Any, limit: int = 120) -> str:
    """A value from a bundle as it may be shown or stored in a list: control characters, broken
    Unicode and line breaks become '?', and it is cut to ``limit`` characters."""
    text = value if isinstance(value, str) else str(value)
    text = text[: limit + 1]
    text = "".join("?" if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_key(value: Any) -> str:
    """A uuid from a document fit for the receipt and the quarantine list, or '' when it is not."""
    if isinstance(value, str) and 0 < len(value) <= 144 and not text_problem(value, length=36, slack=4):
        return value
    return ""


def record_version(value: Any) -> int:
    return value if not integer_problem(value) and value >= 0 else 0


# ---------------------------------------------------------------- codes


@dataclass(frozen=True)
class Code:
    """The values a code column may hold: a reference list (db/reference/codes.json, replaceable
    by the district) or a fixed set from the domain; ``empty``: '' is allowed (not filled in)."""

    list_name: str = ""
    values: frozenset[str] = frozenset()
    empty: bool = False


def _fixed(*groups: Any, empty: bool = False) -> Code:
    values: set[str] = set()
    for g in groups:
        values.update(str(getattr(v, "value", v)) for v in g)
    return Code(values=frozenset(values), empty=empty)


CODES: dict[tuple[str, str], Code] = {
    ("mediation_case", "dispute_type"): Code("dispute_type"),
    ("mediation_case", "source"): Code("case_source"),
    ("mediation_case", "referrer_type"): Code("referrer_type", empty=True),
    ("mediation_case", "difficulty"): Code("difficulty"),
    ("mediation_case", "retention"): Code("retention", empty=True),
    ("mediation_case", "status"): _fixed(cases.Status),
    ("mediation_case", "outcome"): _fixed(cases.Outcome),
    ("mediation_case", "agreement_form"): _fixed(cases.AgreementForm),
    ("mediation_case", "procedure"): _fixed(cases.Procedure),
    ("mediation_case", "referral_to"): Code("referral_target", empty=True),
    ("party", "role"): Code("party_role"),
    ("party", "kind"): _fixed(parties.KINDS),
    ("party", "id_type"): _fixed(parties.ID_TYPES),
    ("party", "agent_kind"): _fixed(parties.AGENT_KINDS, empty=True),
    ("attachment", "kind"): _fixed(cases.ATTACHMENT_KINDS),
    ("mediator", "employment_type"): _fixed(grading.EMPLOYMENT),
    ("mediator", "gender"): _fixed(grading.GENDER, empty=True),
    ("mediator", "education"): _fixed(grading.EDUCATION, empty=True),
    ("mediator", "political_status"): _fixed(grading.POLITICAL, empty=True),
    ("mediator", "legal_qualification"): _fixed(grading.LEGAL_QUALIFICATION, empty=True),
    ("mediator", "source"): _fixed(grading.SOURCE, empty=True),
    ("mediator", "status"): _fixed(grading.STATUS),
    ("mediator_event", "kind"): _fixed(grading.EVENT_KINDS),
    ("mediator_event", "art15"): _fixed(grading.ART15, empty=True),
    ("review_item", "item_type"): Code("review_type"),
    ("review_item", "conclusion"): Code("review_conclusion", empty=True),
    ("review_item", "adoption"): Code("review_adoption", empty=True),
    ("review_item", "status"): _fixed(ReviewStatus),
    ("grading_application", "status"): _fixed(grading.APPLICATION_STATUS),
    ("grading_step", "step"): _fixed(grading.STEP_LABELS),
    ("info_officer", "kind"): _fixed(screening.OFFICER_KINDS),
    ("committee_profile", "org_kind"): _fixed(committee_rules.ORG_KINDS),
    ("committee_member", "role"): _fixed(committee_rules.ROLES),
    ("case_escalation", "kind"): _fixed(committee_rules.MOVES),
    ("screening_round", "method"): _fixed(screening.METHODS),
    ("screened_dispute", "dispute_type"): Code("dispute_type"),
    ("screened_dispute", "risk"): _fixed(screening.RISKS),
    ("screened_dispute", "status"): _fixed(screening.STATUSES),
    ("screening_change", "kind"): _fixed(screening.CHANGE_KINDS),
}
# Code columns whose values are not listed in one place: they still must look like a code.
CODE_LIKE = frozenset(
    {
        ("mediation_case", "intake_form"),
        ("mediation_case", "notice_form"),
        ("mediation_case", "performed"),
        ("committee", "kind"),
        ("case_record", "kind"),
        ("agreement", "form"),
        ("followup", "performance"),
        ("followup", "satisfaction"),
        ("confirmation", "result"),
        ("mediator_event", "outcome"),
        ("mediator", "grade_level"),
        ("grading_application", "level_code"),
        ("grading_application", "granted_level"),
        ("mediator_grade", "level_code"),
    }
)


# Columns of a fixed shape.
SHAPES = {
    ("attachment", "sha256"): re.compile(r"[0-9a-f]{64}"),
    # comma-separated codes (party_tag, told_route); empty when none
    ("party", "tags"): re.compile(r"(?:[0-9A-Za-z]{1,4}(?:,[0-9A-Za-z]{1,4})*)?"),
    ("mediation_case", "told_routes"): re.compile(r"(?:[a-z_]{1,20}(?:,[a-z_]{1,20})*)?"),
}


@cache
def code_columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` that hold codes or values of a fixed shape."""
    return tuple(sorted({c for t, c in (*CODES, *CODE_LIKE, *SHAPES) if t == table}))


def code_lists() -> set[str]:
    """The reference lists the checks need (loaded once per batch by the store)."""
    return {c.list_name for c in CODES.values() if c.list_name}


def code_problem(table: str, column: str, value: Any, reference: dict[str, set[str]] | None) -> str:
    """Why ``value`` is not a code column's value, or ''. ``reference`` holds every code of each
    list, retired ones included (a record made before a code was retired keeps it); None: the
    reference lists are not checked (the sender checking its own records before they leave)."""
    if not isinstance(value, str):
        return ""  # the column's own type check speaks
    shape = SHAPES.get((table, column))
    if shape is not None:
        return "" if shape.fullmatch(value) else "值格式不对"
    code = CODES.get((table, column))
    if code is None:
        if (table, column) in CODE_LIKE and not _CODE_LIKE.fullmatch(value):
            return f"“{printable(value, 20)}”不是有效的代码"
        return ""
    if value == "" and code.empty:
        return ""
    allowed: Collection[str]
    if code.list_name:
        if reference is None:
            return ""
        allowed = reference.get(code.list_name, set())
    else:
        allowed = code.values
    if value not in allowed:
        return f"代码“{printable(value, 20)}”不在代码表中"
    return ""
