"""Forks (design.md §5.5): a child that restored a backup numbers its bundles again, and the next
one no longer continues the line held here. Nothing of such a bundle is imported; the fork is
recorded (shown on the 数据交换 page) and a receipt saying where we stand goes back, so the
child re-bases; or an administrator accepts the child's new line (resolve_fork). The decisions
on a bundle's place in the line are in sync/continuity.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import child_peer, parent_peer, peer_org_code
from xihu_desk.services.exchange.receipts import write_receipt
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.sync_models import BundleIn, BundleOut, Fork, PeerNode
from xihu_desk.store.uow import Database
from xihu_desk.sync import container, continuity
from xihu_desk.sync.container import BundleRefused


class ForkRefused(BundleRefused):
    """A bundle refused because it forks the sender's line (nothing of it written)."""

    receipt: Path | None = None


def superseded(session: Session, sender: str) -> set[str]:
    """The hashes of ``sender``'s bundles on lines an administrator set aside."""
    return continuity.superseded_hashes(
        f.superseded for f in session.scalars(select(Fork).where(Fork.sender == sender, Fork.resolution == "new-line"))
    )


def record_fork(
    db: Database,
    actor: Actor,
    path: Path,
    receipt_dir: Path | None,
    opened: container.OpenedBundle,
    sender_name: str,
    what: str,
    *,
    dry_run: bool,
) -> ForkRefused:
    """The refusal of a bundle that does not continue the sender's line. Unless ``dry_run``, the
    fork is recorded and a re-basing receipt is written beside the bundle first."""
    m = opened.manifest
    sender, sequence = str(m["origin"]), int(m["sequence"])
    with db.read() as session:
        org = peer_org_code(session, sender)
    if dry_run:
        return ForkRefused(
            f"{what}，不能导入（对方可能恢复过备份；试导入未做任何记录，正式导入时会登记分叉并写出重新对齐回执）。"
        )
    with db.write() as session:
        known = session.scalar(select(Fork).where(Fork.sender == sender, Fork.sha256 == opened.sha256))
        if known is None:
            session.add(
                Fork(
                    sender=sender,
                    sequence=sequence,
                    bundle_id=str(m["bundle_id"]),
                    sha256=opened.sha256,
                    prev_sha256=str(m.get("prev_sha256", "")),
                    file=str(path.resolve()),
                    detected_at=actor.now,
                    resolution="",
                    superseded="[]",
                )
            )
            audit.record(
                session,
                actor,
                "exchange.fork",
                "bundle_in",
                str(m["bundle_id"]),
                summary=f"{what}，未导入",
                after={"sha256": opened.sha256, "file": path.name},
            )
        elif known.resolved_at is None:
            known.file = str(path.resolve())
    receipt = write_receipt(db, path, receipt_dir, sender, [], m, opened.sha256, fork=True)
    exc = ForkRefused(
        f"{what}，未导入（对方可能恢复过备份）。已在旁边写出重新对齐回执 {receipt.name}：交给对方登记回执后"
        f"重新导出即可；或由管理员执行 xihu-desk bundle resolve-fork {org} 接受对方的新序列。"
    )
    exc.receipt = receipt
    return exc


def close_forks(session: Session, actor: Actor, sender: str, sender_name: str, how: str) -> int:
    forks_open = list(session.scalars(select(Fork).where(Fork.sender == sender, Fork.resolved_at.is_(None))))
    for f in forks_open:
        f.resolved_at, f.resolution = actor.now, how
    if forks_open and how == "rebased":
        audit.record(
            session,
            actor,
            "exchange.fork-resolved",
            "peer_node",
            sender,
            summary=f"{sender_name} 已重新对齐，数据包序列恢复衔接（{len(forks_open)} 处分叉已了结）",
        )
    return len(forks_open)


@dataclass(frozen=True)
class ForkRow:
    id: int
    sender: str
    sender_name: str
    org_code: str
    sequence: int
    detected_at: str
    last_good: int | None
    file: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sender": self.sender,
            "sender_name": self.sender_name,
            "org_code": self.org_code,
            "sequence": self.sequence,
            "detected_at": self.detected_at,
            "last_good": self.last_good,
            "file": self.file,
        }


def forks(session: Session, actor: Actor) -> list[ForkRow]:
    """Open forks, oldest first: a child whose bundles no longer continue the line held here."""
    actor.require(Perm.EXCHANGE)
    out = []
    for f in session.scalars(select(Fork).where(Fork.resolved_at.is_(None)).order_by(Fork.detected_at, Fork.id)):
        peer = session.get(PeerNode, f.sender)
        good = session.scalar(
            select(BundleIn.sequence).where(BundleIn.sender == f.sender, BundleIn.sha256 == f.prev_sha256)
        )
        out.append(
            ForkRow(
                f.id,
                f.sender,
                peer.org_name if peer else f.sender,
                peer.org_code if peer else "",
                f.sequence,
                f.detected_at.isoformat(sep=" ", timespec="minutes"),
                0 if not f.prev_sha256 else good,
                f.file,
            )
        )
    return out


@dataclass(frozen=True)
class ForkResolution:
    sender_name: str
    last_good: int
    superseded: list[int]
    file: Path | None

    def as_json(self) -> dict[str, Any]:
        return {
            "sender_name": self.sender_name,
            "last_good": self.last_good,
            "superseded": self.superseded,
            "file": str(self.file) if self.file else None,
        }


def resolve_fork(db: Database, actor: Actor, ref: str) -> ForkResolution:
    """An administrator accepts a child's new line after the last bundle both lines share: our
    bundles from it after that one are set aside (their records stay), so the forked bundle and
    the ones after it import in order. Re-basing on our receipt, the other way out, keeps our line."""
    actor.require(Perm.EXCHANGE)
    actor.require(Perm.MANAGE_DATA)
    with db.write() as session:
        peer = child_peer(session, ref)
        open_forks = list(
            session.scalars(
                select(Fork)
                .where(Fork.sender == peer.node_id, Fork.resolved_at.is_(None))
                .order_by(Fork.sequence, Fork.id)
            )
        )
        if not open_forks:
            raise UserError(f"{peer.org_name} 没有待处理的分叉。")
        first = open_forks[0]
        good = (
            session.scalar(
                select(BundleIn.sequence).where(BundleIn.sender == peer.node_id, BundleIn.sha256 == first.prev_sha256)
            )
            if first.prev_sha256
            else None
        )
        last_good = continuity.last_shared(first.prev_sha256, first.sequence, good)
        if last_good is None:
            raise UserError(
                f"{peer.org_name} 第 {first.sequence} 号数据包与本单位导入过的任何数据包都不衔接，"
                "不能按新序列接受；请把重新对齐回执交给对方登记后重新导出。"
            )
        old = list(
            session.scalars(
                select(BundleIn)
                .where(BundleIn.sender == peer.node_id, BundleIn.sequence > last_good)
                .order_by(BundleIn.sequence)
            )
        )
        first.superseded = json.dumps([[b.sequence, b.bundle_id, b.sha256] for b in old])
        for b in old:
            session.delete(b)
        close_forks(session, actor, peer.node_id, peer.org_name, "new-line")
        audit.record(
            session,
            actor,
            "exchange.fork-resolved",
            "peer_node",
            peer.node_id,
            summary=f"接受 {peer.org_name} 自第 {last_good + 1} 号起的新序列；原第 "
            + ("、".join(str(b.sequence) for b in old) or "（无）")
            + " 号数据包的记录保留，序列作废",
            before={"superseded": [[b.sequence, b.sha256] for b in old]},
        )
        file = Path(first.file) if first.file and Path(first.file).is_file() else None
        return ForkResolution(peer.org_name, last_good, [b.sequence for b in old], file)


def restore_notice(session: Session, actor: Actor) -> str:
    """What to do when this node restored a backup after it last heard from its parent: the parent
    will see the next bundle as a fork until we re-base on its receipt."""
    actor.require(Perm.EXCHANGE)
    parent = parent_peer(session)
    if (
        parent is None
        or session.scalar(select(BundleOut.sequence).where(BundleOut.destination == parent.node_id).limit(1)) is None
    ):
        return ""
    restored = session.execute(
        select(AuditEvent.seq, AuditEvent.at)
        .where(AuditEvent.action == "data.restore")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    heard = session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.action == "exchange.receipt"))
    if restored is None or (heard is not None and heard > restored[0]):
        return ""
    return (
        f"本单位于 {str(restored[1])[:10]} 从备份恢复过。若恢复前已向{parent.org_name}报送过备份之后的数据包，"
        "对方会把新数据包判为分叉并写出重新对齐回执：登记该回执（或请对方“生成重新对齐回执”）后再导出，"
        "先登记再录入新案件可免改号。"
    )
