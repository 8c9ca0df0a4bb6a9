"""Reading the legality-review log: the register one page at a time, one item with everything it
holds, the reminders (due within two working days, overdue, calendar missing), and the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import reviews as rules
from xihu_desk.domain import workdays
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.domain.roles import Perm
from xihu_desk.services import codes
from xihu_desk.services.context import Actor
from xihu_desk.services.reviews import (
    as_pauses,
    fair_competition_applies,
    get_item,
    item_clock,
    normative_bounds,
    pauses_of,
    timing_warning,
    work_calendar,
)
from xihu_desk.services.units import reads
from xihu_desk.store import dialect
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.review_models import ReviewAttachment, ReviewItem, ReviewPause

# The day an item came in: its 送审日期, or when that is unknown (an old ledger with only the
# 材料齐全日期) the day its materials were complete. Periods, sorting and statistics go by it.
RECEIVED_OR_COMPLETE = func.coalesce(ReviewItem.received_on, ReviewItem.complete_on)
# Live items, written as the partial indexes' condition (deleted = 0 on SQLite): ``deleted IS 0``
# matches none of them, and the register's count and first page walked every item (0.3 s at 200,000).
LIVE = dialect.live("review_item")

SORTS = {
    "number": (ReviewItem.year, ReviewItem.seq),
    "received_on": (RECEIVED_OR_COMPLETE, ReviewItem.seq),
    "due_on": (ReviewItem.due_on, ReviewItem.seq),
    "type": (ReviewItem.item_type, ReviewItem.seq),
    "title": (ReviewItem.title, ReviewItem.seq),
    "unit": (ReviewItem.unit, ReviewItem.seq),
    "status": (ReviewItem.status, ReviewItem.seq),
}


@dataclass(frozen=True)
class ReviewFilter:
    year: int | None = None
    item_type: str = ""
    status: str = ""  # a ReviewStatus value, or "open" for waiting/reviewing/paused
    overdue: bool = False  # only items past their deadline without an opinion
    due_soon: bool = False
    text: str = ""  # number, title or unit
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "number"
    descending: bool = True


@dataclass(frozen=True)
class ReviewRow:
    uuid: str
    number: str
    type_code: str
    type_label: str
    title: str
    unit: str
    received_on: date | None  # None: unknown (imported from a ledger without it)
    complete_on: date | None
    due_on: date | None
    status: str
    status_label: str
    conclusion_label: str
    remaining: int | None
    clock_text: str
    overdue: bool
    due_soon: bool
    paused: bool
    warnings: tuple[str, ...]


def _where(query, f: ReviewFilter, today: date, cal: workdays.WorkCalendar):
    query = query.where(LIVE)
    if f.year:
        query = query.where(ReviewItem.year == f.year)
    if f.item_type:
        query = query.where(ReviewItem.item_type == f.item_type)
    if f.status == "open":
        query = query.where(ReviewItem.status.in_(rules.OPEN_STATUSES))
    elif f.status:
        query = query.where(ReviewItem.status == f.status)
    if f.overdue:
        query = query.where(ReviewItem.status.in_(rules.OPEN_STATUSES), ReviewItem.due_on < today)
    if f.due_soon:
        query = query.where(
            ReviewItem.status.in_(rules.OPEN_STATUSES),
            ReviewItem.due_on >= today,
            ReviewItem.due_on <= cal.add_workdays(today, rules.DUE_SOON_DAYS),
        )
    if f.received_from:
        query = query.where(f.received_from <= RECEIVED_OR_COMPLETE)
    if f.received_to:
        query = query.where(f.received_to >= RECEIVED_OR_COMPLETE)
    if f.text.strip():
        like = f"%{f.text.strip()}%"
        query = query.where(
            or_(
                ReviewItem.number.like(like),
                ReviewItem.title.like(like),
                ReviewItem.unit.like(like),
                ReviewItem.legacy_no == f.text.strip(),
            )
        )
    return query


def count_reviews(session: Session, actor: Actor, f: ReviewFilter, today: date) -> int:
    actor.require(Perm.VIEW_REVIEWS)
    query = _where(select(func.count()).select_from(ReviewItem), f, today, work_calendar(session))
    if f == ReviewFilter(year=f.year, sort=f.sort, descending=f.descending):
        # All items, or a year's: counted in the (year, seq) index of live items, not by reading
        # every item (SQLite's planner picks the table: 80 ms at 200,000 items, 10 ms from the index).
        query = query.with_hint(ReviewItem, "INDEXED BY ix_review_live_number", "sqlite")
    return session.scalar(query) or 0


def year_range(session: Session, actor: Actor) -> tuple[int, int] | None:
    """Two queries, each one seek at an end of the partial index on (year, seq) of live items
    (min and max together, or ``deleted IS 0``, would walk every item)."""
    actor.require(Perm.VIEW_REVIEWS)
    live = dialect.live("review_item")  # on SQLite literally the partial index's condition
    low = session.scalar(select(func.min(ReviewItem.year)).where(live))
    high = session.scalar(select(func.max(ReviewItem.year)).where(live))
    return (low, high) if low and high else None


def _pauses_by_item(session: Session, uuids: list[str]) -> dict[str, tuple[workdays.Pause, ...]]:
    out: dict[str, list[workdays.Pause]] = {u: [] for u in uuids}
    if uuids:
        for item_uuid, asked, received in session.execute(
            select(ReviewPause.item_uuid, ReviewPause.asked_on, ReviewPause.received_on)
            .where(ReviewPause.item_uuid.in_(uuids), ReviewPause.deleted.is_(False))
            .order_by(ReviewPause.asked_on)
        ):
            out[item_uuid].append(workdays.Pause(asked, received))
    return {k: tuple(v) for k, v in out.items()}


UNKNOWN_RECEIVED = "送审日期不详（导入的旧台账只有材料齐全日期），审查期限从材料齐全次日起算"


def warnings_for(item: ReviewItem, c: rules.Clock) -> list[str]:
    """What the register flags on an item, most urgent first."""
    out = []
    if c.overdue:
        out.append(c.text())
    elif c.due_soon:
        out.append(f"即将到期：{c.text()}")
    if c.paused:
        out.append("补正中，计时暂停")
    if c.fallback_years and (c.running or item.status == ReviewStatus.OPINION):
        out.append(rules.fallback_warning(c.fallback_years))
    if item.conclusion and item.opinion_on is None:
        out.append("缺少审查意见日期（导入的旧台账），审查用时与是否按期不计入统计")
    if item.conclusion and item.opinion_on and c.due_on and item.opinion_on > c.due_on:
        out.append(f"超期出具意见（期限 {c.due_on}）")
    if item.conclusion == "unlawful" and (item.issued_on or item.deliberation_on):
        out.append("审查结论为不合法，但登记了审议或出台日期")
    if (
        item.item_type in rules.NORMATIVE_TYPES
        and item.issued_on
        and item.filing_submitted_on is None
        and item.status != ReviewStatus.ARCHIVED
    ):
        out.append(f"规范性文件应在出台后 {rules.FILING_DAYS} 日内报送备案")
    if (
        item.filing_submitted_on
        and item.issued_on
        and (item.filing_submitted_on - item.issued_on).days > rules.FILING_DAYS
    ):
        out.append(f"报送备案晚于出台后 {rules.FILING_DAYS} 日")
    if item.received_on is None:
        out.append(UNKNOWN_RECEIVED)
    return out


def list_reviews(
    session: Session, actor: Actor, f: ReviewFilter, today: date, offset: int = 0, limit: int = 100
) -> list[ReviewRow]:
    actor.require(Perm.VIEW_REVIEWS)
    cal = work_calendar(session)
    columns = SORTS.get(f.sort, SORTS["number"])
    order: list[ColumnElement[Any]] = [c.desc() if f.descending else c.asc() for c in columns]
    if f.sort == "due_on":  # items without a deadline go last either way
        order.insert(0, ReviewItem.due_on.is_(None))
    rows = list(session.scalars(_where(select(ReviewItem), f, today, cal).order_by(*order).offset(offset).limit(limit)))
    pauses = _pauses_by_item(session, [r.uuid for r in rows])
    types = codes.labels(session, "review_type")
    conclusions = codes.labels(session, "review_conclusion")
    out = []
    for it in rows:
        c = item_clock(cal, it, pauses[it.uuid], today)
        out.append(
            ReviewRow(
                it.uuid,
                it.number,
                it.item_type,
                types.get(it.item_type, it.item_type),
                it.title,
                it.unit,
                it.received_on,
                it.complete_on,
                c.due_on,
                it.status,
                ReviewStatus(it.status).label,
                conclusions.get(it.conclusion, ""),
                c.remaining if c.running else None,
                c.text(),
                c.overdue,
                c.due_soon,
                c.paused,
                tuple(warnings_for(it, c)),
            )
        )
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@reads
def review_detail(session: Session, actor: Actor, uuid: str, today: date | None = None) -> dict[str, Any]:
    """Everything an item holds, as plain data (``review show --json`` and the register form)."""
    actor.require(Perm.VIEW_REVIEWS)
    item = get_item(session, uuid)
    today = today or actor.today
    cal = work_calendar(session)
    pause_rows = pauses_of(session, item.uuid)
    c = item_clock(cal, item, as_pauses(pause_rows), today)
    case = session.get(MediationCase, item.case_uuid) if item.case_uuid else None
    attachments = session.scalars(
        select(ReviewAttachment)
        .where(ReviewAttachment.item_uuid == item.uuid, ReviewAttachment.deleted.is_(False))
        .order_by(ReviewAttachment.updated_at)
    )
    fair = fair_competition_applies(session, item)
    answers = rules.parse_checklist(item.checklist)
    early = timing_warning(session, item, item.opinion_on) if item.conclusion and item.opinion_on else ""
    return {
        "uuid": item.uuid,
        "number": item.number,
        "version": item.version,
        "owner_node": item.owner_node,
        "legacy_no": item.legacy_no,
        "year": item.year,
        "type": codes.label(session, "review_type", item.item_type),
        "type_code": item.item_type,
        "title": item.title,
        "unit": item.unit,
        "contact": item.contact,
        "contact_phone": item.contact_phone,
        "received_on": _iso(item.received_on),
        "complete_on": _iso(item.complete_on),
        "reviewer": item.reviewer,
        "adviser_consulted": item.adviser_consulted,
        "expert_panel": item.expert_panel,
        "risk_assessed": item.risk_assessed,
        "note": item.note,
        "status": item.status,
        "status_label": ReviewStatus(item.status).label,
        "limit_days": item.limit_days,
        "total_days": c.total,
        "due_on": _iso(c.due_on),
        "days_used": c.used if item.complete_on else None,
        "remaining_days": c.remaining if c.running else None,
        "clock": c.text(),
        "overdue": c.overdue,
        "due_soon": c.due_soon,
        "paused": c.paused,
        "calendar_fallback": list(c.fallback_years),
        "warnings": warnings_for(item, c) + ([early] if early else []),
        "checklist": [
            {
                "key": key,
                "label": rules.CHECK_LABELS[key],
                "question": rules.CHECK_QUESTIONS[key],
                "answer": answers.get(key, {}).get("answer", ""),
                "answer_label": rules.ANSWERS.get(answers.get(key, {}).get("answer", ""), ""),
                "note": answers.get(key, {}).get("note", ""),
            }
            for key in rules.check_keys(fair)
        ],
        "fair_competition_applies": fair,
        "normative_bounds": list(normative_bounds(session)) if item.item_type in rules.BOUNDED_TYPES else None,
        "extension": {
            "days": item.extension_days,
            "approver": item.extension_approver,
            "approved_on": _iso(item.extension_on),
            "reason": item.extension_reason,
        },
        "pauses": [
            {
                "uuid": p.uuid,
                "asked_on": _iso(p.asked_on),
                "received_on": _iso(p.received_on),
                "materials": p.materials,
                "working_days": cal.count(p.asked_on, p.received_on or today) if p.asked_on else 0,
            }
            for p in pause_rows
        ],
        "opinion": None
        if not item.conclusion
        else {
            "number": item.opinion_no,
            "date": _iso(item.opinion_on),
            "conclusion": item.conclusion,
            "conclusion_label": codes.label(session, "review_conclusion", item.conclusion),
            "issues": item.issues,
            "points": item.points,
            "working_days": item.working_days,
            "on_time": (item.opinion_on <= c.due_on) if item.opinion_on and c.due_on else None,
        },
        "adoption": item.adoption,
        "adoption_label": codes.label(session, "review_adoption", item.adoption),
        "adoption_reason": item.adoption_reason,
        "deliberation_on": _iso(item.deliberation_on),
        "issued_on": _iso(item.issued_on),
        "filing": {
            "applies": item.item_type in rules.NORMATIVE_TYPES,
            "submitted_on": _iso(item.filing_submitted_on),
            "registered_on": _iso(item.filing_registered_on),
        },
        "returned": None
        if item.status != ReviewStatus.RETURNED
        else {"on": _iso(item.returned_on), "reason": item.returned_reason},
        "archived": None if item.archived_on is None else {"on": _iso(item.archived_on), "by": item.archived_by},
        "case": None if case is None else {"uuid": case.uuid, "case_no": case.case_no, "title": case.title},
        "attachments": [
            {"uuid": a.uuid, "kind": a.kind, "file_name": a.file_name, "sha256": a.sha256, "size": a.size}
            for a in attachments
        ],
    }


@reads
def summaries(session: Session, actor: Actor, f: ReviewFilter, today: date) -> list[dict[str, Any]]:
    """The items of ``review list --json`` (design.md §10), oldest number first."""
    total = count_reviews(session, actor, f, today)
    out = []
    for offset in range(0, total, 500):
        for r in list_reviews(session, actor, f, today, offset, 500):
            out.append(
                {
                    "uuid": r.uuid,
                    "number": r.number,
                    "type": r.type_label,
                    "type_code": r.type_code,
                    "title": r.title,
                    "unit": r.unit,
                    "received_on": _iso(r.received_on),
                    "complete_on": _iso(r.complete_on),
                    "due_on": _iso(r.due_on),
                    "remaining_days": r.remaining,
                    "status": r.status,
                    "status_label": r.status_label,
                    "conclusion": r.conclusion_label or None,
                    "overdue": r.overdue,
                    "warnings": list(r.warnings),
                }
            )
    return out


# ---------------------------------------------------------------- reminders


@dataclass(frozen=True)
class DueReview:
    due: date
    uuid: str
    number: str
    title: str
    text: str
    overdue: bool


def due_items(session: Session, actor: Actor, today: date, limit: int = 200) -> list[DueReview]:
    """Items due within two working days, overdue ones, and one note when some deadline is counted
    Monday–Friday for want of the year's holiday schedule."""
    if not actor.can(Perm.VIEW_REVIEWS):
        return []
    cal = work_calendar(session)
    soon = cal.add_workdays(today, rules.DUE_SOON_DAYS)
    rows = list(
        session.scalars(
            select(ReviewItem)
            .where(
                LIVE,
                ReviewItem.status.in_(rules.OPEN_STATUSES),
                or_(ReviewItem.due_on <= soon, ReviewItem.calendar_fallback != ""),
            )
            .order_by(ReviewItem.due_on)
            .limit(limit)
        )
    )
    pauses = _pauses_by_item(session, [r.uuid for r in rows])
    out: list[DueReview] = []
    fallback: set[int] = set()
    for it in rows:
        c = item_clock(cal, it, pauses[it.uuid], today)
        fallback.update(c.fallback_years)
        if c.due_on is None or not (c.overdue or c.due_soon):
            continue
        word = "合法性审查已超期" if c.overdue else "合法性审查即将到期"
        out.append(DueReview(c.due_on, it.uuid, it.number, it.title, f"{word}（{c.text()}）：{it.title}", c.overdue))
    if fallback:
        out.append(DueReview(today, "", "", "", "合法性审查期限：" + rules.fallback_warning(sorted(fallback)), False))
    return out


def open_count(session: Session, actor: Actor, today: date) -> tuple[int, int]:
    """(items under review, of which overdue) for the home page."""
    if not actor.can(Perm.VIEW_REVIEWS):
        return 0, 0
    base = select(func.count()).select_from(ReviewItem).where(LIVE, ReviewItem.status.in_(rules.OPEN_STATUSES))
    return (
        session.scalar(base) or 0,
        session.scalar(base.where(and_(ReviewItem.due_on.is_not(None), ReviewItem.due_on < today))) or 0,
    )


# ---------------------------------------------------------------- statistics


def facts(session: Session, actor: Actor, date_from: date, date_to: date) -> list[rules.ItemFacts]:
    actor.require(Perm.VIEW_REVIEWS)
    rows = session.execute(
        select(
            ReviewItem.number,
            ReviewItem.item_type,
            RECEIVED_OR_COMPLETE,
            ReviewItem.status,
            ReviewItem.conclusion,
            ReviewItem.adoption,
            ReviewItem.opinion_on,
            ReviewItem.due_on,
            ReviewItem.working_days,
        )
        .where(LIVE, date_from <= RECEIVED_OR_COMPLETE, date_to >= RECEIVED_OR_COMPLETE)
        .order_by(RECEIVED_OR_COMPLETE, ReviewItem.year, ReviewItem.seq)
    )
    return [rules.ItemFacts(*r) for r in rows]


def statistics(session: Session, actor: Actor, date_from: date, date_to: date) -> rules.Statistics:
    from xihu_desk.services import review_matters  # the office's list of meeting items and contracts

    missing = review_matters.missing_count(session, actor, date_from, date_to)
    return rules.statistics(facts(session, actor, date_from, date_to), date_from, date_to, missing)


def register_rows(session: Session, actor: Actor, f: ReviewFilter, today: date) -> list[dict[str, Any]]:
    """Every item the filter matches with the register's columns, for the Excel ledger and the
    statistics workbook's 明细 sheet (labels, not codes)."""
    actor.require(Perm.VIEW_REVIEWS)
    cal = work_calendar(session)
    types = codes.labels(session, "review_type")
    conclusions = codes.labels(session, "review_conclusion")
    adoptions = codes.labels(session, "review_adoption")
    f = ReviewFilter(**{**f.__dict__, "sort": "number", "descending": False})
    total = count_reviews(session, actor, f, today)
    out = []
    for offset in range(0, total, 500):
        items = list(
            session.scalars(
                _where(select(ReviewItem), f, today, cal)
                .order_by(ReviewItem.year, ReviewItem.seq)
                .offset(offset)
                .limit(500)
            )
        )
        pauses = _pauses_by_item(session, [i.uuid for i in items])
        for it in items:
            c = item_clock(cal, it, pauses[it.uuid], today)
            out.append(
                {
                    "number": it.number,
                    "legacy_no": it.legacy_no,
                    "type": types.get(it.item_type, it.item_type),
                    "item_type": types.get(it.item_type, it.item_type),
                    "type_code": it.item_type,
                    "title": it.title,
                    "unit": it.unit,
                    "contact": it.contact,
                    "contact_phone": it.contact_phone,
                    "received_on": it.received_on,
                    "complete_on": it.complete_on,
                    "pauses": "；".join(f"{p.asked_on}—{p.received_on or '未收到'}" for p in pauses[it.uuid]),
                    "reviewer": it.reviewer,
                    "adviser_consulted": it.adviser_consulted,
                    "expert_panel": it.expert_panel,
                    "limit_days": it.limit_days,
                    "extension_days": it.extension_days or None,
                    "extension_approver": it.extension_approver,
                    "extension_reason": it.extension_reason,
                    "due_on": c.due_on,
                    "opinion_no": it.opinion_no,
                    "opinion_on": it.opinion_on,
                    "conclusion": conclusions.get(it.conclusion, ""),
                    "conclusion_code": it.conclusion,
                    "issues": it.issues,
                    "points": it.points if it.conclusion else None,
                    "working_days": it.working_days,
                    "on_time": (
                        None if not (it.conclusion and it.opinion_on and c.due_on) else it.opinion_on <= c.due_on
                    ),
                    "adoption": adoptions.get(it.adoption, ""),
                    "adoption_code": it.adoption,
                    "adoption_reason": it.adoption_reason,
                    "deliberation_on": it.deliberation_on,
                    "issued_on": it.issued_on,
                    "filing_submitted_on": it.filing_submitted_on,
                    "filing_registered_on": it.filing_registered_on,
                    "risk_assessed": it.risk_assessed,
                    "status": ReviewStatus(it.status).label,
                    "status_code": it.status,
                    "archived_on": it.archived_on,
                    "note": it.note,
                    "warnings": "；".join(warnings_for(it, c)),
                }
            )
    return out
