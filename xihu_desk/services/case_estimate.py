"""Roughly how many cases there are, without counting them (the case list on a big server table)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xihu_desk.domain.roles import Perm
from xihu_desk.services.context import Actor
from xihu_desk.services.units import reads
from xihu_desk.store import row_estimate


def estimated(dialect: str) -> bool:
    """Whether ``estimate_cases`` can find anything on this kind of database: the case list asks
    for it only then (on SQLite it would open a unit of work for None at every refresh)."""
    return row_estimate.kept_by(dialect)


@reads
def estimate_cases(session: Session, actor: Actor) -> int | None:
    """The planner's figure for the case table (None on SQLite, whose count is fast): the case
    list shows 约 n 件 and its first rows while the exact count runs (gui/paged.py)."""
    actor.require(Perm.VIEW_CASES)
    return row_estimate.rows(session, "mediation_case")
