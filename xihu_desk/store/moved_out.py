"""The read-only copies a node keeps of cases it transferred (移送) to another office (issue 18).

A copy is a case this node gave away by an accepted transfer (case_transfer_decision, from this
node) and does not own again: a case transferred back is this node's own case once more. Every
count and list total that feeds a report leaves these copies out, since the case counts once,
where it is closed; the case list shows them marked 已移送. SQL only, so the store's case list and
the services share one definition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, String, column, select, table
from sqlalchemy.orm import Session, aliased

from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import Node, OrgUnit

# case_transfer_decision (store/transfer_models.py) as a plain table: the case list reads it without
# loading the transfer models and services (a list pays for no change service, tests/test_lazy_imports.py)
_D = table(
    "case_transfer_decision",
    column("case_uuid", String),
    column("from_node", String),
    column("to_node", String),
    column("to_org", String),
    column("accepted", Boolean),
    column("decided_on", Date),
).c


def _me() -> Any:
    return select(Node.node_id).where(Node.id == 1).scalar_subquery()


def uuids() -> Any:
    """The uuids of the cases transferred out from this node and not held here again (a subquery for
    ``MediationCase.uuid.not_in(...)`` / ``.in_(...)``)."""
    me = _me()
    held = aliased(MediationCase)  # its own FROM: not correlated with the caller's case query
    return (
        select(_D.case_uuid)
        .join(held, held.uuid == _D.case_uuid)
        .where(_D.accepted.is_(True), _D.from_node == me, held.owner_node != me)
    )


def counted(case_uuid: Any) -> Any:
    """The condition a report's query adds: this case is not a copy kept after a transfer."""
    return case_uuid.not_in(uuids())


@dataclass(frozen=True)
class MovedTo:
    node: str  # the receiving office's node id
    org: str  # its org code
    name: str  # its name
    on: date  # the day the district agreed

    def as_json(self) -> dict[str, Any]:
        return {"node": self.node, "org": self.org, "name": self.name, "on": self.on.isoformat()}


def moved_to(session: Session, case_uuids: list[str]) -> dict[str, MovedTo]:
    """For the given cases, where those that are copies here went (one query for a page of cases)."""
    if not case_uuids:
        return {}
    found: dict[str, MovedTo] = {}
    rows = session.execute(
        select(_D.case_uuid, _D.to_node, _D.to_org, _D.decided_on)
        .where(_D.case_uuid.in_(case_uuids), _D.case_uuid.in_(uuids()))
        .where(_D.accepted.is_(True), _D.from_node == _me())
        .order_by(_D.decided_on)
    ).all()
    names = dict(
        session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_({r[2] for r in rows}))).all()
    )
    for case_uuid, node, org, on in rows:  # the latest decision last: it wins
        found[case_uuid] = MovedTo(node, org, names.get(org, org), on)
    return found
