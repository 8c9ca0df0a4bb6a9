"""Receipts (design.md §5.3): the one written for each bundle imported, the re-basing receipt a
parent writes on request for a child that restored a backup, and taking a receipt back: what the
receiver took is acknowledged, the rest goes again in the next bundle. The receipt's format and
signature are in sync/receipts.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import BATCH, child_peer, peer_name, subtree, this_node
from xihu_desk.services.exchange.rebase import Rebase, rebase
from xihu_desk.store import aggregates
from xihu_desk.store.models import Meta
from xihu_desk.store.sync_models import BundleIn, BundleOut, PeerNode, Quarantine, SyncAck
from xihu_desk.store.uow import Database
from xihu_desk.sync import keys, receipts


def resync_block(session: Session, sender: str, *, fork: bool) -> dict[str, Any]:
    """Where this node stands for ``sender``: the bundles it holds from it and, for every record
    of the sender's subtree held here, version, content digest and (cases, reviews) number."""
    bundles = [
        [b.sequence, b.bundle_id, b.sha256]
        for b in session.scalars(select(BundleIn).where(BundleIn.sender == sender).order_by(BundleIn.sequence))
    ]
    owners = subtree(session, sender)
    records: list[list[Any]] = []
    for kind in aggregates.KINDS:
        model = aggregates.ROOTS[kind]
        uuids = list(session.scalars(select(model.uuid).where(model.owner_node.in_(owners)).order_by(model.uuid)))
        for start in range(0, len(uuids), BATCH):
            chunk = uuids[start : start + BATCH]
            digests = aggregates.local_digests(session, kind, chunk)
            for row in session.scalars(select(model).where(model.uuid.in_(chunk))):
                number = None
                if kind == "case":
                    number = [row.committee_uuid, row.year, row.seq]
                elif kind == "review_item":
                    number = [row.office_code, row.year, row.seq]
                records.append([kind, row.uuid, row.version, digests.get(row.uuid, ""), number])
            session.expunge_all()
    return {
        "fork": fork,
        "sequence": bundles[-1][0] if bundles else 0,
        "sha256": bundles[-1][2] if bundles else "",
        "bundles": bundles,
        "records": records,
    }


def write_receipt(
    db: Database,
    bundle_path: Path,
    receipt_dir: Path | None,
    sender: str,
    records: list[list[Any]],
    manifest: dict[str, Any],
    sha: str,
    *,
    fork: bool = False,
) -> Path:
    """The receipt for an imported (or forked) bundle, written beside it or in ``receipt_dir``.
    After a fork, or when a record clashed with what we hold (same version, other content; a number
    already used), it also says where we stand for that sender (``resync``), so the sender can
    re-base: continue its sequence above ours and resend, with versions that win, what differs."""
    clash = any(
        r[3] == "quarantined" and str(r[4]).startswith((aggregates.SAME_VERSION_DIFFERS, aggregates.NUMBER_CLASH))
        for r in records
    )
    with db.read() as session:
        node = this_node(session)
        doc = receipts.document(
            receiver=node.node_id,
            sender=sender,
            manifest=manifest,
            bundle_sha256=sha,
            records=records,
            made_at=clock.local_now().isoformat(timespec="microseconds"),
            resync=resync_block(session, sender, fork=fork) if fork or clash else None,
        )
        key = keys.load_signing_key(node.sign_private)
    folder = receipt_dir or bundle_path.parent
    return receipts.write(doc, key, folder / f"{bundle_path.stem}_receipt.json")


def resync_receipt(db: Database, actor: Actor, ref: str, out_dir: Path) -> Path:
    """A receipt for a child that restored a backup, made on request: where we stand, so it can
    re-base before it exports again (and number new cases above the ones we hold)."""
    actor.require(Perm.EXCHANGE)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"目标文件夹不存在：{out_dir}")
    with db.read() as session:
        node = this_node(session)
        peer = child_peer(session, ref)
        doc = receipts.document(
            receiver=node.node_id,
            sender=peer.node_id,
            manifest=None,
            bundle_sha256=None,
            records=[],
            made_at=clock.local_now().isoformat(timespec="microseconds"),
            resync=resync_block(session, peer.node_id, fork=True),
        )
        key = keys.load_signing_key(node.sign_private)
        name = f"XD_{node.org_code}_to_{peer.org_code}_resync_{clock.local_now():%Y%m%d%H%M%S}_receipt.json"
    target = receipts.write(doc, key, out_dir / name)
    with db.write() as session:
        audit.record(
            session,
            actor,
            "exchange.resync",
            "peer_node",
            peer.node_id,
            summary=f"为 {peer.org_name} 生成重新对齐回执 {target.name}",
        )
    return target


@dataclass(frozen=True)
class ReceiptResult:
    sequence: int
    destination_name: str
    acknowledged: int
    not_taken: list[dict[str, Any]]
    rebase: Rebase | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "destination": self.destination_name,
            "acknowledged": self.acknowledged,
            "not_taken": self.not_taken,
            "rebase": self.rebase.as_json() if self.rebase else None,
        }


def take_receipt(db: Database, actor: Actor, path: Path) -> ReceiptResult:
    """Mark what the receiver took; what it did not take goes again in the next bundle. A receipt
    counts only when signed by the node the bundle went to (for an upward bundle: our enrolled
    parent) and written for this node. One that says where the parent stands re-bases us."""
    actor.require(Perm.EXCHANGE)
    signed = receipts.read(path)
    doc = signed.doc
    with db.write() as session:
        node = this_node(session)
        peer = session.get(PeerNode, str(doc.get("receiver")))
        if peer is None:
            raise UserError("回执来自未登记的单位，不予登记。")
        signed.verify(peer.sign_public)
        if doc.get("sender") != node.node_id:
            raise UserError("这份回执是给其他单位的，不予登记。")
        resync = signed.resync
        sent = None
        if doc.get("bundle_id") is not None or resync is None:
            sent = session.scalar(select(BundleOut).where(BundleOut.bundle_id == doc.get("bundle_id")))
            if sent is None and resync is not None and resync.get("fork"):
                pass  # the forked bundle may be gone from our outbox (re-based, or restored again): the state still counts
            elif sent is None or sent.sha256 != doc.get("bundle_sha256"):
                raise UserError("回执对应的数据包不是本单位导出的。")
            if sent is not None and sent.destination != peer.node_id:
                raise UserError(
                    f"这份回执不是数据包的接收单位签发的（该数据包发给了{peer_name(session, sent.destination)}），不予登记。"
                )
        elif peer.relation != "parent":
            raise UserError("重新对齐回执只能来自本单位登记的上级，不予登记。")
        taken, not_taken = receipts.tally(doc["records"])
        try:
            for kind, uuid, version in taken:
                ack = session.get(SyncAck, (peer.node_id, kind, uuid))
                if ack is None:
                    session.add(SyncAck(destination=peer.node_id, kind=kind, uuid=uuid, version=version))
                elif ack.version < version:
                    ack.version = version
        except (TypeError, ValueError):
            raise UserError("回执内容格式不对，文件可能已损坏。") from None
        session.flush()
        # What was acknowledged at the version we sent closes our notes about it.
        for q in session.scalars(
            select(Quarantine).where(
                Quarantine.direction == "out", Quarantine.peer == peer.node_id, Quarantine.resolved.is_(False)
            )
        ):
            ack = session.get(SyncAck, (peer.node_id, q.kind, q.uuid))
            if ack is not None and ack.version >= q.version:
                q.resolved = True
        rebased = None
        made = str(doc.get("made_at", ""))
        last = session.get(Meta, f"sync.resync.{peer.node_id}")
        if resync is not None and last is not None and made <= last.value:
            if resync.get("fork"):  # an old word on where the parent stood: re-basing on it would go back
                raise UserError("这份重新对齐回执已登记过，或比已登记的更早，不予登记。")
            resync = None  # an older receipt taken late: its acknowledgements count, its state does not
        if resync is not None:
            if peer.relation != "parent":
                raise UserError("重新对齐回执只能来自本单位登记的上级，不予登记。")
            session.merge(Meta(key=f"sync.resync.{peer.node_id}", value=made))
            try:
                rebased = rebase(session, actor, node, peer, resync)
            except (TypeError, ValueError, IndexError, KeyError):
                raise UserError("重新对齐回执的内容格式不对，文件可能已损坏。") from None
            audit.record(
                session,
                actor,
                "exchange.rebase",
                "peer_node",
                peer.node_id,
                summary=f"按 {peer.org_name} 的回执重新对齐：上级已有至第 {rebased.sequence} 号，"
                f"待报送 {rebased.to_send} 条，提高版本 {len(rebased.raised)} 条，改号 {len(rebased.renumbered)} 件",
                after=rebased.as_json(),
            )
        sequence = sent.sequence if sent is not None else 0
        if sent is not None and session.get(BundleOut, (sent.destination, sent.sequence)) is sent:
            sent.receipt_at = actor.now
        audit.record(
            session,
            actor,
            "exchange.receipt",
            "bundle_out",
            str(doc.get("bundle_id") or ""),
            summary=f"收到 {peer.org_name} 对第 {sequence} 号数据包的回执：确认 {len(taken)} 条，未接收 {len(not_taken)} 条",
        )
    return ReceiptResult(sequence, peer.org_name, len(taken), not_taken, rebased)
