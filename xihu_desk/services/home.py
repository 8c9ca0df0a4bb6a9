"""The home page: today's figures and the to-do list, from what this node actually holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.roles import Perm
from xihu_desk.services import case_queries, committees, users
from xihu_desk.services.context import Actor
from xihu_desk.store.case_list import OPEN_STATUSES
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent, User


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    note: str = ""


@dataclass(frozen=True)
class DueItem:
    due: str  # ISO date
    title: str
    area: str  # the navigation area that opens it
    case_uuid: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class HomeSummary:
    figures: list[Figure] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)


def _case_figures(session: Session, today: date) -> list[Figure]:
    alive = MediationCase.deleted.is_(False)
    count = select(func.count()).select_from(MediationCase).where(alive)
    open_cases = session.scalar(count.where(MediationCase.status.in_(OPEN_STATUSES))) or 0
    overdue = session.scalar(count.where(MediationCase.status.in_(OPEN_STATUSES), MediationCase.due_on < today)) or 0
    month = session.scalar(count.where(MediationCase.accepted_on >= today.replace(day=1))) or 0
    followups = session.scalar(count.where(MediationCase.followup_due <= today)) or 0
    return [
        Figure("在办案件", open_cases, f"其中超期 {overdue} 件" if overdue else "均在期限内"),
        Figure("本月受理", month, f"{today:%Y年%m月}"),
        Figure("待回访", followups, "已到回访日期"),
    ]


def summary(session: Session, actor: Actor, today: date | None = None) -> HomeSummary:
    today = today or actor.now.date()
    figures: list[Figure] = []
    due: list[DueItem] = []
    if actor.can(Perm.VIEW_CASES):
        figures += _case_figures(session, today)
        due += [DueItem(d.due.isoformat(), f"{d.case_no}　{d.title}", "cases", d.case_uuid, d.overdue)
                for d in case_queries.due_items(session, actor, today)]
    figures.append(Figure("调委会", len(committees.list_committees(session))))
    if actor.can(Perm.MANAGE_USERS):
        since = (actor.now - timedelta(days=1)).isoformat(timespec="seconds")
        figures.append(Figure("在用账户", users.count_users(session)))
        figures.append(Figure("近 24 小时操作", session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.at >= since)) or 0, "条审计记录"))
        locked = session.scalar(select(func.count()).select_from(User).where(User.locked_until > actor.now)) or 0
        if locked:
            due.append(DueItem(today.isoformat(), f"{locked} 个账户因密码错误被锁定", "settings"))
    if actor.can(Perm.VIEW_REVIEWS):  # legality review: items under review, due within 2 working days, overdue
        from xihu_desk.services import review_queries

        under_review, late = review_queries.open_count(session, actor, today)
        figures.append(Figure("在审事项", under_review, f"其中超期 {late} 件" if late else "合法性审查"))
        due = sorted(due + [DueItem(d.due.isoformat(), f"{d.number}　{d.text}" if d.number else d.text, "reviews", d.uuid,
                                    d.overdue) for d in review_queries.due_items(session, actor, today)],
                     key=lambda d: d.due)  # one to-do list, soonest first
    return HomeSummary(figures, due)
