"""What the 数据交换 page shows: what would go up next, the quarantine list, the district's count
of cases per node, in one read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.roles import Perm
from xihu_desk.services.case_transfer import first_screen
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import org_name, parent_peer, this_node, unacknowledged
from xihu_desk.services.exchange.downward import corrections
from xihu_desk.services.exchange.enrolment import peers
from xihu_desk.services.exchange.fork_line import forks, restore_notice
from xihu_desk.store import aggregates
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.sync_models import PeerNode, Quarantine


def pending_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many records would go in the next upward bundle."""
    actor.require(Perm.EXCHANGE)
    parent = parent_peer(session)
    if parent is None:
        return {}
    return {kind: unacknowledged(session, parent.node_id, kind) for kind in aggregates.KINDS}


def quarantine_list(session: Session, actor: Actor) -> list[dict[str, Any]]:
    actor.require(Perm.EXCHANGE)
    return [
        {
            "direction": q.direction,
            "kind": q.kind,
            "uuid": q.uuid,
            "label": q.label,
            "reason": q.reason,
            "at": q.at.isoformat(sep=" ", timespec="minutes"),
        }
        for q in session.scalars(
            select(Quarantine).where(Quarantine.resolved.is_(False)).order_by(Quarantine.at.desc()).limit(500)
        )
    ]


def cases_by_owner(session: Session, actor: Actor) -> list[tuple[str, int]]:
    """The district's view: how many cases each node's records hold here."""
    actor.require(Perm.EXCHANGE)
    names = {p.node_id: p.org_name for p in session.scalars(select(PeerNode))}
    me = this_node(session)
    names[me.node_id] = org_name(session, me.org_code)
    rows = session.execute(
        select(MediationCase.owner_node, func.count())
        .where(MediationCase.deleted.is_(False))
        .group_by(MediationCase.owner_node)
    ).all()
    return [(names.get(owner, owner), n) for owner, n in rows]


def overview(
    session: Session, actor: Actor, *, parent_side: bool, child_side: bool, owners: bool, transfers: bool = False
) -> dict[str, Any]:
    """Everything the 数据交换 page shows, in one read."""
    return {
        "peers": peers(session, actor),
        "pending": pending_counts(session, actor) if parent_side else {},
        "restored": restore_notice(session, actor) if parent_side else "",
        "quarantined": quarantine_list(session, actor),
        "corrections": corrections(session, actor, open_only=False),
        "owners": cases_by_owner(session, actor) if owners else [],
        "forks": forks(session, actor) if child_side else [],
        "transfers": first_screen(session, actor) if transfers else None,  # a page and the counts, not every row
    }
