"""Re-basing on the parent's word (design.md §5.5): after this node restored a backup, the parent's
re-basing receipt says which of our bundles and record versions it holds. We continue our
outbox on its line, take its acknowledgements, raise the version of a record of ours it holds
other content for (ours wins next time), and renumber a case or review item of ours whose number
the parent already holds for another record (numbered again from the backup's counter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from xihu_desk.domain import cases as case_rules
from xihu_desk.domain import reviews as review_rules
from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.services.exchange.common import BATCH, quarantine, unacknowledged
from xihu_desk.store import aggregates
from xihu_desk.store.case_models import CaseCounter, CaseSearch, MediationCase, Party
from xihu_desk.store.models import Committee, Node, OrgUnit
from xihu_desk.store.review_models import ReviewCounter, ReviewItem
from xihu_desk.store.sync_models import BundleOut, PeerNode, SyncAck


@dataclass
class Rebase:
    sequence: int = 0
    acknowledged: int = 0
    to_send: int = 0
    raised: list[dict[str, Any]] = field(default_factory=list)  # records sent again with a version that wins
    renumbered: list[dict[str, Any]] = field(default_factory=list)
    only_there: dict[str, int] = field(default_factory=dict)  # per kind: held by the parent, no longer here

    def as_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "acknowledged": self.acknowledged,
            "to_send": self.to_send,
            "raised": self.raised,
            "renumbered": self.renumbered,
            "only_there": self.only_there,
        }

    def text(self) -> str:
        lines = [
            f"已与上级重新对齐：上级已有本单位数据包至第 {self.sequence} 号，下一个数据包从第 {self.sequence + 1} 号起；"
            f"上级已有且相同的记录 {self.acknowledged} 条，待报送 {self.to_send} 条。"
        ]
        if self.raised:
            lines.append(
                f"{len(self.raised)} 条记录与上级所存的内容不同，已提高版本号，下次报送时以本单位为准（已列入隔离清单备查）。"
            )
        what = {"case": "案件", "review_item": "合法性审查事项"}
        if self.renumbered:
            lines.append(
                f"{len(self.renumbered)} 个编号已被上级所存的另一记录使用（恢复备份前编的号），已改用新编号，"
                "已打印的文书请重新打印："
            )
        lines += [f"  {what.get(r['kind'], r['kind'])} {r['old']} → {r['new']}" for r in self.renumbered[:20]]
        if len(self.renumbered) > 20:
            lines.append(f"  ……另有 {len(self.renumbered) - 20} 个，见隔离清单。")
        if self.only_there:
            lines.append(
                f"上级还存有 {sum(self.only_there.values())} 条本单位已没有的记录（其中案件 {self.only_there.get('case', 0)} 件，"
                "恢复备份前录入并已报送），上级的数据完好。"
            )
        return "\n".join(lines)


def rebase(session: Session, actor: Actor, me: Node, parent: PeerNode, block: dict[str, Any]) -> Rebase:
    """Take the parent's word for where it stands: outbox, acknowledgements, versions, numbers."""
    out = Rebase(sequence=int(block.get("sequence") or 0))
    if block.get("fork"):  # the outbox continues the parent's line, not ours
        theirs = {int(seq): (str(bid), str(sha)) for seq, bid, sha in block.get("bundles", [])}
        for sent in list(session.scalars(select(BundleOut).where(BundleOut.destination == parent.node_id))):
            if theirs.get(sent.sequence, ("", ""))[1] != sent.sha256:
                session.delete(sent)
        session.flush()
        for seq, (bid, sha) in theirs.items():
            if session.get(BundleOut, (parent.node_id, seq)) is None:
                session.add(
                    BundleOut(
                        destination=parent.node_id,
                        sequence=seq,
                        bundle_id=bid,
                        sha256=sha,
                        file_name="（据上级回执）",
                        created_at=actor.now,
                        counts="{}",
                        receipt_at=actor.now,
                    )
                )
    session.execute(
        delete(SyncAck).where(SyncAck.destination == parent.node_id).execution_options(synchronize_session=False)
    )
    by_kind: dict[str, list[list[Any]]] = {}
    for rec in block.get("records", []):
        by_kind.setdefault(str(rec[0]), []).append(rec)
    held_numbers: dict[tuple[str, tuple[str, int, int]], str] = {}
    for kind, recs in by_kind.items():
        model = aggregates.ROOTS.get(kind)
        if model is None:
            continue
        for start in range(0, len(recs), BATCH):
            chunk = recs[start : start + BATCH]
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
                    label = (
                        getattr(row, "case_no", None)
                        or getattr(row, "number", None)
                        or getattr(row, "name", None)
                        or uuid
                    )
                    why = (
                        "上级所存的同一版本内容不同"
                        if row.version == version
                        else f"上级存有较新的第 {version} 版（恢复备份前的修改）"
                    )
                    row.version = version + 1
                    reason = f"{why}；已改为第 {row.version} 版，下次报送时以本单位现有内容为准"
                    quarantine(session, "out", parent.node_id, kind, uuid, row.version, str(label), reason, actor.now)
                    out.raised.append(
                        {"kind": kind, "uuid": uuid, "label": str(label), "version": row.version, "reason": why}
                    )
                elif row.version < version:  # another node's record we hold an older copy of: nothing to send
                    session.add(SyncAck(destination=parent.node_id, kind=kind, uuid=uuid, version=row.version))
            session.flush()
    # Numbers: continue above what the parent holds, and give a new number to a case of ours that
    # reused one (made after the restore, numbered again from the backup's counter).
    for (kind, (scope, year, seq)), _uuid in held_numbers.items():
        if kind == "case":
            cases_counter = session.get(CaseCounter, (scope, year))
            if cases_counter is not None and cases_counter.last_seq < seq:
                cases_counter.last_seq = seq
            elif cases_counter is None and session.get(Committee, scope) is not None:
                session.add(CaseCounter(committee_uuid=scope, year=year, last_seq=seq))
        else:
            reviews_counter = session.get(ReviewCounter, (scope, year))
            if reviews_counter is not None and reviews_counter.last_seq < seq:
                reviews_counter.last_seq = seq
            elif reviews_counter is None:
                session.add(ReviewCounter(office_code=scope, year=year, last_seq=seq))
    session.flush()
    ours = {
        ("case", (c, y, q)): u
        for c, y, q, u in session.execute(
            select(MediationCase.committee_uuid, MediationCase.year, MediationCase.seq, MediationCase.uuid).where(
                MediationCase.owner_node == me.node_id
            )
        )
    }
    ours.update(
        {
            ("review_item", (o, y, q)): u
            for o, y, q, u in session.execute(
                select(ReviewItem.office_code, ReviewItem.year, ReviewItem.seq, ReviewItem.uuid).where(
                    ReviewItem.owner_node == me.node_id
                )
            )
        }
    )
    for key, uuid in held_numbers.items():
        if ours.get(key, uuid) == uuid:  # not ours, or the very same record
            continue
        kind, (scope, year, _seq) = key
        record: MediationCase | ReviewItem
        # The counters exist: the loop above made or raised them for every number the parent holds.
        if kind == "case":
            case = record = session.get_one(MediationCase, ours[key])
            old = case.case_no
            case_counter = session.get_one(CaseCounter, (scope, year))
            case_counter.last_seq += 1
            committee = session.get_one(Committee, scope)
            case.seq = case_counter.last_seq
            case.case_no = case_rules.case_number(year, committee.short_name, case_counter.last_seq)
            names = list(
                session.scalars(select(Party.name).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)))
            )
            search = session.scalars(select(CaseSearch).where(CaseSearch.case_uuid == case.uuid)).first()
            if search is not None:
                search.body = case_rules.search_body(case.case_no, case.title, names, case.summary, case.claims)
            new = case.case_no
        else:
            item = record = session.get_one(ReviewItem, ours[key])
            old = item.number
            review_counter = session.get_one(ReviewCounter, (scope, year))
            review_counter.last_seq += 1
            unit = session.get(OrgUnit, scope)
            item.seq = review_counter.last_seq
            item.number = review_rules.review_number(
                year, (unit.short_name or unit.name) if unit else scope, review_counter.last_seq
            )
            new = item.number
        record.version += 1
        session.flush()
        reason = f"编号 {old} 已被上级所存的另一记录使用（恢复备份前编的号），已改为 {new}"
        quarantine(session, "out", parent.node_id, kind, record.uuid, record.version, new, reason, actor.now)
        out.renumbered.append({"kind": kind, "uuid": record.uuid, "old": old, "new": new})
        audit.record(
            session,
            actor,
            "exchange.renumber",
            kind,
            record.uuid,
            summary=reason,
            before={"number": old},
            after={"number": new},
        )
    out.to_send = sum(unacknowledged(session, parent.node_id, kind) for kind in aggregates.KINDS)
    return out
