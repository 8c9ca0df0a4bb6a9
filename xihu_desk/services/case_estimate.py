"""Roughly how many cases there are, without counting them (the case list on a big server table)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xihu_desk.domain.roles import Perm
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store import row_estimate


@reads
def estimate_cases(session: Session, actor: Actor) -> int | None:
    """The planner's figure for the case table (None on SQLite, whose count is fast): the case
    list shows 约 n 件 and its first rows while the exact count runs (gui/paged.py)."""
    actor.require(Perm.VIEW_CASES)
    return row_estimate.rows(session, "mediation_case")
