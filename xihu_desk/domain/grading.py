"""The mediator roster's code lists, grading evidence and grading rule sets (domain.md §1.2, §4).

No database here: ``Evidence`` is what services/grading.py counts for one mediator and window;
``RuleSet`` is one scheme (Zhejiang 特级–三级, the national 一级–四级…) read from
db/reference/grading_rules.json or as the district edited it; ``evaluate`` checks a level and
names every threshold the evidence misses.

Rule-set document (one entry of ``sets`` in grading_rules.json)::

    {"code": "national", "name": "…", "effective_on": "2020-01-01", "source": "…",
     "window_years": null,                # null: whole career; N: the last N years
     "notice_days": 7, "notice_example": true,
     "eligible": ["full_time", "part_time"],
     "basic": [THRESHOLD…],               # every level: no discipline, no escalation…
     "levels": [{"code": "1", "name": "一级", "thresholds": [THRESHOLD…]}, …]}   # highest first

    THRESHOLD = {"metric": "success_rate", "min": 85, "example": false, "note": "…"}
                # "min" (at least) or "max" (at most); rates in per cent; "example": the number
                # is a placeholder the district must confirm (shown as 示例 everywhere)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from xihu_desk.domain.errors import UserError

# ---------------------------------------------------------------- roster code lists

EMPLOYMENT = {"full_time": "专职", "part_time": "兼职", "invited": "特邀"}
GENDER = {"男": "男", "女": "女"}
EDUCATION = {
    "": "未填",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中/中专",
    "college": "大专",
    "bachelor": "大学本科",
    "master": "硕士研究生",
    "doctor": "博士研究生",
}
POLITICAL = {
    "": "未填",
    "cpc": "中共党员",
    "probationary": "中共预备党员",
    "league": "共青团员",
    "democratic": "民主党派",
    "none": "群众",
}
LEGAL_QUALIFICATION = {
    "": "无",
    "judicial_exam": "法律职业资格",
    "lawyer": "律师执业证",
    "legal_worker": "基层法律服务工作者证",
    "other": "其他法律类证书",
}
SOURCE = {
    "": "未填",
    "purchased": "政府购买服务",
    "cadre": "村社干部兼任",
    "lawyer": "律师",
    "retired_legal": "退休政法干警",
    # already paid for mediating: 以案定补 leaves them out (resources/templates/subsidy_rules.toml)
    "staff": "在编人员",
    "zhengfa": "政法专项编制",
    "other": "其他",
}
STATUS = {"serving": "在任", "left": "离任", "dismissed": "解聘", "removed": "罢免"}
# 人民调解法第15条: the four acts, and what the committee may do (domain.md §1.2).
ART15 = {
    "": "不涉及",
    "partial": "偏袒一方当事人",
    "insult": "侮辱当事人",
    "benefit": "索取、收受财物或者谋取其他不正当利益",
    "privacy": "泄露当事人的个人隐私、商业秘密",
}
EVENT_KINDS = {"award": "表彰奖励", "complaint": "投诉", "discipline": "违纪处理", "escalation": "纠纷激化"}
AWARD_LEVELS = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "district": "区（县）级",
    "township": "街道（镇）级",
    "other": "其他",
}
COMPLAINT_OUTCOMES = {"pending": "核查中", "upheld": "属实", "rejected": "不属实"}
DISCIPLINE_OUTCOMES = {"criticism": "批评教育", "correction": "责令改正", "removed": "罢免", "dismissed": "解聘"}
ESCALATION_KINDS = {"criminal": "民转刑", "petition": "越级上访", "group": "群体性事件", "other": "其他激化"}
NO_GRADE = "无等级"
# The scheme used unless another is chosen: Zhejiang's (domain.md §4.1), as in db/reference/grading_rules.json.
DEFAULT_RULE_SET = "zhejiang-2017"


def outcomes(kind: str) -> dict[str, str]:
    """The outcome list of an award/complaint/discipline/escalation entry."""
    return {
        "award": AWARD_LEVELS,
        "complaint": COMPLAINT_OUTCOMES,
        "discipline": DISCIPLINE_OUTCOMES,
        "escalation": ESCALATION_KINDS,
    }[kind]


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # shown after the figure: 年, 件, %, 学时, 次
    rate: bool = False  # a share: stored as a fraction, written in rule sets and shown in per cent


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("years_of_service", "从事人民调解工作年限", "年"),
        Metric("cases_total", "调解纠纷数", "件"),
        Metric("cases_per_year", "年均调解纠纷数", "件"),
        Metric("cases_succeeded", "调解成功数", "件"),
        Metric("success_rate", "调解成功率", "%", rate=True),
        Metric("oral_share", "口头协议占比", "%", rate=True),
        Metric("difficult_cases", "疑难复杂及以上纠纷数", "件"),
        Metric("confirmed_cases", "经司法确认的协议数", "件"),
        Metric("followups", "回访次数", "次"),
        Metric("training_hours", "参加培训学时", "学时"),
        Metric("awards", "受到表彰奖励", "次"),
        Metric("complaints", "被投诉", "次"),
        Metric("complaints_upheld", "投诉经核查属实", "次"),
        Metric("discipline", "因第十五条行为受处理", "次"),
        Metric("escalations", "调解不当致纠纷激化（民转刑、越级上访等）", "次"),
    )
}
DIFFICULT = ("complex", "major", "very_major")  # 疑难复杂, 重大, 重特大 (codes.json "difficulty")


def _down(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_DOWN)


def ratio(part: int, whole: int) -> Decimal | None:
    """A share as a fraction with four decimals (half up); None when there is nothing to share."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def service_years(days: int) -> Decimal:
    """Days served (inclusive) as years with one decimal, rounded down: 1.96 years is 1.9, not 2."""
    return _down(Decimal(days) / Decimal("365.25"), "0.1")


def window_years(start: date, end: date) -> Decimal:
    return Decimal((end - start).days + 1) / Decimal("365.25")


def merged_days(periods: list[tuple[date, date]]) -> int:
    """Days covered by the periods (inclusive), overlaps counted once: cumulative service over
    several appointments."""
    total = 0
    last_end: date | None = None
    for start, end in sorted(p for p in periods if p[0] <= p[1]):
        if last_end is not None and start <= last_end:
            if end > last_end:
                total += (end - last_end).days
                last_end = end
            continue
        total += (end - start).days + 1
        last_end = end
    return total


@dataclass(frozen=True)
class Evidence:
    """What the cases and the roster's logs say about one mediator over one window."""

    mediator: str  # uuid
    name: str
    date_from: date
    date_to: date
    employment_type: str
    service_days: int
    years_of_service: Decimal
    cases_total: int
    per_year: dict[int, int]
    cases_per_year: Decimal
    cases_lead: int
    cases_concluded: int
    cases_succeeded: int
    success_rate: Decimal | None
    oral_agreements: int
    written_agreements: int
    oral_share: Decimal | None
    by_difficulty: dict[str, int]
    difficult_cases: int
    confirmed_cases: int
    followups: int
    training_hours: Decimal
    training_sessions: int
    awards: int
    complaints: int
    complaints_upheld: int
    discipline: int
    escalations: int

    def value(self, metric: str) -> Decimal | None:
        v = getattr(self, metric)
        return None if v is None else Decimal(v)

    def as_json(self) -> dict[str, Any]:
        """design.md §10 (``mediator evidence --json``), plus the rest of the counts."""

        def num(v: Decimal | None) -> float | None:
            return None if v is None else float(v)

        return {
            "mediator": self.mediator,
            "name": self.name,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "employment_type": self.employment_type,
            "years_of_service": num(self.years_of_service),
            "service_days": self.service_days,
            "cases_total": self.cases_total,
            "per_year": {str(y): n for y, n in sorted(self.per_year.items())},
            "cases_per_year": num(self.cases_per_year),
            "cases_lead": self.cases_lead,
            "cases_concluded": self.cases_concluded,
            "cases_succeeded": self.cases_succeeded,
            "success_rate": num(self.success_rate),
            "oral_agreements": self.oral_agreements,
            "written_agreements": self.written_agreements,
            "oral_share": num(self.oral_share),
            "by_difficulty": dict(self.by_difficulty),
            "difficult_cases": self.difficult_cases,
            "confirmed_cases": self.confirmed_cases,
            "followups": self.followups,
            "training_hours": num(self.training_hours),
            "training_sessions": self.training_sessions,
            "awards": self.awards,
            "complaints": self.complaints,
            "complaints_upheld": self.complaints_upheld,
            "discipline": self.discipline,
            "escalations": self.escalations,
        }

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Evidence:
        """The snapshot kept with an application, read back exactly as it was taken."""

        def dec(v: Any) -> Decimal:
            return Decimal(str(v))

        def maybe_dec(v: Any) -> Decimal | None:  # a rate over no cases is None
            return None if v is None else dec(v)

        return cls(
            mediator=doc["mediator"],
            name=doc["name"],
            date_from=date.fromisoformat(doc["from"]),
            date_to=date.fromisoformat(doc["to"]),
            employment_type=doc["employment_type"],
            service_days=doc["service_days"],
            years_of_service=dec(doc["years_of_service"]),
            cases_total=doc["cases_total"],
            per_year={int(y): n for y, n in doc["per_year"].items()},
            cases_per_year=dec(doc["cases_per_year"]),
            cases_lead=doc["cases_lead"],
            cases_concluded=doc["cases_concluded"],
            cases_succeeded=doc["cases_succeeded"],
            success_rate=maybe_dec(doc["success_rate"]),
            oral_agreements=doc["oral_agreements"],
            written_agreements=doc["written_agreements"],
            oral_share=maybe_dec(doc["oral_share"]),
            by_difficulty=dict(doc["by_difficulty"]),
            difficult_cases=doc["difficult_cases"],
            confirmed_cases=doc["confirmed_cases"],
            followups=doc["followups"],
            training_hours=dec(doc["training_hours"]),
            training_sessions=doc["training_sessions"],
            awards=doc["awards"],
            complaints=doc["complaints"],
            complaints_upheld=doc["complaints_upheld"],
            discipline=doc["discipline"],
            escalations=doc["escalations"],
        )


def tally(
    mediator: str,
    name: str,
    employment_type: str,
    date_from: date,
    date_to: date,
    *,
    service_days: int,
    per_year: dict[int, int],
    cases_lead: int,
    cases_concluded: int,
    cases_succeeded: int,
    oral_agreements: int,
    written_agreements: int,
    by_difficulty: dict[str, int],
    confirmed_cases: int,
    followups: int,
    training_tenths: int,
    training_sessions: int,
    awards: int,
    complaints: int,
    complaints_upheld: int,
    discipline: int,
    escalations: int,
) -> Evidence:
    """Evidence from the raw counts (the derived figures are computed here, in one place)."""
    total = sum(per_year.values())
    years = window_years(date_from, date_to)
    # Half up: two calendar years are 731 days, a hair over two years of 365.25 days.
    per = (Decimal(total) / max(years, Decimal(1))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Evidence(
        mediator=mediator,
        name=name,
        date_from=date_from,
        date_to=date_to,
        employment_type=employment_type,
        service_days=service_days,
        years_of_service=service_years(service_days),
        cases_total=total,
        per_year=dict(sorted(per_year.items())),
        cases_per_year=per,
        cases_lead=cases_lead,
        cases_concluded=cases_concluded,
        cases_succeeded=cases_succeeded,
        success_rate=ratio(cases_succeeded, cases_concluded),
        oral_agreements=oral_agreements,
        written_agreements=written_agreements,
        oral_share=ratio(oral_agreements, total),
        by_difficulty={k: v for k, v in by_difficulty.items() if v},
        difficult_cases=sum(by_difficulty.get(k, 0) for k in DIFFICULT),
        confirmed_cases=confirmed_cases,
        followups=followups,
        training_hours=Decimal(training_tenths) / 10,
        training_sessions=training_sessions,
        awards=awards,
        complaints=complaints,
        complaints_upheld=complaints_upheld,
        discipline=discipline,
        escalations=escalations,
    )


def shown(metric: str, value: Decimal | None) -> str:
    """A figure as people read it: 85.71%, 2.5 年, 12 件; — when it cannot be computed."""
    m = METRICS[metric]
    if value is None:
        return "—"
    if m.rate:
        return f"{(value * 100).quantize(Decimal('0.01'))}%"
    text = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value}"
    return f"{text} {m.unit}"


# ---------------------------------------------------------------- rule sets


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: str  # "min" or "max"
    value: Decimal  # rates in per cent
    example: bool = False
    note: str = ""

    def text(self) -> str:
        """“调解成功率不低于 85%”. Whether the figure is an example is said once for all the
        conditions listed together (``examples_note``), not after every number."""
        m = METRICS[self.metric]
        figure = f"{self.value.normalize():f}" + (m.unit if m.rate else f" {m.unit}")
        words = "不低于" if self.op == "min" else "不超过"
        if self.op == "max" and self.value == 0:
            return f"无{m.label.removeprefix('受到').removeprefix('被')}记录"
        return f"{m.label}{words} {figure}"

    def as_json(self) -> dict[str, Any]:
        value = self.value.normalize()
        out: dict[str, Any] = {
            "metric": self.metric,
            self.op: int(value) if value == value.to_integral_value() else float(value),
            "example": self.example,
        }
        if self.note:
            out["note"] = self.note
        return out


def examples_note(thresholds: Iterable[Threshold]) -> str:
    """One sentence for conditions listed together, naming once those whose figure has no
    source (示例); '' when every figure has one."""
    items = list(thresholds)
    labels = list(dict.fromkeys(METRICS[t.metric].label for t in items if t.example))
    if not labels:
        return ""
    which = "以上各项条件" if all(t.example for t in items) else "其中" + "、".join(labels)
    return f"{which}的数值尚无正式文件依据，为示例，区司法局核定前仅供参考。"


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    thresholds: tuple[Threshold, ...]

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "thresholds": [t.as_json() for t in self.thresholds]}


@dataclass(frozen=True)
class RuleSet:
    code: str
    name: str
    effective_on: date
    levels: tuple[Level, ...]  # highest first
    basic: tuple[Threshold, ...] = ()
    source: str = ""
    window_years: int | None = None
    notice_days: int = 7
    notice_example: bool = False
    eligible: tuple[str, ...] = ("full_time", "part_time")

    def level(self, code: str) -> Level:
        for lv in self.levels:
            if lv.code == code:
                return lv
        raise UserError(f"评定标准“{self.name}”中没有等级“{code}”。")

    def rank(self, code: str) -> int:
        """0 for the highest level."""
        return [lv.code for lv in self.levels].index(self.level(code).code)

    def has_examples(self) -> bool:
        return (
            self.notice_example
            or any(t.example for t in self.basic)
            or any(t.example for lv in self.levels for t in lv.thresholds)
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "effective_on": self.effective_on.isoformat(),
            "source": self.source,
            "window_years": self.window_years,
            "notice_days": self.notice_days,
            "notice_example": self.notice_example,
            "eligible": list(self.eligible),
            "basic": [t.as_json() for t in self.basic],
            "levels": [lv.as_json() for lv in self.levels],
        }


class RuleSetError(UserError):
    """A rule-set document that cannot be used; the message names the place."""


def _threshold(doc: Any, where: str) -> Threshold:
    if not isinstance(doc, dict):
        raise RuleSetError(f"{where}：每条标准应为一个对象。")
    metric = doc.get("metric")
    if metric not in METRICS:
        raise RuleSetError(f"{where}：未知的指标“{metric}”。可用：" + "、".join(METRICS))
    ops = [op for op in ("min", "max") if op in doc]
    if len(ops) != 1:
        raise RuleSetError(f"{where}（{METRICS[metric].label}）：须写明 min（不低于）或 max（不超过）之一。")
    raw = doc[ops[0]]
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise RuleSetError(f"{where}（{METRICS[metric].label}）：标准值应为数字。")
    try:
        value = Decimal(str(raw))
    except ArithmeticError:
        raise RuleSetError(f"{where}（{METRICS[metric].label}）：标准值应为数字。") from None
    if not value.is_finite() or value < 0 or (METRICS[metric].rate and value > 100):
        raise RuleSetError(f"{where}（{METRICS[metric].label}）：标准值 {raw} 超出范围。")
    example = doc.get("example", False)
    if not isinstance(example, bool):
        raise RuleSetError(f"{where}：example 应为 true 或 false。")
    return Threshold(metric, ops[0], value, example, str(doc.get("note", "")))


def parse_rule_set(doc: Any) -> RuleSet:
    """Read and check one rule set; RuleSetError names what is wrong and where."""
    if not isinstance(doc, dict):
        raise RuleSetError("评定标准应为一个对象。")
    code, name = str(doc.get("code", "")).strip(), str(doc.get("name", "")).strip()
    if not code or not name:
        raise RuleSetError("评定标准须有代码（code）和名称（name）。")
    try:
        effective = date.fromisoformat(str(doc.get("effective_on", "")))
    except ValueError:
        raise RuleSetError(f"评定标准“{name}”的施行日期（effective_on）应写成 YYYY-MM-DD。") from None
    levels_doc = doc.get("levels")
    if not isinstance(levels_doc, list) or not levels_doc:
        raise RuleSetError(f"评定标准“{name}”至少需要一个等级。")
    levels, seen = [], set()
    for i, lv in enumerate(levels_doc, 1):
        if not isinstance(lv, dict) or not str(lv.get("code", "")).strip() or not str(lv.get("name", "")).strip():
            raise RuleSetError(f"评定标准“{name}”第 {i} 个等级须有代码和名称。")
        lv_code = str(lv["code"]).strip()
        if lv_code in seen:
            raise RuleSetError(f"评定标准“{name}”中等级代码“{lv_code}”重复。")
        seen.add(lv_code)
        items = lv.get("thresholds", [])
        if not isinstance(items, list):
            raise RuleSetError(f"评定标准“{name}”等级“{lv['name']}”的标准应为列表。")
        levels.append(
            Level(
                lv_code,
                str(lv["name"]).strip(),
                tuple(_threshold(t, f"{name} {lv['name']} 第 {j} 条") for j, t in enumerate(items, 1)),
            )
        )
    basic_doc = doc.get("basic", [])
    if not isinstance(basic_doc, list):
        raise RuleSetError(f"评定标准“{name}”的基本条件应为列表。")
    basic = tuple(_threshold(t, f"{name} 基本条件第 {j} 条") for j, t in enumerate(basic_doc, 1))
    window = doc.get("window_years")
    if window is not None and (isinstance(window, bool) or not isinstance(window, int) or window < 1):
        raise RuleSetError(f"评定标准“{name}”的 window_years 应为正整数或 null（全部从业期间）。")
    notice = doc.get("notice_days", 7)
    if isinstance(notice, bool) or not isinstance(notice, int) or not 1 <= notice <= 60:
        raise RuleSetError(f"评定标准“{name}”的公示天数（notice_days）应为 1–60 的整数。")
    eligible = doc.get("eligible", ["full_time", "part_time"])
    if not isinstance(eligible, list) or not eligible or any(e not in EMPLOYMENT for e in eligible):
        raise RuleSetError(f"评定标准“{name}”的 eligible 应列出可申请的用工类型：" + "、".join(EMPLOYMENT))
    return RuleSet(
        code,
        name,
        effective,
        tuple(levels),
        basic,
        str(doc.get("source", "")),
        window,
        notice,
        bool(doc.get("notice_example", False)),
        tuple(eligible),
    )


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Miss:
    threshold: Threshold
    actual: Decimal | None  # in the threshold's terms (per cent for rates); None: cannot be computed

    def text(self) -> str:
        m = METRICS[self.threshold.metric]
        want = self.threshold.text()
        if self.actual is None:
            return f"{want}：尚无可计算的数据"
        figure = f"{self.actual.normalize():f}" + (m.unit if m.rate else f" {m.unit}")
        return f"{want}：实际 {figure}"


@dataclass(frozen=True)
class LevelResult:
    rule_set: str
    level: str
    level_name: str
    missed: tuple[Miss, ...] = ()
    checked: int = 0

    @property
    def passed(self) -> bool:
        return not self.missed

    def missed_text(self) -> list[str]:
        return [m.text() for m in self.missed]

    def as_json(self) -> dict[str, Any]:
        return {
            "rule_set": self.rule_set,
            "level": self.level,
            "level_name": self.level_name,
            "passed": self.passed,
            "checked": self.checked,
            "missed": [
                {
                    "metric": m.threshold.metric,
                    "op": m.threshold.op,
                    "value": float(m.threshold.value),
                    "actual": None if m.actual is None else float(m.actual),
                    "example": m.threshold.example,
                    "text": m.text(),
                }
                for m in self.missed
            ],
        }


def _actual(t: Threshold, evidence: Evidence) -> Decimal | None:
    value = evidence.value(t.metric)
    if value is None:
        return None
    return (value * 100).quantize(Decimal("0.01")) if METRICS[t.metric].rate else value


def meets(t: Threshold, evidence: Evidence) -> tuple[bool, Decimal | None]:
    actual = _actual(t, evidence)
    if actual is None:
        # A share of nothing: "at most 30 % oral" holds with no agreements; "at least 85 %" does not.
        return t.op == "max", None
    return (actual >= t.value if t.op == "min" else actual <= t.value), actual


def evaluate(rules: RuleSet, level_code: str, evidence: Evidence) -> LevelResult:
    """Check the basic conditions and the level's thresholds; every one missed is named."""
    level = rules.level(level_code)
    missed = []
    items = (*rules.basic, *level.thresholds)
    for t in items:
        ok, actual = meets(t, evidence)
        if not ok:
            missed.append(Miss(t, actual))
    return LevelResult(rules.code, level.code, level.name, tuple(missed), len(items))


def best_level(rules: RuleSet, evidence: Evidence) -> LevelResult | None:
    """The highest level whose every threshold is met, or None."""
    for level in rules.levels:
        result = evaluate(rules, level.code, evidence)
        if result.passed:
            return result
    return None


def can_apply(employment_type: str, rules: RuleSet) -> str | None:
    """Why this mediator may not apply under these rules, or None. 特邀 never may (domain.md §4.1)."""
    if employment_type == "invited":
        return "特邀调解员不能申请等级评定（只有调委会正式聘任的专职、兼职调解员可以申请）。"
    if employment_type not in rules.eligible:
        allowed = "、".join(EMPLOYMENT[e] for e in rules.eligible)
        return f"按“{rules.name}”，只有{allowed}调解员可以申请等级评定。"
    return None


def default_window(rules: RuleSet, first_day: date | None, today: date) -> tuple[date, date]:
    """The window an application counts over: the rule set's last N years, or the whole career."""
    if rules.window_years:
        try:
            start = today.replace(year=today.year - rules.window_years)
        except ValueError:  # 29 February
            start = today.replace(year=today.year - rules.window_years, day=28)
        return start, today
    return (first_day or today.replace(month=1, day=1)), today


# ---------------------------------------------------------------- the assessment's steps

APPLICATION_STATUS = {
    "applied": "待调委会审核",
    "committee_passed": "待司法所初审",
    "prechecked": "待区司法局评定",
    "in_notice": "公示中",
    "granted": "已评定",
    "not_granted": "未予评定",
    "returned": "已退回",
    "withdrawn": "已撤回",
}
OPEN_STATUSES = ("applied", "committee_passed", "prechecked", "in_notice")
STEP_LABELS = {
    "apply": "提出申请",
    "committee": "调委会审核",
    "township": "司法所初审",
    "district": "区司法局评定",
    "notice": "公示结束",
    "withdraw": "撤回申请",
}


@dataclass(frozen=True)
class Step:
    """Which action moves an application from which status, and where a pass and a fail lead."""

    key: str
    needs: str
    passed: str
    failed: str


STEPS = {
    "committee": Step("committee", "applied", "committee_passed", "returned"),
    "township": Step("township", "committee_passed", "prechecked", "returned"),
    "district": Step("district", "prechecked", "in_notice", "not_granted"),
    "notice": Step("notice", "in_notice", "granted", "not_granted"),
}


def next_step(status: str) -> str | None:
    for step in STEPS.values():
        if step.needs == status:
            return step.key
    return None
