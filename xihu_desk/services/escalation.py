"""Moving a case up a level (提级/移交) and mediating it with another committee (联合调解), issue 18.

Numbering. An escalated case takes the next number of the receiving committee (its 字号, the
year of the escalation) and the number it had is recorded in its history and on the escalation
row. Why a new number rather than keeping the old one: a case number says which committee
accepted the case and keeps its register (人调字第…号 is that committee's gapless register, and
the agreement the receiving committee signs and seals carries it); keeping the community's
number would put a case in the street committee's register under another committee's 字号 and
leave a hole in the street's sequence. The old number is not given back or reused (the
counter only goes forward), so the community's register shows it as 已提级 with the new number,
and either number finds the case (``find_by_number``).

The case stays one record with one history: same uuid, parties, records and versions; its
committee changes, so statistics count it once, at the committee that holds it when it is
closed. Both committees see it: the escalation row names the committee it came from.

Co-mediation keeps the case with its committee and number; the mediators of the other committee
join the case, and a row names their committee so it sees the case too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import committee_rules
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, case_history, cases
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed, stamp_new
from xihu_desk.services.units import reads, writes
from xihu_desk.store.case_models import Agreement, CaseMediator, MediationCase, Mediator
from xihu_desk.store.committee_models import CaseEscalation
from xihu_desk.store.models import Committee

audit.ACTION_LABELS.setdefault("case.escalate", "提级/移交案件")
audit.ACTION_LABELS.setdefault("case.co_mediate", "联合调解")

KIND_LABELS = committee_rules.MOVES


@dataclass(frozen=True)
class EscalationRow:
    uuid: str
    case_uuid: str
    kind: str
    kind_label: str
    from_committee: str
    to_committee: str
    from_case_no: str
    to_case_no: str
    case_no: str  # the number the case has now
    status: str
    escalated_on: date
    reason: str
    by_name: str


def _committee(session: Session, uuid: str) -> Committee:
    c = session.get(Committee, uuid)
    if c is None or c.deleted:
        raise FieldError("to_committee", "找不到接收的调委会。")
    return c


@writes
def escalate(session: Session, actor: Actor, case_uuid: str, to_committee_uuid: str, reason: str) -> EscalationRow:
    """The case moves to ``to_committee_uuid`` (a committee this node keeps) with a new number of
    that committee; the old number, the reason and the date are kept (module docstring)."""
    actor.require(Perm.EDIT_CASES)
    case = cases.get_case(session, case_uuid)
    cases.check_editable(session, actor, case)
    if case.status not in (Status.ACCEPTED, Status.MEDIATING):
        raise UserError(f"{case.case_no} {Status(case.status).label}，只有受理后、结案前的案件可以提级或移交。")
    if session.scalar(select(Agreement.uuid).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False))):
        raise UserError(f"{case.case_no} 已登记调解协议，不能再提级或移交。")
    if not reason.strip():
        raise FieldError("reason", "请写明提级或移交的理由（例如：涉及多个社区、案情复杂）。")
    target = _committee(session, to_committee_uuid)
    source = _committee(session, case.committee_uuid)
    if target.uuid == source.uuid:
        raise FieldError("to_committee", f"案件已由“{target.name}”承办。")
    if target.owner_node != cases._node_id(session):
        raise FieldError(
            "to_committee",
            f"“{target.name}”由其他单位管理：移交其他街道（镇）的案件须经区司法局以数据包转交，本机不能直接移交。",
        )
    old_no, today = case.case_no, actor.today
    # The receiving committee's register: its counter, this year (numbers are never reused).
    seq, number = cases._next_number(session, target, today.year)
    case.committee_uuid, case.year, case.seq, case.case_no = target.uuid, today.year, seq, number
    stamp_changed(actor, case)
    cases._refresh_title_and_search(session, case)
    why = reason.strip()
    case_history.add(
        session,
        actor,
        case,
        "escalate",
        why,
        field="committee_uuid",
        field_label="承办调委会",
        before=source.name,
        after=target.name,
    )
    case_history.add(
        session, actor, case, "escalate", why, field="case_no", field_label="案件编号", before=old_no, after=number
    )
    row = _row(session, actor, case, "escalate", source.uuid, target.uuid, old_no, number, today, why)
    audit.record(
        session,
        actor,
        "case.escalate",
        "case",
        case.uuid,
        summary=f"{old_no} 由“{source.name}”提级/移交至“{target.name}”，新编号 {number}：{why}",
        before={"committee_uuid": source.uuid, "case_no": old_no},
        after={"committee_uuid": target.uuid, "case_no": number},
    )
    return _view(row, source.name, target.name, case)


@writes
def co_mediate(session: Session, actor: Actor, case_uuid: str, mediator_uuids: list[str], reason: str) -> list[str]:
    """Mediators of other committees join the case (联合调解); the case keeps its committee and
    number. Returns the names of the committees that joined."""
    actor.require(Perm.EDIT_CASES)
    case = cases.get_case(session, case_uuid)
    cases.check_editable(session, actor, case)
    if not reason.strip():
        raise FieldError("reason", "请写明联合调解的理由。")
    if not mediator_uuids:
        raise FieldError("mediators", "请选择参加联合调解的其他调委会的调解员。")
    on_case = set(session.scalars(select(CaseMediator.mediator_uuid).where(CaseMediator.case_uuid == case.uuid)))
    joined: dict[str, list[str]] = {}
    for uuid in dict.fromkeys(mediator_uuids):
        m = session.get(Mediator, uuid)
        if m is None or m.deleted or not m.active:
            raise FieldError("mediators", "所选调解员不在名册中或已停用。")
        if m.committee_uuid == case.committee_uuid:
            raise FieldError("mediators", f"{m.name}是本调委会的调解员，请在案件中直接指定。")
        if uuid in on_case:
            raise FieldError("mediators", f"{m.name}已参加本案调解。")
        session.add(CaseMediator(case_uuid=case.uuid, mediator_uuid=uuid, lead=False, chosen_by_parties=False))
        joined.setdefault(m.committee_uuid, []).append(m.name)
    stamp_changed(actor, case)
    why, today = reason.strip(), actor.today
    names = []
    for committee_uuid, people in joined.items():
        other = _committee(session, committee_uuid)
        names.append(other.name)
        case_history.add(
            session,
            actor,
            case,
            "co_mediate",
            why,
            field="mediators",
            field_label="联合调解",
            after=f"{other.name}：{'、'.join(people)}",
        )
        _row(
            session, actor, case, "co_mediate", case.committee_uuid, other.uuid, case.case_no, case.case_no, today, why
        )
    audit.record(
        session,
        actor,
        "case.co_mediate",
        "case",
        case.uuid,
        summary=f"{case.case_no} 联合调解：{'；'.join(names)}（{why}）",
    )
    return names


def _row(
    session: Session,
    actor: Actor,
    case: MediationCase,
    kind: str,
    source: str,
    target: str,
    from_no: str,
    to_no: str,
    on: date,
    reason: str,
) -> CaseEscalation:
    row = CaseEscalation(
        uuid="",
        case_uuid=case.uuid,
        kind=kind,
        from_committee_uuid=source,
        to_committee_uuid=target,
        from_case_no=from_no,
        to_case_no=to_no,
        escalated_on=on,
        reason=reason,
        by_name=(actor.display_name or actor.name)[:80],
    )
    stamp_new(session, actor, row)
    row.owner_node = case.owner_node  # whoever manages the case manages its moves
    session.add(row)
    session.flush()
    return row


def _view(row: CaseEscalation, source: str, target: str, case: MediationCase) -> EscalationRow:
    return EscalationRow(
        row.uuid,
        row.case_uuid,
        row.kind,
        KIND_LABELS.get(row.kind, row.kind),
        source,
        target,
        row.from_case_no,
        row.to_case_no,
        case.case_no,
        case.status,
        row.escalated_on,
        row.reason,
        row.by_name,
    )


@reads
def moves(session: Session, *, case_uuid: str | None = None, committee_uuid: str | None = None) -> list[EscalationRow]:
    """Escalations and co-mediations of one case, or those a committee sent or received (the
    cases it sees beside its own), newest first."""
    query = select(CaseEscalation, MediationCase).join(MediationCase, MediationCase.uuid == CaseEscalation.case_uuid)
    query = query.where(CaseEscalation.deleted.is_(False), MediationCase.deleted.is_(False))
    if case_uuid is not None:
        query = query.where(CaseEscalation.case_uuid == case_uuid)
    if committee_uuid is not None:
        query = query.where(
            or_(
                CaseEscalation.from_committee_uuid == committee_uuid, CaseEscalation.to_committee_uuid == committee_uuid
            )
        )
    pairs = list(session.execute(query.order_by(CaseEscalation.escalated_on.desc(), CaseEscalation.updated_at.desc())))
    names: dict[str, str] = {u: n for u, n in session.execute(select(Committee.uuid, Committee.name))}
    return [
        _view(
            row,
            names.get(row.from_committee_uuid, "（不在本机）"),
            names.get(row.to_committee_uuid, "（不在本机）"),
            case,
        )
        for row, case in pairs
    ]


@reads
def find_by_number(session: Session, key: str) -> str:
    """The case by its number now, its uuid, or a number it had before it was escalated
    (cases.find_case_uuid knows the former numbers)."""
    return cases.find_case_uuid(session, key)


@dataclass(frozen=True)
class Choices:
    """What the 提级/移交 dialog offers for one case: whether it may move now (else why not), the
    committees of this node it may go to (uuid, name, kind), and its moves so far."""

    allowed: bool
    why: str
    committees: list[tuple[str, str, str]]
    moves: list[EscalationRow]


@reads
def choices(session: Session, actor: Actor, case_uuid: str) -> Choices:
    from xihu_desk.services import committee_roster

    from xihu_desk.services.case_transfer import edit_block

    case = cases.get_case(session, case_uuid)
    why = edit_block(session, case) or ""  # 移送: asked for (frozen) or done
    if why:
        pass
    elif not actor.can(Perm.EDIT_CASES):
        why = "只有办理案件的人员可以提级或移交。"
    elif case.owner_node != cases._node_id(session):
        why = "该案件由其他单位管理，本单位只能查看。"
    elif case.status not in (Status.ACCEPTED, Status.MEDIATING):
        why = f"案件{Status(case.status).label}，只有受理后、结案前的案件可以提级或移交。"
    elif session.scalar(select(Agreement.uuid).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False))):
        why = "已登记调解协议的案件不能再提级或移交。"
    views = committee_roster.committee_views(session, actor.today)
    # the office's committees first (街道（镇）, then 行业性专业性): where a case usually goes up to
    order = {"street": 0, "sector": 1, "enterprise": 2, "stationed": 3, "npo": 4, "studio": 5, "community": 6}
    targets = sorted(
        (v for v in views if v.own and v.uuid != case.committee_uuid), key=lambda v: (order.get(v.kind, 9), v.name)
    )
    return Choices(not why, why, [(v.uuid, v.name, v.kind_label) for v in targets], moves(session, case_uuid=case_uuid))
