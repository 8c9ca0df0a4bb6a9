"""The grading evidence (domain.md §4) of one mediator over one window, as SQL aggregates over the
case tables and the roster's logs: a case counts when this mediator is assigned to it and it was
accepted (受理) in the window; follow-up visits, training, awards, complaints, discipline and
escalations count by their own dates in the window; years of service run over every appointment
period up to the window's end. The counting rules themselves are in domain/grading.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from xihu_desk.domain import grading
from xihu_desk.domain.errors import FieldError
from xihu_desk.domain.grading import Evidence, RuleSet
from xihu_desk.services import mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store import moved_out
from xihu_desk.store.case_models import CaseMediator, Confirmation, FollowUp, MediationCase, Mediator
from xihu_desk.store.mediator_models import MediatorAppointment, MediatorEvent, MediatorTraining


def service_periods(session: Session, m: Mediator, until: date) -> list[tuple[date, date]]:
    """Every appointment period (the roster's current one and the logged ones), cut at ``until``."""
    periods = []
    rows = session.execute(
        select(MediatorAppointment.start_on, MediatorAppointment.end_on).where(
            MediatorAppointment.mediator_uuid == m.uuid, MediatorAppointment.deleted.is_(False)
        )
    ).all()
    for start, end in [*rows, (m.appointed_on, m.appointment_end)]:
        if start is None or start > until:
            continue
        periods.append((start, min(end or until, until)))
    return periods


@reads
def evidence(session: Session, actor: Actor, mediator_uuid: str, date_from: date, date_to: date) -> Evidence:
    """The grading evidence of one mediator for the window [date_from, date_to] (both included)."""
    mediators.require_view(actor)
    if date_to < date_from:
        raise FieldError("window_to", "统计期间的结束日期不能早于开始日期。")
    m = mediators.get(session, mediator_uuid)
    c, cm = MediationCase, CaseMediator
    in_window = and_(
        cm.mediator_uuid == m.uuid,
        c.deleted.is_(False),
        c.status != "void",
        moved_out.counted(c.uuid),  # 移送: the evidence is where the case is closed
        c.accepted_on >= date_from,
        c.accepted_on <= date_to,
    )
    joined = select().select_from(cm).join(c, c.uuid == cm.case_uuid).where(in_window)

    def count_if(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    lead, concluded, succeeded, oral, written = session.execute(
        joined.add_columns(
            count_if(cm.lead.is_(True)),
            count_if(c.outcome.is_not(None)),
            count_if(c.outcome == "succeeded"),
            count_if(and_(c.outcome == "succeeded", c.agreement_form == "oral")),
            count_if(and_(c.outcome == "succeeded", c.agreement_form == "written")),
        )
    ).one()
    per_year: dict[int, int] = dict(session.execute(joined.add_columns(c.year, func.count()).group_by(c.year)).all())
    by_difficulty: dict[str, int] = dict(
        session.execute(joined.add_columns(c.difficulty, func.count()).group_by(c.difficulty)).all()
    )
    confirmed = (
        session.scalar(
            joined.add_columns(func.count(func.distinct(c.uuid)))
            .join(Confirmation, Confirmation.case_uuid == c.uuid)
            .where(Confirmation.result == "confirmed", Confirmation.deleted.is_(False))
        )
        or 0
    )
    followups = (
        session.scalar(
            select(func.count())
            .select_from(FollowUp)
            .join(cm, cm.case_uuid == FollowUp.case_uuid)
            .join(c, c.uuid == FollowUp.case_uuid)
            .where(
                cm.mediator_uuid == m.uuid,
                c.deleted.is_(False),
                c.status != "void",
                moved_out.counted(c.uuid),
                FollowUp.deleted.is_(False),
                FollowUp.visited_on >= date_from,
                FollowUp.visited_on <= date_to,
            )
        )
        or 0
    )
    training_tenths, sessions = session.execute(
        select(func.coalesce(func.sum(MediatorTraining.tenth_hours), 0), func.count()).where(
            MediatorTraining.mediator_uuid == m.uuid,
            MediatorTraining.deleted.is_(False),
            MediatorTraining.held_on >= date_from,
            MediatorTraining.held_on <= date_to,
        )
    ).one()
    e = MediatorEvent
    events = session.execute(
        select(
            count_if(e.kind == "award"),
            count_if(e.kind == "complaint"),
            count_if(and_(e.kind == "complaint", e.outcome == "upheld")),
            count_if(e.kind == "discipline"),
            count_if(e.kind == "escalation"),
        ).where(e.mediator_uuid == m.uuid, e.deleted.is_(False), e.occurred_on >= date_from, e.occurred_on <= date_to)
    ).one()
    awards, complaints, upheld, discipline, escalations = events
    return grading.tally(
        m.uuid,
        m.name,
        m.employment_type,
        date_from,
        date_to,
        service_days=grading.merged_days(service_periods(session, m, date_to)),
        per_year=per_year,
        cases_lead=lead,
        cases_concluded=concluded,
        cases_succeeded=succeeded,
        oral_agreements=oral,
        written_agreements=written,
        by_difficulty=by_difficulty,
        confirmed_cases=confirmed,
        followups=followups,
        training_tenths=training_tenths,
        training_sessions=sessions,
        awards=awards,
        complaints=complaints,
        complaints_upheld=upheld,
        discipline=discipline,
        escalations=escalations,
    )


def first_day(session: Session, mediator_uuid: str) -> date | None:
    """Where a whole-career window starts: the first appointment, or the first case."""
    m = mediators.get(session, mediator_uuid)
    starts = [
        d
        for d in session.scalars(
            select(MediatorAppointment.start_on).where(
                MediatorAppointment.mediator_uuid == m.uuid, MediatorAppointment.deleted.is_(False)
            )
        )
    ]
    if m.appointed_on:
        starts.append(m.appointed_on)
    first_case = session.scalar(
        select(func.min(MediationCase.accepted_on))
        .join(CaseMediator, CaseMediator.case_uuid == MediationCase.uuid)
        .where(CaseMediator.mediator_uuid == m.uuid, MediationCase.deleted.is_(False), MediationCase.status != "void")
        .where(moved_out.counted(MediationCase.uuid))
    )
    if first_case:
        starts.append(first_case)
    return min(starts) if starts else None


@reads
def default_window(session: Session, rules: RuleSet, mediator_uuid: str, today: date) -> tuple[date, date]:
    return grading.default_window(rules, first_day(session, mediator_uuid), today)
