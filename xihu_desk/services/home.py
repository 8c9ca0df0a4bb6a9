"""The home page: today's figures and the to-do list, from what this node actually holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.roles import Perm
from xihu_desk.services import committees, users
from xihu_desk.services.context import Actor
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


@dataclass(frozen=True)
class HomeSummary:
    figures: list[Figure] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)


def summary(session: Session, actor: Actor) -> HomeSummary:
    since = (actor.now - timedelta(days=1)).isoformat(timespec="seconds")
    figures = [
        Figure("调委会", len(committees.list_committees(session))),
        Figure("在用账户", users.count_users(session)),
        Figure("近 24 小时操作", session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.at >= since)) or 0, "条审计记录"),
    ]
    due: list[DueItem] = []
    locked = session.scalar(select(func.count()).select_from(User).where(User.locked_until > actor.now)) or 0
    if locked and actor.can(Perm.MANAGE_USERS):
        due.append(DueItem(actor.now.date().isoformat(), f"{locked} 个账户因密码错误被锁定", "settings"))
    return HomeSummary(figures, due)
