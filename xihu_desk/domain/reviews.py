"""Rules of the legality-review log (合法性审查台账) that need no database: numbers, stages, time
limits in working days, and the statistics reported upward.

Sources: domain.md §5.1 (what is reviewed, review before deliberation), §5.2 (time limits in working
days from complete materials, extension with a leader's approval, 补正 time not counted), §5.3 (the
register's fields), §5.4 (审查率, 采纳率: ASSUMPTION, stated in the workbook's 说明 sheet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from xihu_desk.domain.workdays import Pause, WorkCalendar


class ReviewStatus(StrEnum):
    WAITING = "waiting"  # received, materials not yet complete: the clock has not started
    REVIEWING = "reviewing"
    PAUSED = "paused"  # 补正 asked, not yet received: the clock is stopped
    OPINION = "opinion"  # the written opinion is out
    RETURNED = "returned"  # 退回: not reviewable as submitted (out of scope, withdrawn…)
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReviewStatus.WAITING: "待材料齐全",
    ReviewStatus.REVIEWING: "审查中",
    ReviewStatus.PAUSED: "补正中",
    ReviewStatus.OPINION: "已出具意见",
    ReviewStatus.RETURNED: "已退回",
    ReviewStatus.ARCHIVED: "已归档",
}
OPEN_STATUSES = (ReviewStatus.WAITING.value, ReviewStatus.REVIEWING.value, ReviewStatus.PAUSED.value)

# Default time limits in working days per review type (the issue; domain.md §5.2), changeable per office.
DEFAULT_LIMITS = {
    "normative": 7,  # 行政规范性文件
    "major_decision": 15,  # 重大行政决策
    "enforcement": 5,  # 重大行政执法决定
    "agreement": 5,  # 行政协议
    "contract": 5,  # 合同 (the office's own contracts)
    "meeting_topic": 5,  # 会议议题 (items put to the office's meetings)
    "party_normative": 7,  # 党内规范性文件
    "other": 5,  # 其他涉法事务
}
UNLISTED_TYPE_LIMIT = 5
LIMIT_RANGE = (1, 60)
MAX_EXTENSION_DAYS = 10  # major decisions: "extendable by ≤ 10" (domain.md §5.2), used for every type
DUE_SOON_DAYS = 2
FILING_DAYS = 15  # Hangzhou: file a township normative document within 15 days of publication (§5.3)
NORMATIVE_TYPES = ("normative", "party_normative")
ADOPTED = ("adopted", "partly")


# Normative documents: "审核时间一般不少于 5 个工作日，最长不超过 15 个工作日" (国办发〔2018〕115号 as
# read in domain.md §8; verify): the office's limit and extensions stay within the maximum, and an
# opinion before the minimum is warned about. Both are settings (services.reviews.normative_bounds).
BOUNDED_TYPES = ("normative",)
NORMATIVE_BOUNDS = (5, 15)

# ---------------------------------------------------------------- the reviewer's checklist

CHECK_ELEMENTS = {"subject": "主体", "authority": "权限", "content": "内容", "procedure": "程序"}
FAIR_COMPETITION = "fair_competition"
CHECK_QUESTIONS = {
    "subject": "制定（作出、签订）主体是否合法适格",
    "authority": "是否在法定权限内，有无越权",
    "content": "内容是否合法，有无与上位法抵触、违法减损权利或增加义务",
    "procedure": "程序是否合法（调查研究、征求意见、风险评估、集体讨论等）",
    FAIR_COMPETITION: "是否符合公平竞争审查标准（有无排除、限制竞争的内容）",
}
CHECK_LABELS = {**CHECK_ELEMENTS, FAIR_COMPETITION: "公平竞争审查"}
ANSWERS = {"pass": "符合", "fail": "不符合", "na": "不适用"}
# The 公平竞争审查 question is asked of what may touch market entry and business activity (《公平竞争
# 审查条例》, 2024: policy measures in rules, normative documents and agreements): normative documents,
# major decisions, administrative agreements and contracts. Enforcement decisions, meeting items and
# Party documents rarely do; an office may add them (setting, services.reviews.fair_competition_types).
DEFAULT_FAIR_COMPETITION_TYPES = ("normative", "major_decision", "agreement", "contract")
CHECK_NOTE_MAX = 1000


def check_keys(fair_competition: bool) -> list[str]:
    return [*CHECK_ELEMENTS, *([FAIR_COMPETITION] if fair_competition else [])]


def parse_checklist(text: str) -> dict[str, dict[str, str]]:
    """The stored checklist (JSON) as {element: {"answer", "note"}}; an unreadable one as empty."""
    import json

    try:
        doc = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(doc, dict):
        return {}
    out = {}
    for key, value in doc.items():
        if key in CHECK_LABELS and isinstance(value, dict):
            out[key] = {"answer": str(value.get("answer", "")), "note": str(value.get("note", ""))}
    return out


def checklist_problem(answers: dict[str, tuple[str, str]], fair_competition: bool) -> tuple[str, str] | None:
    """(element, message) for the first answer the rules refuse, else None. An element may stay
    unanswered while the review goes on; 不符合 needs a note saying what is wrong."""
    allowed = set(check_keys(fair_competition))
    for key, (answer, note) in answers.items():
        if key not in allowed:
            return key, f"“{CHECK_LABELS.get(key, key)}”不适用于此类事项。"
        if answer and answer not in ANSWERS:
            return key, f"“{CHECK_LABELS[key]}”的审查结果须为符合、不符合或不适用。"
        if answer == "na" and key != FAIR_COMPETITION:
            return key, f"“{CHECK_LABELS[key]}”是每件事项都要审查的要素，不能选“不适用”。"
        if answer == "fail" and not note.strip():
            return key, f"“{CHECK_LABELS[key]}”不符合的，请在说明中写明问题所在。"
        if len(note) > CHECK_NOTE_MAX:
            return key, f"“{CHECK_LABELS[key]}”的说明不能超过 {CHECK_NOTE_MAX} 字。"
    return None


def review_number(year: int, office_short: str, seq: int) -> str:
    """（2026）北山合审字第0007号: per office and year, gapless, like case numbers."""
    if seq < 1:
        raise ValueError("sequence starts at 1")
    return f"（{year}）{office_short}合审字第{seq:04d}号"


def limit_for(item_type: str, limits: dict[str, int] | None = None) -> int:
    return (limits or {}).get(item_type) or DEFAULT_LIMITS.get(item_type, UNLISTED_TYPE_LIMIT)


@dataclass(frozen=True)
class Clock:
    """Where an item stands against its time limit, for one ``today``."""

    total: int  # limit + extension, working days
    used: int  # working days counted so far (up to the opinion, or today)
    due_on: date | None  # None: not started, or stopped by an open 补正
    remaining: int | None  # total - used; negative when overdue; None before the materials are complete
    running: bool  # the item still waits for its opinion
    paused: bool
    overdue: bool
    due_soon: bool
    fallback_years: tuple[int, ...]  # years counted Monday–Friday for want of the holiday schedule

    def text(self) -> str:
        """What the register shows: 剩余 3 个工作日 / 今天到期 / 超期 2 个工作日 / 补正暂停，剩余 4 个工作日."""
        if self.remaining is None:
            return "材料齐全后起算"
        if not self.running:
            return ""
        if self.paused:
            return f"补正暂停，剩余 {self.remaining} 个工作日"
        if self.overdue:
            return f"超期 {-self.remaining} 个工作日" if self.remaining < 0 else "已超期"
        if self.remaining == 0:
            return "今天到期"
        return f"剩余 {self.remaining} 个工作日"


def clock(
    cal: WorkCalendar,
    *,
    complete_on: date | None,
    limit: int,
    extension: int,
    pauses: tuple[Pause, ...],
    today: date,
    finished_on: date | None = None,
    finished: bool = False,
) -> Clock:
    """The item's deadline and remaining working days. ``finished_on`` (the opinion's date) stops
    the count; ``finished`` without a date (an old ledger's opinion, a return) stops it where it is
    unknown; an item without complete materials has not started."""
    total = limit + extension
    running = not finished and finished_on is None
    if complete_on is None:
        return Clock(total, 0, None, None, running, False, False, False, ())
    due = cal.deadline(complete_on, total, pauses)
    upto = finished_on or today
    used = cal.count(complete_on, upto, pauses) if running or finished_on else 0
    remaining = total - used if running or finished_on else None
    paused = running and any(p.received_on is None and p.asked_on <= today for p in pauses)
    overdue = running and due is not None and today > due
    due_soon = running and not overdue and due is not None and remaining is not None and remaining <= DUE_SOON_DAYS
    end = max(d for d in (due, upto, complete_on) if d is not None)
    return Clock(
        total, used, due, remaining, running, paused, overdue, due_soon, tuple(cal.fallback_years(complete_on, end))
    )


def fallback_warning(years: tuple[int, ...] | list[int]) -> str:
    if not years:
        return ""
    listed = "、".join(f"{y} 年" for y in years)
    return f"{listed}的法定节假日安排尚未收录，期限暂按周一至周五计算，收到区局下发的工作日历后自动更正。"


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class ItemFacts:
    """One register entry as the statistics see it."""

    number: str
    item_type: str
    received_on: date
    status: str
    conclusion: str
    adoption: str
    opinion_on: date | None
    due_on: date | None
    working_days: int | None  # counted working days from complete materials to the opinion


@dataclass
class Statistics:
    date_from: date
    date_to: date
    total: int = 0  # 送审登记数: items received in the period
    reviewed: int = 0  # 已审查数: of those, with an opinion
    unreviewed: int = 0  # 应审未审: the office's listed meeting items and contracts without a review
    returned: int = 0
    unlawful: int = 0
    pending: int = 0  # still under review (waiting, reviewing, paused)
    adoption_known: int = 0
    adopted: int = 0  # 采纳 + 部分采纳
    not_adopted: int = 0
    timed: int = 0  # opinions whose working days and deadline are known
    on_time: int = 0
    working_days_sum: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_month: Counter = field(default_factory=Counter)  # "2025-03"
    by_type_month: Counter = field(default_factory=Counter)  # (type, "2025-03")
    by_conclusion: Counter = field(default_factory=Counter)
    by_adoption: Counter = field(default_factory=Counter)

    @property
    def needing(self) -> int:
        """应审查数: what needed a review: the items registered, less those returned (out of scope,
        withdrawn), plus the listed items that needed one and got none."""
        return self.total - self.returned + self.unreviewed

    @property
    def review_rate(self) -> float | None:
        """审查率 = 已审查 ÷ 应审查 (REVIEW_RATE_RULE), not completed ÷ registered."""
        return self.reviewed / self.needing if self.needing else None

    @property
    def adoption_rate(self) -> float | None:
        return self.adopted / self.adoption_known if self.adoption_known else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    @property
    def average_days(self) -> float | None:
        return self.working_days_sum / self.timed if self.timed else None

    @property
    def unlawful_or_returned(self) -> int:
        return self.unlawful + self.returned

    def months(self) -> list[str]:
        out, y, m = [], self.date_from.year, self.date_from.month
        while (y, m) <= (self.date_to.year, self.date_to.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


REVIEW_RATE_RULE = (
    "审查率 = 已审查数 ÷ 应审查数；应审查数 = 期间内送审登记的事项（不含退回）"
    "+ 会议议题和合同清单中需要审查而没有审查的事项（应审未审）"
)


def statistics(items: list[ItemFacts], date_from: date, date_to: date, unreviewed: int = 0) -> Statistics:
    """The figures of domain.md §5.4 over the items received in the period (ASSUMPTION: 审查率 as
    REVIEW_RATE_RULE says, ``unreviewed`` being the listed items without a review; 采纳率 = 采纳 and 部分采纳 ÷ opinions whose adoption is known;
    on time = opinion on or before the deadline, over opinions whose dates are known)."""
    s = Statistics(date_from, date_to, unreviewed=unreviewed)
    for it in items:
        if not date_from <= it.received_on <= date_to:
            continue
        month = f"{it.received_on:%Y-%m}"
        s.total += 1
        s.by_type[it.item_type] += 1
        s.by_month[month] += 1
        s.by_type_month[(it.item_type, month)] += 1
        if it.status == ReviewStatus.RETURNED:
            s.returned += 1
        if it.status in OPEN_STATUSES:
            s.pending += 1
        if it.conclusion:
            s.reviewed += 1
            s.by_conclusion[it.conclusion] += 1
            if it.conclusion == "unlawful":
                s.unlawful += 1
        if it.adoption:
            s.by_adoption[it.adoption] += 1
            s.adoption_known += 1
            if it.adoption in ADOPTED:
                s.adopted += 1
            else:
                s.not_adopted += 1
        if it.conclusion and it.opinion_on and it.due_on and it.working_days is not None:
            s.timed += 1
            s.working_days_sum += it.working_days
            if it.opinion_on <= it.due_on:
                s.on_time += 1
    return s


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
