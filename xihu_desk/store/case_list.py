"""SQL for the case list: filters and sorts on indexed columns, text search by FTS5 trigram
(3+ characters) or by indexed name prefix (1–2 characters, tech-notes.md §5).

A page is read in two steps: the page's uuids from a covering partial index (so OFFSET skips
index entries, not table rows: the last of a million rows costs ~50 ms instead of seconds),
then those rows. When the match set is large, the walk is pinned to the index in sort order
(the first page is found after a few hundred entries); when it is small, SQLite is left to
start from the selective condition and sort the few rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy import ColumnElement, TextClause
from sqlalchemy.orm import Session

from xihu_desk.store import dialect, moved_out
from xihu_desk.store.case_models import CaseMediator, CaseSearch, MediationCase, Party

OPEN_STATUSES = ("accepted", "mediating")
OPEN = "open"  # CaseFilter.status for every case still being handled (OPEN_STATUSES)
TRANSFERRED_ONLY, TRANSFERRED_HIDE = "only", "hide"  # CaseFilter.transferred
LIVE = dialect.live("mediation_case")  # on SQLite literally the partial indexes' condition
SELECTIVE = 5000  # below this many matches, let SQLite start from the filter and sort

# sort key -> (columns, the covering index that walks them in order, if any)
SORTS = {
    "accepted_on": ((MediationCase.accepted_on, MediationCase.seq), "ix_case_live_date"),
    "case_no": ((MediationCase.year, MediationCase.seq), "ix_case_live_number"),
    "due_on": ((MediationCase.due_on, MediationCase.seq), None),
    "status": ((MediationCase.status, MediationCase.accepted_on), None),
    "dispute_type": ((MediationCase.dispute_type, MediationCase.accepted_on), None),
    "title": ((MediationCase.title, MediationCase.seq), None),
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
    accepted_from: date | None = None
    accepted_to: date | None = None
    followup_due: bool = False  # closed after an agreement, the follow-up visit's date reached
    scan_text: bool = False  # 1–2 characters: also look through the cases' text (a scan the user asked for)
    transferred: str = ""  # 移送: "only" the read-only copies kept here, "hide" them, "" both (moved_out.py)
    sort: str = "accepted_on"
    descending: bool = True

    @property
    def full_text(self) -> bool:
        words = self.text.split()
        return bool(words) and all(len(w) >= 3 for w in words)

    @property
    def only_text(self) -> bool:
        return bool(self.text.strip()) and not (
            self.year
            or self.status
            or self.dispute_type
            or self.source
            or self.committee_uuid
            or self.mediator_uuid
            or self.overdue
            or self.accepted_from
            or self.accepted_to
            or self.followup_due
            or self.transferred
        )


def fts_phrase(query: str) -> str:
    """One FTS5 phrase per whitespace-separated word, ANDed; quotes doubled."""
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in query.split())


def _fts_rowids(query: str):
    return text("SELECT rowid FROM case_fts WHERE case_fts MATCH :q").bindparams(q=fts_phrase(query))


def _contains_all(query: str) -> ColumnElement[bool]:
    """PostgreSQL: every word in the searchable text, by ILIKE (its pg_trgm index serves 3+ characters)."""
    return and_(*(CaseSearch.body.ilike(f"%{dialect.like_escape(w)}%", escape="\\") for w in query.split()))


def _full_text(query: str) -> dialect.Either:
    """The case_search rows holding every word: FTS5 trigram on SQLite, ILIKE on pg_trgm on a server."""
    return dialect.Either(CaseSearch.id.in_(_fts_rowids(query)), _contains_all(query))


def _text_condition(f: CaseFilter):
    if f.full_text:
        return MediationCase.uuid.in_(select(CaseSearch.case_uuid).where(_full_text(f.text)))
    # 1–2 characters: a surname or a two-character name. A name prefix uses the index on
    # party.name (GLOB is case-sensitive, so SQLite can use the ordinary index).
    words = f.text.split()
    pattern = words[0].replace("[", "[[]").replace("*", "[*]").replace("?", "[?]") + "*"
    prefix = Party.name.like(dialect.like_escape(words[0]) + "%", escape="\\")  # text_pattern_ops index
    by_name = select(Party.case_uuid).where(
        dialect.Either(Party.name.op("GLOB")(pattern), prefix), Party.deleted.is_(False)
    )
    if not f.scan_text:
        return MediationCase.uuid.in_(by_name)
    # Asked for: every word anywhere in the searchable text (the trigram index cannot help below
    # three characters, so this reads case_search through once).
    in_text = select(CaseSearch.case_uuid).where(
        *(dialect.Either(func.instr(CaseSearch.body, w) > 0, func.strpos(CaseSearch.body, w) > 0) for w in words)
    )
    return or_(MediationCase.uuid.in_(by_name), MediationCase.uuid.in_(in_text))


def where(f: CaseFilter, today: date) -> list[ColumnElement[bool] | TextClause]:
    conditions: list[ColumnElement[bool] | TextClause] = [LIVE]
    if f.year:
        conditions.append(MediationCase.accepted_on.between(date(f.year, 1, 1), date(f.year, 12, 31)))
    if f.status == OPEN:
        conditions.append(MediationCase.status.in_(OPEN_STATUSES))
    elif f.status:
        conditions.append(MediationCase.status == f.status)
    if f.accepted_from:
        conditions.append(MediationCase.accepted_on >= f.accepted_from)
    if f.accepted_to:
        conditions.append(MediationCase.accepted_on <= f.accepted_to)
    if f.followup_due:
        conditions.append(and_(MediationCase.status == "closed", MediationCase.followup_due <= today))
    if f.dispute_type:
        conditions.append(MediationCase.dispute_type == f.dispute_type)
    if f.source:
        conditions.append(MediationCase.source == f.source)
    if f.committee_uuid:
        conditions.append(MediationCase.committee_uuid == f.committee_uuid)
    if f.mediator_uuid:
        conditions.append(
            exists().where(
                and_(CaseMediator.case_uuid == MediationCase.uuid, CaseMediator.mediator_uuid == f.mediator_uuid)
            )
        )
    if f.overdue:
        conditions.append(and_(MediationCase.status.in_(OPEN_STATUSES), MediationCase.due_on < today))
    if f.text.strip():
        conditions.append(_text_condition(f))
    if f.transferred == TRANSFERRED_ONLY:
        conditions.append(MediationCase.uuid.in_(moved_out.uuids()))
    elif f.transferred == TRANSFERRED_HIDE:
        conditions.append(moved_out.counted(MediationCase.uuid))
    return conditions


def _count_index(f: CaseFilter) -> str | None:
    """The narrowest index for counts SQLite would otherwise do by scanning the table."""
    rest = (
        f.year,
        f.status,
        f.dispute_type,
        f.committee_uuid,
        f.mediator_uuid,
        f.overdue,
        f.text.strip(),
        f.accepted_from,
        f.accepted_to,
        f.followup_due,
        f.transferred,
    )
    if not any(rest):
        return "ix_case_live_source" if f.source else "ix_case_live_due"
    return None


def count(session: Session, f: CaseFilter, today: date) -> int:
    if f.only_text and f.full_text and not dialect.is_sqlite(session):
        return session.scalar(select(func.count()).select_from(CaseSearch).where(_contains_all(f.text))) or 0
    if f.only_text and f.full_text:
        # Straight from the index: each live case has exactly one case_search row.
        return (
            session.execute(
                text("SELECT count(*) FROM case_fts WHERE case_fts MATCH :q"), {"q": fts_phrase(f.text)}
            ).scalar()
            or 0
        )
    query = select(func.count()).select_from(MediationCase).where(*where(f, today))
    index = _count_index(f)
    if index:
        query = query.with_hint(MediationCase, f"INDEXED BY {index}", "sqlite")
    return session.scalar(query) or 0


def page_uuids(
    session: Session, f: CaseFilter, today: date, offset: int, limit: int, total: int | None = None
) -> list[str]:
    columns, index = SORTS.get(f.sort, SORTS["accepted_on"])
    descending = f.descending
    # Past the middle, walk from the other end: the last page costs what the first does.
    backwards = total is not None and offset > total // 2
    if backwards and total is not None:
        descending = not descending
        limit = max(0, min(limit, total - offset))
        offset = max(0, total - offset - limit)
    order = [c.desc() if descending else c.asc() for c in (*columns, MediationCase.uuid)]
    query = select(MediationCase.uuid).where(*where(f, today)).order_by(*order).offset(offset).limit(limit)
    if index and (total is None or total >= SELECTIVE):
        query = query.with_hint(MediationCase, f"INDEXED BY {index}", "sqlite")
    found = list(session.scalars(query))
    return found[::-1] if backwards else found


def rows_by_uuid(session: Session, uuids: list[str]) -> list[MediationCase]:
    found = {c.uuid: c for c in session.scalars(select(MediationCase).where(MediationCase.uuid.in_(uuids)))}
    return [found[u] for u in uuids if u in found]


def page(
    session: Session, f: CaseFilter, today: date, offset: int, limit: int, total: int | None = None
) -> list[MediationCase]:
    return rows_by_uuid(session, page_uuids(session, f, today, offset, limit, total))


def parties_of(session: Session, case_uuids: list[str]) -> dict[str, list[Party]]:
    found: dict[str, list[Party]] = {u: [] for u in case_uuids}
    if case_uuids:
        rows = session.scalars(
            select(Party)
            .where(Party.case_uuid.in_(case_uuids), Party.deleted.is_(False))
            .order_by(Party.case_uuid, Party.position)
        )
        for p in rows:
            found[p.case_uuid].append(p)
    return found
