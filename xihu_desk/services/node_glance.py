"""What the first window needs of this node: whether it is set up, and the unit and level the
login window names. One plain query on a plain connection and no model module or other service,
so the login window paints before the ORM, the models and the services are loaded (issue 15);
services/node.py stays the full reading (node_info)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from xihu_desk.domain.levels import Level

_QUERY = text(
    "SELECT node.org_code, node.level, org_unit.name FROM node"
    " LEFT JOIN org_unit ON org_unit.code = node.org_code WHERE node.id = 1"
)


@dataclass(frozen=True)
class Glance:
    org_code: str
    org_name: str
    level_label: str


def glance(conn) -> Glance | None:
    """The node's unit and level as node.node_info words them; None before init. ``conn`` is a
    plain connection (Database.peek) or a session."""
    row = conn.execute(_QUERY).first()
    if row is None:
        return None
    org_code, level, name = row
    return Glance(org_code=org_code, org_name=name or org_code, level_label=Level(level).label)
