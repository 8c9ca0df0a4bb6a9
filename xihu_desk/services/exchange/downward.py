"""Downward (design.md §5.6): 退回补正, a parent asking the node that owns a case to correct it,
and the parent's reference code lists. Both travel in the bundle a parent writes for a child and
are taken only from this node's enrolled parent."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import ids
from xihu_desk.domain.errors import FieldError, NotFound, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import subtree, this_node
from xihu_desk.store.case_models import MediationCase, RefCode
from xihu_desk.store import seed
from xihu_desk.store.models import Meta
from xihu_desk.store.sync_models import Correction, PeerNode, SyncAck
from xihu_desk.sync import container


def return_for_correction(session: Session, actor: Actor, case_uuid: str, comment: str) -> str:
    """退回补正: ask the node that owns a case to correct it; goes down in the next bundle."""
    actor.require(Perm.EXCHANGE)
    node = this_node(session)
    case = session.get(MediationCase, case_uuid)
    if case is None or case.deleted:
        raise NotFound("找不到该案件。")
    if case.owner_node == node.node_id:
        raise UserError("该案件由本单位管理，直接修改即可，无需退回。")
    if not comment.strip():
        raise FieldError("comment", "请写明需要补正的内容。")
    row = Correction(
        id=ids.new_uuid(),
        kind="case",
        uuid=case.uuid,
        label=case.case_no,
        comment=comment.strip(),
        from_node=node.node_id,
        owner_node=case.owner_node,
        created_at=actor.now,
    )
    session.add(row)
    audit.record(
        session, actor, "exchange.correction", "case", case.uuid, summary=f"退回 {case.case_no} 补正：{comment.strip()}"
    )
    return row.id


def corrections(session: Session, actor: Actor, *, open_only: bool = True) -> list[dict[str, Any]]:
    if not actor.can(Perm.EXCHANGE):
        actor.require(Perm.VIEW_CASES)
    query = select(Correction).order_by(Correction.created_at.desc())
    if open_only:
        query = query.where(Correction.resolved_at.is_(None))
    names = {p.node_id: p.org_name for p in session.scalars(select(PeerNode))}
    return [
        {
            "id": c.id,
            "kind": c.kind,
            "uuid": c.uuid,
            "label": c.label,
            "comment": c.comment,
            "from": names.get(c.from_node, c.from_node),
            "created_at": c.created_at.isoformat(sep=" ", timespec="minutes"),
            "resolved_at": c.resolved_at.isoformat(sep=" ", timespec="minutes") if c.resolved_at else None,
        }
        for c in session.scalars(query)
    ]


def resolve_correction(session: Session, actor: Actor, correction_id: str) -> None:
    actor.require(Perm.EDIT_CASES)
    row = session.get(Correction, correction_id)
    if row is None:
        raise NotFound("找不到该补正要求。")
    row.resolved_at = actor.now
    audit.record(session, actor, "exchange.corrected", "case", row.uuid, summary=f"{row.label} 已按要求补正")


def write_downward(
    session: Session, zf: zipfile.ZipFile, child: PeerNode, blobs: set[str] | None = None
) -> dict[str, int]:
    """Corrections, transfer decisions (the receiver's with its case; its files added to ``blobs``)
    and reference data for ``child``."""
    from xihu_desk.services.exchange.transfers import write_transfers

    moved = write_transfers(session, zf, child.node_id, blobs if blobs is not None else set())
    below = subtree(session, child.node_id)
    rows = session.scalars(
        select(Correction)
        .outerjoin(
            SyncAck,
            (SyncAck.destination == child.node_id) & (SyncAck.kind == "correction") & (SyncAck.uuid == Correction.id),
        )
        .where(
            Correction.owner_node.in_(below), Correction.from_node == this_node(session).node_id, SyncAck.uuid.is_(None)
        )
    )
    n = 0
    with zf.open("records/correction.jsonl", "w") as out:
        for c in rows:
            out.write(
                json.dumps(
                    {
                        "id": c.id,
                        "kind": c.kind,
                        "uuid": c.uuid,
                        "label": c.label,
                        "comment": c.comment,
                        "from_node": c.from_node,
                        "owner_node": c.owner_node,
                        "created_at": c.created_at.isoformat(),
                    },
                    ensure_ascii=False,
                ).encode()
                + b"\n"
            )
            n += 1
    version = session.scalar(select(Meta.value).where(Meta.key == "reference.codes"))
    lists: dict[str, list[list[Any]]] = {}
    for r in session.scalars(
        select(RefCode).where(RefCode.retired.is_(False)).order_by(RefCode.list_name, RefCode.position)
    ):
        lists.setdefault(r.list_name, []).append([r.code, r.label])
    from xihu_desk.store.subsidy_models import SubsidyRules

    # the district's 以案定补 rule tables, every version (a period uses the one in force then)
    tables = [json.loads(r.body) for r in session.scalars(select(SubsidyRules).order_by(SubsidyRules.valid_from))]
    with zf.open("records/reference.jsonl", "w") as out:
        out.write(
            json.dumps({"kind": "codes", "version": version, "lists": lists}, ensure_ascii=False).encode() + b"\n"
        )
        if tables:
            doc = {"kind": "subsidy_rules", "versions": tables}
            out.write(json.dumps(doc, ensure_ascii=False, default=str).encode() + b"\n")
    return {"correction": n, "transfer": moved, "reference": 1 + bool(tables)}


def apply_downward(
    session: Session,
    zf: zipfile.ZipFile,
    m: dict[str, Any],
    records: list[list[Any]],
    counts: dict[str, int],
    problems: list[dict[str, Any]],
) -> None:
    """Corrections and reference data, taken only from our parent."""
    me = this_node(session).node_id
    if "records/correction.jsonl" in zf.namelist():
        for doc in container.iter_jsonl(zf, "records/correction.jsonl"):
            cid = str(doc.get("id", ""))
            if session.get(Correction, cid) is not None:
                status, reason = "duplicate", ""
            elif doc.get("from_node") != m["origin"] or not doc.get("comment"):
                status, reason = "refused", "补正要求的来源或内容不对"
            else:
                session.add(
                    Correction(
                        id=cid,
                        kind=str(doc["kind"]),
                        uuid=str(doc["uuid"]),
                        label=str(doc["label"])[:120],
                        comment=str(doc["comment"]),
                        from_node=m["origin"],
                        owner_node=str(doc.get("owner_node", me)),
                        created_at=datetime.fromisoformat(doc["created_at"]),
                    )
                )
                status, reason = "accepted", ""
            counts[status] += 1
            records.append(["correction", cid, 1, status, reason])
            if status == "refused":
                problems.append(
                    {
                        "kind": "correction",
                        "uuid": cid,
                        "label": doc.get("label", cid),
                        "status": status,
                        "reason": reason,
                    }
                )
    if "records/reference.jsonl" in zf.namelist():
        for doc in container.iter_jsonl(zf, "records/reference.jsonl"):
            if doc.get("kind") == "subsidy_rules":
                _apply_subsidy_rules(session, doc, m["origin"], records, counts, problems)
                continue
            if doc.get("kind") != "codes" or not isinstance(doc.get("lists"), dict):
                continue
            current = session.scalar(select(Meta.value).where(Meta.key == "reference.codes"))
            version = str(doc.get("version") or "")
            if version and version != current:
                seed.apply_codes(session, doc["lists"], version)
                counts["accepted"] += 1
                records.append(["reference", f"codes:{version}", 1, "accepted", ""])
            else:
                counts["duplicate"] += 1
                records.append(["reference", f"codes:{version}", 1, "duplicate", ""])


def _apply_subsidy_rules(
    session: Session,
    doc: dict[str, Any],
    parent: str,
    records: list[list[Any]],
    counts: dict[str, int],
    problems: list[dict[str, Any]],
) -> None:
    """The parent's 以案定补 rule tables: each version kept once; one that does not parse is refused."""
    from xihu_desk.domain import clock
    from xihu_desk.domain import subsidy as subsidy_rules
    from xihu_desk.domain.errors import UserError
    from xihu_desk.services.subsidy import store_rules

    for body in doc.get("versions") or []:
        try:
            table = subsidy_rules.from_doc(body)
        except (UserError, AttributeError) as exc:
            label = str(body.get("version", "?")) if isinstance(body, dict) else "?"
            reason = getattr(exc, "message", str(exc))
            counts["refused"] += 1
            records.append(["reference", f"subsidy_rules:{label}", 1, "refused", reason])
            problems.append(
                {
                    "kind": "reference",
                    "uuid": label,
                    "label": f"补贴规则 {label}",
                    "status": "refused",
                    "reason": reason,
                }
            )
            continue
        status = "accepted" if store_rules(session, table, parent, "上级下发", clock.utc_now()) else "duplicate"
        counts[status] += 1
        records.append(["reference", f"subsidy_rules:{table.version}", 1, status, ""])
