"""The audit log: every write through a service leaves one event, chained by hash."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from xihu_desk.domain import auditchain
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit_anchor
from xihu_desk.services.context import Actor
from xihu_desk.store import digests, locks  # digests also registers the case digest hooks
from xihu_desk.store.models import AuditEvent

ACTION_LABELS = {
    "node.init": "初始化本节点",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.password": "重设密码",
    "user.login": "登录",
    "user.login_failed": "登录失败",
    "user.locked": "账户锁定",
    "user.unlock": "解除锁定",
    "committee.create": "新建调委会",
    "setting.update": "修改设置",
    "data.backup": "备份数据",
    "data.restore": "恢复备份",
    "demo.fill": "生成演示数据",
    "reference.load": "载入参考数据",
    "case.open": "受理案件",
    "case.update": "修改受理信息",
    "case.notice": "告知权利义务",
    "case.refused": "当事人拒绝调解",
    "case.extend": "延长调解期限",
    "case.record": "调查/调解记录",
    "case.agreement": "登记调解协议",
    "case.agreement_draft": "协议草稿保存",
    "case.outcome": "调解不成功/终止",
    "case.followup": "回访",
    "case.confirmation": "司法确认",
    "case.closing": "结案报告",
    "case.file": "立卷归档",
    "case.id_proofs": "身份证明收集",
    "case.correct": "更正案件",
    "case.reopen": "重新调解",
    "case.void": "作废案件",
    "case.link": "由此新立案件",
    "case.attachment": "添加附件",
    "party.reveal": "查看完整证件号码",
    "case.print": "打印文书",
    "mediator.create": "调解员名册新增",
    "mediator.update": "修改调解员信息",
    "mediator.reveal": "查看调解员完整身份证号",
    "mediator.training": "调解员培训记录",
    "mediator.event": "调解员奖惩记录",
    "mediator.appointment": "调解员聘任期间",
    "mediator.log_remove": "删除调解员记录",
    "mediator.grade": "调解员等级变更",
    "mediator.import": "导入调解员名册",
    "mediator.print": "打印等级评定申请表",
    "grading.rules": "修改等级评定标准",
    "grading.apply": "等级评定申请",
    "grading.step": "等级评定审核",
    "exchange.enrol": "登记节点密钥",
    "exchange.export": "导出数据包",
    "exchange.import": "导入数据包",
    "exchange.receipt": "登记回执",
    "exchange.correction": "退回补正",
    "exchange.corrected": "补正完成",
}


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _hashed_fields(e: AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action,
        "entity": e.entity,
        "entity_id": e.entity_id,
        "summary": e.summary,
        "before": e.before,
        "after": e.after,
    }


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: str = "",
    *,
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one event in the caller's transaction (the writer lock keeps the chain linear)."""
    locks.hold_writer_lock(session)  # the head read here stays the head until this commits: one chain
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, auditchain.GENESIS)
    event = AuditEvent(
        seq=seq,
        at=actor.now.isoformat(timespec="seconds"),
        actor=actor.name,
        action=action,
        entity=entity,
        entity_id=entity_id,
        summary=summary,
        before=_json(before),
        after=_json(after),
        prev_hash=prev,
    )
    event.hash = auditchain.link(prev, _hashed_fields(event))
    session.add(event)
    session.flush()
    audit_anchor.mark_written(session, action)  # the commit moves the anchor forward
    sink = _collected.get()
    if sink is not None:
        sink.append(Change(action, entity, entity_id))


@dataclass(frozen=True)
class Change:
    """What one write did, as its audit record says (handed to the screens after the commit)."""

    action: str
    entity: str
    entity_id: str


_collected: ContextVar[list[Change] | None] = ContextVar("xihu_desk_audit_collected", default=None)


@contextmanager
def collecting() -> Iterator[list[Change]]:
    """Collect what the operation inside records (every unit of work it runs): the GUI's
    "what changed". Records of a unit of work that rolled back may be among them."""
    outer = _collected.get()
    if outer is not None:
        yield outer
        return
    found: list[Change] = []
    token = _collected.set(found)
    try:
        yield found
    finally:
        _collected.reset(token)


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str
    actor: str
    action: str
    action_label: str
    entity: str
    entity_id: str
    summary: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    action: str = ""
    text: str = ""
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query, f: AuditFilter):
    if f.actor:
        query = query.where(AuditEvent.actor == f.actor)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.text:
        like = f"%{f.text}%"
        query = query.where(AuditEvent.summary.like(like) | AuditEvent.entity_id.like(like))
    if f.since:
        query = query.where(AuditEvent.at >= f.since.isoformat(timespec="seconds"))
    if f.until:
        query = query.where(AuditEvent.at < f.until.isoformat(timespec="seconds"))
    return query


def count_events(session: Session, actor: Actor, f: AuditFilter) -> int:
    actor.require(Perm.VIEW_AUDIT)
    if f == AuditFilter():
        # The whole log: numbered 1, 2, 3 … without gaps and never deleted from (append-only, the
        # chain checks it), so the last number is the count, one index seek (count(*) walked an
        # index of every event: 60–460 ms at 2,000,000 events).
        return session.scalar(select(func.max(AuditEvent.seq))) or 0
    return session.scalar(_filtered(select(func.count()).select_from(AuditEvent), f)) or 0


def list_events(
    session: Session, actor: Actor, f: AuditFilter, *, before_seq: int | None = None, limit: int = 200
) -> list[AuditRow]:
    """Newest first, one page at a time by keyset (seq), never the whole table."""
    actor.require(Perm.VIEW_AUDIT)
    query = _filtered(select(AuditEvent), f)
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    rows = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit))
    return [
        AuditRow(
            e.seq,
            e.at,
            e.actor,
            e.action,
            ACTION_LABELS.get(e.action, e.action),
            e.entity,
            e.entity_id,
            e.summary,
            e.before,
            e.after,
        )
        for e in rows
    ]


def known_actions(session: Session, actor: Actor) -> list[tuple[str, str]]:
    """Every action present in the log, with its label, for the viewer's filter."""
    actor.require(Perm.VIEW_AUDIT)
    return [
        (a, ACTION_LABELS.get(a, a))
        for a in session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    ]


def known_actors(session: Session, actor: Actor) -> list[str]:
    actor.require(Perm.VIEW_AUDIT)
    # A skip scan: one index seek per distinct actor (DISTINCT walks every event of the log).
    return list(
        session.scalars(
            text(
                "WITH RECURSIVE a(name) AS (SELECT min(actor) FROM audit_event UNION ALL "
                "SELECT (SELECT min(actor) FROM audit_event WHERE actor > a.name) FROM a WHERE a.name IS NOT NULL) "
                "SELECT name FROM a WHERE name IS NOT NULL"
            )
        )
    )


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the whole log in seq order; name the first row whose hash or link does not hold."""
    prev = auditchain.GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = list(
            session.scalars(select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch))
        )
        if not rows:
            return ChainReport(count, None)
        for e in rows:
            if e.seq != expected_seq:
                return ChainReport(count, expected_seq, f"第 {expected_seq} 条记录缺失（被删除）")
            if e.prev_hash != prev:
                return ChainReport(count, e.seq, f"第 {e.seq} 条记录与前一条的链接不符")
            if auditchain.link(prev, _hashed_fields(e)) != e.hash:
                return ChainReport(count, e.seq, f"第 {e.seq} 条记录内容被修改")
            prev = e.hash
            expected_seq += 1
            count += 1
            last_seq = e.seq
        session.expunge_all()


@dataclass(frozen=True)
class RecordsReport:
    """Cases whose stored rows no longer match the digest the app wrote (store/digests.py)."""

    cases: int
    changed: list[str]  # case numbers, content changed outside the app
    unsigned: list[str]  # cases without a digest: added outside the app
    vanished: int  # digests whose case is gone: deleted outside the app
    changed_total: int = 0  # the lists above stop at 1,000 names
    unsigned_total: int = 0

    @property
    def ok(self) -> bool:
        return not (self.changed or self.unsigned or self.vanished)

    def line(self) -> str:
        """One line for check: what is wrong, naming the cases."""
        if self.ok:
            return f"案件记录：{self.cases} 件，与程序写入时一致"

        def names(items: list[str], total: int) -> str:
            total = max(total, len(items))
            return "、".join(items[:10]) + (f" 等 {total} 件" if total > 10 else "")

        parts = []
        if self.changed:
            parts.append(f"{names(self.changed, self.changed_total)} 的内容在程序之外被改动")
        if self.unsigned:
            parts.append(f"{names(self.unsigned, self.unsigned_total)} 不是由本程序写入的")
        if self.vanished:
            parts.append(f"{self.vanished} 件案件在程序之外被删除")
        return "案件记录：" + "；".join(parts) + "（请核实，或从备份恢复）"

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cases": self.cases,
            "changed": self.changed,
            "unsigned": self.unsigned,
            "vanished": self.vanished,
            "changed_total": self.changed_total,
            "unsigned_total": self.unsigned_total,
        }


def verify_records(session: Session) -> RecordsReport:
    """Recompute the digest of every case and name those whose rows changed outside the app."""
    found = digests.verify(session.connection().connection.driver_connection)
    return RecordsReport(
        found.cases,
        [n for _u, n in found.changed],
        [n for _u, n in found.unsigned],
        len(found.vanished),
        found.changed_count,
        found.unsigned_count,
    )
