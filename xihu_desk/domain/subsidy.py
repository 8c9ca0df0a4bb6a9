"""以案定补: what a closed case earns its mediators under the district's rule table (issue 20,
domain.md §3.5 and the practice it cites). Pure: facts of cases in, amounts with their reasons out.

The rule table is data: a version and the date it applies from; an amount per case by difficulty
(简易/一般/疑难复杂/重大/重特大), a factor by dispute type, additions for a written agreement, a
judicial confirmation and a case moved up a level or mediated across committees, factors by the
case file's self-review score (卷宗评查; below the lowest band the case is held back), a cap per
mediator per period, the mediators not paid (their 来源: 在编人员, 政法专项编制, …), how a case
with several mediators is shared, whether failed cases after full mediation count, and whether
only cases registered on the provincial platform count. Amounts are in 元 in the file and fen
here. The shipped table (resources/templates/subsidy_rules.toml) is marked 示例 throughout.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from xihu_desk.domain.errors import UserError

DIFFICULTY_LABELS = {
    "simple": "简易",
    "ordinary": "一般",
    "complex": "疑难复杂",
    "major": "重大",
    "very_major": "重特大",
}


@dataclass(frozen=True)
class Rules:
    version: str
    valid_from: date
    sample: bool
    base: dict[str, int]  # difficulty code → fen
    type_factor: dict[str, float]  # dispute type code → factor (1 when absent)
    written_bonus: int
    confirmation_bonus: int
    escalated_bonus: int
    grade_bands: tuple[tuple[int, float], ...]  # (lowest score, factor), highest first
    cap: int  # fen per mediator per period; 0: none
    excluded_sources: tuple[str, ...]
    split: str  # "lead": the lead mediator takes lead_share, the rest share the remainder; "equal"
    lead_share: float
    pay_failed: bool
    failed_min_records: int
    require_platform_code: bool
    doc: dict[str, Any] = field(default_factory=dict, compare=False)  # as loaded, to store and send


def _fen(value: Any, what: str) -> int:
    if not isinstance(value, int | float) or value < 0:
        raise UserError(f"补贴规则中“{what}”应为不小于 0 的金额（元）。")
    return round(value * 100)


def _factor(value: Any, what: str) -> float:
    if not isinstance(value, int | float) or not 0 <= value <= 10:
        raise UserError(f"补贴规则中“{what}”应为 0 到 10 之间的系数。")
    return float(value)


def from_doc(doc: dict[str, Any]) -> Rules:
    """The rule table from its document (the TOML file, or the JSON stored and sent down); a wrong
    one is refused whole with what is wrong."""
    try:
        valid_from = date.fromisoformat(str(doc["valid_from"]))
        version = str(doc["version"]).strip()
        base = {str(k): _fen(v, f"基础金额 {k}") for k, v in dict(doc["base"]).items()}
    except (KeyError, ValueError, TypeError) as exc:
        raise UserError(f"补贴规则缺少或写错了必填项（version、valid_from、base）：{exc}") from exc
    if not version or not base:
        raise UserError("补贴规则须有版本号和按难易程度的基础金额。")
    unknown = sorted(set(base) - set(DIFFICULTY_LABELS))
    if unknown:
        raise UserError(f"补贴规则的难易程度代码不认识：{'、'.join(unknown)}（可用 {'、'.join(DIFFICULTY_LABELS)}）。")
    bands = sorted(
        ((int(b["min_score"]), _factor(b["factor"], "评查系数")) for b in doc.get("review_bands", [])), reverse=True
    )
    split = str(doc.get("split", "lead"))
    if split not in ("lead", "equal"):
        raise UserError("补贴规则的 split 只能是 lead（主办调解员先得）或 equal（平分）。")
    lead_share = _factor(doc.get("lead_share", 0.6), "主办调解员份额")
    if lead_share > 1:
        raise UserError("补贴规则的主办调解员份额不能超过 1。")
    return Rules(
        version=version,
        valid_from=valid_from,
        sample=bool(doc.get("sample", False)),
        base=base,
        type_factor={str(k): _factor(v, f"纠纷类型系数 {k}") for k, v in dict(doc.get("type_factor", {})).items()},
        written_bonus=_fen(doc.get("written_agreement", 0), "书面协议加发"),
        confirmation_bonus=_fen(doc.get("judicial_confirmation", 0), "司法确认加发"),
        escalated_bonus=_fen(doc.get("escalated", 0), "提级或联合调解加发"),
        grade_bands=tuple(bands),
        cap=_fen(doc.get("cap_per_mediator", 0), "每人每期上限"),
        excluded_sources=tuple(str(s) for s in doc.get("excluded_sources", [])),
        split=split,
        lead_share=lead_share,
        pay_failed=bool(doc.get("pay_failed", False)),
        failed_min_records=int(doc.get("failed_min_records", 2)),
        require_platform_code=bool(doc.get("require_platform_code", False)),
        doc=doc,
    )


def from_toml(text: str) -> Rules:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"补贴规则文件格式有误：{exc}") from exc
    return from_doc(doc)


@dataclass(frozen=True)
class Person:
    uuid: str
    name: str
    committee: str
    lead: bool
    source: str  # 来源 (domain/grading.SOURCE): the rules exclude some


@dataclass(frozen=True)
class CaseFacts:
    uuid: str
    case_no: str
    closed_on: date
    outcome: str
    difficulty: str
    dispute_type: str
    dispute_label: str
    written: bool
    confirmed: bool
    escalated: bool
    platform_code: str
    mediation_records: int
    review_score: int | None
    mediators: tuple[Person, ...]


@dataclass(frozen=True)
class Earned:
    """What a case earns before it is shared, or why it is held back (amount 0, ``held`` said)."""

    amount: int
    reason: str
    held: str = ""


def counts(rules: Rules, c: CaseFacts) -> bool:
    """Does the case count at all: succeeded; or failed after full mediation where the rules say so."""
    if c.outcome == "succeeded":
        return True
    return (
        rules.pay_failed and c.outcome in ("failed", "terminated") and c.mediation_records >= rules.failed_min_records
    )


def earned(rules: Rules, c: CaseFacts) -> Earned:
    if rules.require_platform_code and not c.platform_code.strip():
        return Earned(0, "", "未在省平台登记（没有平台案件编号）")
    base = rules.base.get(c.difficulty or "ordinary", rules.base.get("ordinary", 0))
    factor = rules.type_factor.get(c.dispute_type, 1.0)
    label = DIFFICULTY_LABELS.get(c.difficulty or "ordinary", c.difficulty)
    parts = [f"{label} {base / 100:g} 元" + (f" × {factor:g}（{c.dispute_label}）" if factor != 1.0 else "")]
    amount = round(base * factor)
    for on, bonus, what in (
        (c.written, rules.written_bonus, "书面协议"),
        (c.confirmed, rules.confirmation_bonus, "司法确认"),
        (c.escalated, rules.escalated_bonus, "提级或联合调解"),
    ):
        if on and bonus:
            amount += bonus
            parts.append(f"{what} {bonus / 100:g} 元")
    if rules.grade_bands:
        if c.review_score is None:
            return Earned(0, "", "卷宗尚未评查")
        band = next(((low, f) for low, f in rules.grade_bands if c.review_score >= low), None)
        if band is None or band[1] == 0:
            return Earned(0, "", f"卷宗评查 {c.review_score} 分，低于发放标准")
        if band[1] != 1.0:
            amount = round(amount * band[1])
            parts.append(f"评查 {c.review_score} 分 × {band[1]:g}")
    return Earned(amount, " + ".join(parts))


def shares(rules: Rules, amount: int, people: tuple[Person, ...]) -> list[tuple[Person, int, str]]:
    """The case's amount among its mediators, never more than the amount in all: the lead first
    (``lead_share``) and the rest in equal parts, or all equal; a fen left over goes to the first."""
    if not people:
        return []
    leads = [p for p in people if p.lead]
    if rules.split == "lead" and leads and len(people) > 1:
        lead = leads[0]
        others = [p for p in people if p is not lead]
        first = round(amount * rules.lead_share)
        each, left = divmod(amount - first, len(others))
        out = [(lead, first + left, f"主办 {rules.lead_share:.0%}")]
        other_share = (1 - rules.lead_share) / len(others)
        return out + [(p, each, f"协办 {other_share:.0%}") for p in others]
    each, left = divmod(amount, len(people))
    note = f"{len(people)} 人平分" if len(people) > 1 else ""
    return [(p, each + (left if i == 0 else 0), note) for i, p in enumerate(people)]
