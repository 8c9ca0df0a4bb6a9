"""SQL for the case list: filters and sorts on indexed columns, pages by LIMIT, text search by
FTS5 trigram (3+ characters) or by indexed name prefix (1–2 characters, tech-notes.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from xihu_desk.store.case_models import CaseMediator, CaseSearch, MediationCase, Party

OPEN_STATUSES = ("accepted", "mediating")

# sort key -> columns (the case number sorts by year and sequence)
SORTS = {
    "accepted_on": (MediationCase.accepted_on, MediationCase.seq),
    "case_no": (MediationCase.year, MediationCase.seq),
    "due_on": (MediationCase.due_on, MediationCase.seq),
    "status": (MediationCase.status, MediationCase.accepted_on),
    "dispute_type": (MediationCase.dispute_type, MediationCase.accepted_on),
    "title": (MediationCase.title, MediationCase.seq),
}


@dataclass(frozen=True)
class CaseFilter:
    year: int | None = None
    status: str = ""
    dispute_type: str = ""
    source: str = ""
    committee_uuid: str = ""
    mediator_uuid: str = ""
    overdue: bool = False
    text: str = ""
    sort: str = "accepted_on"
    descending: bool = True


def fts_phrase(query: str) -> str:
    """One FTS5 phrase per whitespace-separated word, ANDed; quotes doubled."""
    words = [w.replace('"', '""') for w in query.split() if w]
    return " AND ".join(f'"{w}"' for w in words)


def _text_condition(query: str):  # noqa: ANN202 - a SQL expression
    query = query.strip()
    if len(query) >= 3 and all(len(w) >= 3 for w in query.split()):
        hits = text("SELECT rowid FROM case_fts WHERE case_fts MATCH :q").bindparams(q=fts_phrase(query))
        return MediationCase.uuid.in_(select(CaseSearch.case_uuid).where(CaseSearch.id.in_(hits)))
    # 1–2 characters: a surname or a two-character name. Name prefix uses the index on party.name
    # (GLOB is case-sensitive, so SQLite can use the ordinary index); the case number too.
    pattern = query.replace("[", "[[]").replace("*", "[*]").replace("?", "[?]") + "*"
    by_name = select(Party.case_uuid).where(Party.name.op("GLOB")(pattern), Party.deleted.is_(False))
    return or_(MediationCase.uuid.in_(by_name), MediationCase.case_no.contains(query, autoescape=True))


def where(f: CaseFilter, today: date) -> list:
    conditions = [MediationCase.deleted.is_(False)]
    if f.year:
        conditions.append(MediationCase.accepted_on.between(date(f.year, 1, 1), date(f.year, 12, 31)))
    if f.status:
        conditions.append(MediationCase.status == f.status)
    if f.dispute_type:
        conditions.append(MediationCase.dispute_type == f.dispute_type)
    if f.source:
        conditions.append(MediationCase.source == f.source)
    if f.committee_uuid:
        conditions.append(MediationCase.committee_uuid == f.committee_uuid)
    if f.mediator_uuid:
        conditions.append(exists().where(and_(CaseMediator.case_uuid == MediationCase.uuid,
                                              CaseMediator.mediator_uuid == f.mediator_uuid)))
    if f.overdue:
        conditions.append(and_(MediationCase.status.in_(OPEN_STATUSES), MediationCase.due_on < today))
    if f.text.strip():
        conditions.append(_text_condition(f.text))
    return conditions


def count(session: Session, f: CaseFilter, today: date) -> int:
    return session.scalar(select(func.count()).select_from(MediationCase).where(*where(f, today))) or 0


def page_query(f: CaseFilter, today: date, offset: int, limit: int) -> Select:
    columns = SORTS.get(f.sort, SORTS["accepted_on"])
    order = [c.desc() if f.descending else c.asc() for c in columns]
    return (select(MediationCase).where(*where(f, today)).order_by(*order, MediationCase.uuid)
            .offset(offset).limit(limit))


def page(session: Session, f: CaseFilter, today: date, offset: int, limit: int) -> list[MediationCase]:
    return list(session.scalars(page_query(f, today, offset, limit)))


def parties_of(session: Session, case_uuids: list[str]) -> dict[str, list[Party]]:
    found: dict[str, list[Party]] = {u: [] for u in case_uuids}
    if case_uuids:
        rows = session.scalars(select(Party).where(Party.case_uuid.in_(case_uuids), Party.deleted.is_(False))
                               .order_by(Party.case_uuid, Party.position))
        for p in rows:
            found[p.case_uuid].append(p)
    return found


