"""Import (design.md §5.2): signature, sender, sequence and hashes are checked before any write,
then every record is applied in one transaction and a receipt is written beside the bundle.

A dry run (``dry_run=True``) is the same import up to the report, in a unit of work that is
rolled back whole when it ends (``Database.trial``): what a later record meets depends on the
earlier ones (a committee of the bundle that its cases name, a number two records claim, which
only the database finds), so the records are applied to be judged. Nothing is committed, no
attachment file is stored, no receipt is written and a fork is not recorded."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from xihu_desk.domain import record_checks
from xihu_desk.domain.roles import Perm
from xihu_desk.paths import DataDir
from xihu_desk.services import audit, audit_exchange, settings
from xihu_desk.services.attachment_vault import vault
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.authority import allowed_owners
from xihu_desk.services.exchange.common import BATCH, parent_peer, quarantine, settle_quarantine, this_node
from xihu_desk.services.exchange import transfers
from xihu_desk.services.exchange.downward import apply_downward
from xihu_desk.services.exchange.fork_line import (
    ForkRefused,
    ForkResolution,
    close_forks,
    record_fork,
    resolve_fork,
    superseded,
)
from xihu_desk.services.exchange.receipts import write_receipt
from xihu_desk.store import aggregates, migrate, source_files
from xihu_desk.store.sync_models import BundleIn, PeerNode
from xihu_desk.store.uow import Database
from xihu_desk.sync import container, continuity, manifest, payload, scratch, sequences
from xihu_desk.sync.container import BundleRefused
from xihu_desk.sync.continuity import Place
from xihu_desk.sync.report import ImportResult, empty_counts

# What the driver may still refuse in a value the checks let through: never the whole import.
REFUSED_BY_DATABASE = (IntegrityError, DataError, OverflowError, UnicodeError)


def _check_jump(db: Database, sender: str, sender_name: str, sequence: int) -> None:
    """Refuse a bundle numbered further past the sender's last one than lost bundles explain."""
    with db.read() as session:
        last = session.scalar(select(func.max(BundleIn.sequence)).where(BundleIn.sender == sender)) or 0
        limit = settings.get(session, "bundle_sequence_max_jump")
    problem = sequences.jump_problem(sequence, [last], limit, sender_name)
    if problem:
        raise BundleRefused(problem)


def import_bundle(
    data: DataDir,
    db: Database,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    receipt_dir: Path | None = None,
    progress: Any = None,
) -> ImportResult:
    actor.require(Perm.EXCHANGE)
    path = Path(path)
    source_files.require_file(path, "数据包文件")  # a folder, /dev/null or an empty file is said as such
    with db.read() as session:
        node = this_node(session)
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
        where = continuity.place(
            opened.sha256,
            str(m.get("prev_sha256", "")),
            held_same=same.sha256 if same else None,
            held_prev=prev.sha256 if prev else None,
            superseded=superseded(session, sender),
        )
    if where is Place.SUPERSEDED:
        raise BundleRefused(
            f"这是 {sender_name} 已被新序列取代的旧数据包（第 {sequence} 号），未导入；其后的数据以新序列为准。"
        )
    if where is Place.FORK_SAME_NUMBER:
        raise record_fork(
            db,
            actor,
            path,
            receipt_dir,
            opened,
            sender_name,
            f"收到 {sender_name} 第 {sequence} 号数据包的另一个不同版本（分叉）",
            dry_run=dry_run,
        )
    if where is Place.ALREADY_IMPORTED:
        assert same is not None
        receipt = write_receipt(db, path, receipt_dir, sender, json.loads(same.receipt), m, opened.sha256)
        return ImportResult(
            "already-imported", sender, sender_name, sequence, json.loads(same.counts), sequences.gaps(seqs), receipt
        )
    if where is Place.FORK_NOT_JOINED:
        raise record_fork(
            db,
            actor,
            path,
            receipt_dir,
            opened,
            sender_name,
            f"{sender_name} 第 {sequence} 号数据包与已导入的第 {sequence - 1} 号不衔接（分叉）",
            dry_run=dry_run,
        )
    warnings = [] if peers_by_id[sender][2] == "child" else ["注意：该数据包来自上级单位。"]
    with scratch.folder(data.root, "import") as tmp:
        inner = Path(tmp) / "payload.zip"
        container.decrypt_payload(path, opened, enc_private, inner)
        try:
            zf = zipfile.ZipFile(inner)
        except zipfile.BadZipFile:
            raise BundleRefused("数据包内容无法解开。") from None
        with zf:
            with container.refuse_damaged("数据包内容"):
                manifest.verify_members(zf, m)
            result = _apply_unit(
                data,
                db,
                actor,
                zf,
                m,
                opened.sha256,
                sender_name,
                seqs,
                warnings,
                dry_run=dry_run,
                progress=progress,
                work=tmp,
            )
    if not dry_run:
        result.receipt = write_receipt(db, path, receipt_dir, sender, result.records, m, opened.sha256)
    return result


def _apply_unit(
    data: DataDir,
    db: Database,
    actor: Actor,
    zf: zipfile.ZipFile,
    m: dict[str, Any],
    sha256: str,
    sender_name: str,
    seqs: list[int],
    warnings: list[str],
    *,
    dry_run: bool,
    progress: Any,
    work: Path,
) -> ImportResult:
    """The one transaction of an import (for a dry run: up to the report, then rolled back)."""
    sender, sequence = str(m["origin"]), int(m["sequence"])
    with db.trial() if dry_run else db.write() as session:
        allowed, refused_claims = allowed_owners(session, sender, m, actor.now)
        result = apply_all(session, data, zf, m, allowed, actor, progress, dry_run=dry_run, work=work)
        result.warnings = (
            warnings
            + refused_claims
            + audit_exchange.compare_head(session, actor, sender, sender_name, sequence, m.get("audit_head"))
        )
        result.gaps = sequences.gaps([*seqs, sequence])
        result.sender_name = sender_name
        if dry_run:  # the report is made; the trial unit keeps nothing of what it took
            result.result = "dry-run"
            return result
        peer = session.get(PeerNode, sender)
        assert peer is not None
        peer.children = json.dumps(sorted(allowed - {sender}))
        session.add(
            BundleIn(
                sender=sender,
                sequence=sequence,
                bundle_id=m["bundle_id"],
                sha256=sha256,
                prev_sha256=m.get("prev_sha256", ""),
                created_at=datetime.fromisoformat(m["created_at"]),
                imported_at=actor.now,
                counts=json.dumps(result.counts),
                receipt=json.dumps(result.records),
            )
        )
        if continuity.continues_line(sequence, seqs):
            close_forks(session, actor, sender, sender_name, "rebased")
        audit.record(
            session,
            actor,
            "exchange.import",
            "bundle_in",
            m["bundle_id"],
            summary=f"导入 {sender_name} 第 {sequence} 号数据包："
            + "，".join(f"{k} {v}" for k, v in result.counts.items() if v),
            after={"sha256": sha256, "counts": result.counts},
        )
    return result


def apply_all(
    session: Session,
    data: DataDir,
    zf: zipfile.ZipFile,
    m: dict[str, Any],
    allowed: set[str],
    actor: Actor,
    progress: Any,
    *,
    dry_run: bool = False,
    work: Path | None = None,
) -> ImportResult:
    """Every record of the payload, kind by kind in batches; the per-record lines for the receipt."""
    counts = empty_counts()
    records: list[list[Any]] = []
    problems: list[dict[str, Any]] = []
    in_bundle = {n.split("/", 1)[1] for n in zf.namelist() if n.startswith("blobs/")}
    referenced: set[str] = set()  # blobs any case of the bundle names
    wanted: set[str] = set()  # blobs of the cases taken (or already here at that version)

    store = vault(session, data.root)

    def has_blob(sha: str) -> bool:
        return sha in in_bundle or store.has(sha)

    def problem(kind: str, uuid: str, version: int, label: str, reason: str, line: int) -> None:
        counts["quarantined"] += 1
        records.append([kind, uuid, version, "quarantined", reason])
        problems.append({"kind": kind, "uuid": uuid, "label": label, "status": "quarantined", "reason": reason})
        quarantine(session, "in", m["origin"], kind, uuid or f"line:{line}", version, label, reason, actor.now)

    for kind in aggregates.KINDS:
        name = f"records/{kind}.jsonl"
        if name not in zf.namelist():
            continue
        batch: list[dict[str, Any]] = []

        def flush(kind: str = kind, batch: list[dict[str, Any]] = batch) -> None:
            blobs: dict[str, set[str]] = {}
            for doc in batch if kind == "case" else ():
                uuid = record_checks.record_key(payload.root_of(kind, doc).get("uuid"))
                blobs.setdefault(uuid, set()).update(payload.blob_names(doc))
            for uuid, version, status, reason in _apply_batch(session, kind, batch, allowed):
                counts[status] += 1
                records.append([kind, uuid, version, status, reason])
                if status in ("accepted", "duplicate") and uuid:
                    wanted.update(blobs.get(uuid, ()))
                if status in ("refused", "quarantined"):
                    label = payload.label(kind, batch, uuid)
                    problems.append({"kind": kind, "uuid": uuid, "label": label, "status": status, "reason": reason})
                    if status == "quarantined":
                        quarantine(session, "in", m["origin"], kind, uuid, version, label, reason, actor.now)
            settle_quarantine(session, kind, [r[1] for r in records[-len(batch) :] if r[3] == "accepted"])
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
                    referenced.update(payload.blob_names(doc))
                    missing = payload.missing_blob(doc, has_blob)
                    if missing:
                        root = payload.root_of(kind, doc)
                        uuid = record_checks.record_key(root.get("uuid"))
                        problem(
                            kind,
                            uuid,
                            record_checks.record_version(root.get("version")),
                            payload.label(kind, [doc], uuid) or where,
                            missing,
                            number,
                        )
                        continue
                batch.append(doc)
                if len(batch) >= BATCH:
                    flush()
        if batch:
            flush()
    referenced |= transfers.blob_names(zf)  # a case transferred down brings its files
    if in_bundle - referenced:
        raise BundleRefused(f"数据包中有 {len(in_bundle - referenced)} 个附件文件不属于任何一条记录，拒绝导入。")
    if payload.DOWNWARD & set(zf.namelist()):
        parent = parent_peer(session)
        if parent is None or parent.node_id != m["origin"]:
            raise BundleRefused("补正要求、参考数据和案件移送决定只能来自上级单位，该数据包未导入。")
        apply_downward(session, zf, m, records, counts, problems)
        transfers.apply_transfers(session, actor, zf, m, records, counts, problems, wanted)
    if not dry_run:
        for sha in sorted(wanted & in_bundle):
            payload.store_blob(zf, sha, store.path(sha), work or data.root, seal=store.seal)
    return ImportResult(
        "applied", m["origin"], "", int(m["sequence"]), counts, [], None, problems=problems, records=records
    )


def _apply_batch(
    session: Session, kind: str, batch: list[dict[str, Any]], allowed: set[str]
) -> list[tuple[str, int, str, str]]:
    """Apply a batch under a savepoint; if the database refuses it (a clash with a record here,
    such as a number already used), apply record by record and quarantine the ones refused."""
    try:
        with session.begin_nested():
            return aggregates.apply(session, kind, batch, allowed)
    except REFUSED_BY_DATABASE:
        pass
    results = []
    for doc in batch:
        try:
            with session.begin_nested():
                results += aggregates.apply(session, kind, [doc], allowed)
        except REFUSED_BY_DATABASE as exc:
            root = payload.root_of(kind, doc)
            version = record_checks.record_version(root.get("version"))
            if isinstance(exc, IntegrityError):
                clash = str(exc.orig).split(":")[-1].strip() if exc.orig else ""
                reason = f"与本地已有记录冲突（{record_checks.printable(clash, 80)}）"
            else:
                reason = "数据库不接受该记录中的值"
            results.append((record_checks.record_key(root.get("uuid")), version, "quarantined", reason))
    return results


def resolve_fork_and_import(
    data: DataDir, db: Database, actor: Actor, ref: str, progress: Any = None
) -> tuple[ForkResolution, ImportResult | str | None]:
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
