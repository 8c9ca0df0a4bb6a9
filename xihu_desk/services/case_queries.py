"""Reading cases: the list (one page at a time), the whole case, the contents list of the case
file, the to-do list, repeat-dispute hints, and revealing an ID number (audited)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import cases as rules
from xihu_desk.domain import idnumber
from xihu_desk.domain.cases import Outcome, Procedure, Status
from xihu_desk.domain.errors import NotFound
from xihu_desk.domain.parties import AGENT_KINDS, ID_TYPES, ROLES, PartyInput
from xihu_desk.domain.roles import Perm
from xihu_desk.services import audit, codes, party_law
from xihu_desk.services.cases import CONFIRMATION_RESULTS, PERFORMANCE, SATISFACTION, contents, get_case
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads, writes_if
from xihu_desk.store import case_list, moved_out
from xihu_desk.store.case_list import OPEN, TRANSFERRED_HIDE, TRANSFERRED_ONLY, CaseFilter
from xihu_desk.store.case_models import (
    Agreement,
    Attachment,
    CaseMediator,
    CaseRecord,
    Confirmation,
    FollowUp,
    MediationCase,
    Mediator,
    Party,
)
from xihu_desk.store.models import Committee

__all__ = [
    "OPEN",
    "TRANSFERRED_HIDE",
    "TRANSFERRED_ONLY",
    "CaseFilter",
    "CaseForEdit",
    "CaseRow",
    "case_detail",
    "case_for_edit",
    "case_year_range",
    "count_cases",
    "due_items",
    "filter_choices",
    "list_cases",
    "repeat_hints",
]


@dataclass(frozen=True)
class CaseRow:
    uuid: str
    case_no: str
    title: str
    accepted_on: date
    dispute_type: str
    source: str
    status: str
    status_label: str
    outcome: str | None
    committee: str
    parties: str
    due_on: date
    overdue: bool
    procedure: str = "ordinary"  # simple (简易程序) or ordinary
    transferred_to: str = ""  # 移送: the office a read-only copy kept here went to ('' for a case of this node)


@reads
def count_cases(session: Session, actor: Actor, f: CaseFilter, today: date) -> int:
    actor.require(Perm.VIEW_CASES)
    return case_list.count(session, f, today)


def list_cases(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    today: date,
    offset: int = 0,
    limit: int = 100,
    total: int | None = None,
) -> list[CaseRow]:
    """One page of the list. Pass the ``total`` from count_cases when known: it picks the plan."""
    actor.require(Perm.VIEW_CASES)
    rows = case_list.page(session, f, today, offset, limit, total)
    parties = case_list.parties_of(session, [c.uuid for c in rows])
    moved = moved_out.moved_to(session, [c.uuid for c in rows])
    types = codes.labels(session, "dispute_type")
    sources = codes.labels(session, "case_source")
    committees = _committee_names(session)
    return [
        CaseRow(
            c.uuid,
            c.case_no,
            c.title,
            c.accepted_on,
            types.get(c.dispute_type, c.dispute_type),
            sources.get(c.source, c.source),
            c.status,
            transferred_label(moved[c.uuid]) if c.uuid in moved else status_label(c),
            c.outcome,
            committees.get(c.committee_uuid, ""),
            "、".join(p.name for p in parties[c.uuid]),
            c.due_on,
            c.status in case_list.OPEN_STATUSES and c.due_on < today and c.uuid not in moved,
            c.procedure,
            moved[c.uuid].name if c.uuid in moved else "",
        )
        for c in rows
    ]


def transferred_label(to: moved_out.MovedTo) -> str:
    """已移送 in the list's status column (the part before （ ), where and when in the tooltip."""
    return f"已移送（{to.on.isoformat()} 移送至{to.name}，本单位保留只读副本）"


def status_label(case: MediationCase) -> str:
    """已作废 says why wherever the case appears (list, summary, case show)."""
    label = Status(case.status).label
    return f"{label}（{case.void_reason}）" if case.status == Status.VOID and case.void_reason else label


def _committee_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Committee.uuid, Committee.name)).all())


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def party_dict(
    p: Party, reveal: bool, accepted_on: date | None = None, tag_labels: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "uuid": p.uuid,
        "role": p.role,
        "role_label": ROLES.get(p.role, p.role),
        "kind": p.kind,
        "name": p.name,
        "gender": p.gender,
        "ethnicity": p.ethnicity,
        "birth_date": _iso(p.birth_date),
        "id_type": p.id_type,
        "id_type_label": ID_TYPES.get(p.id_type, p.id_type),
        "id_number": p.id_number if reveal else idnumber.mask(p.id_number),
        "phone": p.phone,
        "address": p.address,
        "occupation": p.occupation,
        "credit_code": p.credit_code,
        "legal_rep": p.legal_rep,
        "guardian": p.guardian,
        "agent_kind": p.agent_kind,
        "agent_kind_label": AGENT_KINDS.get(p.agent_kind, ""),
        "agent_name": p.agent_name,
        "agent_phone": p.agent_phone,
        **party_law.party_extras(p, accepted_on, reveal, tag_labels or {}),
    }


def party_input(p: Party) -> PartyInput:
    """The stored party as the form edits it (full ID number: only the case form, for editors)."""
    return PartyInput(
        p.role,
        p.kind,
        p.name,
        p.gender,
        p.ethnicity,
        p.birth_date,
        p.id_type,
        p.id_number,
        p.phone,
        p.address,
        p.occupation,
        p.credit_code,
        p.legal_rep,
        p.guardian,
        p.agent_kind,
        p.agent_name,
        p.agent_phone,
        p.uuid,
        **{f: getattr(p, f) for f in party_law.PARTY_FIELDS},
    )


@writes_if("reveal")
def case_detail(
    session: Session, actor: Actor, case_uuid: str, *, reveal: bool = False, today: date | None = None
) -> dict[str, Any]:
    """Everything the case holds, as plain data (the JSON of design.md §10 and the case form)."""
    # only one case's page needs the change services (and their corrections, transfers and imports
    # models): a list does not load them (issue 15)
    from xihu_desk.services import agreement_drafts, case_lifecycle

    actor.require(Perm.VIEW_CASES)
    case = get_case(session, case_uuid)
    today = today or actor.today
    moved = moved_out.moved_to(session, [case.uuid]).get(case.uuid)  # 移送: a read-only copy kept here
    if reveal:
        actor.require(Perm.REVEAL_ID)
    parties = list(
        session.scalars(
            select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)).order_by(Party.position)
        )
    )
    if reveal and any(p.id_number for p in parties):
        audit.record(
            session, actor, "party.reveal", "case", case.uuid, summary=f"查看 {case.case_no} 当事人完整证件号码"
        )
    mediators = session.execute(
        select(Mediator.uuid, Mediator.name, CaseMediator.lead, CaseMediator.chosen_by_parties)
        .join(CaseMediator, CaseMediator.mediator_uuid == Mediator.uuid)
        .where(CaseMediator.case_uuid == case.uuid)
        .order_by(CaseMediator.lead.desc(), Mediator.name_key)
    ).all()
    records = session.scalars(
        select(CaseRecord)
        .where(CaseRecord.case_uuid == case.uuid, CaseRecord.deleted.is_(False))
        .order_by(CaseRecord.held_at)
    )
    agreement = session.scalar(select(Agreement).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False)))
    followups = session.scalars(
        select(FollowUp)
        .where(FollowUp.case_uuid == case.uuid, FollowUp.deleted.is_(False))
        .order_by(FollowUp.visited_on)
    )
    confirmation = session.scalar(select(Confirmation).where(Confirmation.case_uuid == case.uuid))
    attachments = session.scalars(
        select(Attachment)
        .where(Attachment.case_uuid == case.uuid, Attachment.deleted.is_(False))
        .order_by(Attachment.updated_at)
    )
    committee = session.get(Committee, case.committee_uuid)
    items = contents(session, case)
    deadline = (
        rules.confirmation_deadline(agreement.effective_on) if agreement and agreement.form == "written" else None
    )
    tag_labels = codes.labels(session, "party_tag")
    return (
        {
            "uuid": case.uuid,
            "case_no": case.case_no,
            "title": case.title,
            "version": case.version,
            "owner_node": case.owner_node,
            "committee": committee.name if committee else "",
            "committee_uuid": case.committee_uuid,
            "accepted_on": _iso(case.accepted_on),
            "intake_form": case.intake_form,
            "dispute_type": codes.label(session, "dispute_type", case.dispute_type),
            "dispute_type_code": case.dispute_type,
            "dispute_subtype": case.dispute_subtype,
            "source": case.source,
            "source_label": codes.label(session, "case_source", case.source),
            "referrer_type": case.referrer_type,
            "referrer_name": case.referrer_name,
            "referrer_doc_no": case.referrer_doc_no,
            "procedure": case.procedure,
            "procedure_label": Procedure(case.procedure).label,
            "platform_code": case.platform_code,
            "difficulty": case.difficulty,
            "summary": case.summary,
            "claims": case.claims,
            "registrar": case.registrar,
            "is_group": case.is_group,
            "group_size": case.group_size,
            "amount": case.amount_fen / 100,
            "escalation_risk": case.escalation_risk,
            "reported_to": case.reported_to,
            "prevention": {
                f: getattr(case, f)
                for f in (
                    "prevent_criminal_cases",
                    "prevent_criminal_persons",
                    "prevent_petition_cases",
                    "prevent_petition_persons",
                    "prevent_suicide_cases",
                    "prevent_suicide_persons",
                    "prevent_fight_cases",
                    "prevent_fight_persons",
                )
            },
            "status": case.status,
            "status_label": "已移送" if moved else status_label(case),
            "transferred_to": moved.as_json() if moved else None,  # as in case list
            "outcome": case.outcome,
            "outcome_label": Outcome(case.outcome).label if case.outcome else None,
            "outcome_on": _iso(case.outcome_on),
            "agreement_form": case.agreement_form,
            "failure_reason": case.failure_reason,
            "routes_told": case.routes_told,
            "due_on": _iso(case.due_on),
            "extended_to": _iso(case.extended_to),
            "extension_reason": case.extension_reason,
            "overdue": case.status in case_list.OPEN_STATUSES and case.due_on < today and not moved,
            "notice_given_on": _iso(case.notice_given_on),
            "notice_form": case.notice_form,
            "session_public": case.session_public,
            "private_reason": case.private_reason,
            "refused_by_party": case.refused_by_party,
            "id_proofs_received": case.id_proofs_received,
            # only a closed case waits for a visit: the 下次回访 line goes once it is filed or void
            "performed": case.performed,
            "followup_due": _iso(case.followup_due) if case.status == Status.CLOSED else None,
            "closed_on": _iso(case.closed_on),
            "closing_report": case.closing_report,
            "mediators": [m.name for m in mediators],
            "mediator_assignments": [
                {"uuid": m.uuid, "name": m.name, "lead": m.lead, "chosen_by_parties": m.chosen_by_parties}
                for m in mediators
            ],
            "parties": [party_dict(p, reveal, case.accepted_on, tag_labels) for p in parties],
            **party_law.failure_extras(session, case),
            "records": [
                {
                    "uuid": r.uuid,
                    "kind": r.kind,
                    "held_at": r.held_at.isoformat(timespec="minutes"),
                    "place": r.place,
                    "matter": r.matter,
                    "subject": r.subject,
                    "participants": r.participants,
                    "mediators": r.mediators,
                    "recorder": r.recorder,
                    "notice_announced": r.notice_announced,
                    "body": r.body,
                }
                for r in records
            ],
            "agreement": None
            if agreement is None
            else {
                "form": agreement.form,
                "number": agreement.number,
                "facts": agreement.facts,
                "disputed": agreement.disputed,
                "responsibility": agreement.responsibility,
                "clauses": json.loads(agreement.clauses),
                "performance_method": agreement.performance_method,
                "performance_place": agreement.performance_place,
                "performance_deadline": _iso(agreement.performance_deadline),
                "amount": agreement.amount_fen / 100,
                "effective_on": _iso(agreement.effective_on),
                "performed_on_the_spot": agreement.performed_on_the_spot,
                "registrar": agreement.registrar,
                "copies": rules.copies(len(parties)),
                "confirmation_deadline": _iso(deadline),
            },
            "followups": [
                {
                    "uuid": f.uuid,
                    "visited_on": _iso(f.visited_on),
                    "party_name": f.party_name,
                    "visitor": f.visitor,
                    "performance": f.performance,
                    "performance_label": PERFORMANCE.get(f.performance, f.performance),
                    "satisfaction": f.satisfaction,
                    "satisfaction_label": SATISFACTION.get(f.satisfaction, ""),
                    "court_result": f.court_result,
                    "risks": f.risks,
                    "measures": f.measures,
                }
                for f in followups
            ],
            "confirmation": None
            if confirmation is None
            else {
                "applied_on": _iso(confirmation.applied_on),
                "court": confirmation.court,
                "result": confirmation.result,
                "result_label": CONFIRMATION_RESULTS.get(confirmation.result, ""),
                "decided_on": _iso(confirmation.decided_on),
                "court_case_no": confirmation.court_case_no,
            },
            "attachments": [
                {"uuid": a.uuid, "kind": a.kind, "file_name": a.file_name, "sha256": a.sha256, "size": a.size}
                for a in attachments
            ],
            "filing": {
                "filed_on": _iso(case.filed_on),
                "filed_by": case.filed_by,
                "retention": case.retention,
                "contents": [
                    {"number": i.number, "name": i.name, "required": i.required, "present": i.present, "note": i.note}
                    for i in items
                ],
                "missing": rules.missing_for_filing(items),
            },
        }
        | case_lifecycle.detail(session, actor, case)
        | agreement_drafts.detail(session, case.uuid)
    )  # history, void, links, correctable fields; the draft agreement


@dataclass(frozen=True)
class DueItem:
    due: date
    kind: str  # mediation, followup, confirmation
    title: str
    case_uuid: str
    case_no: str
    overdue: bool


def due_items(session: Session, actor: Actor, today: date, horizon_days: int = 7, limit: int = 200) -> list[DueItem]:
    """What is due within the horizon or already overdue, soonest first (indexed queries)."""
    if not actor.can(Perm.VIEW_CASES):
        return []
    from xihu_desk.services import case_transfer

    horizon = today + timedelta(days=horizon_days)
    out: list[DueItem] = []
    open_cases = session.execute(
        select(MediationCase.uuid, MediationCase.case_no, MediationCase.title, MediationCase.due_on)
        .where(
            MediationCase.status.in_(case_list.OPEN_STATUSES),
            MediationCase.due_on <= horizon,
            MediationCase.deleted.is_(False),
            MediationCase.uuid.not_in(case_transfer.moved_out_query()),  # 移送: the copy kept here
        )
        .order_by(MediationCase.due_on)
        .limit(limit)
    )
    for uuid, no, title, due in open_cases:
        word = "调解已超期" if due < today else "调解期限将到"
        out.append(DueItem(due, "mediation", f"{word}：{title}", uuid, no, due < today))
    followups = session.execute(
        select(MediationCase.uuid, MediationCase.case_no, MediationCase.title, MediationCase.followup_due)
        .where(
            MediationCase.followup_due <= horizon,
            MediationCase.status == Status.CLOSED.value,
            MediationCase.deleted.is_(False),
        )
        .order_by(MediationCase.followup_due)
        .limit(limit)
    )
    for uuid, no, title, visit in followups:
        if visit is not None:  # the query's <= leaves none out
            out.append(DueItem(visit, "followup", f"应回访：{title}", uuid, no, visit < today))
    window_start = today - timedelta(days=rules.CONFIRMATION_DAYS)
    confirmations = session.execute(
        select(MediationCase.uuid, MediationCase.case_no, MediationCase.title, Agreement.effective_on)
        .join(Agreement, Agreement.case_uuid == MediationCase.uuid)
        .outerjoin(Confirmation, Confirmation.case_uuid == MediationCase.uuid)
        .where(
            Agreement.form == "written",
            Agreement.effective_on >= window_start,
            Agreement.effective_on <= horizon - timedelta(days=rules.CONFIRMATION_DAYS),
            Confirmation.uuid.is_(None),
            MediationCase.deleted.is_(False),
        )
        .order_by(Agreement.effective_on)
        .limit(limit)
    )
    for uuid, no, title, effective in confirmations:
        deadline = rules.confirmation_deadline(effective)
        out.append(
            DueItem(deadline, "confirmation", f"司法确认申请期限将满（{deadline:%m月%d日}）：{title}", uuid, no, False)
        )
    out.sort(key=lambda d: (d.due, d.kind))
    return out


@dataclass(frozen=True)
class RepeatHint:
    case_uuid: str
    case_no: str
    title: str
    accepted_on: date
    party_name: str
    matched_by: str  # 身份证号 / 姓名和电话


def repeat_hints(
    session: Session, parties: list[PartyInput], exclude_case: str | None = None, limit: int = 20
) -> list[RepeatHint]:
    """Other cases in which the same person appears: same ID number, or same name and phone."""
    conditions = []
    for p in parties:
        if p.id_number.strip():
            conditions.append(Party.id_number == idnumber.normalise(p.id_number))
        if p.name.strip() and p.phone.strip():
            conditions.append((Party.name == p.name.strip()) & (Party.phone == p.phone.strip()))
    if not conditions:
        return []
    query = (
        select(
            Party.name,
            Party.id_number,
            MediationCase.uuid,
            MediationCase.case_no,
            MediationCase.title,
            MediationCase.accepted_on,
        )
        .join(MediationCase, MediationCase.uuid == Party.case_uuid)
        .where(or_(*conditions), Party.deleted.is_(False), MediationCase.deleted.is_(False))
    )
    if exclude_case:
        query = query.where(MediationCase.uuid != exclude_case)
    ids = {idnumber.normalise(p.id_number) for p in parties if p.id_number.strip()}
    hints, seen = [], set()
    for name, number, uuid, no, title, accepted in session.execute(
        query.order_by(MediationCase.accepted_on.desc()).limit(limit * 3)
    ):
        if (uuid, name) in seen:
            continue
        seen.add((uuid, name))
        hints.append(RepeatHint(uuid, no, title, accepted, name, "身份证号" if number in ids else "姓名和电话"))
    return hints[:limit]


def reveal_id(session: Session, actor: Actor, party_uuid: str) -> str:
    actor.require(Perm.REVEAL_ID)
    party = session.get(Party, party_uuid)
    if party is None or party.deleted:
        raise NotFound("找不到该当事人。")
    case = session.get(MediationCase, party.case_uuid)
    audit.record(
        session,
        actor,
        "party.reveal",
        "party",
        party.uuid,
        summary=f"查看 {case.case_no if case else ''} 当事人 {party.name} 的完整证件号码",
    )
    return party.id_number


@writes_if("reveal")
def case_summaries(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    today: date,
    offset: int = 0,
    limit: int = 500,
    *,
    reveal: bool = False,
    total: int | None = None,
) -> list[dict[str, Any]]:
    """The CASE documents of ``case list --json`` for one page: batched queries, not one per case."""
    actor.require(Perm.VIEW_CASES)
    if reveal:
        actor.require(Perm.REVEAL_ID)
    rows = case_list.page(session, f, today, offset, limit, total)
    uuids = [c.uuid for c in rows]
    parties = case_list.parties_of(session, uuids)
    moved = moved_out.moved_to(session, uuids)
    names: dict[str, list[str]] = {u: [] for u in uuids}
    if uuids:
        for case_uuid, name in session.execute(
            select(CaseMediator.case_uuid, Mediator.name)
            .join(Mediator, Mediator.uuid == CaseMediator.mediator_uuid)
            .where(CaseMediator.case_uuid.in_(uuids))
            .order_by(CaseMediator.lead.desc(), Mediator.name_key)
        ):
            names[case_uuid].append(name)
    types = codes.labels(session, "dispute_type")
    committees = dict(session.execute(select(Committee.uuid, Committee.name)).all())
    if reveal and uuids:
        audit.record(
            session,
            actor,
            "party.reveal",
            "case",
            ",".join(uuids[:5]) + ("…" if len(uuids) > 5 else ""),
            summary=f"导出 {len(uuids)} 个案件的当事人完整证件号码",
        )
    return [
        {
            "uuid": c.uuid,
            "case_no": c.case_no,
            "title": c.title,
            "committee": committees.get(c.committee_uuid, ""),
            "accepted_on": _iso(c.accepted_on),
            "dispute_type": types.get(c.dispute_type, c.dispute_type),
            "source": c.source,
            "status": c.status,
            "outcome": c.outcome,
            "agreement_form": c.agreement_form,
            "procedure": c.procedure,
            "platform_code": c.platform_code,
            "amount": c.amount_fen / 100,
            "closed_on": _iso(c.closed_on),
            "filed_on": _iso(c.filed_on),
            "due_on": _iso(c.due_on),
            "mediators": names[c.uuid],
            "void_reason": c.void_reason or None,
            "transferred_to": moved[c.uuid].as_json() if c.uuid in moved else None,  # 移送: a read-only copy
            "parties": [
                {
                    "role": p.role,
                    "kind": p.kind,
                    "name": p.name,
                    "id_number": p.id_number if reveal else idnumber.mask(p.id_number),
                }
                for p in parties[c.uuid]
            ],
        }
        for c in rows
    ]


# ---------------------------------------------------------------- for the case screens


@dataclass(frozen=True)
class CaseForEdit:
    """What the case form needs to edit a case exactly: the parties as stored (full ID numbers,
    as party_input gives them to the case form of an editor) and the amounts in fen, which
    case_detail shows in yuan as floats."""

    parties: tuple[PartyInput, ...]
    amount_fen: int
    agreement_amount_fen: int


def case_for_edit(session: Session, actor: Actor, case_uuid: str) -> CaseForEdit:
    actor.require(Perm.EDIT_CASES)
    case = get_case(session, case_uuid)
    parties = session.scalars(
        select(Party).where(Party.case_uuid == case.uuid, Party.deleted.is_(False)).order_by(Party.position)
    )
    agreement = session.scalar(
        select(Agreement.amount_fen).where(Agreement.case_uuid == case.uuid, Agreement.deleted.is_(False))
    )
    return CaseForEdit(tuple(party_input(p) for p in parties), case.amount_fen, agreement or 0)


def case_year_range(session: Session, actor: Actor) -> tuple[int, int] | None:
    """The first and last year that have cases, for the list's year filter: two separate queries,
    so each is one look-up at an end of the partial index on (year, seq) of live cases."""
    actor.require(Perm.VIEW_CASES)
    first = session.scalar(select(func.min(MediationCase.year)).where(case_list.LIVE))
    if first is None:
        return None
    last = session.scalar(select(func.max(MediationCase.year)).where(case_list.LIVE))
    return (first, last) if last is not None else None


def filter_choices(session: Session, actor: Actor, *, with_mediators: bool = True) -> dict[str, Any]:
    """What the case list's filter bar offers: the years with cases, dispute types, sources,
    committees and (unless the list reads them later, ``mediator_choices``) mediators."""
    from xihu_desk.services import committees

    return {
        "years": case_year_range(session, actor),
        "types": codes.items(session, "dispute_type"),
        "sources": codes.items(session, "case_source"),
        "committees": committees.list_committees(session),
        "mediators": mediator_choices(session) if with_mediators else None,
    }


@dataclass(frozen=True)
class MediatorChoice:
    uuid: str
    name: str
    committee_uuid: str


def mediator_choices(session: Session) -> list[MediatorChoice]:
    """Every mediator of the roster for the list's 调解员 filter, in roster order: three columns,
    not whole roster rows (at 20,000 mediators those took 2 s before the first case showed)."""
    from xihu_desk.services.mediators import ROSTER_ORDER

    query = (
        select(Mediator.uuid, Mediator.name, Mediator.committee_uuid)
        .join(Committee, Committee.uuid == Mediator.committee_uuid)
        .where(Mediator.deleted.is_(False))
        .order_by(*ROSTER_ORDER)
    )
    return [MediatorChoice(*row) for row in session.execute(query)]
