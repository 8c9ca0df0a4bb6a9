"""Whose records a sender may deliver here (design.md §5.4): itself and the nodes this node knows
to be below it. The rules for a child's forwarding claims are in sync/lineage.py; here the facts
they are judged against and the record of what was accepted (sync_lineage)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.services.exchange.common import this_node
from xihu_desk.store.models import Node, OrgUnit
from xihu_desk.store.sync_models import Lineage, PeerNode
from xihu_desk.sync import lineage


def forwarded_for(session: Session, node: Node) -> list[dict[str, Any]]:
    """The nodes whose records this node forwards upward: its enrolled children and the nodes below
    them that it has checked (never what a child merely claimed). Each names its own parent, so
    the receiver can check the whole chain against what it already knows."""
    out = [
        {
            "node_id": c.node_id,
            "org_code": c.org_code,
            "level": c.level,
            "fingerprint": c.fingerprint,
            "parent": node.node_id,
        }
        for c in session.scalars(select(PeerNode).where(PeerNode.relation == "child").order_by(PeerNode.node_id))
    ]
    out += [
        {
            "node_id": r.node_id,
            "org_code": r.org_code,
            "level": r.level,
            "fingerprint": r.fingerprint,
            "parent": r.parent,
        }
        for r in session.scalars(select(Lineage).order_by(Lineage.recorded_at, Lineage.node_id))
    ]
    return out


def org_within(session: Session, code: str, ancestor: str) -> bool:
    """Is org unit ``code`` the unit ``ancestor`` or below it in the reference org tree?"""
    seen: set[str] = set()
    while code and code not in seen:
        if code == ancestor:
            return True
        seen.add(code)
        unit = session.get(OrgUnit, code)
        if unit is None:
            return False
        code = unit.parent_code
    return False


def allowed_owners(
    session: Session, sender: str, manifest: dict[str, Any], now: datetime
) -> tuple[set[str], list[str]]:
    """The owners whose records ``sender`` may deliver, after recording the claims of its manifest
    that hold (sync/lineage.py); refused claims come back as warnings for the import report."""
    peer = session.get(PeerNode, sender)
    known = {r.node_id: r.level for r in session.scalars(select(Lineage).where(Lineage.via == sender))}
    allowed = {sender, *known}
    if peer is None or peer.relation != "child" or not isinstance(manifest.get("children"), list):
        return allowed, []
    me = this_node(session).node_id

    def known_elsewhere(node_id: str) -> str:
        if node_id == me or session.get(PeerNode, node_id) is not None:
            return "是本单位直接登记的单位"
        return "已登记在其他下级单位之下" if session.get(Lineage, node_id) is not None else ""

    def outside(org: str) -> str:
        return "" if org_within(session, org, peer.org_code) else f"所属单位（{org}）不在{peer.org_name}辖区内"

    verdict = lineage.judge(
        lineage.claims_of(manifest, sender),
        sender,
        {sender: peer.level, **known},
        known_elsewhere=known_elsewhere,
        outside=outside,
    )
    for claim in verdict.accepted:
        session.add(
            Lineage(
                node_id=claim.node_id,
                via=sender,
                parent=claim.parent,
                org_code=claim.org_code,
                level=claim.level,
                fingerprint=claim.fingerprint,
                recorded_at=now,
            )
        )
        allowed.add(claim.node_id)
    warnings = [
        f"注意：{peer.org_name} 声称转报节点 {claim.node_id[:8]}…，但该节点{reason}，不予认可，其记录将被拒收。"
        for claim, reason in verdict.refused
    ]
    warnings += [
        f"注意：{peer.org_name} 声称转报节点 {claim.node_id[:8]}…，但其上级不是本单位已知的单位，不予认可。"
        for claim in verdict.orphans
    ]
    return allowed, warnings
