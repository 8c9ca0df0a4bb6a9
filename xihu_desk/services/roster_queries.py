"""The 调解员名册 list screen's queries: how many mediators a filter matches, and one page of them in
the order of the column the user clicked, so the list reads pages from SQL like the case list and
the review register instead of the whole roster.

Names and committees sort by their stored pinyin keys (domain/names.py), codes (用工类型, 等级, 状态)
by code, then the name; the uuid breaks ties so pages never overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xihu_desk.services.context import Actor
from xihu_desk.services.mediators import MediatorRow, RosterFilter, _row, require_view, roster_where
from xihu_desk.services.units import reads
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import Committee

# sort key -> the columns it orders by (then the uuid)
SORTS: dict[str, tuple[Any, ...]] = {
    "committee": (Committee.name_key, Mediator.name_key),
    "name": (Mediator.name_key,),
    "employment": (Mediator.employment_type, Mediator.name_key),
    "grade": (Mediator.grade, Mediator.name_key),
    "status": (Mediator.status, Mediator.name_key),
    "appointed_on": (Mediator.appointed_on, Mediator.name_key),
    "registration_no": (Mediator.registration_no, Mediator.name_key),
    "phone": (Mediator.phone, Mediator.name_key),
}


@dataclass(frozen=True)
class RosterPage(RosterFilter):
    """A roster filter with the list's order (committee, then name, by default)."""

    sort: str = "committee"
    descending: bool = False


@reads
def count_roster(session: Session, actor: Actor, f: RosterFilter) -> int:
    require_view(actor)
    query = select(func.count()).select_from(Mediator).join(Committee, Committee.uuid == Mediator.committee_uuid)
    return session.scalar(roster_where(query, f)) or 0


@reads
def list_roster(session: Session, actor: Actor, f: RosterPage, offset: int, limit: int) -> list[MediatorRow]:
    """Mediators ``offset`` .. ``offset + limit`` of the filter, in its order."""
    require_view(actor)
    keys = (*SORTS.get(f.sort, SORTS["committee"]), Mediator.uuid)
    order = [k.desc() for k in keys] if f.descending else list(keys)
    query = select(Mediator, Committee.name, Committee.name_key).join(
        Committee, Committee.uuid == Mediator.committee_uuid
    )
    rows = session.execute(roster_where(query, f).order_by(*order).offset(offset).limit(limit))
    return [_row(m, cname, ckey) for m, cname, ckey in rows]
