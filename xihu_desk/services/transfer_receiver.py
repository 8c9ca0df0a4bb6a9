"""A case transferred (移送) to this office, before it has mediators of its own (issue 18).

The case arrives without mediators: the sending office's mediators are on that office's roster, not
this one's (services/exchange/transfers.py keeps their names in the history as 原调解员). Until this
office assigns mediators from its own roster, nobody here is counted for the case (grading
evidence, mediator ledger) and an agreement cannot be registered, so the case page and the home
page's 待办 both ask for it. The assignment itself is an ordinary 受理信息 save
(cases.update_intake): it calls ``note_assigned`` in the same unit of work, which refuses a mediator
from another office's roster and writes a history row, so the change is audited and travels up with
the case (history is a part of the case bundle)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import FieldError
from xihu_desk.services import case_history
from xihu_desk.services.context import Actor
from xihu_desk.store.case_list import OPEN_STATUSES
from xihu_desk.store.case_models import CaseMediator, MediationCase, Mediator
from xihu_desk.store.models import Node
from xihu_desk.store.transfer_models import TransferDecision

ASK = "移送来的案件，请指定本所调解员"


def _me() -> Any:
    return select(Node.node_id).where(Node.id == 1).scalar_subquery()


def _awaiting_query() -> Any:
    """(case uuid, case no, day received) of open cases transferred here that have no mediator of
    this office's roster: one query however many there are."""
    me = _me()
    own_mediator = exists(
        select(CaseMediator.case_uuid)
        .join(Mediator, Mediator.uuid == CaseMediator.mediator_uuid)
        .where(CaseMediator.case_uuid == MediationCase.uuid, Mediator.owner_node == me)
    )
    return (
        select(MediationCase.uuid, MediationCase.case_no, TransferDecision.decided_on)
        .join(TransferDecision, TransferDecision.case_uuid == MediationCase.uuid)
        .where(
            TransferDecision.accepted.is_(True),
            TransferDecision.to_node == me,
            MediationCase.owner_node == me,
            MediationCase.deleted.is_(False),
            MediationCase.status.in_(OPEN_STATUSES),
            ~own_mediator,
        )
    )


def awaiting(session: Session, case_uuid: str) -> bool:
    """Does this case, transferred here, still wait for mediators of this office?"""
    query = _awaiting_query().where(MediationCase.uuid == case_uuid).limit(1)
    return session.execute(query).first() is not None


def waiting(session: Session) -> list[tuple[str, str, str]]:
    """(day received, to-do text, case uuid) for the home page, oldest first (a case received twice
    is listed once, from its latest arrival)."""
    latest: dict[str, tuple[str, str, str]] = {}
    for uuid, case_no, on in session.execute(_awaiting_query().order_by(TransferDecision.decided_on)):
        latest[uuid] = (on.isoformat(), f"{ASK}：{case_no}", uuid)
    return sorted(latest.values())


def note_assigned(
    session: Session, actor: Actor, case: MediationCase, before: list[str], after: list[str], was_awaiting: bool
) -> None:
    """Called by cases.update_intake after it wrote the mediators (``before``/``after``: their uuids).
    For a case that waited for this office's mediators: only this office's roster may be chosen,
    and the assignment is kept in the case's history next to the sending office's 原调解员."""
    if not was_awaiting or not after or sorted(before) == sorted(after):
        return
    me = session.scalar(select(Node.node_id).where(Node.id == 1))
    names = dict(session.execute(select(Mediator.uuid, Mediator.name).where(Mediator.uuid.in_(after))).all())
    others = [
        m.name for m in session.scalars(select(Mediator).where(Mediator.uuid.in_(after), Mediator.owner_node != me))
    ]
    if others:
        raise FieldError("mediators", f"{'、'.join(others)}不在本单位的调解员名册中：移送来的案件请指定本所的调解员。")
    case_history.add(
        session,
        actor,
        case,
        "transfer",
        "移送来的案件，由本单位指定调解员",
        field="mediators",
        field_label="本所调解员",
        after="、".join(names[u] for u in after if u in names),
    )
