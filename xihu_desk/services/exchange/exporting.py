"""Export (design.md §5.2): the next bundle for the parent, every change it has not acknowledged,
or with ``to`` the bundle a parent writes for a child (returned-for-correction requests and
reference data). A record that would be refused up there stays here, in the quarantine list."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk import __version__
from xihu_desk.domain import ids, idnumber
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import audit, audit_exchange
from xihu_desk.services.attachment_vault import Vault, vault
from xihu_desk.services.attachments import content_for_bundle
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.authority import forwarded_for
from xihu_desk.services.exchange.common import BATCH, parent_peer, quarantine, this_node
from xihu_desk.services.exchange.downward import write_downward
from xihu_desk.services.exchange.fork_line import restore_notice
from xihu_desk.store import aggregates, migrate
from xihu_desk.store.models import AuditEvent, Meta
from xihu_desk.store.sync_models import BundleOut, PeerNode
from xihu_desk.store.uow import Database
from xihu_desk.sync import container, manifest, scratch


@dataclass
class ExportResult:
    file: Path
    sequence: int
    destination: str
    destination_name: str
    counts: dict[str, int]
    quarantined: list[tuple[str, str, str]] = field(default_factory=list)  # kind, label, reason
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "file": str(self.file),
            "sequence": self.sequence,
            "destination": self.destination,
            "destination_name": self.destination_name,
            "counts": self.counts,
            "quarantined": [{"kind": k, "label": lbl, "reason": r} for k, lbl, r in self.quarantined],
            "warnings": self.warnings,
        }


def outgoing_problem(kind: str, doc: dict[str, Any], store: Vault) -> str:
    """Why a record must not leave as it is (shown in the quarantine list), or ''."""
    problem = aggregates.outgoing_problem(kind, doc)
    if problem:
        return f"不符合报送要求（上级会拒收）：{problem}"
    if kind != "case":
        return ""
    for p in doc["parties"]:
        if not p["deleted"] and p["id_type"] == "resident" and p["id_number"]:
            try:
                idnumber.validate(p["id_number"])
            except UserError as exc:
                return f"当事人 {p['name']}：{exc.message}"
    for a in doc["attachments"]:
        if not a["deleted"] and not store.has(a["sha256"]):
            return f"附件“{a['file_name']}”的文件缺失"
    return ""


def _destination(session: Session, to: str | None) -> PeerNode:
    if to:
        child = session.scalar(
            select(PeerNode).where(PeerNode.relation == "child", (PeerNode.node_id == to) | (PeerNode.org_code == to))
        )
        if child is None:
            raise UserError(f"“{to}”不是已登记的下级单位。")
        return child
    parent = parent_peer(session)
    if parent is None:
        raise UserError("尚未登记上级单位的密钥，不能导出。请先在“数据交换”中登记上级单位的密钥文件。")
    return parent


def export_bundle(
    data: DataDir, db: Database, actor: Actor, out_dir: Path, progress: Any = None, to: str | None = None
) -> ExportResult:
    """Write the next bundle for the parent: every change it has not acknowledged. With ``to``
    (a child's node id or org code), a downward bundle for that child instead: the records
    returned for correction and this node's reference data."""
    actor.require(Perm.EXCHANGE)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"目标文件夹不存在：{out_dir}")
    with db.read() as session:
        node = this_node(session)
        dest = _destination(session, to)
        last = session.scalar(
            select(BundleOut).where(BundleOut.destination == dest.node_id).order_by(BundleOut.sequence.desc()).limit(1)
        )
        sequence = (last.sequence + 1) if last else 1
        head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        refs = dict(session.execute(select(Meta.key, Meta.value).where(Meta.key.like("reference.%"))).all())
        sender = container.Sender(node.node_id, node.sign_private)
        children = forwarded_for(session, node)
        # plain values: aggregates.pending() empties the session as it pages
        origin, origin_org = node.node_id, node.org_code
        dest_id, dest_name, dest_enc, dest_org = dest.node_id, dest.org_name, dest.enc_public, dest.org_code
        counts: dict[str, int] = {}
        held: list[tuple[str, str, str, int, str]] = []  # kind, uuid, label, version, reason
        blobs: set[str] = set()
        store = vault(session, data.root)
        with scratch.folder(data.root, "export") as tmp:
            inner = Path(tmp) / "payload.zip"
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
                for kind in () if to else aggregates.KINDS:
                    n = 0
                    with zf.open(f"records/{kind}.jsonl", "w") as out:
                        for row, doc in aggregates.pending(session, kind, dest_id, BATCH):
                            reason = outgoing_problem(kind, doc, store)
                            if reason:
                                label = getattr(row, "case_no", None) or getattr(row, "name", None) or row.uuid
                                held.append((kind, row.uuid, label, row.version, reason))
                                continue
                            out.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
                            if kind == "case":
                                blobs.update(a["sha256"] for a in doc["attachments"] if not a["deleted"])
                            n += 1
                            if progress is not None and n % BATCH == 0:
                                progress.step(stage=f"正在打包{kind}：{n}")
                    counts[kind] = n
                if to:  # before the files: a case transferred down brings its attachments
                    counts.update(write_downward(session, zf, dest, blobs))
                for sha in sorted(blobs):
                    # decrypted here: the bundle's own encryption covers the whole payload
                    zf.writestr(f"blobs/{sha}", content_for_bundle(session, store, sha))
                counts["attachments"] = len(blobs)
            with zipfile.ZipFile(inner) as zf:
                members = manifest.member_digests(zf)
            created = actor.now
            m = manifest.build(
                bundle_id=ids.new_uuid(),
                origin=origin,
                origin_org=origin_org,
                destination=dest_id,
                sequence=sequence,
                prev_sha256=last.sha256 if last else "",
                created=created,
                schema=migrate.head_revision(),
                reference=refs,
                app_version=__version__,
                counts=counts,
                members=members,
                children=children,
                audit_head=audit_exchange.head_for(session, dest_id) if head else None,
            )
            target = out_dir / manifest.file_name(origin_org, dest_org, sequence, created)
            sha = container.write_bundle(target, m, inner, sender, dest_enc, work=tmp)
    with db.write() as session:
        session.add(
            BundleOut(
                destination=dest_id,
                sequence=sequence,
                bundle_id=m["bundle_id"],
                sha256=sha,
                file_name=target.name,
                created_at=created,
                counts=json.dumps(counts),
            )
        )
        audit_exchange.remember_sent(session, dest_id, sequence, m["audit_head"])
        for kind, uuid, label, version, reason in held:
            quarantine(session, "out", dest_id, kind, uuid, version, label, reason, actor.now)
        audit.record(
            session,
            actor,
            "exchange.export",
            "bundle_out",
            m["bundle_id"],
            summary=f"导出第 {sequence} 号数据包给 {dest_name}：" + "，".join(f"{k} {v}" for k, v in counts.items()),
            after={"file": target.name, "sha256": sha, "quarantined": len(held)},
        )
    with db.read() as session:
        notice = [] if to else [n for n in [restore_notice(session, actor)] if n]
    return ExportResult(
        target, sequence, dest_id, dest_name, counts, [(k, lbl, r) for k, _u, lbl, _v, r in held], notice
    )
