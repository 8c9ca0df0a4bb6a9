"""A case's history rows (store/case_models.CaseHistory): written beside the audit event of a
change made after the fact, read back for ``case show`` and the case form. Kept apart from
services/cases.py and case_lifecycle.py so both can write them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xihu_desk.domain import clock
from xihu_desk.domain.corrections import ACTIONS
from xihu_desk.services.context import Actor
from xihu_desk.services.records import stamp_new
from xihu_desk.store.case_models import CaseHistory, MediationCase


def add(
    session: Session,
    actor: Actor,
    case: MediationCase,
    action: str,
    reason: str,
    *,
    field: str = "",
    field_label: str = "",
    before: str = "",
    after: str = "",
) -> CaseHistory:
    """One history row at the case's current version (the caller has stamped the case)."""
    row = CaseHistory(
        uuid="",
        case_uuid=case.uuid,
        case_version=case.version,
        action=action,
        field=field[:40],
        field_label=field_label[:40],
        before=before,
        after=after,
        reason=reason.strip(),
        by_name=(actor.display_name or actor.name)[:80],
        by_account=actor.name[:80],
        at=actor.now,
    )
    stamp_new(session, actor, row)
    row.owner_node = case.owner_node  # a part belongs to whoever manages the case
    session.add(row)
    return row


def rows(session: Session, case_uuid: str) -> list[CaseHistory]:
    return list(
        session.scalars(
            select(CaseHistory)
            .where(CaseHistory.case_uuid == case_uuid, CaseHistory.deleted.is_(False))
            .order_by(CaseHistory.case_version, CaseHistory.at, CaseHistory.uuid)
        )
    )


def as_dicts(history: list[CaseHistory]) -> list[dict[str, Any]]:
    """Versions as ``case show --json`` lists them: who, when (local time), what, why."""
    return [
        {
            "version": h.case_version,
            "action": h.action,
            "action_label": ACTIONS.get(h.action, h.action),
            "field": h.field,
            "field_label": h.field_label,
            "before": h.before,
            "after": h.after,
            "reason": h.reason,
            "by": h.by_name,
            "account": h.by_account,
            "at": clock.to_local(h.at).isoformat(sep=" ", timespec="minutes"),
        }
        for h in history
    ]
