"""What every part of the exchange services shares: this node, names of units and peers, and the
quarantine list (records held back on the way out or in, with the reason, until settled)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.store import aggregates
from xihu_desk.store.models import Node, OrgUnit
from xihu_desk.store.sync_models import Lineage, PeerNode, Quarantine, SyncAck

BATCH = 500  # records per query and per savepoint


def this_node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def org_name(session: Session, code: str | None) -> str:
    unit = session.get(OrgUnit, code or "")
    return unit.name if unit else (code or "")


def peer_org_code(session: Session, node_id: str) -> str:
    peer = session.get(PeerNode, node_id)
    return peer.org_code if peer else "unknown"


def peer_name(session: Session, node_id: str) -> str:
    peer = session.get(PeerNode, node_id)
    return peer.org_name if peer else "其他单位"


def parent_peer(session: Session) -> PeerNode | None:
    return session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))


def child_peer(session: Session, ref: str) -> PeerNode:
    """An enrolled child by node id or org code (a code two nodes share is refused, not taken first)."""
    found = list(
        session.scalars(
            select(PeerNode).where(PeerNode.relation == "child", (PeerNode.node_id == ref) | (PeerNode.org_code == ref))
        )
    )
    if not found:
        raise UserError(f"“{ref}”不是已登记的下级单位。")
    if len(found) > 1:
        raise UserError(f"单位代码 {ref} 对应多个下级节点，请改用节点编号：" + "、".join(p.node_id for p in found))
    return found[0]


def subtree(session: Session, child: str) -> set[str]:
    """A child and the nodes recorded below it."""
    return {child, *session.scalars(select(Lineage.node_id).where(Lineage.via == child))}


def quarantine(
    session: Session,
    direction: str,
    peer: str,
    kind: str,
    uuid: str,
    version: int,
    label: str,
    reason: str,
    at: datetime,
) -> None:
    existing = session.scalar(
        select(Quarantine).where(
            Quarantine.direction == direction,
            Quarantine.kind == kind,
            Quarantine.uuid == uuid,
            Quarantine.version == version,
            Quarantine.resolved.is_(False),
        )
    )
    if existing is None:
        session.add(
            Quarantine(
                direction=direction,
                peer=peer,
                kind=kind,
                uuid=uuid,
                version=version,
                label=str(label)[:120],
                reason=reason,
                at=at,
                resolved=False,
            )
        )


def settle_quarantine(session: Session, kind: str, accepted: list[str]) -> None:
    """A record quarantined on the way in is settled once a later version of it is accepted."""
    if accepted:
        session.execute(
            update(Quarantine)
            .where(
                Quarantine.direction == "in",
                Quarantine.kind == kind,
                Quarantine.uuid.in_(accepted),
                Quarantine.resolved.is_(False),
            )
            .values(resolved=True)
            .execution_options(synchronize_session=False)
        )


def unacknowledged(session: Session, destination: str, kind: str) -> int:
    """How many records of ``kind`` ``destination`` has not acknowledged at their current version
    (what the next bundle to it carries), its own records aside."""
    model = aggregates.ROOTS[kind]
    return (
        session.scalar(
            select(func.count())
            .select_from(model)
            .outerjoin(
                SyncAck, (SyncAck.destination == destination) & (SyncAck.kind == kind) & (SyncAck.uuid == model.uuid)
            )
            .where(model.owner_node != destination, (SyncAck.version.is_(None)) | (SyncAck.version < model.version))
        )
        or 0
    )
