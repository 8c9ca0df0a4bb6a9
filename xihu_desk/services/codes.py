"""Code lists (dispute types, sources, …) as loaded from db/reference/codes.json."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain.errors import FieldError
from xihu_desk.store.case_models import RefCode


def items(session: Session, list_name: str, *, include_retired: bool = False) -> list[tuple[str, str]]:
    query = select(RefCode.code, RefCode.label).where(RefCode.list_name == list_name)
    if not include_retired:
        query = query.where(RefCode.retired.is_(False))
    return [(c, lbl) for c, lbl in session.execute(query.order_by(RefCode.position))]


def items_of(session: Session, *list_names: str) -> dict[str, list[tuple[str, str]]]:
    """Several code lists in one read (a form's combo boxes)."""
    return {name: items(session, name) for name in list_names}


def labels(session: Session, list_name: str) -> dict[str, str]:
    return dict(items(session, list_name, include_retired=True))


def label(session: Session, list_name: str, code: str | None) -> str:
    if not code:
        return ""
    found = session.scalar(select(RefCode.label).where(RefCode.list_name == list_name, RefCode.code == code))
    return found or code


def require(session: Session, list_name: str, code: str, field: str, what: str) -> None:
    row = session.get(RefCode, (list_name, code or ""))
    if row is None or row.retired:
        raise FieldError(field, f"请选择{what}。")
