"""Reading the 矛盾纠纷排查 register (services/screening.py writes it): the rounds a page at a time
from SQL (the 排查 page's paged list), one round with its disputes, the command line's list, the
重点矛盾纠纷 ledger, the checks due for the home page's 待办, and the information officers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from xihu_desk.domain import screening as rules
from xihu_desk.domain.roles import Perm
from xihu_desk.services import codes
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store import dialect
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Committee, Node
from xihu_desk.store.screening_models import InfoOfficer, ScreenedDispute, ScreeningRound

R, D = ScreeningRound, ScreenedDispute
SHOWS = {"all": "全部", "found": "发现纠纷的", "open": "有待处置纠纷的", "zero": "零报告", "void": "已作废"}
# every list, ledger and count leaves a voided (作废) round out; the 已作废 filter shows only those
LIVE_ROUND = (R.deleted.is_(False), R.voided_on.is_(None))


@dataclass(frozen=True)
class ScreeningFilter:
    date_from: date | None = None
    date_to: date | None = None
    committee_uuid: str = ""
    show: str = "all"  # SHOWS
    search: str = ""  # 排查范围, 排查人员, a party's name
    sort: str = "held_on"
    descending: bool = True


@dataclass(frozen=True)
class RoundRow:
    uuid: str
    held_on: date
    committee: str
    method: str
    area: str
    staff: str
    zero_report: bool
    found: int
    open: int
    serious: int
    period: str  # a 零报告's period, e.g. 2026-11-01 至 2026-11-30
    voided: bool = False


def _counts() -> tuple[Any, Any, Any]:
    """Per round: disputes found, still open, serious, as subqueries on the round's row. Each is a
    seek on the disputes' round index for the rows a page shows (a grouped subquery over every
    dispute took 0.8 s a page at 150,000 disputes)."""

    def n(*where: Any) -> Any:
        return (
            select(func.count())
            .select_from(D)
            .where(D.round_uuid == R.uuid, D.deleted.is_(False), *where)
            .correlate(R)
            .scalar_subquery()
        )

    return n(), n(D.status == "open"), n(D.risk == "serious")


def _where(query: Select, f: ScreeningFilter) -> Select:
    query = query.where(dialect.live("screening_round"))  # the partial index on held_on serves the order
    query = query.where(R.voided_on.is_not(None) if f.show == "void" else R.voided_on.is_(None))
    if f.date_from:
        query = query.where(R.held_on >= f.date_from)
    if f.date_to:
        query = query.where(R.held_on <= f.date_to)
    if f.committee_uuid:
        query = query.where(R.committee_uuid == f.committee_uuid)
    if f.show == "zero":
        query = query.where(R.zero_report.is_(True))
    elif f.show == "found":
        query = query.where(R.zero_report.is_(False))
    elif f.show == "open":
        query = query.where(exists().where(D.round_uuid == R.uuid, D.deleted.is_(False), D.status == "open"))
    text = f.search.strip()
    if text:
        like = f"%{text}%"
        party = exists().where(
            D.round_uuid == R.uuid, D.deleted.is_(False), or_(D.applicant.like(like), D.respondent.like(like))
        )
        query = query.where(or_(R.area.like(like), R.staff.like(like), party))
    return query


_SORTS = {"held_on": R.held_on, "committee": Committee.name_key, "method": R.method, "area": R.area}


@reads
def count_rounds(session: Session, actor: Actor, f: ScreeningFilter) -> int:
    actor.require(Perm.VIEW_CASES)
    return session.scalar(_where(select(func.count()).select_from(R), f)) or 0


@reads
def list_rounds(
    session: Session, actor: Actor, f: ScreeningFilter, offset: int = 0, limit: int = 100
) -> list[RoundRow]:
    actor.require(Perm.VIEW_CASES)
    found, still_open, serious = _counts()
    query = select(
        R.uuid,
        R.held_on,
        Committee.name,
        R.method,
        R.area,
        R.staff,
        R.zero_report,
        found,
        still_open,
        serious,
        R.period_from,
        R.period_to,
        R.voided_on,
    ).join(Committee, Committee.uuid == R.committee_uuid)
    key = found if f.sort == "found" else _SORTS.get(f.sort, R.held_on)
    order = [key.desc() if f.descending else key.asc(), R.uuid.desc() if f.descending else R.uuid.asc()]
    rows = session.execute(_where(query, f).order_by(*order).offset(offset).limit(limit))
    return [
        RoundRow(
            uuid,
            held_on,
            committee,
            "零报告" if zero else rules.METHODS.get(method, method),
            area,
            staff,
            bool(zero),
            int(found),
            int(still_open),
            int(serious),
            f"{start} 至 {end}" if zero and start and end else "",
            voided is not None,
        )
        for uuid, held_on, committee, method, area, staff, zero, found, still_open, serious, start, end, voided in rows
    ]


def _dispute_doc(d: ScreenedDispute, types: dict[str, str], case_no: str | None, today: date) -> dict[str, Any]:
    return {
        "id": d.uuid,
        "type": types.get(d.dispute_type, d.dispute_type),
        "type_code": d.dispute_type,
        "applicant": d.applicant,
        "applicant_phone": d.applicant_phone,
        "respondent": d.respondent,
        "respondent_phone": d.respondent_phone,
        "summary": d.summary,
        "risk": d.risk,
        "risk_label": rules.RISKS.get(d.risk, d.risk),
        "action": d.action,
        "status": d.status,
        "status_label": rules.STATUSES.get(d.status, d.status),
        "case_uuid": d.case_uuid,
        "case_no": case_no,
        "closed_on": d.closed_on.isoformat() if d.closed_on else None,
        "referred_to": d.referred_to,
        "closing_note": d.closing_note,
        "watched": d.watched,
        "responsible": d.responsible,
        "measures": d.measures,
        "next_check_on": d.next_check_on.isoformat() if d.next_check_on else None,
        "last_checked_on": d.last_checked_on.isoformat() if d.last_checked_on else None,
        "check_due": d.watched and rules.check_due(d.next_check_on, today),
    }


def _disputes(session: Session, round_uuids: list[str], today: date) -> dict[str, list[dict[str, Any]]]:
    types = codes.labels(session, "dispute_type")
    out: dict[str, list[dict[str, Any]]] = {u: [] for u in round_uuids}
    for start in range(0, len(round_uuids), 500):
        rows = session.execute(
            select(D, MediationCase.case_no)
            .outerjoin(MediationCase, MediationCase.uuid == D.case_uuid)
            .where(D.round_uuid.in_(round_uuids[start : start + 500]), D.deleted.is_(False))
            .order_by(D.round_uuid, D.uuid)
        )
        for d, case_no in rows:
            out[d.round_uuid].append(_dispute_doc(d, types, case_no, today))
    return out


def _round_doc(r: ScreeningRound, committee: str, disputes: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": r.uuid,
        "date": r.held_on.isoformat(),
        "committee": committee,
        "committee_uuid": r.committee_uuid,
        "method": r.method,
        "method_label": rules.METHODS.get(r.method, r.method),
        "area": r.area,
        "staff": r.staff,
        "found": len(disputes),
        "zero_report": r.zero_report,
        "period_from": r.period_from.isoformat() if r.period_from else None,
        "period_to": r.period_to.isoformat() if r.period_to else None,
        "note": r.note,
        "disputes": disputes,
        "voided": r.voided_on is not None,
        "voided_on": r.voided_on.isoformat() if r.voided_on else None,
        "void_reason": r.void_reason,
        "voided_by": r.voided_by,
        "version": r.version,
    }


@reads
def round_detail(session: Session, actor: Actor, round_uuid: str) -> dict[str, Any]:
    """One round with its disputes; ``editable``: this node recorded it (the others are copies)."""
    actor.require(Perm.VIEW_CASES)
    from xihu_desk.domain.errors import NotFound

    row = session.execute(
        select(R, Committee.name).join(Committee, Committee.uuid == R.committee_uuid).where(R.uuid == round_uuid)
    ).first()
    if row is None or row[0].deleted:
        raise NotFound("找不到该排查记录（可能已被删除）。")
    r, committee = row
    doc = _round_doc(r, committee, _disputes(session, [r.uuid], actor.today)[r.uuid])
    officer = session.get(InfoOfficer, r.officer_uuid) if r.officer_uuid else None
    from xihu_desk.services import screening_corrections

    doc["officer"] = officer.name if officer else ""
    doc["officer_uuid"] = r.officer_uuid
    doc["editable"] = r.owner_node == session.scalar(select(Node.node_id).where(Node.id == 1))
    doc["changes"] = screening_corrections.changes_of(session, r.uuid)  # corrections and voiding, who/when/why
    return doc


@reads
def screenings(
    session: Session,
    actor: Actor,
    date_from: date | None = None,
    date_to: date | None = None,
    include_voided: bool = False,
) -> list[dict[str, Any]]:
    """Every round (and 零报告) held in the period, oldest first, with its disputes
    (``xihu-desk screening list``); voided ones only when asked (``--voided``)."""
    actor.require(Perm.VIEW_CASES)
    query = select(R, Committee.name).join(Committee, Committee.uuid == R.committee_uuid).where(R.deleted.is_(False))
    if not include_voided:
        query = query.where(R.voided_on.is_(None))
    if date_from:
        query = query.where(R.held_on >= date_from)
    if date_to:
        query = query.where(R.held_on <= date_to)
    rows = list(session.execute(query.order_by(R.held_on, R.uuid)))
    disputes = _disputes(session, [r.uuid for r, _c in rows], actor.today)
    return [_round_doc(r, committee, disputes[r.uuid]) for r, committee in rows]


@reads
def ledger(session: Session, actor: Actor, today: date | None = None) -> list[dict[str, Any]]:
    """重点矛盾纠纷台账: the watched disputes, the next check soonest first."""
    actor.require(Perm.VIEW_CASES)
    today = today or actor.today
    types = codes.labels(session, "dispute_type")
    rows = session.execute(
        select(D, R.held_on, Committee.name, MediationCase.case_no)
        .join(R, R.uuid == D.round_uuid)
        .join(Committee, Committee.uuid == R.committee_uuid)
        .outerjoin(MediationCase, MediationCase.uuid == D.case_uuid)
        .where(D.deleted.is_(False), D.watched.is_(True), *LIVE_ROUND)
        .order_by(D.next_check_on, D.uuid)
    )
    out = []
    for d, found_on, committee, case_no in rows:
        doc = _dispute_doc(d, types, case_no, today)
        doc.update(
            found_on=found_on.isoformat(),
            committee=committee,
            overdue=d.next_check_on is not None and d.next_check_on < today,
        )
        out.append(doc)
    return out


@dataclass(frozen=True)
class DueCheck:
    uuid: str  # the dispute
    round_uuid: str
    due: date
    text: str
    overdue: bool


@reads
def due_checks(session: Session, actor: Actor, today: date, limit: int = 200) -> list[DueCheck]:
    """Watched disputes whose next check is due within domain/screening.NOTICE_DAYS (home 待办)."""
    if not actor.can(Perm.VIEW_CASES):
        return []
    horizon = rules.NOTICE_DAYS
    rows = session.execute(
        select(D.uuid, D.round_uuid, D.next_check_on, D.applicant, D.respondent, D.risk, D.responsible)
        .join(R, R.uuid == D.round_uuid)
        .where(
            D.deleted.is_(False),
            *LIVE_ROUND,
            D.watched.is_(True),
            D.next_check_on.is_not(None),
            D.next_check_on <= today + timedelta(days=horizon),
            D.owner_node == select(Node.node_id).where(Node.id == 1).scalar_subquery(),
        )
        .order_by(D.next_check_on)
        .limit(limit)
    )
    return [
        DueCheck(
            uuid,
            round_uuid,
            due,
            f"重点矛盾纠纷检查：{a}与{b}（{rules.RISKS.get(risk, risk)}，责任人{who or '未定'}）",
            due < today,
        )
        for uuid, round_uuid, due, a, b, risk, who in rows
        if due is not None  # the query asks for a date; this tells the type checker
    ]


@reads
def officers(session: Session, actor: Actor, committee_uuid: str = "") -> list[dict[str, Any]]:
    """信息员 with the number of reports (rounds of the method 信息员报告) each made."""
    actor.require(Perm.VIEW_CASES)
    reports = (
        select(R.officer_uuid, func.count(R.uuid).label("n"))
        .where(*LIVE_ROUND, R.officer_uuid.is_not(None))
        .group_by(R.officer_uuid)
        .subquery()
    )
    query = (
        select(InfoOfficer, Committee.name, func.coalesce(reports.c.n, 0))
        .join(Committee, Committee.uuid == InfoOfficer.committee_uuid)
        .outerjoin(reports, reports.c.officer_uuid == InfoOfficer.uuid)
        .where(InfoOfficer.deleted.is_(False))
        .order_by(Committee.name_key, InfoOfficer.name)
    )
    if committee_uuid:
        query = query.where(InfoOfficer.committee_uuid == committee_uuid)
    return [
        {
            "id": o.uuid,
            "name": o.name,
            "kind": o.kind,
            "kind_label": rules.OFFICER_KINDS.get(o.kind, o.kind),
            "committee": committee,
            "committee_uuid": o.committee_uuid,
            "phone": o.phone,
            "area": o.area,
            "active": o.active,
            "deactivated_on": o.deactivated_on.isoformat() if o.deactivated_on else None,
            "deactivation_reason": o.deactivation_reason,
            "reactivated_on": o.reactivated_on.isoformat() if o.reactivated_on else None,
            "reports": int(n),
        }
        for o, committee, n in session.execute(query)
    ]


@reads
def form_choices(session: Session, actor: Actor) -> dict[str, Any]:
    """What the round form offers: this node's committees, its officers, the dispute types."""
    actor.require(Perm.VIEW_CASES)
    from xihu_desk.services import committees

    return {
        "committees": [(c.uuid, c.name) for c in committees.list_committees(session, own_only=True)],
        # the active officers only, without officers()' report counts (grouped over every round)
        "officers": [
            (uuid, name, committee_uuid)
            for uuid, name, committee_uuid in session.execute(
                select(InfoOfficer.uuid, InfoOfficer.name, InfoOfficer.committee_uuid)
                .join(Committee, Committee.uuid == InfoOfficer.committee_uuid)
                .where(InfoOfficer.deleted.is_(False), InfoOfficer.active.is_(True))
                .order_by(Committee.name_key, InfoOfficer.name)
            )
        ],
        "dispute_types": codes.items(session, "dispute_type"),
    }


@reads
def type_code(session: Session, text: str) -> str:
    """A dispute type as typed on the command line: its code (02) or its name (邻里)."""
    from xihu_desk.domain.errors import FieldError

    text = text.strip()
    for code, label in codes.items(session, "dispute_type"):
        if text in (code, label):
            return code
    raise FieldError("dispute_type", f"未知的纠纷类型“{text}”，请写代码或名称，如 02 或 邻里。")
