"""Small reads the GUI needs that the other services do not offer yet (no Qt here)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xihu_desk.domain.errors import NotFound
from xihu_desk.domain.roles import Perm
from xihu_desk.services.context import Actor
from xihu_desk.store.models import User


def user_committee(session: Session, actor: Actor, user_uuid: str) -> str | None:
    """The committee a user belongs to, so the user form can show it (UserRow does not carry it)
    and saving the form keeps it."""
    actor.require(Perm.MANAGE_USERS)
    user = session.get(User, user_uuid)
    if user is None or user.deleted:
        raise NotFound("找不到该用户。")
    return user.committee_uuid
