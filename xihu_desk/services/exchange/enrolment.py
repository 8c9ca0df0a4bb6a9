"""Enrolment (design.md §5.1): this node's key file, and registering a child's or the parent's.
The fingerprint shown must be compared with the one on the other node's screen (by phone)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import org_name, parent_peer, this_node
from xihu_desk.services.units import reads, writes
from xihu_desk.store.sync_models import BundleIn, PeerNode
from xihu_desk.sync import keys, lineage, sequences


@reads
def export_key(session: Session, actor: Actor) -> dict[str, Any]:
    """The public half of this node's identity, as a file the other node enrols."""
    actor.require(Perm.EXCHANGE)
    node = this_node(session)
    return keys.key_document(
        node_id=node.node_id,
        org_code=node.org_code,
        org_name=org_name(session, node.org_code),
        level=node.level,
        parent_code=node.parent_code,
        sign_public=node.sign_public,
        enc_public=node.enc_public,
    )


@dataclass(frozen=True)
class Enrolled:
    node_id: str
    org_name: str
    relation: str
    fingerprint: str


@writes
def enrol(session: Session, actor: Actor, doc: dict[str, Any], *, dry_run: bool = False) -> Enrolled:
    """Register the other node's keys: a child below us or our parent. ``dry_run``: every check,
    nothing saved (what the screen shows before that phone call)."""
    actor.require(Perm.EXCHANGE)
    node = this_node(session)
    other = keys.read_key_document(doc)
    if other.node_id == node.node_id:
        raise UserError("这是本节点自己的密钥文件。")
    mine = Level(node.level)
    if other.parent_code == node.org_code and lineage.directly_below(other.level, mine):
        relation = "child"
    elif node.parent_code == other.org_code and lineage.directly_below(mine, other.level):
        relation = "parent"
    else:
        raise UserError(f"“{other.org_name}”既不是本单位的下级，也不是本单位的上级，不能登记。")
    if relation == "parent":
        existing_parent = parent_peer(session)
        if existing_parent is not None and existing_parent.node_id != other.node_id:
            raise UserError(
                f"已登记上级单位“{existing_parent.org_name}”。上级节点更换需要重新初始化密钥交换，请联系区局。"
            )
    peer = session.get(PeerNode, other.node_id) or PeerNode(node_id=other.node_id)
    if peer.sign_public and peer.fingerprint != other.fingerprint:
        raise UserError("该节点已登记过另一组密钥。若对方重装了程序，请先由管理员删除旧的登记。")
    if dry_run:
        return Enrolled(other.node_id, other.org_name, relation, other.fingerprint)
    peer.relation, peer.org_code, peer.org_name, peer.level = (
        relation,
        other.org_code,
        other.org_name,
        other.level.value,
    )
    peer.sign_public, peer.enc_public, peer.fingerprint, peer.enrolled_at = (
        other.sign_public,
        other.enc_public,
        other.fingerprint,
        actor.now,
    )
    session.add(peer)
    audit.record(
        session,
        actor,
        "exchange.enrol",
        "peer_node",
        other.node_id,
        summary=f"登记{'下级' if relation == 'child' else '上级'}单位 {peer.org_name} 的密钥（指纹 {other.fingerprint[:19]}…）",
    )
    return Enrolled(other.node_id, peer.org_name, relation, other.fingerprint)


@dataclass(frozen=True)
class PeerRow:
    node_id: str
    org_name: str
    relation: str
    level: str
    fingerprint: str
    enrolled_at: str
    last_sequence: int | None
    gaps: list[sequences.Span]


def peers(session: Session, actor: Actor) -> list[PeerRow]:
    actor.require(Perm.EXCHANGE)
    out = []
    for p in session.scalars(select(PeerNode).order_by(PeerNode.relation, PeerNode.org_code)):
        seqs = list(
            session.scalars(select(BundleIn.sequence).where(BundleIn.sender == p.node_id).order_by(BundleIn.sequence))
        )
        out.append(
            PeerRow(
                p.node_id,
                p.org_name,
                p.relation,
                p.level,
                p.fingerprint,
                p.enrolled_at.isoformat(sep=" ", timespec="minutes"),
                seqs[-1] if seqs else None,
                sequences.gaps(seqs),
            )
        )
    return out
