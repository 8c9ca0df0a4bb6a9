"""Moving data between nodes (design.md §5): enrolment, export, import, receipts.

The bundle format is in sync/container.py; what travels is in store/aggregates.py. Here the
rules: a node exports to its parent every change the parent has not acknowledged; an import
checks signature, sender, sequence and hashes before any write, then applies everything in
one transaction; a receipt taken back marks what arrived.
"""

from __future__ import annotations

import base64
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk import __version__
from xihu_desk.domain import clock, ids, record_checks, sequences
from xihu_desk.domain.errors import NotFound, UserError
from xihu_desk.domain.levels import Level
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import audit, audit_exchange
from xihu_desk.services.attachments import store_path
from xihu_desk.services.context import Actor
from xihu_desk.store import aggregates, migrate
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent, Meta, Node, OrgUnit
from xihu_desk.store.sync_models import BundleIn, BundleOut, Fork, Lineage, PeerNode, Quarantine, SyncAck
from xihu_desk.store.uow import Database
from xihu_desk.sync import container, keys, scratch
from xihu_desk.sync.container import BundleRefused

KEY_FORMAT = "xihu-desk-node-key/1"
RECEIPT_FORMAT = "xihu-desk-receipt/1"
BATCH = 500
STATUSES = ("accepted", "duplicate", "stale", "refused", "quarantined")


def _node(session: Session) -> Node:
    node = session.get(Node, 1)
    if node is None:
        raise NotFound("本数据目录尚未初始化。")
    return node


def _org_name(session: Session, code: str | None) -> str:
    unit = session.get(OrgUnit, code or "")
    return unit.name if unit else (code or "")


# ------------------------------------------------------------------ enrolment


def export_key(session: Session, actor: Actor) -> dict[str, Any]:
    """The public half of this node's identity, as a file the other node enrols."""
    actor.require(Perm.EXCHANGE)
    node = _node(session)
    return {
        "format": KEY_FORMAT, "node_id": node.node_id, "org_code": node.org_code,
        "org_name": _org_name(session, node.org_code), "level": node.level, "parent_code": node.parent_code,
        "sign_public": base64.b64encode(node.sign_public).decode(), "enc_public": base64.b64encode(node.enc_public).decode(),
        "fingerprint": node.fingerprint,
    }


@dataclass(frozen=True)
class Enrolled:
    node_id: str
    org_name: str
    relation: str
    fingerprint: str


def enrol(session: Session, actor: Actor, doc: dict[str, Any], *, dry_run: bool = False) -> Enrolled:
    """Register the other node's keys: a child below us or our parent. The fingerprint shown
    must be compared with the one on the other node's screen (by phone). ``dry_run``: every
    check, nothing saved (what the screen shows before that phone call)."""
    actor.require(Perm.EXCHANGE)
    node = _node(session)
    try:
        if doc.get("format") != KEY_FORMAT:
            raise ValueError
        sign, enc = base64.b64decode(doc["sign_public"]), base64.b64decode(doc["enc_public"])
        other_id, other_level, other_org = str(doc["node_id"]), Level(doc["level"]), str(doc["org_code"])
    except (KeyError, ValueError, TypeError):
        raise UserError("这不是西湖司法所工作台的节点密钥文件。") from None
    if len(sign) != 32 or len(enc) != 32:
        raise UserError("密钥文件中的密钥长度不对，文件可能已损坏。")
    fingerprint = keys.fingerprint(sign, enc)
    if fingerprint != doc.get("fingerprint"):
        raise UserError("密钥文件的指纹与密钥不符，文件可能被改动，请重新导出。")
    if other_id == node.node_id:
        raise UserError("这是本节点自己的密钥文件。")
    mine = Level(node.level)
    if doc.get("parent_code") == node.org_code and _below(other_level, mine):
        relation = "child"
    elif node.parent_code == other_org and _below(mine, other_level):
        relation = "parent"
    else:
        raise UserError(f"“{doc.get('org_name', other_org)}”既不是本单位的下级，也不是本单位的上级，不能登记。")
    if relation == "parent":
        existing_parent = session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))
        if existing_parent is not None and existing_parent.node_id != other_id:
            raise UserError(f"已登记上级单位“{existing_parent.org_name}”。上级节点更换需要重新初始化密钥交换，请联系区局。")
    peer = session.get(PeerNode, other_id) or PeerNode(node_id=other_id)
    if peer.sign_public and peer.fingerprint != fingerprint:
        raise UserError("该节点已登记过另一组密钥。若对方重装了程序，请先由管理员删除旧的登记。")
    if dry_run:
        return Enrolled(other_id, str(doc.get("org_name", other_org)), relation, fingerprint)
    peer.relation, peer.org_code, peer.org_name, peer.level = relation, other_org, str(doc.get("org_name", other_org)), other_level.value
    peer.sign_public, peer.enc_public, peer.fingerprint, peer.enrolled_at = sign, enc, fingerprint, actor.now
    session.add(peer)
    audit.record(session, actor, "exchange.enrol", "peer_node", other_id,
                 summary=f"登记{'下级' if relation == 'child' else '上级'}单位 {peer.org_name} 的密钥（指纹 {fingerprint[:19]}…）")
    return Enrolled(other_id, peer.org_name, relation, fingerprint)


def _below(lower: Level, upper: Level) -> bool:
    order = [Level.COMMUNITY, Level.TOWNSHIP, Level.DISTRICT]
    return order.index(lower) + 1 == order.index(upper)


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
        seqs = list(session.scalars(select(BundleIn.sequence).where(BundleIn.sender == p.node_id).order_by(BundleIn.sequence)))
        out.append(PeerRow(p.node_id, p.org_name, p.relation, p.level, p.fingerprint,
                           p.enrolled_at.isoformat(sep=" ", timespec="minutes"), seqs[-1] if seqs else None, _gaps(seqs)))
    return out


def _gaps(seqs: list[int]) -> list[sequences.Span]:
    """The missing sequence numbers as ranges, never one by one (a number far ahead costs nothing)."""
    return sequences.gaps(seqs)


def _check_jump(db: Database, sender: str, sender_name: str, sequence: int) -> None:
    """Refuse a bundle numbered further past the sender's last one than lost bundles explain."""
    from xihu_desk.services import settings

    with db.read() as session:
        last = session.scalar(select(func.max(BundleIn.sequence)).where(BundleIn.sender == sender)) or 0
        limit = settings.get(session, "bundle_sequence_max_jump")
    problem = sequences.jump_problem(sequence, [last], limit, sender_name)
    if problem:
        raise BundleRefused(problem)


# ------------------------------------------------------------------ who may send records of whom


def _forwarded_for(session: Session, node: Node) -> list[dict[str, Any]]:
    """The nodes whose records this node forwards upward: its enrolled children and the nodes below
    them that it has checked (never what a child merely claimed). Each names its own parent, so
    the receiver can check the whole chain against what it already knows."""
    out = [{"node_id": c.node_id, "org_code": c.org_code, "level": c.level, "fingerprint": c.fingerprint,
            "parent": node.node_id}
           for c in session.scalars(select(PeerNode).where(PeerNode.relation == "child").order_by(PeerNode.node_id))]
    out += [{"node_id": r.node_id, "org_code": r.org_code, "level": r.level, "fingerprint": r.fingerprint,
             "parent": r.parent}
            for r in session.scalars(select(Lineage).order_by(Lineage.recorded_at, Lineage.node_id))]
    return out


def _org_within(session: Session, code: str, ancestor: str) -> bool:
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


def _authority(session: Session, sender: str, manifest: dict[str, Any], now: datetime) -> tuple[set[str], list[str]]:
    """Whose records ``sender`` may deliver here: itself and the nodes this node knows to be below it.

    What the sender's manifest says it forwards for is only a claim. A claimed node is recorded
    (sync_lineage) when its org unit is the sender's or below it in the reference org tree, its
    level is below its declared parent's, that parent is the sender or a node already known below
    the sender, and it is not known here otherwise (one of our own peers, or below another child):
    a claim never moves a node. Refused claims come back as warnings for the import report."""
    peer = session.get(PeerNode, sender)
    known = {r.node_id: r for r in session.scalars(select(Lineage).where(Lineage.via == sender))}
    allowed = {sender, *known}
    claims = manifest.get("children")
    if peer is None or peer.relation != "child" or not isinstance(claims, list):
        return allowed, []
    me = _node(session).node_id
    levels = {sender: peer.level, **{k: r.level for k, r in known.items()}}
    pending = [c for c in claims if isinstance(c, dict) and isinstance(c.get("node_id"), str)][:10_000]
    warnings: list[str] = []
    progress = True
    while pending and progress:  # a claim may name a parent claimed later in the list
        progress, waiting = False, []
        for claim in pending:
            node_id = claim["node_id"][:36]
            org, level = str(claim.get("org_code", ""))[:12], str(claim.get("level", ""))
            parent = str(claim.get("parent") or sender)  # older senders list only their own children
            if node_id == sender or node_id in known:
                continue
            if parent not in levels:
                waiting.append(claim)
                continue
            progress = True
            if not level:  # older senders do not say: the level just below the parent's
                order = [Level.COMMUNITY.value, Level.TOWNSHIP.value, Level.DISTRICT.value]
                level = order[order.index(levels[parent]) - 1] if order.index(levels[parent]) > 0 else ""
            reason = ""
            other = session.get(Lineage, node_id)
            if node_id == me or session.get(PeerNode, node_id) is not None:
                reason = "是本单位直接登记的单位"
            elif other is not None:
                reason = "已登记在其他下级单位之下"
            elif level not in {lv.value for lv in Level} or not _below(Level(level), Level(levels[parent])):
                reason = "层级不符"
            elif not _org_within(session, org, peer.org_code):
                reason = f"所属单位（{org}）不在{peer.org_name}辖区内"
            if reason:
                warnings.append(f"注意：{peer.org_name} 声称转报节点 {node_id[:8]}…，但该节点{reason}，不予认可，其记录将被拒收。")
                continue
            row = Lineage(node_id=node_id, via=sender, parent=parent, org_code=org, level=level,
                          fingerprint=str(claim.get("fingerprint", ""))[:80], recorded_at=now)
            session.add(row)
            known[node_id], levels[node_id] = row, level
            allowed.add(node_id)
        pending = waiting
    for claim in pending:
        warnings.append(f"注意：{peer.org_name} 声称转报节点 {str(claim['node_id'])[:8]}…，但其上级不是本单位已知的单位，不予认可。")
    return allowed, warnings


# ------------------------------------------------------------------ export


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
        return {"file": str(self.file), "sequence": self.sequence, "destination": self.destination,
                "destination_name": self.destination_name, "counts": self.counts,
                "quarantined": [{"kind": k, "label": lbl, "reason": r} for k, lbl, r in self.quarantined],
                "warnings": self.warnings}


def _self_check(kind: str, row: Any, doc: dict[str, Any], root: Path) -> str:
    """Why a record must not leave as it is (shown in the quarantine list), or ''."""
    problem = aggregates.outgoing_problem(kind, doc)
    if problem:
        return f"不符合报送要求（上级会拒收）：{problem}"
    if kind != "case":
        return ""
    from xihu_desk.domain import idnumber
    from xihu_desk.domain.errors import UserError as _UE

    for p in doc["parties"]:
        if not p["deleted"] and p["id_type"] == "resident" and p["id_number"]:
            try:
                idnumber.validate(p["id_number"])
            except _UE as exc:
                return f"当事人 {p['name']}：{exc.message}"
    for a in doc["attachments"]:
        if not a["deleted"] and not store_path(root, a["sha256"]).is_file():
            return f"附件“{a['file_name']}”的文件缺失"
    return ""


def export_bundle(data: DataDir, db: Database, actor: Actor, out_dir: Path, progress=None,  # noqa: ANN001
                  to: str | None = None) -> ExportResult:
    """Write the next bundle for the parent: every change it has not acknowledged. With ``to``
    (a child's node id or org code), a downward bundle for that child instead: the records
    returned for correction and this node's reference data."""
    actor.require(Perm.EXCHANGE)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"目标文件夹不存在：{out_dir}")
    with db.read() as session:
        node = _node(session)
        if to:
            parent = session.scalar(select(PeerNode).where(PeerNode.relation == "child",
                                                           (PeerNode.node_id == to) | (PeerNode.org_code == to)))
            if parent is None:
                raise UserError(f"“{to}”不是已登记的下级单位。")
        else:
            parent = session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))
        if parent is None:
            raise UserError("尚未登记上级单位的密钥，不能导出。请先在“数据交换”中登记上级单位的密钥文件。")
        last = session.scalar(select(BundleOut).where(BundleOut.destination == parent.node_id).order_by(BundleOut.sequence.desc()).limit(1))
        sequence = (last.sequence + 1) if last else 1
        children = _forwarded_for(session, node)
        head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
        refs = dict(session.execute(select(Meta.key, Meta.value).where(Meta.key.like("reference.%"))).all())
        sender = container.Sender(node.node_id, node.sign_private)
        org_code, parent_id, parent_name, parent_enc = node.org_code, parent.node_id, parent.org_name, parent.enc_public
        counts: dict[str, int] = {}
        members: dict[str, str] = {}
        quarantined: list[tuple[str, str, str, int, str]] = []
        blobs: set[str] = set()
        with scratch.folder(data.root, "export") as tmp:
            inner = Path(tmp) / "payload.zip"
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
                for kind in () if to else aggregates.KINDS:
                    name = f"records/{kind}.jsonl"
                    n = 0
                    with zf.open(name, "w") as out:
                        for row, doc in aggregates.pending(session, kind, parent_id, BATCH):
                            reason = _self_check(kind, row, doc, data.root)
                            if reason:
                                label = getattr(row, "case_no", None) or getattr(row, "name", None) or row.uuid
                                quarantined.append((kind, row.uuid, label, row.version, reason))
                                continue
                            out.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
                            if kind == "case":
                                blobs.update(a["sha256"] for a in doc["attachments"] if not a["deleted"])
                            n += 1
                            if progress is not None and n % BATCH == 0:
                                progress.step(stage=f"正在打包{kind}：{n}")
                    counts[kind] = n
                for sha in sorted(blobs):
                    zf.write(store_path(data.root, sha), f"blobs/{sha}")
                counts["attachments"] = len(blobs)
                if to:
                    counts.update(_write_downward(session, zf, parent))
            with zipfile.ZipFile(inner) as zf:
                for info in zf.infolist():
                    members[info.filename] = _sha_member(zf, info.filename)
            created = actor.now
            manifest = {
                "bundle_id": ids.new_uuid(), "origin": node.node_id, "origin_org": org_code,
                "destination": parent_id, "sequence": sequence, "prev_sha256": last.sha256 if last else "",
                "created_at": created.isoformat(timespec="seconds"), "schema": migrate.head_revision(),
                "reference": refs, "app_version": __version__, "counts": counts, "members": members,
                "children": children, "audit_head": audit_exchange.head_for(session, parent_id) if head else None,
            }
            target = out_dir / f"XD_{org_code}_to_{_org_code_of(session, parent_id)}_{sequence:04d}_{created:%Y%m%d}.xdb"
            sha = container.write_bundle(target, manifest, inner, sender, parent_enc, work=tmp)
    with db.write() as session:
        session.add(BundleOut(destination=parent_id, sequence=sequence, bundle_id=manifest["bundle_id"], sha256=sha,
                              file_name=target.name, created_at=created, counts=json.dumps(counts)))
        audit_exchange.remember_sent(session, parent_id, sequence, manifest["audit_head"])
        for kind, uuid, label, version, reason in quarantined:
            _quarantine(session, "out", parent_id, kind, uuid, version, label, reason, actor.now)
        audit.record(session, actor, "exchange.export", "bundle_out", manifest["bundle_id"],
                     summary=f"导出第 {sequence} 号数据包给 {parent_name}：" + "，".join(f"{k} {v}" for k, v in counts.items()),
                     after={"file": target.name, "sha256": sha, "quarantined": len(quarantined)})
    with db.read() as session:
        notice = [] if to else [n for n in [restore_notice(session, actor)] if n]
    return ExportResult(target, sequence, parent_id, parent_name, counts, [(k, lbl, r) for k, _u, lbl, _v, r in quarantined],
                        notice)


def _org_code_of(session: Session, node_id: str) -> str:
    peer = session.get(PeerNode, node_id)
    return peer.org_code if peer else "unknown"


def _sha_member(zf: zipfile.ZipFile, name: str) -> str:
    import hashlib

    h = hashlib.sha256()
    with zf.open(name) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _quarantine(session: Session, direction: str, peer: str, kind: str, uuid: str, version: int, label: str,
                reason: str, at: datetime) -> None:
    existing = session.scalar(select(Quarantine).where(
        Quarantine.direction == direction, Quarantine.kind == kind, Quarantine.uuid == uuid,
        Quarantine.version == version, Quarantine.resolved.is_(False)))
    if existing is None:
        session.add(Quarantine(direction=direction, peer=peer, kind=kind, uuid=uuid, version=version,
                               label=str(label)[:120], reason=reason, at=at, resolved=False))


# ------------------------------------------------------------------ import


@dataclass
class ImportResult:
    result: str  # applied, already-imported, refused, dry-run
    sender: str
    sender_name: str
    sequence: int
    counts: dict[str, int]
    gaps: list[sequences.Span]
    receipt: Path | None
    reason: str = ""
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"result": self.result, "sender": self.sender, "sender_name": self.sender_name,
                "sequence": self.sequence, "counts": self.counts, **sequences.as_json(self.gaps),
                "receipt": str(self.receipt) if self.receipt else None, "reason": self.reason,
                "problems": self.problems, "warnings": self.warnings}

    def text(self) -> str:
        if self.result == "refused":
            return f"拒绝导入：{self.reason}"
        head = {"applied": "已导入", "already-imported": "该数据包此前已导入，未重复写入", "dry-run": "试导入（未写入）"}[self.result]
        c = self.counts
        lines = [f"{head}：{self.sender_name} 第 {self.sequence} 号数据包",
                 f"新增或更新 {c['accepted']} 条，重复 {c['duplicate']} 条，过期 {c['stale']} 条，"
                 f"拒绝 {c['refused']} 条，隔离 {c['quarantined']} 条"]
        if self.gaps:
            lines.append("注意：缺少该单位的第 " + "、".join(map(str, self.gaps)) + " 号数据包（其内容会随后续数据包补齐）")
        lines += self.warnings
        for p in self.problems[:20]:
            lines.append(f"  {p['label']}：{p['reason']}")
        if self.receipt:
            lines.append(f"回执已写入：{self.receipt}")
        return "\n".join(lines)


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


def _empty_counts() -> dict[str, int]:
    return {s: 0 for s in STATUSES}


def import_bundle(data: DataDir, db: Database, actor: Actor, path: Path, *, dry_run: bool = False,
                  receipt_dir: Path | None = None, progress=None) -> ImportResult:  # noqa: ANN001
    actor.require(Perm.EXCHANGE)
    path = Path(path)
    if not path.is_file():
        raise UserError(f"找不到数据包文件：{path}")
    with db.read() as session:
        node = _node(session)
        my_id, enc_private = node.node_id, node.enc_private
        peers_by_id = {p.node_id: (p.sign_public, p.org_name, p.relation) for p in session.scalars(select(PeerNode))}
    opened = container.read_manifest(path, {node_id: peer[0] for node_id, peer in peers_by_id.items()})
    m = opened.manifest
    sender, sequence = str(m["origin"]), int(m.get("sequence", 0))
    sender_name = peers_by_id[sender][1]
    if m.get("destination") != my_id:
        raise BundleRefused("该数据包是发给其他单位的，不能在本单位导入。")
    if sequence < 1:
        raise BundleRefused("数据包序号无效。")
    _check_jump(db, sender, sender_name, sequence)
    if not migrate.known_revision(str(m.get("schema", ""))):
        raise BundleRefused("数据包来自更新版本的程序（数据结构不同），请先升级本单位的程序。")
    with db.read() as session:
        same = session.get(BundleIn, (sender, sequence))
        prev = session.get(BundleIn, (sender, sequence - 1))
        seqs = list(session.scalars(select(BundleIn.sequence).where(BundleIn.sender == sender)))
        old_line = opened.sha256 in _superseded(session, sender)
    if old_line:
        raise BundleRefused(f"这是 {sender_name} 已被新序列取代的旧数据包（第 {sequence} 号），未导入；其后的数据以新序列为准。")
    if same is not None:
        if same.sha256 != opened.sha256:
            raise _fork(db, actor, path, receipt_dir, opened, sender_name, dry_run,
                        f"收到 {sender_name} 第 {sequence} 号数据包的另一个不同版本（分叉）")
        receipt = _write_receipt(db, path, receipt_dir, sender, json.loads(same.receipt), m, opened.sha256)
        counts = json.loads(same.counts)
        return ImportResult("already-imported", sender, sender_name, sequence, counts, _gaps(seqs), receipt)
    if prev is not None and m.get("prev_sha256") != prev.sha256:
        raise _fork(db, actor, path, receipt_dir, opened, sender_name, dry_run,
                    f"{sender_name} 第 {sequence} 号数据包与已导入的第 {sequence - 1} 号不衔接（分叉）")
    warnings = []
    if peers_by_id[sender][2] != "child":
        warnings.append("注意：该数据包来自上级单位。")
    with scratch.folder(data.root, "import") as tmp:
        inner = Path(tmp) / "payload.zip"
        container.decrypt_payload(path, opened, enc_private, inner)
        try:
            zf = zipfile.ZipFile(inner)
        except zipfile.BadZipFile:
            raise BundleRefused("数据包内容无法解开。") from None
        with zf:
            with container.refuse_damaged("数据包内容"):
                _verify_members(zf, m)
            try:
                with db.write() as session:
                    allowed, refused_claims = _authority(session, sender, m, actor.now)
                    warnings += refused_claims
                    result = _apply_all(session, data, zf, m, allowed, actor, progress, dry_run=dry_run, work=tmp)
                    result.warnings = warnings + audit_exchange.compare_head(
                        session, actor, sender, sender_name, sequence, m.get("audit_head"))
                    result.gaps = _gaps(sorted(seqs + [sequence]))
                    result.sender_name = sender_name
                    if dry_run:
                        result.result = "dry-run"
                        raise _DryRun(result)
                    peer = session.get(PeerNode, sender)
                    peer.children = json.dumps(sorted(allowed - {sender}))
                    session.add(BundleIn(sender=sender, sequence=sequence, bundle_id=m["bundle_id"], sha256=opened.sha256,
                                         prev_sha256=m.get("prev_sha256", ""), created_at=datetime.fromisoformat(m["created_at"]),
                                         imported_at=actor.now, counts=json.dumps(result.counts),
                                         receipt=json.dumps(result._records)))
                    if sequence > max(seqs, default=0):  # the line continues: a fork before it is over
                        _close_forks(session, actor, sender, sender_name, "rebased")
                    audit.record(session, actor, "exchange.import", "bundle_in", m["bundle_id"],
                                 summary=f"导入 {sender_name} 第 {sequence} 号数据包：" +
                                 "，".join(f"{k} {v}" for k, v in result.counts.items() if v),
                                 after={"sha256": opened.sha256, "counts": result.counts})
            except _DryRun as dry:
                return dry.result
    result.receipt = _write_receipt(db, path, receipt_dir, sender, result._records, m, opened.sha256)
    return result


def _verify_members(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise BundleRefused("数据包清单缺少内容校验值。")
    container.check_zip(zf, lambda n: bool(container.INNER_NAME.match(n)), "数据包内容")
    names = {i.filename for i in zf.infolist()}
    if names != set(members):
        raise BundleRefused("数据包内容与清单不一致。")
    for name, sha in members.items():
        if _sha_member(zf, name) != sha:
            raise BundleRefused(f"数据包中 {name} 的校验值与清单不符。")


def _apply_all(session: Session, data: DataDir, zf: zipfile.ZipFile, m: dict[str, Any], allowed: set[str],
               actor: Actor, progress, *, dry_run: bool = False, work: Path | None = None) -> ImportResult:  # noqa: ANN001
    counts = _empty_counts()
    records: list[list[Any]] = []
    problems: list[dict[str, Any]] = []
    in_bundle = {n.split("/", 1)[1] for n in zf.namelist() if n.startswith("blobs/")}
    referenced: set[str] = set()  # blobs any case of the bundle names
    wanted: set[str] = set()  # blobs of the cases taken (or already here at that version)

    def has_blob(sha: str) -> bool:
        return sha in in_bundle or store_path(data.root, sha).is_file()

    def problem(kind: str, uuid: str, version: int, label: str, reason: str, line: int) -> None:
        counts["quarantined"] += 1
        records.append([kind, uuid, version, "quarantined", reason])
        problems.append({"kind": kind, "uuid": uuid, "label": label, "status": "quarantined", "reason": reason})
        _quarantine(session, "in", m["origin"], kind, uuid or f"line:{line}", version, label, reason, actor.now)

    for kind in aggregates.KINDS:
        name = f"records/{kind}.jsonl"
        if name not in zf.namelist():
            continue
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            blobs: dict[str, set[str]] = {}
            for doc in batch if kind == "case" else ():
                root = doc.get("case") if isinstance(doc.get("case"), dict) else {}
                blobs.setdefault(record_checks.record_key(root.get("uuid")), set()).update(_blob_names(doc))
            for uuid, version, status, reason in _apply_batch(session, kind, batch, allowed):
                counts[status] += 1
                records.append([kind, uuid, version, status, reason])
                if status in ("accepted", "duplicate") and uuid:
                    wanted.update(blobs.get(uuid, ()))
                if status in ("refused", "quarantined"):
                    label = _label(kind, batch, uuid)
                    problems.append({"kind": kind, "uuid": uuid, "label": label, "status": status, "reason": reason})
                    if status == "quarantined":
                        _quarantine(session, "in", m["origin"], kind, uuid, version, label, reason, actor.now)
            _settle_quarantine(session, kind, [r[1] for r in records[-len(batch):] if r[3] == "accepted"])
            batch.clear()
            if progress is not None:
                progress.step(stage=f"正在导入：{sum(counts.values())} 条")

        for number, doc in container.iter_records(zf, name):
            where = f"{name} 第 {number} 行"
            if isinstance(doc, record_checks.RecordProblem):
                problem(kind, "", 0, where, str(doc), number)
            elif not isinstance(doc, dict):
                problem(kind, "", 0, where, "记录格式不对", number)
            else:
                if kind == "case":
                    referenced.update(_blob_names(doc))
                    missing = _missing_blob(doc, has_blob)
                    if missing:
                        root = doc.get("case") if isinstance(doc.get("case"), dict) else {}
                        uuid = record_checks.record_key(root.get("uuid"))
                        problem(kind, uuid, record_checks.record_version(root.get("version")),
                                _label(kind, [doc], uuid) or where, missing, number)
                        continue
                batch.append(doc)
                if len(batch) >= BATCH:
                    flush()
        if batch:
            flush()
    if in_bundle - referenced:
        raise BundleRefused(f"数据包中有 {len(in_bundle - referenced)} 个附件文件不属于任何一条记录，拒绝导入。")
    downward = {"records/correction.jsonl", "records/reference.jsonl"} & set(zf.namelist())
    if downward:
        parent = session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))
        if parent is None or parent.node_id != m["origin"]:
            raise BundleRefused("补正要求和参考数据只能来自上级单位。")
        _apply_downward(session, zf, m, records, counts, problems)
    if not dry_run:
        for sha in sorted(wanted & in_bundle):
            _store_blob(zf, sha, store_path(data.root, sha), work or data.root)
    result = ImportResult("applied", m["origin"], "", int(m["sequence"]), counts, [], None, problems=problems)
    result._records = records  # type: ignore[attr-defined]  # per-record lines for the receipt
    return result


def _apply_batch(session: Session, kind: str, batch: list[dict[str, Any]], allowed: set[str]) -> list[tuple[str, int, str, str]]:
    """Apply a batch under a savepoint; if the database refuses it (a clash with a record here,
    such as a number already used), apply record by record and quarantine the ones refused."""
    from sqlalchemy.exc import IntegrityError

    from sqlalchemy.exc import DataError

    # What the driver may still refuse in a value the checks let through: never the whole import.
    refused_by_database = (IntegrityError, DataError, OverflowError, UnicodeError)
    try:
        with session.begin_nested():
            return aggregates.apply(session, kind, batch, allowed)
    except refused_by_database:
        pass
    results = []
    for doc in batch:
        try:
            with session.begin_nested():
                results += aggregates.apply(session, kind, [doc], allowed)
        except refused_by_database as exc:
            root = doc.get("case") if kind == "case" and isinstance(doc, dict) else doc
            root = root if isinstance(root, dict) else {}
            version = record_checks.record_version(root.get("version"))
            if isinstance(exc, IntegrityError):
                clash = str(exc.orig).split(":")[-1].strip() if exc.orig else ""
                reason = f"与本地已有记录冲突（{record_checks.printable(clash, 80)}）"
            else:
                reason = "数据库不接受该记录中的值"
            results.append((record_checks.record_key(root.get("uuid")), version, "quarantined", reason))
    return results


def _label(kind: str, batch: list[dict[str, Any]], uuid: str) -> str:
    """What a person recognises the record by, made safe to print and to keep (it came from outside)."""
    for doc in batch:
        root = doc.get("case") if kind == "case" and isinstance(doc, dict) else doc
        if isinstance(root, dict) and root.get("uuid") == uuid:
            return record_checks.printable(root.get("case_no") or root.get("number") or root.get("name")
                                           or root.get("title") or uuid)
    return uuid


def _blob_names(doc: dict[str, Any]) -> set[str]:
    """The attachment files a case document names (whatever shape the rest of it has)."""
    items = doc.get("attachments")
    return {a["sha256"] for a in items if isinstance(a, dict) and isinstance(a.get("sha256"), str)} \
        if isinstance(items, list) else set()


def _missing_blob(doc: dict[str, Any], has_blob) -> str:  # noqa: ANN001
    """Why a case cannot be taken because a file it lists is neither in the bundle nor here, or ''."""
    items = doc.get("attachments")
    for a in items if isinstance(items, list) else []:
        if isinstance(a, dict) and a.get("deleted") is False and isinstance(a.get("sha256"), str) \
                and not (container.is_sha256(a["sha256"]) and has_blob(a["sha256"])):
            return f"附件“{record_checks.printable(a.get('file_name', ''), 60)}”的文件不在数据包中，本单位也没有"
    return ""


def _store_blob(zf: zipfile.ZipFile, sha: str, target: Path, work: Path) -> None:
    """Copy an attachment into the store through the scratch folder, checking its content once more."""
    import hashlib

    if target.exists():
        return
    partial = work / f"blob-{sha}"
    digest = hashlib.sha256()
    with zf.open(f"blobs/{sha}") as src, partial.open("wb") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
            dst.write(block)
    if digest.hexdigest() != sha:
        partial.unlink(missing_ok=True)
        raise BundleRefused(f"数据包中的附件 {sha[:12]}… 的内容与其名称不符。")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(target)


def _write_receipt(db: Database, bundle_path: Path, receipt_dir: Path | None, sender: str, records: list[list[Any]],
                   manifest: dict[str, Any], sha: str, *, fork: bool = False) -> Path:
    """The receipt goes back down: per record accepted, duplicate, stale, refused or quarantined.
    After a fork, or when a record clashed with what we hold (same version, other content; a number
    already used), it also says where we stand for that sender (``resync``), so the sender can
    re-base: continue its sequence above ours and resend, with versions that win, what differs."""
    clash = any(r[3] == "quarantined" and str(r[4]).startswith((aggregates.SAME_VERSION_DIFFERS, aggregates.NUMBER_CLASH))
                for r in records)
    with db.read() as session:
        node = _node(session)
        doc = {"format": RECEIPT_FORMAT, "receiver": node.node_id, "sender": sender, "bundle_id": manifest["bundle_id"],
               "sequence": manifest["sequence"], "bundle_sha256": sha, "records": records,
               "made_at": clock.local_now().isoformat(timespec="microseconds")}
        if fork or clash:
            doc["resync"] = _resync_block(session, sender, fork=fork)
        key = keys.load_signing_key(node.sign_private)
    folder = receipt_dir or bundle_path.parent
    return _sign_receipt(doc, key, folder / f"{bundle_path.stem}_receipt.json")


def _sign_receipt(doc: dict[str, Any], key: Any, target: Path) -> Path:  # noqa: ANN401
    body = container.canonical(doc)
    partial = target.with_name(target.name + ".partial")
    partial.write_text(json.dumps({"receipt": doc, "signature": key.sign(body).hex()}, ensure_ascii=False), encoding="utf-8")
    partial.replace(target)
    return target


# ------------------------------------------------------------------ forks and re-basing (a node that restored a backup)


def _subtree(session: Session, child: str) -> set[str]:
    return {child, *session.scalars(select(Lineage.node_id).where(Lineage.via == child))}


def _resync_block(session: Session, sender: str, *, fork: bool) -> dict[str, Any]:
    """Where this node stands for ``sender``: the bundles it holds from it and, for every record
    of the sender's subtree held here, version, content digest and (cases, reviews) number."""
    bundles = [[b.sequence, b.bundle_id, b.sha256] for b in
               session.scalars(select(BundleIn).where(BundleIn.sender == sender).order_by(BundleIn.sequence))]
    owners = _subtree(session, sender)
    records: list[list[Any]] = []
    for kind in aggregates.KINDS:
        model = aggregates.ROOTS[kind]
        uuids = list(session.scalars(select(model.uuid).where(model.owner_node.in_(owners)).order_by(model.uuid)))
        for start in range(0, len(uuids), BATCH):
            chunk = uuids[start:start + BATCH]
            digests = aggregates.local_digests(session, kind, chunk)
            for row in session.scalars(select(model).where(model.uuid.in_(chunk))):
                number = None
                if kind == "case":
                    number = [row.committee_uuid, row.year, row.seq]
                elif kind == "review_item":
                    number = [row.office_code, row.year, row.seq]
                records.append([kind, row.uuid, row.version, digests.get(row.uuid, ""), number])
            session.expunge_all()
    return {"fork": fork, "sequence": bundles[-1][0] if bundles else 0, "sha256": bundles[-1][2] if bundles else "",
            "bundles": bundles, "records": records}


def _superseded(session: Session, sender: str) -> set[str]:
    out: set[str] = set()
    for f in session.scalars(select(Fork).where(Fork.sender == sender, Fork.resolution == "new-line")):
        out.update(str(item[2]) for item in json.loads(f.superseded or "[]"))
    return out


class ForkRefused(BundleRefused):
    """A bundle refused because it forks the sender's line (nothing of it written)."""

    receipt: Path | None = None


def _fork(db: Database, actor: Actor, path: Path, receipt_dir: Path | None, opened: container.OpenedBundle,
          sender_name: str, dry_run: bool, what: str) -> ForkRefused:
    """A bundle that does not continue the sender's line: nothing of it is imported. The fork is
    recorded (shown on the 数据交换 page) and a receipt saying where we stand goes back."""
    m = opened.manifest
    sender, sequence = str(m["origin"]), int(m["sequence"])
    with db.read() as session:
        org = _org_code_of(session, sender)
    if dry_run:
        return ForkRefused(f"{what}，不能导入（对方可能恢复过备份；试导入未做任何记录，正式导入时会登记分叉并写出重新对齐回执）。")
    with db.write() as session:
        known = session.scalar(select(Fork).where(Fork.sender == sender, Fork.sha256 == opened.sha256))
        if known is None:
            session.add(Fork(sender=sender, sequence=sequence, bundle_id=str(m["bundle_id"]), sha256=opened.sha256,
                             prev_sha256=str(m.get("prev_sha256", "")), file=str(path.resolve()), detected_at=actor.now,
                             resolution="", superseded="[]"))
            audit.record(session, actor, "exchange.fork", "bundle_in", str(m["bundle_id"]),
                         summary=f"{what}，未导入", after={"sha256": opened.sha256, "file": path.name})
        elif known.resolved_at is None:
            known.file = str(path.resolve())
    receipt = _write_receipt(db, path, receipt_dir, sender, [], m, opened.sha256, fork=True)
    exc = ForkRefused(f"{what}，未导入（对方可能恢复过备份）。已在旁边写出重新对齐回执 {receipt.name}：交给对方登记回执后"
                        f"重新导出即可；或由管理员执行 xihu-desk bundle resolve-fork {org} 接受对方的新序列。")
    exc.receipt = receipt
    return exc


def restore_notice(session: Session, actor: Actor) -> str:
    """What to do when this node restored a backup after it last heard from its parent: the parent
    will see the next bundle as a fork until we re-base on its receipt."""
    actor.require(Perm.EXCHANGE)
    parent = session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))
    if parent is None or session.scalar(select(BundleOut.sequence).where(BundleOut.destination == parent.node_id).limit(1)) is None:
        return ""
    restored = session.execute(select(AuditEvent.seq, AuditEvent.at).where(AuditEvent.action == "data.restore")
                               .order_by(AuditEvent.seq.desc()).limit(1)).first()
    heard = session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.action == "exchange.receipt"))
    if restored is None or (heard is not None and heard > restored[0]):
        return ""
    return (f"本单位于 {str(restored[1])[:10]} 从备份恢复过。若恢复前已向{parent.org_name}报送过备份之后的数据包，"
            "对方会把新数据包判为分叉并写出重新对齐回执：登记该回执（或请对方“生成重新对齐回执”）后再导出，"
            "先登记再录入新案件可免改号。")


def _settle_quarantine(session: Session, kind: str, accepted: list[str]) -> None:
    """A record quarantined on the way in is settled once a later version of it is accepted."""
    if accepted:
        session.execute(Quarantine.__table__.update().where(
            Quarantine.direction == "in", Quarantine.kind == kind, Quarantine.uuid.in_(accepted),
            Quarantine.resolved.is_(False)).values(resolved=True))


def _close_forks(session: Session, actor: Actor, sender: str, sender_name: str, how: str) -> int:
    forks = list(session.scalars(select(Fork).where(Fork.sender == sender, Fork.resolved_at.is_(None))))
    for f in forks:
        f.resolved_at, f.resolution = actor.now, how
    if forks and how == "rebased":
        audit.record(session, actor, "exchange.fork-resolved", "peer_node", sender,
                     summary=f"{sender_name} 已重新对齐，数据包序列恢复衔接（{len(forks)} 处分叉已了结）")
    return len(forks)


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
        return {"id": self.id, "sender": self.sender, "sender_name": self.sender_name, "org_code": self.org_code,
                "sequence": self.sequence, "detected_at": self.detected_at, "last_good": self.last_good, "file": self.file}


def forks(session: Session, actor: Actor) -> list[ForkRow]:
    """Open forks, oldest first: a child whose bundles no longer continue the line held here."""
    actor.require(Perm.EXCHANGE)
    out = []
    for f in session.scalars(select(Fork).where(Fork.resolved_at.is_(None)).order_by(Fork.detected_at, Fork.id)):
        peer = session.get(PeerNode, f.sender)
        good = session.scalar(select(BundleIn.sequence).where(BundleIn.sender == f.sender, BundleIn.sha256 == f.prev_sha256))
        out.append(ForkRow(f.id, f.sender, peer.org_name if peer else f.sender, peer.org_code if peer else "", f.sequence,
                           f.detected_at.isoformat(sep=" ", timespec="minutes"),
                           0 if not f.prev_sha256 else good, f.file))
    return out


@dataclass(frozen=True)
class ForkResolution:
    sender_name: str
    last_good: int
    superseded: list[int]
    file: Path | None

    def as_json(self) -> dict[str, Any]:
        return {"sender_name": self.sender_name, "last_good": self.last_good, "superseded": self.superseded,
                "file": str(self.file) if self.file else None}


def _child(session: Session, ref: str) -> PeerNode:
    found = list(session.scalars(select(PeerNode).where(PeerNode.relation == "child",
                                                        (PeerNode.node_id == ref) | (PeerNode.org_code == ref))))
    if not found:
        raise UserError(f"“{ref}”不是已登记的下级单位。")
    if len(found) > 1:
        raise UserError(f"单位代码 {ref} 对应多个下级节点，请改用节点编号：" + "、".join(p.node_id for p in found))
    return found[0]


def resolve_fork(db: Database, actor: Actor, ref: str) -> ForkResolution:
    """An administrator accepts a child's new line after the last bundle both lines share: our
    bundles from it after that one are set aside (their records stay), so the forked bundle and
    the ones after it import in order. Re-basing on our receipt, the other way out, keeps our line."""
    actor.require(Perm.EXCHANGE)
    actor.require(Perm.MANAGE_DATA)
    with db.write() as session:
        peer = _child(session, ref)
        open_forks = list(session.scalars(select(Fork).where(Fork.sender == peer.node_id, Fork.resolved_at.is_(None))
                                          .order_by(Fork.sequence, Fork.id)))
        if not open_forks:
            raise UserError(f"{peer.org_name} 没有待处理的分叉。")
        first = open_forks[0]
        if first.prev_sha256:
            good = session.scalar(select(BundleIn).where(BundleIn.sender == peer.node_id, BundleIn.sha256 == first.prev_sha256))
            if good is None or good.sequence != first.sequence - 1:
                raise UserError(f"{peer.org_name} 第 {first.sequence} 号数据包与本单位导入过的任何数据包都不衔接，"
                                "不能按新序列接受；请把重新对齐回执交给对方登记后重新导出。")
            last_good = good.sequence
        else:
            last_good = 0
        old = list(session.scalars(select(BundleIn).where(BundleIn.sender == peer.node_id, BundleIn.sequence > last_good)
                                   .order_by(BundleIn.sequence)))
        first.superseded = json.dumps([[b.sequence, b.bundle_id, b.sha256] for b in old])
        for b in old:
            session.delete(b)
        _close_forks(session, actor, peer.node_id, peer.org_name, "new-line")
        audit.record(session, actor, "exchange.fork-resolved", "peer_node", peer.node_id,
                     summary=f"接受 {peer.org_name} 自第 {last_good + 1} 号起的新序列；原第 "
                     + ("、".join(str(b.sequence) for b in old) or "（无）") + " 号数据包的记录保留，序列作废",
                     before={"superseded": [[b.sequence, b.sha256] for b in old]})
        file = Path(first.file) if first.file and Path(first.file).is_file() else None
        return ForkResolution(peer.org_name, last_good, [b.sequence for b in old], file)


def resolve_fork_and_import(data: DataDir, db: Database, actor: Actor, ref: str,
                            progress: Any = None) -> tuple[ForkResolution, ImportResult | str | None]:
    """Accept a child's new line (resolve_fork), then import its forked bundle if it is still
    there: the import's result, or why it was refused (the new line stands either way)."""
    done = resolve_fork(db, actor, ref)
    if done.file is None:
        return done, None
    try:
        return done, import_bundle(data, db, actor, done.file, progress=progress)
    except BundleRefused as exc:
        return done, exc.message


def preview_import(data: DataDir, db: Database, actor: Actor, path: Path, progress: Any = None) -> ImportResult:
    """What importing ``path`` would do (a dry run). A bundle that forks the sender's line has no
    data to confirm: the fork is recorded and its receipt written at once."""
    try:
        return import_bundle(data, db, actor, path, dry_run=True, progress=progress)
    except ForkRefused:
        return import_bundle(data, db, actor, path, progress=progress)


def overview(session: Session, actor: Actor, *, parent_side: bool, child_side: bool, owners: bool) -> dict[str, Any]:
    """Everything the 数据交换 page shows, in one read."""
    return {"peers": peers(session, actor),
            "pending": pending_counts(session, actor) if parent_side else {},
            "restored": restore_notice(session, actor) if parent_side else "",
            "quarantined": quarantine_list(session, actor),
            "corrections": corrections(session, actor, open_only=False),
            "owners": cases_by_owner(session, actor) if owners else [],
            "forks": forks(session, actor) if child_side else []}


def resync_receipt(db: Database, actor: Actor, ref: str, out_dir: Path) -> Path:
    """A receipt for a child that restored a backup, made on request: where we stand, so it can
    re-base before it exports again (and number new cases above the ones we hold)."""
    actor.require(Perm.EXCHANGE)
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"目标文件夹不存在：{out_dir}")
    with db.read() as session:
        node = _node(session)
        peer = _child(session, ref)
        doc = {"format": RECEIPT_FORMAT, "receiver": node.node_id, "sender": peer.node_id, "bundle_id": None,
               "sequence": None, "bundle_sha256": None, "records": [],
               "made_at": clock.local_now().isoformat(timespec="microseconds"),
               "resync": _resync_block(session, peer.node_id, fork=True)}
        key = keys.load_signing_key(node.sign_private)
        name = f"XD_{node.org_code}_to_{peer.org_code}_resync_{clock.local_now():%Y%m%d%H%M%S}_receipt.json"
    target = _sign_receipt(doc, key, out_dir / name)
    with db.write() as session:
        audit.record(session, actor, "exchange.resync", "peer_node", peer.node_id,
                     summary=f"为 {peer.org_name} 生成重新对齐回执 {target.name}")
    return target


@dataclass
class Rebase:
    sequence: int = 0
    acknowledged: int = 0
    to_send: int = 0
    raised: list[dict[str, Any]] = field(default_factory=list)  # records sent again with a version that wins
    renumbered: list[dict[str, Any]] = field(default_factory=list)
    only_there: dict[str, int] = field(default_factory=dict)  # per kind: held by the parent, no longer here

    def as_json(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "acknowledged": self.acknowledged, "to_send": self.to_send,
                "raised": self.raised, "renumbered": self.renumbered, "only_there": self.only_there}

    def text(self) -> str:
        lines = [f"已与上级重新对齐：上级已有本单位数据包至第 {self.sequence} 号，下一个数据包从第 {self.sequence + 1} 号起；"
                 f"上级已有且相同的记录 {self.acknowledged} 条，待报送 {self.to_send} 条。"]
        if self.raised:
            lines.append(f"{len(self.raised)} 条记录与上级所存的内容不同，已提高版本号，下次报送时以本单位为准（已列入隔离清单备查）。")
        what = {"case": "案件", "review_item": "合法性审查事项"}
        if self.renumbered:
            lines.append(f"{len(self.renumbered)} 个编号已被上级所存的另一记录使用（恢复备份前编的号），已改用新编号，"
                         "已打印的文书请重新打印：")
        lines += [f"  {what.get(r['kind'], r['kind'])} {r['old']} → {r['new']}" for r in self.renumbered[:20]]
        if len(self.renumbered) > 20:
            lines.append(f"  ……另有 {len(self.renumbered) - 20} 个，见隔离清单。")
        if self.only_there:
            lines.append(f"上级还存有 {sum(self.only_there.values())} 条本单位已没有的记录（其中案件 {self.only_there.get('case', 0)} 件，"
                         "恢复备份前录入并已报送），上级的数据完好。")
        return "\n".join(lines)


def _rebase(session: Session, actor: Actor, me: Node, parent: PeerNode, block: dict[str, Any]) -> Rebase:
    """Take the parent's word for where it stands: outbox, acknowledgements, versions, numbers."""
    from xihu_desk.domain import cases as case_rules
    from xihu_desk.domain import reviews as review_rules
    from xihu_desk.store.case_models import CaseCounter, CaseSearch, Party
    from xihu_desk.store.models import Committee
    from xihu_desk.store.review_models import ReviewCounter, ReviewItem

    out = Rebase(sequence=int(block.get("sequence") or 0))
    if block.get("fork"):  # the outbox continues the parent's line, not ours
        theirs = {int(seq): (str(bid), str(sha)) for seq, bid, sha in block.get("bundles", [])}
        for row in list(session.scalars(select(BundleOut).where(BundleOut.destination == parent.node_id))):
            if theirs.get(row.sequence, ("", ""))[1] != row.sha256:
                session.delete(row)
        session.flush()
        for seq, (bid, sha) in theirs.items():
            if session.get(BundleOut, (parent.node_id, seq)) is None:
                session.add(BundleOut(destination=parent.node_id, sequence=seq, bundle_id=bid, sha256=sha,
                                      file_name="（据上级回执）", created_at=actor.now, counts="{}", receipt_at=actor.now))
    session.execute(SyncAck.__table__.delete().where(SyncAck.destination == parent.node_id))
    by_kind: dict[str, list[list[Any]]] = {}
    for rec in block.get("records", []):
        by_kind.setdefault(str(rec[0]), []).append(rec)
    held_numbers: dict[tuple[str, tuple[str, int, int]], str] = {}
    for kind, recs in by_kind.items():
        model = aggregates.ROOTS.get(kind)
        if model is None:
            continue
        for start in range(0, len(recs), BATCH):
            chunk = recs[start:start + BATCH]
            rows = {r.uuid: r for r in session.scalars(select(model).where(model.uuid.in_([c[1] for c in chunk])))}
            same = [c[1] for c in chunk if c[1] in rows and rows[c[1]].version == c[2]]
            digests = aggregates.local_digests(session, kind, same) if same else {}
            for _kind, uuid, version, digest, number in chunk:
                if number and kind in ("case", "review_item"):
                    held_numbers[(kind, (number[0], int(number[1]), int(number[2])))] = uuid
                row = rows.get(uuid)
                if row is None:
                    out.only_there[kind] = out.only_there.get(kind, 0) + 1  # the parent lists only our subtree's
                    continue
                mine = row.owner_node == me.node_id
                if row.version == version and digests.get(uuid) == digest:
                    session.add(SyncAck(destination=parent.node_id, kind=kind, uuid=uuid, version=row.version))
                    out.acknowledged += 1
                elif row.version > version:
                    continue
                elif mine:  # ours, and the parent holds other content at this version or a later one
                    label = getattr(row, "case_no", None) or getattr(row, "number", None) or getattr(row, "name", None) or uuid
                    why = ("上级所存的同一版本内容不同" if row.version == version else f"上级存有较新的第 {version} 版（恢复备份前的修改）")
                    row.version = version + 1
                    reason = f"{why}；已改为第 {row.version} 版，下次报送时以本单位现有内容为准"
                    _quarantine(session, "out", parent.node_id, kind, uuid, row.version, str(label), reason, actor.now)
                    out.raised.append({"kind": kind, "uuid": uuid, "label": str(label), "version": row.version, "reason": why})
                elif row.version < version:  # another node's record we hold an older copy of: nothing to send
                    session.add(SyncAck(destination=parent.node_id, kind=kind, uuid=uuid, version=row.version))
            session.flush()
    # Numbers: continue above what the parent holds, and give a new number to a case of ours that
    # reused one (made after the restore, numbered again from the backup's counter).
    for (kind, (scope, year, seq)), _uuid in held_numbers.items():
        if kind == "case":
            counter = session.get(CaseCounter, (scope, year))
            if counter is not None and counter.last_seq < seq:
                counter.last_seq = seq
            elif counter is None and session.get(Committee, scope) is not None:
                session.add(CaseCounter(committee_uuid=scope, year=year, last_seq=seq))
        else:
            counter = session.get(ReviewCounter, (scope, year))
            if counter is not None and counter.last_seq < seq:
                counter.last_seq = seq
            elif counter is None:
                session.add(ReviewCounter(office_code=scope, year=year, last_seq=seq))
    session.flush()
    ours = {("case", (c, y, q)): u for c, y, q, u in session.execute(
        select(MediationCase.committee_uuid, MediationCase.year, MediationCase.seq, MediationCase.uuid)
        .where(MediationCase.owner_node == me.node_id))}
    ours.update({("review_item", (o, y, q)): u for o, y, q, u in session.execute(
        select(ReviewItem.office_code, ReviewItem.year, ReviewItem.seq, ReviewItem.uuid)
        .where(ReviewItem.owner_node == me.node_id))})
    for key, uuid in held_numbers.items():
        if ours.get(key, uuid) == uuid:  # not ours, or the very same record
            continue
        kind, (scope, year, _seq) = key
        row = session.get(MediationCase if kind == "case" else ReviewItem, ours[key])
        old = row.case_no if kind == "case" else row.number
        if kind == "case":
            counter = session.get(CaseCounter, (scope, year))
            counter.last_seq += 1
            committee = session.get(Committee, scope)
            row.seq, row.case_no = counter.last_seq, case_rules.case_number(year, committee.short_name, counter.last_seq)
            names = list(session.scalars(select(Party.name).where(Party.case_uuid == row.uuid, Party.deleted.is_(False))))
            search = session.scalar(select(CaseSearch).where(CaseSearch.case_uuid == row.uuid))
            if search is not None:
                search.body = case_rules.search_body(row.case_no, row.title, names, row.summary, row.claims)
            new = row.case_no
        else:
            counter = session.get(ReviewCounter, (scope, year))
            counter.last_seq += 1
            unit = session.get(OrgUnit, scope)
            row.seq = counter.last_seq
            row.number = review_rules.review_number(year, (unit.short_name or unit.name) if unit else scope, counter.last_seq)
            new = row.number
        row.version += 1
        session.flush()
        reason = f"编号 {old} 已被上级所存的另一记录使用（恢复备份前编的号），已改为 {new}"
        _quarantine(session, "out", parent.node_id, kind, row.uuid, row.version, new, reason, actor.now)
        out.renumbered.append({"kind": kind, "uuid": row.uuid, "old": old, "new": new})
        audit.record(session, actor, "exchange.renumber", kind, row.uuid, summary=reason, before={"number": old},
                     after={"number": new})
    for kind in aggregates.KINDS:
        model = aggregates.ROOTS[kind]
        out.to_send += session.scalar(
            select(func.count()).select_from(model)
            .outerjoin(SyncAck, (SyncAck.destination == parent.node_id) & (SyncAck.kind == kind) & (SyncAck.uuid == model.uuid))
            .where(model.owner_node != parent.node_id, (SyncAck.version.is_(None)) | (SyncAck.version < model.version))) or 0
    return out


# ------------------------------------------------------------------ receipts


@dataclass(frozen=True)
class ReceiptResult:
    sequence: int
    destination_name: str
    acknowledged: int
    not_taken: list[dict[str, Any]]
    rebase: Rebase | None = None

    def as_json(self) -> dict[str, Any]:
        return {"sequence": self.sequence, "destination": self.destination_name, "acknowledged": self.acknowledged,
                "not_taken": self.not_taken, "rebase": self.rebase.as_json() if self.rebase else None}


def take_receipt(db: Database, actor: Actor, path: Path) -> ReceiptResult:
    """Mark what the receiver took; what it did not take goes again in the next bundle. A receipt
    counts only when signed by the node the bundle went to (for an upward bundle: our enrolled
    parent) and written for this node. One that says where the parent stands re-bases us."""
    actor.require(Perm.EXCHANGE)
    try:
        outer = json.loads(Path(path).read_text(encoding="utf-8"))
        doc, signature = outer["receipt"], bytes.fromhex(outer["signature"])
        if not isinstance(doc, dict) or doc.get("format") != RECEIPT_FORMAT or not isinstance(doc.get("records"), list):
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UserError("这不是一个回执文件，或文件已损坏。") from None
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    with db.write() as session:
        node = _node(session)
        peer = session.get(PeerNode, str(doc.get("receiver")))
        if peer is None:
            raise UserError("回执来自未登记的单位，不予登记。")
        try:
            Ed25519PublicKey.from_public_bytes(peer.sign_public).verify(signature, container.canonical(doc))
        except InvalidSignature:
            raise UserError("回执签名无效：文件被改动，或不是该单位生成的。") from None
        if doc.get("sender") != node.node_id:
            raise UserError("这份回执是给其他单位的，不予登记。")
        resync = doc.get("resync") if isinstance(doc.get("resync"), dict) else None
        sent = None
        if doc.get("bundle_id") is not None or resync is None:
            sent = session.scalar(select(BundleOut).where(BundleOut.bundle_id == doc.get("bundle_id")))
            if sent is None and resync is not None and resync.get("fork"):
                pass  # the forked bundle may be gone from our outbox (re-based, or restored again): the state still counts
            elif sent is None or sent.sha256 != doc.get("bundle_sha256"):
                raise UserError("回执对应的数据包不是本单位导出的。")
            if sent is not None and sent.destination != peer.node_id:
                raise UserError(f"这份回执不是数据包的接收单位签发的（该数据包发给了{_org_name_of(session, sent.destination)}），不予登记。")
        elif peer.relation != "parent":
            raise UserError("重新对齐回执只能来自本单位登记的上级，不予登记。")
        acknowledged, not_taken = 0, []
        try:
            for kind, uuid, version, status, reason in doc["records"]:
                if status in ("accepted", "duplicate", "stale"):
                    ack = session.get(SyncAck, (peer.node_id, kind, uuid))
                    if ack is None:
                        session.add(SyncAck(destination=peer.node_id, kind=kind, uuid=uuid, version=version))
                    elif ack.version < version:
                        ack.version = version
                    acknowledged += 1
                else:
                    not_taken.append({"kind": kind, "uuid": uuid, "status": status, "reason": reason})
        except (TypeError, ValueError):
            raise UserError("回执内容格式不对，文件可能已损坏。") from None
        session.flush()
        # What was acknowledged at the version we sent closes our notes about it.
        for q in session.scalars(select(Quarantine).where(Quarantine.direction == "out", Quarantine.peer == peer.node_id,
                                                          Quarantine.resolved.is_(False))):
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
                rebased = _rebase(session, actor, node, peer, resync)
            except (TypeError, ValueError, IndexError, KeyError):
                raise UserError("重新对齐回执的内容格式不对，文件可能已损坏。") from None
            audit.record(session, actor, "exchange.rebase", "peer_node", peer.node_id,
                         summary=f"按 {peer.org_name} 的回执重新对齐：上级已有至第 {rebased.sequence} 号，"
                         f"待报送 {rebased.to_send} 条，提高版本 {len(rebased.raised)} 条，改号 {len(rebased.renumbered)} 件",
                         after=rebased.as_json())
        sequence = sent.sequence if sent is not None else 0
        if sent is not None and session.get(BundleOut, (sent.destination, sent.sequence)) is sent:
            sent.receipt_at = actor.now
        audit.record(session, actor, "exchange.receipt", "bundle_out", str(doc.get("bundle_id") or ""),
                     summary=f"收到 {peer.org_name} 对第 {sequence} 号数据包的回执：确认 {acknowledged} 条，未接收 {len(not_taken)} 条")
    return ReceiptResult(sequence, peer.org_name, acknowledged, not_taken, rebased)


def _org_name_of(session: Session, node_id: str) -> str:
    peer = session.get(PeerNode, node_id)
    return peer.org_name if peer else "其他单位"


# ------------------------------------------------------------------ what the exchange page shows


def pending_counts(session: Session, actor: Actor) -> dict[str, int]:
    """How many records would go in the next upward bundle."""
    actor.require(Perm.EXCHANGE)
    parent = session.scalar(select(PeerNode).where(PeerNode.relation == "parent"))
    if parent is None:
        return {}
    out = {}
    for kind in aggregates.KINDS:
        model = aggregates.ROOTS[kind]
        out[kind] = session.scalar(
            select(func.count()).select_from(model)
            .outerjoin(SyncAck, (SyncAck.destination == parent.node_id) & (SyncAck.kind == kind) & (SyncAck.uuid == model.uuid))
            .where(model.owner_node != parent.node_id, (SyncAck.version.is_(None)) | (SyncAck.version < model.version))) or 0
    return out


def quarantine_list(session: Session, actor: Actor) -> list[dict[str, Any]]:
    actor.require(Perm.EXCHANGE)
    return [{"direction": q.direction, "kind": q.kind, "uuid": q.uuid, "label": q.label, "reason": q.reason,
             "at": q.at.isoformat(sep=" ", timespec="minutes")}
            for q in session.scalars(select(Quarantine).where(Quarantine.resolved.is_(False)).order_by(Quarantine.at.desc()).limit(500))]


def cases_by_owner(session: Session, actor: Actor) -> list[tuple[str, int]]:
    """The district's view: how many cases each node's records hold here."""
    actor.require(Perm.EXCHANGE)
    names = {p.node_id: p.org_name for p in session.scalars(select(PeerNode))}
    me = _node(session)
    names[me.node_id] = _org_name(session, me.org_code)
    rows = session.execute(select(MediationCase.owner_node, func.count()).where(MediationCase.deleted.is_(False))
                           .group_by(MediationCase.owner_node)).all()
    return [(names.get(owner, owner), n) for owner, n in rows]


# ------------------------------------------------------------------ downward: corrections and reference data


def return_for_correction(session: Session, actor: Actor, case_uuid: str, comment: str) -> str:
    """退回补正: ask the node that owns a case to correct it; goes down in the next bundle."""
    actor.require(Perm.EXCHANGE)
    from xihu_desk.domain.errors import FieldError
    from xihu_desk.store.sync_models import Correction

    node = _node(session)
    case = session.get(MediationCase, case_uuid)
    if case is None or case.deleted:
        raise NotFound("找不到该案件。")
    if case.owner_node == node.node_id:
        raise UserError("该案件由本单位管理，直接修改即可，无需退回。")
    if not comment.strip():
        raise FieldError("comment", "请写明需要补正的内容。")
    row = Correction(id=ids.new_uuid(), kind="case", uuid=case.uuid, label=case.case_no, comment=comment.strip(),
                     from_node=node.node_id, owner_node=case.owner_node, created_at=actor.now)
    session.add(row)
    audit.record(session, actor, "exchange.correction", "case", case.uuid, summary=f"退回 {case.case_no} 补正：{comment.strip()}")
    return row.id


def corrections(session: Session, actor: Actor, *, open_only: bool = True) -> list[dict[str, Any]]:
    actor.require(Perm.VIEW_CASES) if not actor.can(Perm.EXCHANGE) else None
    from xihu_desk.store.sync_models import Correction

    query = select(Correction).order_by(Correction.created_at.desc())
    if open_only:
        query = query.where(Correction.resolved_at.is_(None))
    names = {p.node_id: p.org_name for p in session.scalars(select(PeerNode))}
    return [{"id": c.id, "kind": c.kind, "uuid": c.uuid, "label": c.label, "comment": c.comment,
             "from": names.get(c.from_node, c.from_node), "created_at": c.created_at.isoformat(sep=" ", timespec="minutes"),
             "resolved_at": c.resolved_at.isoformat(sep=" ", timespec="minutes") if c.resolved_at else None}
            for c in session.scalars(query)]


def resolve_correction(session: Session, actor: Actor, correction_id: str) -> None:
    actor.require(Perm.EDIT_CASES)
    from xihu_desk.store.sync_models import Correction

    row = session.get(Correction, correction_id)
    if row is None:
        raise NotFound("找不到该补正要求。")
    row.resolved_at = actor.now
    audit.record(session, actor, "exchange.corrected", "case", row.uuid, summary=f"{row.label} 已按要求补正")


def _write_downward(session: Session, zf: zipfile.ZipFile, child: PeerNode) -> dict[str, int]:
    from xihu_desk.store.case_models import RefCode
    from xihu_desk.store.sync_models import Correction

    subtree = {child.node_id, *session.scalars(select(Lineage.node_id).where(Lineage.via == child.node_id))}
    rows = session.scalars(
        select(Correction).outerjoin(SyncAck, (SyncAck.destination == child.node_id) & (SyncAck.kind == "correction")
                                     & (SyncAck.uuid == Correction.id))
        .where(Correction.owner_node.in_(subtree), Correction.from_node == _node(session).node_id, SyncAck.uuid.is_(None)))
    n = 0
    with zf.open("records/correction.jsonl", "w") as out:
        for c in rows:
            out.write(json.dumps({"id": c.id, "kind": c.kind, "uuid": c.uuid, "label": c.label, "comment": c.comment,
                                  "from_node": c.from_node, "owner_node": c.owner_node,
                                  "created_at": c.created_at.isoformat()}, ensure_ascii=False).encode() + b"\n")
            n += 1
    version = session.scalar(select(Meta.value).where(Meta.key == "reference.codes"))
    lists: dict[str, list[list[Any]]] = {}
    for r in session.scalars(select(RefCode).where(RefCode.retired.is_(False)).order_by(RefCode.list_name, RefCode.position)):
        lists.setdefault(r.list_name, []).append([r.code, r.label])
    with zf.open("records/reference.jsonl", "w") as out:
        out.write(json.dumps({"kind": "codes", "version": version, "lists": lists}, ensure_ascii=False).encode() + b"\n")
    return {"correction": n, "reference": 1}


def _apply_downward(session: Session, zf: zipfile.ZipFile, m: dict[str, Any], records: list[list[Any]],
                    counts: dict[str, int], problems: list[dict[str, Any]]) -> None:
    """Corrections and reference data, taken only from our parent."""
    from xihu_desk.store.case_models import RefCode
    from xihu_desk.store.sync_models import Correction

    me = _node(session).node_id
    if "records/correction.jsonl" in zf.namelist():
        for doc in container.iter_jsonl(zf, "records/correction.jsonl"):
            cid = str(doc.get("id", ""))
            if session.get(Correction, cid) is not None:
                status, reason = "duplicate", ""
            elif doc.get("from_node") != m["origin"] or not doc.get("comment"):
                status, reason = "refused", "补正要求的来源或内容不对"
            else:
                session.add(Correction(id=cid, kind=str(doc["kind"]), uuid=str(doc["uuid"]), label=str(doc["label"])[:120],
                                       comment=str(doc["comment"]), from_node=m["origin"],
                                       owner_node=str(doc.get("owner_node", me)),
                                       created_at=datetime.fromisoformat(doc["created_at"])))
                status, reason = "accepted", ""
            counts[status] += 1
            records.append(["correction", cid, 1, status, reason])
            if status == "refused":
                problems.append({"kind": "correction", "uuid": cid, "label": doc.get("label", cid), "status": status, "reason": reason})
    if "records/reference.jsonl" in zf.namelist():
        for doc in container.iter_jsonl(zf, "records/reference.jsonl"):
            if doc.get("kind") != "codes" or not isinstance(doc.get("lists"), dict):
                continue
            current = session.scalar(select(Meta.value).where(Meta.key == "reference.codes"))
            version = str(doc.get("version") or "")
            if version and version != current:
                existing = {(r.list_name, r.code): r for r in session.scalars(select(RefCode))}
                listed = set()
                for list_name, items in doc["lists"].items():
                    for position, (code, label) in enumerate(items):
                        row = existing.get((list_name, code)) or RefCode(list_name=list_name, code=code)
                        row.label, row.position, row.retired = label, position, False
                        session.add(row)
                        listed.add((list_name, code))
                for key, row in existing.items():
                    if key not in listed:
                        row.retired = True
                session.merge(Meta(key="reference.codes", value=version))
                counts["accepted"] += 1
                records.append(["reference", f"codes:{version}", 1, "accepted", ""])
            else:
                counts["duplicate"] += 1
                records.append(["reference", f"codes:{version}", 1, "duplicate", ""])
