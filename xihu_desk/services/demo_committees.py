"""Demo committees as they are (issue 18): particulars (with an earlier version for the office's
own committee), members with roles and three-year terms drawn from each roster (topped up from
the office's committee, so some people serve two committees), a change of role, a few cases
escalated from community committees to the office's committee and one co-mediated.

Its own random generator, seeded from a constant, so the demo's other data stay as they were."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import Status
from xihu_desk.services import committee_roster, escalation
from xihu_desk.services.context import Actor
from xihu_desk.store.case_models import Agreement, CaseMediator, MediationCase, Mediator
from xihu_desk.store.committee_models import CommitteeMember, CommitteeProfile
from xihu_desk.store.models import Committee, Node, OrgUnit

SEED = 18_2026
ELECTED = date(2024, 1, 1)  # the last 换届: terms run three years from here
ESCALATE = 2


def fill(session: Session, actor: Actor, today: date) -> None:
    rng = random.Random(SEED)
    me = session.scalar(select(Node.node_id).where(Node.id == 1))
    own = list(
        session.scalars(
            select(Committee)
            .where(Committee.owner_node == me, Committee.deleted.is_(False))
            .order_by(Committee.name_key, Committee.uuid)
        )
    )
    profiled = set(session.scalars(select(CommitteeProfile.committee_uuid)))
    staffed = set(session.scalars(select(CommitteeMember.committee_uuid)))
    office = next((c for c in own if c.kind in ("street", "town")), None)
    office_people = _roster(session, office.uuid) if office else []
    for c in own:
        if c.uuid not in profiled:
            _profiles(session, actor, rng, c, c is office)
        if c.uuid not in staffed:
            _members(session, actor, rng, c, _roster(session, c.uuid), office_people, c is office)
    if office is not None:
        _moves(session, actor, rng, office, own)


def _roster(session: Session, committee_uuid: str) -> list[Mediator]:
    return list(
        session.scalars(
            select(Mediator)
            .where(Mediator.committee_uuid == committee_uuid, Mediator.deleted.is_(False), Mediator.active.is_(True))
            .order_by(Mediator.name_key, Mediator.uuid)
        )
    )


def _profiles(session: Session, actor: Actor, rng: random.Random, c: Committee, is_office: bool) -> None:
    unit = session.get(OrgUnit, c.org_code)
    street = unit.name if unit else ""
    kind = {"street": "street", "town": "street", "community": "community", "village": "community"}.get(
        c.kind, "sector"
    )
    registered = date(rng.randrange(2008, 2016), rng.randrange(1, 13), rng.randrange(1, 28))
    filed = registered + timedelta(days=rng.randrange(15, 60))
    phone = f"0571-8{rng.randrange(1000000, 9999999)}"
    place = c.name.removeprefix(street).removesuffix("人民调解委员会")
    first = committee_roster.ProfileInput(
        registered if not is_office else date(2021, 1, 1),
        kind,
        registered_on=registered,
        filed_on=filed,
        filing_no=f"西司调备〔{filed.year}〕{rng.randrange(1, 60)}号",
        seal=f"{c.name}印",
        address=f"杭州市西湖区{street}{place}综治中心" if place else f"杭州市西湖区{street}社会治理中心",
        phone=phone,
        reason="成立" if not is_office else "换届",
    )
    committee_roster.set_profile(session, actor, c.uuid, first)
    if is_office:  # moved into the street's 社会治理中心 at the last 换届: the earlier address stays in history
        committee_roster.set_profile(
            session,
            actor,
            c.uuid,
            committee_roster.ProfileInput(
                ELECTED,
                kind,
                registered_on=registered,
                filed_on=filed,
                filing_no=first.filing_no,
                seal=first.seal,
                address=f"杭州市西湖区{street}社会治理中心二楼调解室",
                phone=phone,
                reason="换届，迁入社会治理中心",
            ),
        )


def _members(
    session: Session,
    actor: Actor,
    rng: random.Random,
    c: Committee,
    people: list[Mediator],
    office_people: list[Mediator],
    is_office: bool,
) -> None:
    chosen = list(people[: rng.randrange(3, 6)])
    for extra in office_people:  # a small committee borrows from the office's: one person, two committees
        if len(chosen) >= 3:
            break
        if extra not in chosen:
            chosen.append(extra)
    roles = ["chair"] + (["vice_chair"] if len(chosen) > 3 else []) + ["member"] * len(chosen)
    rows = []
    for person, role in zip(chosen, roles, strict=False):
        rows.append(
            committee_roster.add_member(
                session, actor, c.uuid, person.uuid, role, ELECTED, ethnic_minority=rng.random() < 0.08
            )
        )
    for person in people[len(chosen) : len(chosen) + 2]:  # appointed mediators who are not committee members
        committee_roster.add_member(session, actor, c.uuid, person.uuid, "mediator", ELECTED)
    if is_office and len(rows) >= 3:  # a 委员 elected 副主任 mid-term (补选)
        committee_roster.change_role(session, actor, rows[-1], "vice_chair", date(2025, 3, 1), "补选副主任")


def _moves(session: Session, actor: Actor, rng: random.Random, office: Committee, own: list[Committee]) -> None:
    communities = [c.uuid for c in own if c.kind in ("community", "village")]
    if not communities:
        return
    open_cases = list(
        session.scalars(
            select(MediationCase)
            .outerjoin(Agreement, Agreement.case_uuid == MediationCase.uuid)
            .where(
                MediationCase.committee_uuid.in_(communities),
                MediationCase.status.in_([Status.ACCEPTED, Status.MEDIATING]),
                MediationCase.deleted.is_(False),
                Agreement.uuid.is_(None),
            )
            .order_by(MediationCase.case_no)
        )
    )
    reasons = ["涉及两个社区的居民，社区调委会调解未果，提请街道调委会调解", "案情复杂、涉及金额较大，社区调委会提级"]
    for case, reason in zip(rng.sample(open_cases, min(ESCALATE, len(open_cases))), reasons, strict=False):
        escalation.escalate(session, actor, case.uuid, office.uuid, reason)
    helpers = [m for c in communities for m in _roster(session, c)]
    office_open = session.scalar(
        select(MediationCase.uuid)
        .outerjoin(Agreement, Agreement.case_uuid == MediationCase.uuid)
        .where(
            MediationCase.committee_uuid == office.uuid,
            MediationCase.status.in_([Status.ACCEPTED, Status.MEDIATING]),
            MediationCase.deleted.is_(False),
            Agreement.uuid.is_(None),
        )
        .order_by(MediationCase.case_no)
        .limit(1)
    )
    if office_open:  # someone not yet on the case (demo cases may already mix committees' mediators)
        on_case = set(session.scalars(select(CaseMediator.mediator_uuid).where(CaseMediator.case_uuid == office_open)))
        helpers = [m for m in helpers if m.uuid not in on_case]
    if helpers and office_open:
        escalation.co_mediate(
            session, actor, office_open, [rng.choice(helpers).uuid], "纠纷发生在社区，请社区调解员共同调解"
        )
