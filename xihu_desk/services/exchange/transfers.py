"""Transfers (移送) going down (services/case_transfer.py has the steps): the district's decisions
in its bundle for a child, and taking them at the child.

``records/transfer.jsonl`` holds one line per decision: ``{"decision": {...}, "case": case or null}``.
The case (as the upward bundles carry it: parties, records, history, attachment entries, their files
under blobs/) goes only to the office that receives it. A line is acknowledged like a correction
(kind "transfer", by the decision's id), so it is repeated until the child's receipt comes back.

Taking a line is idempotent (a decision already here is a duplicate, whatever order bundles come
in), and only the enrolled parent that made the decision may move a case's owner: the caller
refuses the whole bundle from anyone else, and a line naming another deciding node is refused."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import record_checks
from xihu_desk.services import audit, case_history, cases
from xihu_desk.services.case_transfer import moved_out, org_name
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import subtree, this_node
from xihu_desk.services.records import stamp_changed
from xihu_desk.store import aggregates
from xihu_desk.store.case_models import CaseMediator, MediationCase, Mediator
from xihu_desk.store.models import Committee
from xihu_desk.store.sync_models import SyncAck
from xihu_desk.store.transfer_models import CaseTransfer, TransferDecision
from xihu_desk.sync import container, payload

MEMBER = "records/transfer.jsonl"
KIND = "transfer"
_FIELDS = (
    "id",
    "case_uuid",
    "from_case_no",
    "district_node",
    "from_node",
    "from_org",
    "to_node",
    "to_org",
    "accepted",
    "reason",
    "decided_on",
    "decided_by",
    "case_version",
)


def write_transfers(session: Session, zf: zipfile.ZipFile, child_id: str, blobs: set[str]) -> int:
    """The decisions this node made that concern ``child_id`` (or a node below it) and that the child
    has not acknowledged; the receiver's line carries the case, its files added to ``blobs``."""
    me = this_node(session).node_id
    below = subtree(session, child_id)
    rows = session.scalars(
        select(TransferDecision)
        .outerjoin(
            SyncAck,
            (SyncAck.destination == child_id) & (SyncAck.kind == KIND) & (SyncAck.uuid == TransferDecision.id),
        )
        .where(
            TransferDecision.district_node == me,
            TransferDecision.from_node.in_(below) | TransferDecision.to_node.in_(below),
            SyncAck.uuid.is_(None),
        )
        .order_by(TransferDecision.decided_on, TransferDecision.id)
    ).all()
    n = 0
    with zf.open(MEMBER, "w") as out:
        for d in rows:
            doc: dict[str, Any] = {
                "decision": {f: (getattr(d, f).isoformat() if f == "decided_on" else getattr(d, f)) for f in _FIELDS},
                "case": None,
            }
            case = session.get(MediationCase, d.case_uuid)
            if d.accepted and d.to_node in below and case is not None:
                doc["case"] = aggregates.case_doc(session, case)
                doc["mediator_names"] = [
                    name
                    for (name,) in session.execute(
                        select(Mediator.name)
                        .join(CaseMediator, CaseMediator.mediator_uuid == Mediator.uuid)
                        .where(CaseMediator.case_uuid == case.uuid)
                    )
                ]
                blobs.update(a["sha256"] for a in doc["case"]["attachments"] if not a["deleted"])
            out.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
            n += 1
    return n


def blob_names(zf: zipfile.ZipFile) -> set[str]:
    """The attachment files the transferred cases of a downward bundle name."""
    if MEMBER not in zf.namelist():
        return set()
    out: set[str] = set()
    for doc in container.iter_jsonl(zf, MEMBER):
        if isinstance(doc, dict) and isinstance(doc.get("case"), dict):
            out |= payload.blob_names(doc["case"])
    return out


class _Refused(Exception):
    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def apply_transfers(
    session: Session,
    actor: Actor,
    zf: zipfile.ZipFile,
    m: dict[str, Any],
    records: list[list[Any]],
    counts: dict[str, int],
    problems: list[dict[str, Any]],
    wanted: set[str],
) -> None:
    """Take each decision line (the caller has checked that ``m['origin']`` is our parent)."""
    if MEMBER not in zf.namelist():
        return
    for doc in container.iter_jsonl(zf, MEMBER):
        d = doc.get("decision") if isinstance(doc, dict) else None
        d = d if isinstance(d, dict) else {}
        tid = record_checks.record_key(d.get("id"))
        label = record_checks.printable(str(d.get("from_case_no") or tid), 60)
        try:
            with session.begin_nested():
                status, reason = _take(session, actor, doc, d, m["origin"], wanted)
        except _Refused as exc:
            status, reason = exc.status, exc.reason
        except (KeyError, TypeError, ValueError, aggregates.BadRecord) as exc:
            status, reason = "refused", f"移送决定的格式不对（{record_checks.printable(str(exc), 60)}）"
        counts[status] += 1
        records.append([KIND, tid, 1, status, reason])
        if status in ("refused", "quarantined"):
            problems.append({"kind": KIND, "uuid": tid, "label": label, "status": status, "reason": reason})


def _take(
    session: Session, actor: Actor, doc: dict[str, Any], d: dict[str, Any], parent: str, wanted: set[str]
) -> tuple[str, str]:
    me = this_node(session).node_id
    tid = str(d["id"])
    if session.get(TransferDecision, tid) is not None:
        return "duplicate", ""
    if d.get("district_node") != parent:
        raise _Refused("refused", "移送决定不是由上级单位作出的，不能据此变更案件的管理单位")
    if not isinstance(d.get("accepted"), bool) or not isinstance(d.get("case_version"), int):
        raise _Refused("refused", "移送决定的格式不对")
    decision = TransferDecision(
        **{f: d[f] for f in _FIELDS if f != "decided_on"},
        decided_on=date.fromisoformat(str(d["decided_on"])),
        received_at=actor.now,
        new_case_no="",
    )
    if d["from_node"] == me:
        _at_sender(session, actor, decision, parent)
    elif d["to_node"] == me and decision.accepted:
        case_doc = doc.get("case")
        if not isinstance(case_doc, dict):
            raise _Refused("refused", "同意移送的决定没有附带案件")
        names = [str(n) for n in doc.get("mediator_names") or [] if isinstance(n, str)]
        _at_receiver(session, actor, decision, case_doc, names, wanted)
    else:
        raise _Refused("refused", "该移送决定与本单位无关")
    session.add(decision)
    session.flush()
    return "accepted", ""


def _at_sender(session: Session, actor: Actor, d: TransferDecision, parent: str) -> None:
    """Our request answered: accepted, the case is the receiver's and ours a read-only copy."""
    request = session.get(CaseTransfer, d.id)
    case = session.get(MediationCase, d.case_uuid)
    if request is None or case is None or request.case_uuid != d.case_uuid:
        raise _Refused("refused", "本单位没有该移送申请")
    if not d.accepted:
        audit.record(
            session,
            actor,
            "exchange.transfer_refuse",
            "case",
            case.uuid,
            summary=f"区司法局不同意 {case.case_no} 移送至{org_name(session, d.to_org)}：{d.reason}",
        )
        return
    before = case.owner_node
    case.owner_node = d.to_node
    # the district holds this version (it made it): nothing of the case is sent up again from here
    case.version = max(case.version, d.case_version)
    ack = session.get(SyncAck, (parent, "case", case.uuid))
    if ack is None:
        session.add(SyncAck(destination=parent, kind="case", uuid=case.uuid, version=case.version))
    else:
        ack.version = max(ack.version, case.version)
    audit.record(
        session,
        actor,
        "case.transfer_out",
        "case",
        case.uuid,
        summary=f"{case.case_no} 已于 {d.decided_on.isoformat()} 移送至{org_name(session, d.to_org)}，本单位保留只读副本",
        before={"owner_node": before},
        after={"owner_node": d.to_node},
    )


def receiving_committee(session: Session, me: str) -> Committee | None:
    """The office's own street (town) committee: where a case from another office is registered."""
    own = list(
        session.scalars(
            select(Committee)
            .where(Committee.owner_node == me, Committee.deleted.is_(False))
            .order_by(Committee.name_key, Committee.uuid)
        )
    )
    for kinds in (("street", "town"), None):
        for c in own:
            if kinds is None or c.kind in kinds:
                return c
    return None


def _at_receiver(
    session: Session, actor: Actor, d: TransferDecision, doc: dict[str, Any], mediators: list[str], wanted: set[str]
) -> None:
    me = this_node(session).node_id
    root = doc.get("case")
    if not isinstance(root, dict) or root.get("uuid") != d.case_uuid:
        raise _Refused("refused", "移送决定附带的案件与决定不符")
    here = session.get(MediationCase, d.case_uuid)
    if here is not None and moved_out(session, d.case_uuid) is None:
        # only a copy left when the case was transferred away is taken again (it comes back)
        raise _Refused("refused", "本单位已有该案件")
    committee = receiving_committee(session, me)
    if committee is None:
        # kept back, not acknowledged: the district repeats it once a committee is set up here
        raise _Refused(
            "quarantined", "本单位还没有调委会，无法登记移送来的案件；请先新建调委会，再导入区司法局的下一个数据包"
        )
    year = actor.today.year
    seq, number = cases._next_number(session, committee, year)
    taken = dict(doc)
    taken["case"] = {
        **root,
        "owner_node": me,
        "committee_uuid": committee.uuid,
        "case_no": number,
        "year": year,
        "seq": seq,
        "linked_from": None,  # the case it came from stays with the sending office
        "version": d.case_version,
    }
    # the sending office's mediators are not on this roster: the receiving committee assigns its own
    taken["mediators"] = []
    for part, (_model, many) in aggregates.CASE_PARTS.items():
        rows = taken.get(part)
        if many and isinstance(rows, list):
            taken[part] = [{**r, "owner_node": me} if isinstance(r, dict) else r for r in rows]
        elif isinstance(rows, dict):
            taken[part] = {**rows, "owner_node": me}
    if here is not None:
        here.owner_node = me  # the parent's decision moves it (as at the sender); the copy is replaced below
        session.flush()
    [(_uuid, _version, status, reason)] = aggregates.apply(session, "case", [taken], {me})
    if status != "accepted":
        raise _Refused("quarantined", reason or "移送来的案件不能登记")
    wanted.update(payload.blob_names(taken))
    case = session.get(MediationCase, d.case_uuid)
    assert case is not None
    stamp_changed(actor, case)
    why = f"经区司法局同意，由{org_name(session, d.from_org)}移送"
    case_history.add(
        session,
        actor,
        case,
        "transfer",
        why,
        field="case_no",
        field_label="案件编号（原案号）",
        before=d.from_case_no,
        after=number,
    )
    case_history.add(
        session, actor, case, "transfer", why, field="committee_uuid", field_label="承办调委会", after=committee.name
    )
    if mediators:
        case_history.add(
            session,
            actor,
            case,
            "transfer",
            why,
            field="mediators",
            field_label="原调解员",
            before="、".join(mediators),
        )
    cases._refresh_title_and_search(session, case)
    d.new_case_no = number
    audit.record(
        session,
        actor,
        "case.transfer_in",
        "case",
        case.uuid,
        summary=f"接收移送的案件 {d.from_case_no}，新编号 {number}（{committee.name}）",
        after={"case_no": number, "from_case_no": d.from_case_no},
    )
