"""Demo data for 以案定补 (issue 20): two serving mediators of the demo roster are staff already paid
for mediating (在编人员, 政法专项编制), so the payment sheet shows who is left out and why. Its own
random generator: the rest of the demo stays as it was."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_changed
from xihu_desk.store.case_models import Mediator

SEED = 20_261_203


def fill(session: Session, actor: Actor, seed: int) -> int:
    rng = random.Random(SEED + seed)
    serving = list(
        session.scalars(
            select(Mediator).where(Mediator.deleted.is_(False), Mediator.status == "serving").order_by(Mediator.uuid)
        )
    )
    chosen = rng.sample(serving, k=min(2, len(serving)))
    for mediator, source in zip(chosen, ("staff", "zhengfa"), strict=False):
        mediator.source = source
        stamp_changed(actor, mediator)
    return len(chosen)
