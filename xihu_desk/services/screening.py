"""矛盾纠纷排查 (domain/screening.py): recording screening rounds and 零报告, the disputes found and
what became of them (a case, resolved on the spot, referred), the 重点矛盾纠纷 ledger's checks, and
the information officers (信息员). Each function is one unit of work's content: the caller commits.
The reads are in services/screening_queries.py, the statistics in services/screening_stats.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import screening as rules
from xihu_desk.domain.errors import FieldError, NotFound, PermissionDenied, UserError
from xihu_desk.domain.parties import PartyInput
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, cases, codes
from xihu_desk.services.context import Actor
from xihu_desk.services.records import snapshot, stamp_changed, stamp_new
from xihu_desk.services.units import writes
from xihu_desk.store.models import Committee, Node
from xihu_desk.store.screening_models import InfoOfficer, ScreenedDispute, ScreeningRound

for _action, _label in {
    "screening.round": "登记矛盾纠纷排查",
    "screening.zero": "登记零报告",
    "screening.dispute": "登记排查发现的纠纷",
    "screening.to_case": "排查纠纷转为案件",
    "screening.close": "排查纠纷处置",
    "screening.watch": "重点矛盾纠纷",
    "screening.check": "重点矛盾纠纷检查",
    "screening.officer": "信息员",
}.items():
    audit.ACTION_LABELS.setdefault(_action, _label)

ENTITY = "screening"  # what the 排查 page follows (ops.ListRefresher)
DISPUTE_FIELDS = (
    "dispute_type",
    "applicant",
    "applicant_phone",
    "respondent",
    "respondent_phone",
    "summary",
    "risk",
    "action",
    "status",
    "case_uuid",
    "closed_on",
    "referred_to",
    "closing_note",
    "watched",
    "responsible",
    "measures",
    "next_check_on",
)


@dataclass(frozen=True)
class DisputeInput:
    dispute_type: str
    applicant: str
    respondent: str
    summary: str
    risk: str = "general"
    action: str = ""  # what was done when it was found
    applicant_phone: str = ""
    respondent_phone: str = ""
    # 重点矛盾纠纷: a serious (重大) dispute is always watched; another one when asked
    watched: bool = False
    responsible: str = ""
    measures: str = ""
    next_check_on: date | None = None


@dataclass(frozen=True)
class RoundInput:
    committee_uuid: str
    held_on: date
    area: str
    staff: str
    method: str
    disputes: tuple[DisputeInput, ...] = ()
    officer_uuid: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ZeroReportInput:
    committee_uuid: str
    period_from: date
    period_to: date
    area: str
    staff: str
    method: str = "visit"  # how the period was screened
    note: str = ""


@dataclass(frozen=True)
class OfficerInput:
    committee_uuid: str
    name: str
    kind: str
    phone: str = ""
    area: str = ""


# ---------------------------------------------------------------- checks


def _node_id(session: Session) -> str:
    return session.scalar(select(Node.node_id).where(Node.id == 1)) or ""


def _own_committee(session: Session, committee_uuid: str) -> Committee:
    committee = session.get(Committee, committee_uuid) if committee_uuid else None
    if committee is None or committee.deleted:
        raise FieldError("committee_uuid", "请选择开展排查的调委会。")
    if committee.owner_node != _node_id(session):
        raise FieldError("committee_uuid", f"“{committee.name}”由其他单位管理，不能在本单位登记它的排查。")
    return committee


def _owned(session: Session, row: ScreeningRound | ScreenedDispute | InfoOfficer | None, what: str):
    if row is None or row.deleted:
        raise NotFound(f"找不到该{what}。")
    if row.owner_node != _node_id(session):
        raise PermissionDenied(f"该{what}由其他单位登记，只能查看；请由登记单位办理。")
    return row


def _text(value: str, field: str, what: str, limit: int) -> str:
    value = value.strip()
    if not value:
        raise FieldError(field, f"请填写{what}。")
    if len(value) > limit:
        raise FieldError(field, f"{what}过长（最多 {limit} 字）。")
    return value


def _check_day(day: date | None, field: str, what: str, today: date) -> date:
    if day is None:
        raise FieldError(field, f"请填写{what}。")
    if day > today:
        raise FieldError(field, f"{what}不能晚于今天。")
    return day


def _check_method(
    session: Session, method: str, officer_uuid: str | None, committee_uuid: str, on: date | None = None
) -> None:
    if method not in rules.METHODS:
        raise FieldError("method", "请选择排查方式：走访、座谈、信息员报告或网格上报。")
    if method == "informant":
        officer = session.get(InfoOfficer, officer_uuid) if officer_uuid else None
        if officer is None or officer.deleted:
            raise FieldError("officer_uuid", "信息员报告请选择报告的信息员（可先在“信息员”中登记）。")
        if officer.committee_uuid != committee_uuid:
            raise FieldError("officer_uuid", f"信息员“{officer.name}”不属于所选调委会。")
        # a deactivated (停用) officer is not taken for reports of days after the deactivation
        if on is not None and not rules.officer_serving(
            officer.active, officer.deactivated_on, officer.reactivated_on, on
        ):
            raise FieldError(
                "officer_uuid", f"信息员“{officer.name}”已停用，不能登记其 {on} 的报告；请选择在用的信息员。"
            )


def _dispute_values(session: Session, d: DisputeInput, found_on: date) -> dict:
    codes.require(session, "dispute_type", d.dispute_type, "dispute_type", "纠纷类型")
    if d.risk not in rules.RISKS:
        raise FieldError("risk", "请选择风险等级：一般、较大或重大。")
    watched = d.watched or d.risk == "serious"
    values = {
        "dispute_type": d.dispute_type,
        "applicant": _text(d.applicant, "applicant", "一方当事人", 80),
        "respondent": _text(d.respondent, "respondent", "另一方当事人", 80),
        "applicant_phone": d.applicant_phone.strip()[:30],
        "respondent_phone": d.respondent_phone.strip()[:30],
        "summary": _text(d.summary, "summary", "纠纷简要情况", 2000),
        "risk": d.risk,
        "action": d.action.strip(),
        "watched": watched,
        "responsible": d.responsible.strip()[:40],
        "measures": d.measures.strip(),
        "next_check_on": d.next_check_on,
    }
    if watched:
        if not values["responsible"]:
            raise FieldError("responsible", "重点矛盾纠纷请填写责任人。")
        if d.next_check_on is None:
            values["next_check_on"] = rules.first_check(found_on)
        elif d.next_check_on < found_on:
            raise FieldError("next_check_on", "下次检查日期不能早于发现日期。")
    return values


def _new_dispute(session: Session, actor: Actor, rnd: ScreeningRound, d: DisputeInput) -> ScreenedDispute:
    dispute = ScreenedDispute(uuid="", round_uuid=rnd.uuid, status="open", **_dispute_values(session, d, rnd.held_on))
    stamp_new(session, actor, dispute)
    session.add(dispute)
    return dispute


def _touch_round(actor: Actor, rnd: ScreeningRound) -> None:
    stamp_changed(actor, rnd)


# ---------------------------------------------------------------- rounds and 零报告


@writes
def record_round(session: Session, actor: Actor, cmd: RoundInput) -> str:
    """A screening round with the disputes it found (at least one: a period with nothing found is
    a 零报告, record_zero_report). Returns the round's uuid."""
    actor.require(Perm.EDIT_CASES)
    committee = _own_committee(session, cmd.committee_uuid)
    held_on = _check_day(cmd.held_on, "held_on", "排查日期", actor.today)
    _check_method(session, cmd.method, cmd.officer_uuid, committee.uuid, held_on)
    if not cmd.disputes:
        raise FieldError("disputes", "本次排查未发现矛盾纠纷的，请登记零报告。")
    rnd = ScreeningRound(
        uuid="",
        committee_uuid=committee.uuid,
        held_on=held_on,
        area=_text(cmd.area, "area", "排查范围", 120),
        staff=_text(cmd.staff, "staff", "排查人员", 120),
        method=cmd.method,
        officer_uuid=cmd.officer_uuid if cmd.method == "informant" else None,
        zero_report=False,
        note=cmd.note.strip(),
        created_by=actor.name,
    )
    stamp_new(session, actor, rnd)
    session.add(rnd)
    session.flush()
    found = [_new_dispute(session, actor, rnd, d) for d in cmd.disputes]
    session.flush()
    serious = sum(d.risk == "serious" for d in found)
    audit.record(
        session,
        actor,
        "screening.round",
        ENTITY,
        rnd.uuid,
        summary=f"{committee.name} {held_on} {rules.METHODS[cmd.method]}排查：发现纠纷 {len(found)} 件"
        + (f"，其中重大 {serious} 件" if serious else ""),
        after={"held_on": held_on, "method": cmd.method, "area": rnd.area, "found": len(found)},
    )
    return rnd.uuid


def check_zero_period(
    session: Session,
    actor: Actor,
    committee: Committee,
    period_from: date | None,
    period_to: date | None,
    method: str,
    except_round: str | None = None,
) -> tuple[date, date]:
    """A 零报告's period and method checked: refused when the committee's rounds of that period did
    find disputes or another 零报告 covers it (``except_round``: the one being corrected)."""
    start = _check_day(period_from, "period_from", "报告期间的开始日期", actor.today)
    end = _check_day(period_to, "period_to", "报告期间的结束日期", actor.today)
    if end < start:
        raise FieldError("period_to", "报告期间的结束日期不能早于开始日期。")
    if method not in rules.METHODS or method == "informant":
        raise FieldError("method", "请选择本期的排查方式：走访、座谈或网格上报。")
    live = [
        ScreeningRound.committee_uuid == committee.uuid,
        ScreeningRound.deleted.is_(False),
        ScreeningRound.voided_on.is_(None),  # a voided round counts nowhere
    ]
    if except_round is not None:
        live.append(ScreeningRound.uuid != except_round)
    found = session.scalar(
        select(func.count(ScreenedDispute.uuid))
        .join(ScreeningRound, ScreeningRound.uuid == ScreenedDispute.round_uuid)
        .where(*live, ScreenedDispute.deleted.is_(False), ScreeningRound.held_on.between(start, end))
    )
    if found:
        raise UserError(f"{committee.name}在 {start} 至 {end} 的排查中发现了 {found} 件纠纷，不能报零。")
    overlap = session.scalar(
        select(ScreeningRound.uuid).where(
            *live,
            ScreeningRound.zero_report.is_(True),
            ScreeningRound.period_from <= end,
            ScreeningRound.period_to >= start,
        )
    )
    if overlap:
        raise UserError(f"{committee.name}在 {start} 至 {end} 期间已有零报告，不必重复登记。")
    return start, end


@writes
def record_zero_report(session: Session, actor: Actor, cmd: ZeroReportInput) -> str:
    """零报告: the committee screened the period and found nothing. Refused when its rounds of that
    period did find disputes, or when the period is already reported."""
    actor.require(Perm.EDIT_CASES)
    committee = _own_committee(session, cmd.committee_uuid)
    start, end = check_zero_period(session, actor, committee, cmd.period_from, cmd.period_to, cmd.method)
    rnd = ScreeningRound(
        uuid="",
        committee_uuid=committee.uuid,
        held_on=end,
        area=_text(cmd.area, "area", "排查范围", 120),
        staff=_text(cmd.staff, "staff", "排查人员", 120),
        method=cmd.method,
        officer_uuid=None,
        zero_report=True,
        period_from=start,
        period_to=end,
        note=cmd.note.strip(),
        created_by=actor.name,
    )
    stamp_new(session, actor, rnd)
    session.add(rnd)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.zero",
        ENTITY,
        rnd.uuid,
        summary=f"{committee.name} 零报告：{start} 至 {end} 未发现矛盾纠纷",
        after={"period_from": start, "period_to": end, "method": cmd.method},
    )
    return rnd.uuid


@writes
def add_dispute(session: Session, actor: Actor, round_uuid: str, d: DisputeInput) -> str:
    """One more dispute found by a round already recorded."""
    actor.require(Perm.EDIT_CASES)
    rnd = _owned(session, session.get(ScreeningRound, round_uuid), "排查记录")
    _not_voided(rnd)
    if rnd.zero_report:
        raise UserError("零报告不能添加纠纷：发现了纠纷请另行登记一次排查。")
    dispute = _new_dispute(session, actor, rnd, d)
    _touch_round(actor, rnd)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.dispute",
        ENTITY,
        dispute.uuid,
        summary=f"排查（{rnd.held_on}）发现纠纷：{dispute.applicant}与{dispute.respondent}",
        after=snapshot(dispute, DISPUTE_FIELDS),
    )
    return dispute.uuid


# ---------------------------------------------------------------- what became of a found dispute


def _not_voided(rnd: ScreeningRound, doing: str = "办理") -> None:
    if rnd.voided_on is not None:
        raise UserError(f"该排查记录已于 {rnd.voided_on} 作废（{rnd.void_reason}），不能再{doing}。")


def _live_dispute(session: Session, dispute_uuid: str) -> ScreenedDispute:
    """A dispute of this node whose round is not voided."""
    dispute = _owned(session, session.get(ScreenedDispute, dispute_uuid), "排查发现的纠纷")
    _not_voided(session.get_one(ScreeningRound, dispute.round_uuid))
    return dispute


def _open_dispute(session: Session, dispute_uuid: str) -> tuple[ScreenedDispute, ScreeningRound]:
    dispute = _live_dispute(session, dispute_uuid)
    if dispute.status != "open":
        raise UserError(f"该纠纷已处置（{rules.STATUSES[dispute.status]}），不能再次处置。")
    return dispute, session.get_one(ScreeningRound, dispute.round_uuid)


@writes
def make_case(
    session: Session,
    actor: Actor,
    dispute_uuid: str,
    accepted_on: date | None = None,
    mediators: tuple[cases.MediatorAssignment, ...] = (),
) -> cases.CaseRef:
    """转为案件: the committee accepts the found dispute as a case on its own initiative (主动调解),
    the parties and facts carried over, by the one intake service (cases.open_case). The dispute
    keeps the case's link; the case is numbered by the round's committee."""
    dispute, rnd = _open_dispute(session, dispute_uuid)
    on = accepted_on or actor.today
    if on < rnd.held_on:
        raise FieldError("accepted_on", f"受理日期不能早于发现纠纷的排查日期（{rnd.held_on}）。")
    parties = (
        PartyInput(role="applicant", kind="person", name=dispute.applicant, phone=dispute.applicant_phone),
        PartyInput(role="respondent", kind="person", name=dispute.respondent, phone=dispute.respondent_phone),
    )
    summary = dispute.summary
    if dispute.action:
        summary += f"\n（排查发现，{rnd.held_on}，已采取：{dispute.action}）"
    cmd = cases.IntakeCommand(
        committee_uuid=rnd.committee_uuid,
        intake_form="register",
        source="initiative",
        dispute_type=dispute.dispute_type,
        accepted_on=on,
        summary=summary,
        parties=parties,
        mediators=mediators,
        registrar=actor.display_name or actor.name,
        difficulty="major" if dispute.risk == "serious" else "ordinary",
        escalation_risk=dispute.risk == "serious",
    )
    ref = cases.open_case(session, actor, cmd)  # checks the rights and the intake, audits the case
    before = snapshot(dispute, DISPUTE_FIELDS)
    dispute.status, dispute.case_uuid, dispute.closed_on = "case", ref.uuid, on
    stamp_changed(actor, dispute)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.to_case",
        ENTITY,
        dispute.uuid,
        summary=f"排查发现的纠纷（{dispute.applicant}与{dispute.respondent}）转为案件 {ref.case_no}",
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
    )
    return ref


@writes
def close_dispute(
    session: Session, actor: Actor, dispute_uuid: str, how: str, on: date, note: str, referred_to: str = ""
) -> None:
    """当场化解 (``resolved``, which also ends a 重点 watch) or 移交 (``referred``, to ``referred_to``;
    a watched one stays on the ledger until a check ends it) a found dispute."""
    actor.require(Perm.EDIT_CASES)
    dispute, rnd = _open_dispute(session, dispute_uuid)
    if how not in rules.CLOSINGS:
        raise FieldError("how", "请选择处置方式：当场化解或移交。")
    on = _check_day(on, "closed_on", "处置日期", actor.today)
    if on < rnd.held_on:
        raise FieldError("closed_on", f"处置日期不能早于排查日期（{rnd.held_on}）。")
    to = referred_to.strip()
    if how == "referred" and not to:
        raise FieldError("referred_to", "请填写移交的单位（如派出所、信访部门、综合执法队）。")
    before = snapshot(dispute, DISPUTE_FIELDS)
    dispute.status, dispute.closed_on = how, on
    dispute.referred_to = to[:80] if how == "referred" else ""
    dispute.closing_note = _text(note, "closing_note", "处置情况", 2000)
    if how == "resolved":  # settled on the spot: off the 重点 ledger; a referred one is followed until it lands
        dispute.watched, dispute.next_check_on = False, None
    stamp_changed(actor, dispute)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.close",
        ENTITY,
        dispute.uuid,
        summary=f"排查发现的纠纷（{dispute.applicant}与{dispute.respondent}）{rules.STATUSES[how]}"
        + (f"：{dispute.referred_to}" if how == "referred" else ""),
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
    )


# ---------------------------------------------------------------- 重点矛盾纠纷 ledger


@writes
def watch(
    session: Session, actor: Actor, dispute_uuid: str, responsible: str, measures: str, next_check_on: date
) -> None:
    """Put a found dispute on the 重点矛盾纠纷 ledger, or change its responsible person, measures or
    next check."""
    actor.require(Perm.EDIT_CASES)
    dispute = _live_dispute(session, dispute_uuid)
    if next_check_on is None:
        raise FieldError("next_check_on", "请填写下次检查日期。")
    before = snapshot(dispute, DISPUTE_FIELDS)
    dispute.watched = True
    dispute.responsible = _text(responsible, "responsible", "责任人", 40)
    dispute.measures = _text(measures, "measures", "稳控措施", 2000)
    dispute.next_check_on = next_check_on
    stamp_changed(actor, dispute)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.watch",
        ENTITY,
        dispute.uuid,
        summary=f"重点矛盾纠纷：{dispute.applicant}与{dispute.respondent}，责任人{dispute.responsible}，"
        f"下次检查 {next_check_on}",
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
    )


@writes
def record_check(
    session: Session, actor: Actor, dispute_uuid: str, checked_on: date, measures: str, next_check_on: date | None
) -> None:
    """A check of a watched dispute: what was done, and the next check (None ends the watch; a
    serious dispute still open stays watched)."""
    actor.require(Perm.EDIT_CASES)
    dispute = _live_dispute(session, dispute_uuid)
    if not dispute.watched:
        raise UserError("该纠纷不在重点矛盾纠纷台账中。")
    checked_on = _check_day(checked_on, "checked_on", "检查日期", actor.today)
    if next_check_on is None and dispute.risk == "serious" and dispute.status == "open":
        raise FieldError("next_check_on", "重大矛盾纠纷尚未化解，请定下次检查日期。")
    if next_check_on is not None and next_check_on <= checked_on:
        raise FieldError("next_check_on", "下次检查日期应晚于本次检查日期。")
    before = snapshot(dispute, DISPUTE_FIELDS)
    note = _text(measures, "measures", "本次检查情况和措施", 2000)
    dispute.measures = f"{dispute.measures}\n{checked_on}：{note}".strip()
    dispute.last_checked_on, dispute.next_check_on = checked_on, next_check_on
    dispute.watched = next_check_on is not None
    stamp_changed(actor, dispute)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.check",
        ENTITY,
        dispute.uuid,
        summary=f"重点矛盾纠纷检查（{dispute.applicant}与{dispute.respondent}）："
        + (f"下次检查 {next_check_on}" if next_check_on else "解除重点关注"),
        before=before,
        after=snapshot(dispute, DISPUTE_FIELDS),
    )


# ---------------------------------------------------------------- 信息员


@writes
def add_officer(session: Session, actor: Actor, cmd: OfficerInput) -> str:
    """登记信息员 (a grid worker, building head …) of one of this node's committees."""
    actor.require(Perm.EDIT_CASES)
    committee = _own_committee(session, cmd.committee_uuid)
    if cmd.kind not in rules.OFFICER_KINDS:
        raise FieldError("kind", "请选择信息员类别：网格员、楼道长或其他信息员。")
    name = _text(cmd.name, "name", "信息员姓名", 40)
    same = session.scalar(
        select(InfoOfficer.uuid).where(
            InfoOfficer.committee_uuid == committee.uuid, InfoOfficer.name == name, InfoOfficer.deleted.is_(False)
        )
    )
    if same:
        raise FieldError("name", f"{committee.name}已有信息员“{name}”。")
    officer = InfoOfficer(
        uuid="",
        committee_uuid=committee.uuid,
        name=name,
        kind=cmd.kind,
        phone=cmd.phone.strip()[:30],
        area=cmd.area.strip()[:120],
        active=True,
    )
    stamp_new(session, actor, officer)
    session.add(officer)
    session.flush()
    audit.record(
        session,
        actor,
        "screening.officer",
        ENTITY,
        officer.uuid,
        summary=f"登记{rules.OFFICER_KINDS[cmd.kind]}：{name}（{committee.name}）",
        after={"name": name, "kind": cmd.kind, "area": officer.area},
    )
    return officer.uuid
