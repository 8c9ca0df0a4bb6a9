"""The home page: today's figures and the to-do list, from what this node actually holds.

Every figure carries the list it opens (an area and that area's own filter object) and is
counted by that list's own count query with that very filter, so the number on the card and
the length of the list it opens cannot drift apart. Every to-do item names the kind of record
it is about and that record's id, so it opens the right form.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, case_queries, committees, users
from xihu_desk.services.context import Actor
from xihu_desk.store.case_list import OPEN, CaseFilter
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import User

# What a to-do item or a figure opens: the navigation area (the record kind follows from it).
CASES, REVIEWS, MEDIATORS, USERS, AUDIT, COMMITTEES = "cases", "reviews", "mediators", "users", "audit", "committees"
SCREENING = "screening"  # a 重点矛盾纠纷 due for a check (services/screening_queries.due_checks)
TRANSFERS = "transfers"  # a 移送 request the district has to decide (services/case_transfer.py)
AREA_OF = {
    CASES: "cases",
    SCREENING: "screening",
    TRANSFERS: "exchange",
    REVIEWS: "reviews",
    MEDIATORS: "mediators",
    USERS: "settings",
    AUDIT: "settings",
    COMMITTEES: "settings",
}
APPOINTMENT_NOTICE_DAYS = 30  # a serving mediator's appointment ending within this many days is a to-do


@dataclass(frozen=True)
class UsersFilter:
    """The account list narrowed to the accounts in use (not disabled)."""

    active_only: bool = True


@dataclass(frozen=True)
class CommitteesFilter:
    """Every committee this node holds (the list in 系统设置 → 本节点)."""


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    note: str = ""
    kind: str = ""  # the list it opens: CASES, REVIEWS, USERS, AUDIT or COMMITTEES
    target: Any = None  # that list's filter: CaseFilter, ReviewFilter, AuditFilter, UsersFilter, CommitteesFilter

    @property
    def area(self) -> str:
        return AREA_OF.get(self.kind, "")


@dataclass(frozen=True)
class DueItem:
    due: str  # ISO date
    title: str
    kind: str  # the record it is about: CASES, REVIEWS, MEDIATORS or USERS
    record_uuid: str = ""
    overdue: bool = False

    @property
    def area(self) -> str:
        return AREA_OF.get(self.kind, "")


@dataclass(frozen=True)
class HomeSummary:
    figures: list[Figure] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)


def count(session: Session, actor: Actor, kind: str, target: Any, today: date) -> int:
    """The length of the list a figure opens, by that list's own count query."""
    if kind == CASES:
        return case_queries.count_cases(session, actor, target, today)
    if kind == REVIEWS:
        from xihu_desk.services import review_queries

        return review_queries.count_reviews(session, actor, target, today)
    if kind == USERS:
        return users.count_users(session) if target.active_only else len(users.list_users(session, actor))
    if kind == AUDIT:
        return audit.count_events(session, actor, target)
    if kind == COMMITTEES:
        return len(committees.list_committees(session))
    raise ValueError(f"unknown list {kind!r}")


def _figure(session: Session, actor: Actor, today: date, label: str, kind: str, target: Any, note: str = "") -> Figure:
    return Figure(label, count(session, actor, kind, target, today), note, kind, target)


def case_targets(today: date) -> dict[str, CaseFilter]:
    """The case lists behind the case figures."""
    return {
        "在办案件": CaseFilter(status=OPEN),
        "本月受理": CaseFilter(accepted_from=today.replace(day=1), accepted_to=today),
        "待回访": CaseFilter(followup_due=True),
    }


def _case_figures(session: Session, actor: Actor, today: date) -> list[Figure]:
    targets = case_targets(today)
    overdue = case_queries.count_cases(session, actor, CaseFilter(status=OPEN, overdue=True), today)
    notes = {
        "在办案件": f"其中超期 {overdue} 件" if overdue else "均在期限内",
        "本月受理": f"{today:%Y年%m月}",
        "待回访": "已到回访日期，尚未结束回访",
    }
    return [_figure(session, actor, today, label, CASES, f, notes[label]) for label, f in targets.items()]


def _my_cases(session: Session, actor: Actor, today: date) -> list[Figure]:
    """我的案件: the open cases of the roster entry the account is linked to (none for an account
    that is not: the 所长 and the administrator see all cases)."""
    own = users.own_roster_entry(session, actor)
    if own is None:
        return []
    target = CaseFilter(status=OPEN, mediator_uuid=own[0])
    late = case_queries.count_cases(session, actor, replace(target, overdue=True), today)
    return [
        _figure(
            session,
            actor,
            today,
            "我的案件",
            CASES,
            target,
            f"{own[1]}在办，其中超期 {late} 件" if late else f"{own[1]}在办",
        )
    ]


def _appointments_ending(session: Session, today: date) -> list[DueItem]:
    """Serving mediators whose appointment (聘任期) ends within a month or has ended."""
    horizon = today + timedelta(days=APPOINTMENT_NOTICE_DAYS)
    rows = session.execute(
        select(Mediator.uuid, Mediator.name, Mediator.appointment_end)
        .where(
            Mediator.deleted.is_(False),
            Mediator.status == "serving",
            Mediator.appointment_end.is_not(None),
            Mediator.appointment_end <= horizon,
        )
        .order_by(Mediator.appointment_end)
        .limit(200)
    )
    return [
        DueItem(
            end.isoformat(),
            f"调解员{'聘任期已满' if end < today else '聘任期将满'}：{name}（请续聘或办理解聘）",
            MEDIATORS,
            uuid,
            end < today,
        )
        for uuid, name, end in rows
        if end is not None
    ]


def summary(session: Session, actor: Actor, today: date | None = None, now: datetime | None = None) -> HomeSummary:
    now = now or actor.now
    today = today or clock.local_date(now)
    figures: list[Figure] = []
    due: list[DueItem] = []
    if actor.can(Perm.VIEW_CASES):
        figures += _my_cases(session, actor, today)
        figures += _case_figures(session, actor, today)
        due += [
            DueItem(d.due.isoformat(), f"{d.case_no}　{d.title}", CASES, d.case_uuid, d.overdue)
            for d in case_queries.due_items(session, actor, today)
        ]
        from xihu_desk.services import screening_queries

        due += [
            DueItem(d.due.isoformat(), d.text, SCREENING, d.uuid, d.overdue)
            for d in screening_queries.due_checks(session, actor, today)
        ]
        from xihu_desk.services import transfer_receiver  # 移送来的案件 still without this office's mediators

        due += [DueItem(on, text, CASES, uuid) for on, text, uuid in transfer_receiver.waiting(session)]
        from xihu_desk.services import platform_reconcile  # 省平台: cases still to enter, a month to reconcile

        due += platform_reconcile.home_items(session, actor, today)
    figures.append(_figure(session, actor, today, "调委会", COMMITTEES, CommitteesFilter()))
    if actor.can(Perm.EXCHANGE):  # 移送 requests waiting for the district's answer
        from xihu_desk.services import case_transfer

        due += [DueItem(on, text, TRANSFERS) for on, text in case_transfer.waiting(session)]
    if actor.can(Perm.MANAGE_MEDIATORS):
        due += _appointments_ending(session, today)
    if actor.can(Perm.MANAGE_USERS):
        figures.append(_figure(session, actor, today, "在用账户", USERS, UsersFilter()))
        if actor.can(Perm.VIEW_AUDIT):
            since = (now - timedelta(days=1)).replace(microsecond=0)
            figures.append(
                _figure(session, actor, today, "近 24 小时操作", AUDIT, audit.AuditFilter(since=since), "条审计记录")
            )
        locked = list(
            session.scalars(
                select(User.uuid).where(User.deleted.is_(False), User.locked_until > now).order_by(User.username)
            )
        )
        if locked:  # one line for all of them; it opens the account list at the first one
            due.append(DueItem(today.isoformat(), f"{len(locked)} 个账户因密码错误被锁定", USERS, locked[0]))
    if actor.can(Perm.VIEW_REVIEWS):  # legality review: items under review, due within 2 working days, overdue
        from xihu_desk.services import review_queries

        under_review = review_queries.ReviewFilter(status="open")
        late = review_queries.count_reviews(
            session, actor, review_queries.ReviewFilter(status="open", overdue=True), today
        )
        figures.append(
            _figure(
                session,
                actor,
                today,
                "在审事项",
                REVIEWS,
                under_review,
                f"其中超期 {late} 件" if late else "合法性审查",
            )
        )
        due += [
            DueItem(d.due.isoformat(), f"{d.number}　{d.text}" if d.number else d.text, REVIEWS, d.uuid, d.overdue)
            for d in review_queries.due_items(session, actor, today)
        ]
    due.sort(key=lambda d: d.due)  # one to-do list, soonest first
    return HomeSummary(figures, due)
