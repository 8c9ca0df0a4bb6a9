"""Demo: the provincial platform's case codes (平台案件编号, issue 19). Most cases accepted before the
last ten days were entered in the platform and carry its code; a few were missed, and most of the
recent ones are still to enter, so the home page, the entry list and 平台对账 have something to
show. Its own generator (``SEED`` with the demo's seed): the demo's cases, parties and mediators
stay exactly as the other demo modules make them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.cases import Status
from xihu_desk.services import audit, node, platform_codes
from xihu_desk.services.context import Actor
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.platform_models import PlatformMonth

SEED = 190019
RECENT_DAYS = 10  # cases accepted within these days are mostly not entered yet
ENTERED_EARLIER = 0.85
ENTERED_RECENTLY = 0.3


def fill(session: Session, actor: Actor, seed: int, today: date) -> int:
    """Give this office's demo cases their platform codes; returns how many got one."""
    rng = random.Random(SEED * 1000 + seed)
    info = node.node_info(session)
    rows = session.scalars(
        select(MediationCase)
        .where(
            MediationCase.deleted.is_(False),
            MediationCase.status != Status.VOID.value,
            MediationCase.owner_node == info.node_id,
            MediationCase.platform_code.is_(None),
        )
        .order_by(MediationCase.accepted_on, MediationCase.year, MediationCase.seq)
    ).all()
    taken = set(session.scalars(select(MediationCase.platform_code).where(MediationCase.platform_code.is_not(None))))
    given = 0
    for case in rows:
        recent = case.accepted_on > today - timedelta(days=RECENT_DAYS)
        if rng.random() >= (ENTERED_RECENTLY if recent else ENTERED_EARLIER):
            continue
        # ZJJF, the day entered (a day or few after acceptance), a serial: 11 digits, never ID-shaped
        # (15 or 18 digits would be masked in every export as an ID number would)
        entered = min(case.accepted_on + timedelta(days=rng.randrange(0, 4)), today)
        code = f"ZJJF{entered:%y%m%d}{rng.randrange(100000):05d}"
        while code in taken:  # the demo run again on the same node draws the same numbers first
            code = f"ZJJF{entered:%y%m%d}{rng.randrange(100000):05d}"
        taken.add(code)
        # as typed when the case was entered: part of the case's history, no new version
        case.platform_code = platform_codes.check(session, code)
        given += 1
    session.flush()
    # The month before last was reconciled; last month is still to do (the home page says so).
    first = today.replace(day=1)
    before_last = (first - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    month = f"{before_last:%Y-%m}"
    if rows and session.get(PlatformMonth, month) is None:
        session.add(
            PlatformMonth(
                month=month,
                reconciled_at=actor.now,
                reconciled_by=actor.display_name or actor.name,
                file_name=f"解纷码导出_{before_last:%Y%m}.xlsx",
                matched=0,
                only_here=0,
                only_platform=0,
                mismatched=0,
            )
        )
    audit.record(session, actor, "demo.platform", "case", "", summary=f"演示数据：{given} 件案件登记了平台案件编号")
    return given
