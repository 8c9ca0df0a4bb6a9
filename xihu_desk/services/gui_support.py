"""Small reads the GUI needs that the other services do not offer yet (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import NotFound
from xihu_desk.domain.parties import PartyInput
from xihu_desk.domain.roles import Perm
from xihu_desk.services.case_queries import party_input
from xihu_desk.services.cases import get_case
from xihu_desk.services.context import Actor
from xihu_desk.store import case_list
from xihu_desk.store.case_models import Agreement, MediationCase, Party
from xihu_desk.store.models import User


def user_committee(session: Session, actor: Actor, user_uuid: str) -> str | None:
    """The committee a user belongs to, so the user form can show it (UserRow does not carry it)
    and saving the form keeps it."""
    actor.require(Perm.MANAGE_USERS)
    user = session.get(User, user_uuid)
    if user is None or user.deleted:
        raise NotFound("找不到该用户。")
    return user.committee_uuid


# ---------------------------------------------------------------- the case screens


@dataclass(frozen=True)
class CaseForEdit:
    """What the case form needs to edit a case exactly: the parties as stored (full ID numbers,
    as party_input gives them to the case form of an editor) and the amounts in fen, which
    case_detail shows in yuan as floats."""

    parties: tuple[PartyInput, ...]
    amount_fen: int
    agreement_amount_fen: int


def case_for_edit(session: Session, actor: Actor, case_uuid: str) -> CaseForEdit:
    actor.require(Perm.EDIT_CASES)
    case = get_case(session, case_uuid)
    parties = session.scalars(select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False))
                              .order_by(Party.position))
    agreement = session.scalar(select(Agreement.amount_fen).where(Agreement.case_uuid == case.uuid,
                                                                 Agreement.deleted.is_(False)))
    return CaseForEdit(tuple(party_input(p) for p in parties), case.amount_fen, agreement or 0)


def case_year_range(session: Session, actor: Actor) -> tuple[int, int] | None:
    """The first and last year that have cases, for the list's year filter: two separate queries,
    so each is one look-up at an end of the partial index on (year, seq) of live cases."""
    actor.require(Perm.VIEW_CASES)
    first = session.scalar(select(func.min(MediationCase.year)).where(case_list.LIVE))
    if first is None:
        return None
    return first, session.scalar(select(func.max(MediationCase.year)).where(case_list.LIVE))
