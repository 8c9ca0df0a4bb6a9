"""Putting a recorded 矛盾纠纷排查 right (issue 18): a round corrected (any of its fields, its found
disputes changed, added or dropped) or voided (作废), never deleted; an information officer
deactivated (停用) or reactivated.

Every correction and voiding is one ScreeningChange row (who, when, why, each field before and
after) that travels upward with the round, plus an audit event. A dispute that became a case stays:
its round can be corrected but neither drop it nor be voided, because the case was made from it.
A voided round keeps its disputes; every list, ledger and statistic leaves out a voided round's
rows (services/screening_queries.py, services/screening_stats.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import screening as rules
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, edit_conflicts
from xihu_desk.services.context import Actor
from xihu_desk.services.records import snapshot, stamp_changed, stamp_new
from xihu_desk.services.screening import (
    DISPUTE_FIELDS,
    ENTITY,
    DisputeInput,
    _check_day,
    _check_method,
    _dispute_values,
    _new_dispute,
    _not_voided,
    _own_committee,
    _owned,
    _text,
    check_zero_period,
)
from xihu_desk.services.units import writes
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Committee
from xihu_desk.store.screening_models import InfoOfficer, ScreenedDispute, ScreeningChange, ScreeningRound

for _action, _label in {
    "screening.correct": "更正矛盾纠纷排查",
    "screening.void": "作废矛盾纠纷排查",
    "screening.officer_off": "停用信息员",
    "screening.officer_on": "恢复信息员",
}.items():
    audit.ACTION_LABELS.setdefault(_action, _label)

ROUND_LABELS = {
    "committee_uuid": "调委会",
    "held_on": "排查日期",
    "area": "排查范围",
    "staff": "排查人员",
    "method": "排查方式",
    "officer_uuid": "信息员",
    "period_from": "报告期间自",
    "period_to": "报告期间至",
    "note": "备注",
}
DISPUTE_LABELS = {
    "dispute_type": "纠纷类型",
    "applicant": "一方当事人",
    "applicant_phone": "一方电话",
    "respondent": "另一方当事人",
    "respondent_phone": "另一方电话",
    "summary": "纠纷简要情况",
    "risk": "风险等级",
    "action": "已采取的措施",
    "responsible": "责任人",
    "closed_on": "处置日期",
    "referred_to": "移交单位",
    "closing_note": "处置情况",
}
CLOSING_FIELDS = ("closed_on", "referred_to", "closing_note")
REASON_LIMIT = 500


@dataclass(frozen=True)
class DisputeEdit:
    """New values of a found dispute's facts. What became of it (case, 化解, 移交) and its ledger
    checks have their own steps; ``responsible`` is needed when it becomes 重大 while still open.
    A dispute resolved or referred also has its 处置 corrected (None: unchanged)."""

    uuid: str
    dispute_type: str
    applicant: str
    respondent: str
    summary: str
    risk: str
    action: str = ""
    applicant_phone: str = ""
    respondent_phone: str = ""
    responsible: str = ""
    closed_on: date | None = None
    referred_to: str | None = None
    closing_note: str | None = None


@dataclass(frozen=True)
class RoundCorrection:
    """A correction of one round; a field left None stays as it is."""

    round_uuid: str
    reason: str
    committee_uuid: str | None = None
    held_on: date | None = None
    area: str | None = None
    staff: str | None = None
    method: str | None = None
    officer_uuid: str | None = None
    note: str | None = None
    period_from: date | None = None  # a 零报告's period (its held_on follows period_to)
    period_to: date | None = None
    disputes: tuple[DisputeEdit, ...] = ()
    added: tuple[DisputeInput, ...] = ()
    dropped: tuple[str, ...] = ()  # disputes recorded by mistake
    if_version: int | None = None  # the round's version the editor loaded (None: no check)


def _reason(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise FieldError("reason", f"请填写{what}的理由。")
    if len(text) > REASON_LIMIT:
        raise FieldError("reason", f"{what}的理由过长（最多 {REASON_LIMIT} 字）。")
    return text


def _shown(session: Session, field: str, value: Any) -> str:
    """A value as people read it in the change list."""
    if value is None or value == "":
        return "（空）"
    if field == "method":
        return rules.METHODS.get(value, value)
    if field == "risk":
        return rules.RISKS.get(value, value)
    if field == "dispute_type":
        return codes.labels(session, "dispute_type").get(value, value)
    if field == "committee_uuid":
        committee = session.get(Committee, value)
        return committee.name if committee else value
    if field == "officer_uuid":
        officer = session.get(InfoOfficer, value)
        return officer.name if officer else value
    return str(value)


def _log(session: Session, actor: Actor, rnd: ScreeningRound, kind: str, reason: str, changes: list[dict]) -> None:
    change = ScreeningChange(
        uuid="",
        round_uuid=rnd.uuid,
        kind=kind,
        changed_at=actor.now,
        changed_by=(actor.display_name or actor.name)[:80],
        reason=reason,
        changes=json.dumps(changes, ensure_ascii=False),
    )
    stamp_new(session, actor, change)
    session.add(change)


def _live_disputes(session: Session, round_uuid: str) -> list[ScreenedDispute]:
    return list(
        session.scalars(
            select(ScreenedDispute)
            .where(ScreenedDispute.round_uuid == round_uuid, ScreenedDispute.deleted.is_(False))
            .order_by(ScreenedDispute.uuid)
        )
    )


def _case_no(session: Session, case_uuid: str | None) -> str:
    return (
        (session.scalar(select(MediationCase.case_no).where(MediationCase.uuid == case_uuid)) or "")
        if case_uuid
        else ""
    )


def _editable_round(session: Session, round_uuid: str, loaded: int | None) -> ScreeningRound:
    rnd = _owned(session, session.get(ScreeningRound, round_uuid), "排查记录")
    edit_conflicts.check_loaded(session, rnd, loaded, entity=ENTITY, noun="该排查记录")
    _not_voided(rnd, "更正")
    return rnd


def _round_fields(session: Session, actor: Actor, rnd: ScreeningRound, c: RoundCorrection) -> dict[str, Any]:
    """The round's new values, checked as when it was recorded."""
    new = {f: getattr(rnd, f) for f in ROUND_LABELS}
    for field in ROUND_LABELS:
        value = getattr(c, field)
        if value is not None:
            new[field] = value
    committee = session.get_one(Committee, rnd.committee_uuid)
    if new["committee_uuid"] != rnd.committee_uuid:
        committee = _own_committee(session, new["committee_uuid"])
        made = [d for d in _live_disputes(session, rnd.uuid) if d.status == "case"]
        if made:
            raise FieldError(
                "committee_uuid", f"本次排查的纠纷已转为案件 {_case_no(session, made[0].case_uuid)}，不能改调委会。"
            )
    new["area"] = _text(new["area"], "area", "排查范围", 120)
    new["staff"] = _text(new["staff"], "staff", "排查人员", 120)
    new["note"] = (new["note"] or "").strip()
    if rnd.zero_report:
        new["period_from"], new["period_to"] = check_zero_period(
            session, actor, committee, new["period_from"], new["period_to"], new["method"], except_round=rnd.uuid
        )
        new["held_on"], new["officer_uuid"] = new["period_to"], None
        return new
    new["held_on"] = _check_day(new["held_on"], "held_on", "排查日期", actor.today)
    if new["method"] != "informant":
        new["officer_uuid"] = None
    if new["officer_uuid"] != rnd.officer_uuid or new["method"] != rnd.method:
        _check_method(session, new["method"], new["officer_uuid"], new["committee_uuid"], new["held_on"])
    return new


def _dispute_edit(session: Session, actor: Actor, d: ScreenedDispute, e: DisputeEdit, held_on: date) -> list[dict]:
    before = snapshot(d, DISPUTE_FIELDS)
    probe = DisputeInput(
        dispute_type=e.dispute_type,
        applicant=e.applicant,
        respondent=e.respondent,
        summary=e.summary,
        risk=e.risk,
        action=e.action,
        applicant_phone=e.applicant_phone,
        respondent_phone=e.respondent_phone,
        watched=d.watched,
        responsible=e.responsible or d.responsible,
        measures=d.measures,
        next_check_on=d.next_check_on,
    )
    # a serious dispute still open goes on the 重点 ledger (as when recorded); a closed one stays as it is
    if d.status != "open" and not d.watched:
        probe = replace(probe, risk="general" if e.risk == "serious" else e.risk)
    values = _dispute_values(session, probe, held_on)
    values["risk"] = e.risk
    if d.status != "open" and not d.watched:
        values.update(watched=False, next_check_on=d.next_check_on)
    elif not d.watched and values["watched"]:
        values["next_check_on"] = max(values["next_check_on"], rules.first_check(actor.today))
    for key, value in values.items():
        setattr(d, key, value)
    _closing_edit(actor, d, e, held_on)
    changes = [
        {
            "what": f"{d.applicant}与{d.respondent}：{label}",
            "before": _shown(session, f, before[f]),
            "after": _shown(session, f, getattr(d, f)),
        }
        for f, label in DISPUTE_LABELS.items()
        if before[f] != getattr(d, f)
    ]
    if changes:
        stamp_changed(actor, d)
    return changes


def _closing_edit(actor: Actor, d: ScreenedDispute, e: DisputeEdit, held_on: date) -> None:
    """The 处置 of a dispute resolved on the spot or referred: its date, the body, what was done."""
    if all(getattr(e, f) is None for f in CLOSING_FIELDS):
        return
    if d.status == "case":
        raise UserError("该纠纷已转为案件，受理日期等请在案件中更正。")
    if d.status not in rules.CLOSINGS:
        raise UserError("该纠纷尚未当场化解或移交，没有处置情况可改。")
    if e.closed_on is not None:
        on = _check_day(e.closed_on, "closed_on", "处置日期", actor.today)
        if on < held_on:
            raise FieldError("closed_on", f"处置日期不能早于排查日期（{held_on}）。")
        d.closed_on = on
    if e.referred_to is not None and d.status == "referred":
        d.referred_to = _text(e.referred_to, "referred_to", "移交的单位", 80)
    if e.closing_note is not None:
        d.closing_note = _text(e.closing_note, "closing_note", "处置情况", 2000)


@writes
def correct_round(session: Session, actor: Actor, c: RoundCorrection) -> list[dict]:
    """更正 a recorded round (or 零报告) and its found disputes in one write; returns what changed
    ([{"what", "before", "after"}]). Refused when nothing changes."""
    actor.require(Perm.EDIT_CASES)
    rnd = _editable_round(session, c.round_uuid, c.if_version)
    reason = _reason(c.reason, "更正")
    new = _round_fields(session, actor, rnd, c)
    disputes = {d.uuid: d for d in _live_disputes(session, rnd.uuid)}
    if rnd.zero_report and (c.added or c.disputes or c.dropped):
        raise UserError("零报告没有纠纷可改；发现了纠纷请作废零报告，另行登记排查。")
    for uuid in c.dropped:
        d = disputes.get(uuid)
        if d is None:
            raise UserError("要删去的纠纷不属于这次排查。")
        if d.status == "case":
            raise UserError(
                f"{d.applicant}与{d.respondent}的纠纷已转为案件 {_case_no(session, d.case_uuid)}，不能从排查记录中删去。"
            )
    kept = [d for u, d in disputes.items() if u not in c.dropped]
    if not rnd.zero_report and not kept and not c.added:
        raise UserError("排查记录至少要有一件发现的纠纷；实际未发现纠纷的，请作废本次排查并登记零报告。")
    changes = [
        {"what": label, "before": _shown(session, f, getattr(rnd, f)), "after": _shown(session, f, new[f])}
        for f, label in ROUND_LABELS.items()
        if getattr(rnd, f) != new[f]
    ]
    for f in ROUND_LABELS:
        setattr(rnd, f, new[f])
    for e in c.disputes:
        d = disputes.get(e.uuid)
        if d is None or e.uuid in c.dropped:
            raise UserError("要更正的纠纷不属于这次排查。")
        changes += _dispute_edit(session, actor, d, e, rnd.held_on)
    # checked once the disputes' own dates are corrected too (the round may move with them)
    closed = [d.closed_on for d in kept if d.closed_on is not None]
    if not rnd.zero_report and closed and rnd.held_on > min(closed):
        raise FieldError("held_on", f"排查日期不能晚于其中纠纷的处置或受理日期（{min(closed)}）。")
    for uuid in c.dropped:
        d = disputes[uuid]
        d.deleted = True  # a tombstone: travels upward so the district's copy drops it too
        stamp_changed(actor, d)
        changes.append({"what": "删去误登记的纠纷", "before": f"{d.applicant}与{d.respondent}", "after": "（删去）"})
    for added in c.added:
        d = _new_dispute(session, actor, rnd, added)
        changes.append({"what": "补登发现的纠纷", "before": "（无）", "after": f"{d.applicant}与{d.respondent}"})
    if not changes:
        raise UserError("没有改动，无需更正。")
    stamp_changed(actor, rnd)
    _log(session, actor, rnd, "correct", reason, changes)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.correct",
        ENTITY,
        rnd.uuid,
        summary=f"更正排查记录（{rnd.held_on}）："
        + "；".join(ch["what"] for ch in changes)[:300]
        + f"。理由：{reason}",
        before={ch["what"]: ch["before"] for ch in changes},
        after={ch["what"]: ch["after"] for ch in changes} | {"reason": reason},
    )
    return changes


@writes
def void_round(session: Session, actor: Actor, round_uuid: str, reason: str, if_version: int | None = None) -> None:
    """作废 a round recorded by mistake: it stays, marked with who, when and why, and counts nowhere.
    Refused when one of its disputes became a case (the case was made from it)."""
    actor.require(Perm.EDIT_CASES)
    rnd = _editable_round(session, round_uuid, if_version)
    reason = _reason(reason, "作废")
    made = [d for d in _live_disputes(session, rnd.uuid) if d.status == "case"]
    if made:
        d = made[0]
        raise UserError(
            f"{d.applicant}与{d.respondent}的纠纷已转为案件 {_case_no(session, d.case_uuid)}，"
            "这次排查不能作废；如有误，请更正其内容。"
        )
    rnd.voided_on, rnd.void_reason, rnd.voided_by = actor.today, reason, (actor.display_name or actor.name)[:80]
    stamp_changed(actor, rnd)
    what = "零报告" if rnd.zero_report else "排查记录"
    _log(session, actor, rnd, "void", reason, [{"what": what, "before": "有效", "after": "作废"}])
    session.flush()
    audit.record(
        session,
        actor,
        "screening.void",
        ENTITY,
        rnd.uuid,
        summary=f"作废{what}（{rnd.held_on}）。理由：{reason}",
        before={"voided_on": None},
        after={"voided_on": rnd.voided_on, "void_reason": reason},
    )


def dispute_edit(session: Session, dispute_uuid: str, **changed: Any) -> tuple[str, DisputeEdit]:
    """The round of a found dispute and a DisputeEdit holding its current facts with ``changed``
    (None: unchanged), for a caller that names only what changes (the command line)."""
    d = session.get(ScreenedDispute, dispute_uuid)
    if d is None or d.deleted:
        raise UserError("找不到该排查发现的纠纷，请用 screening list --json 中纠纷的 id。")
    current = {f: getattr(d, f) for f in DisputeEdit.__dataclass_fields__ if f != "uuid" and f not in CLOSING_FIELDS}
    current.update({k: v for k, v in changed.items() if v is not None})
    return d.round_uuid, DisputeEdit(uuid=d.uuid, **current)


def changes_of(session: Session, round_uuid: str) -> list[dict[str, Any]]:
    """The round's corrections and voiding, oldest first (for its detail)."""
    rows = session.scalars(
        select(ScreeningChange)
        .where(ScreeningChange.round_uuid == round_uuid, ScreeningChange.deleted.is_(False))
        .order_by(ScreeningChange.changed_at, ScreeningChange.uuid)
    )
    return [
        {
            "kind": ch.kind,
            "kind_label": rules.CHANGE_KINDS.get(ch.kind, ch.kind),
            "at": ch.changed_at.isoformat(timespec="seconds"),
            "by": ch.changed_by,
            "reason": ch.reason,
            "changes": json.loads(ch.changes or "[]"),
        }
        for ch in rows
    ]


# ---------------------------------------------------------------- 信息员 停用 / 恢复


@writes
def deactivate_officer(session: Session, actor: Actor, officer_uuid: str, on: date | None, reason: str) -> date:
    """停用 an information officer from ``on`` (None: today): kept on past reports, not offered for
    new ones, not counted from that day on. Returns the day taken."""
    actor.require(Perm.EDIT_CASES)
    officer = _owned(session, session.get(InfoOfficer, officer_uuid), "信息员")
    if not officer.active:
        raise UserError(f"信息员“{officer.name}”已停用（{officer.deactivated_on or '日期不详'}）。")
    on = _check_day(on or actor.today, "deactivated_on", "停用日期", actor.today)
    last = session.scalar(
        select(func.max(ScreeningRound.held_on)).where(
            ScreeningRound.officer_uuid == officer.uuid,
            ScreeningRound.deleted.is_(False),
            ScreeningRound.voided_on.is_(None),
        )
    )
    if last is not None and on <= last:
        raise FieldError("deactivated_on", f"“{officer.name}”在 {last} 还报告过纠纷，停用日期应晚于这一天。")
    if officer.reactivated_on is not None and on < officer.reactivated_on:
        raise FieldError("deactivated_on", f"停用日期不能早于上次恢复的日期（{officer.reactivated_on}）。")
    reason = _reason(reason, "停用")
    officer.active, officer.deactivated_on, officer.deactivation_reason = False, on, reason
    officer.reactivated_on = None
    stamp_changed(actor, officer)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.officer_off",
        ENTITY,
        officer.uuid,
        summary=f"停用信息员：{officer.name}，自 {on} 起。理由：{reason}",
        after={"deactivated_on": on, "reason": reason},
    )
    return on


@writes
def reactivate_officer(session: Session, actor: Actor, officer_uuid: str, on: date | None) -> date:
    """恢复 a deactivated information officer from ``on`` (None: today); returns the day taken."""
    actor.require(Perm.EDIT_CASES)
    officer = _owned(session, session.get(InfoOfficer, officer_uuid), "信息员")
    if officer.active:
        raise UserError(f"信息员“{officer.name}”在用，无需恢复。")
    on = _check_day(on or actor.today, "reactivated_on", "恢复日期", actor.today)
    if officer.deactivated_on is not None and on < officer.deactivated_on:
        raise FieldError("reactivated_on", f"恢复日期不能早于停用日期（{officer.deactivated_on}）。")
    officer.active, officer.reactivated_on = True, on
    stamp_changed(actor, officer)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.officer_on",
        ENTITY,
        officer.uuid,
        summary=f"恢复信息员：{officer.name}，自 {on} 起",
        after={"reactivated_on": on},
    )
    return on
