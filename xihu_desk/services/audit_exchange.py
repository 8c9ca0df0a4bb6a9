"""The audit chain's head in bundles: the receiving node checks that each sender's chain grows.

Every bundle carries the sender's head (``seq`` — the number of rows, since seq runs from 1
without gaps — and ``hash``) and *checkpoints*: for each earlier bundle to the same destination
that the destination may not have confirmed yet (from the last one with a receipt onwards), the
head seq that bundle carried and the hash the sender's chain has at that seq **now**. The
receiver keeps the last head it took from each sender. When a later bundle arrives it looks for
its kept seq among the checkpoints: the same hash means the chain still extends what it saw; a
different hash, a missing row or a shorter chain means the sender's log was cut short, rewritten
or rolled back (a restore does that too), and the import says so in its warnings and in this
node's audit log. A bundle from an older version without checkpoints cannot be compared, and the
import says that as well.

The sender's software computes the checkpoints from its database as it stands; the check catches
a log changed behind the software's back, not a sender that runs altered software.
Bookkeeping lives in ``meta``: ``audit.sent.<destination>`` (sequence → head seq of bundles sent)
and ``audit.peer.<sender>`` (the last head taken from that sender).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.services import audit
from xihu_desk.services.context import Actor
from xihu_desk.store.models import AuditEvent, Meta
from xihu_desk.store.sync_models import BundleOut

audit.ACTION_LABELS.setdefault("exchange.audit_head", "对方审计日志不衔接")

MAX_CHECKPOINTS = 200
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_MAX_SEQ = (1 << 63) - 1


def _sent_key(destination: str) -> str:
    return f"audit.sent.{destination}"


def _peer_key(sender: str) -> str:
    return f"audit.peer.{sender}"


def _load(session: Session, key: str, default: Any) -> Any:
    row = session.get(Meta, key)
    if row is None:
        return default
    try:
        return json.loads(row.value)
    except ValueError:
        return default


def _store(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, separators=(",", ":"))
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=text))
    else:
        row.value = text


# ------------------------------------------------------------------ sending


def head_for(session: Session, destination: str) -> dict[str, Any] | None:
    """The ``audit_head`` of the next bundle to ``destination``: head and checkpoints."""
    head = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    if head is None:
        return None
    receipted = (
        session.scalar(
            select(func.max(BundleOut.sequence)).where(
                BundleOut.destination == destination, BundleOut.receipt_at.is_not(None)
            )
        )
        or 0
    )
    sent = [(int(b), int(s)) for b, s in _load(session, _sent_key(destination), [])]
    wanted = sorted({s for b, s in sent if b >= receipted})[-MAX_CHECKPOINTS:]
    hashes = (
        dict(session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(wanted))).all())
        if wanted
        else {}
    )
    restored = session.execute(
        select(AuditEvent.seq, AuditEvent.at)
        .where(AuditEvent.action == "data.restore")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    return {
        "seq": head[0],
        "hash": head[1],
        "checkpoints": [{"seq": s, "hash": hashes.get(s)} for s in wanted],
        "restored": None if restored is None else {"seq": restored[0], "at": restored[1]},
    }


def remember_sent(session: Session, destination: str, sequence: int, audit_head: dict[str, Any] | None) -> None:
    """Note which head seq bundle ``sequence`` carried, for the checkpoints of later bundles."""
    if not audit_head:
        return
    sent = [(int(b), int(s)) for b, s in _load(session, _sent_key(destination), []) if int(b) != sequence]
    sent.append((sequence, int(audit_head["seq"])))
    _store(session, _sent_key(destination), sorted(sent)[-MAX_CHECKPOINTS * 2 :])


# ------------------------------------------------------------------ receiving


def _valid_head(doc: Any) -> dict[str, Any] | None:
    """The head and checkpoints of a received manifest, or None when malformed (never raises)."""
    if not isinstance(doc, dict):
        return None
    seq, head = doc.get("seq"), doc.get("hash")
    if not (
        isinstance(seq, int)
        and not isinstance(seq, bool)
        and 0 < seq <= _MAX_SEQ
        and isinstance(head, str)
        and _HEX64.match(head)
    ):
        return None
    points: dict[int, str | None] = {}
    raw = doc.get("checkpoints", [])
    if not isinstance(raw, list) or len(raw) > MAX_CHECKPOINTS:
        return None
    for cp in raw:
        if not isinstance(cp, dict):
            return None
        s, h = cp.get("seq"), cp.get("hash")
        if not (
            isinstance(s, int)
            and not isinstance(s, bool)
            and 0 < s <= _MAX_SEQ
            and (h is None or (isinstance(h, str) and _HEX64.match(h)))
        ):
            return None
        points[s] = h
    restored = doc.get("restored")
    when = restored.get("at") if isinstance(restored, dict) else None
    at = when[:10] if isinstance(when, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.{0,22}", when) else None
    return {"seq": seq, "hash": head, "checkpoints": points, "restored_on": at}


def compare_head(
    session: Session, actor: Actor, sender: str, sender_name: str, sequence: int, audit_head: Any
) -> list[str]:
    """Check a received bundle's head against the last one kept for ``sender``, keep the newer
    one, and return the warnings (each also written to this node's audit log)."""
    kept = _load(session, _peer_key(sender), None)
    if isinstance(kept, dict) and int(kept.get("bundle", 0)) >= sequence:
        return []  # a late bundle: a newer head was already compared and kept
    got = _valid_head(audit_head)
    if got is None:
        if kept is None:
            return []
        warning = (
            f"注意：{sender_name} 第 {sequence} 号数据包没有携带有效的审计日志链头，"
            "无法核对该单位的审计日志是否完整（请确认对方的程序版本）。"
        )
        audit.record(session, actor, "exchange.audit_head", "peer_node", sender, summary=warning)
        return [warning]
    _store(session, _peer_key(sender), {"seq": got["seq"], "hash": got["hash"], "bundle": sequence})
    if not isinstance(kept, dict):
        return []
    old_seq, old_hash, old_bundle = int(kept["seq"]), str(kept["hash"]), int(kept.get("bundle", 0))
    where = f"（与第 {old_bundle} 号数据包时记下的第 {old_seq} 条不符）"
    if got["seq"] < old_seq:
        problem = (
            f"审计日志比第 {old_bundle} 号数据包时短（当时到第 {old_seq} 条，现在只有 {got['seq']} 条），"
            "日志末尾可能被删除"
        )
    elif got["seq"] == old_seq:
        problem = "" if got["hash"] == old_hash else f"审计日志被改写{where}"
    elif old_seq not in got["checkpoints"]:
        problem = f"数据包未携带第 {old_seq} 条的哈希，无法核对审计日志是否接续第 {old_bundle} 号数据包"
    elif got["checkpoints"][old_seq] != old_hash:
        problem = (
            f"审计日志被改写或删除{where}" if got["checkpoints"][old_seq] else f"审计日志中已没有第 {old_seq} 条{where}"
        )
    else:
        problem = ""
    if not problem:
        return []
    why = (
        f"该单位曾于 {got['restored_on']} 从备份恢复，恢复会丢掉备份之后的日志；如恢复是在第 {old_bundle} 号数据包之后，"
        "这是预期的，否则"
        if got["restored_on"]
        else ""
    )
    warning = f"注意：{sender_name} 第 {sequence} 号数据包：{problem}。{why}请与该单位核实。"
    audit.record(
        session,
        actor,
        "exchange.audit_head",
        "peer_node",
        sender,
        summary=warning,
        before={"seq": old_seq, "hash": old_hash, "bundle": old_bundle},
        after={"seq": got["seq"], "hash": got["hash"], "bundle": sequence},
    )
    return [warning]
