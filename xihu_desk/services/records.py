"""Bookkeeping shared by every record that travels: identity, owner, version, tombstone."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xihu_desk.domain import ids
from xihu_desk.services.context import Actor
from xihu_desk.store.base import Travelling
from xihu_desk.store.models import Node


def stamp_new(session: Session, actor: Actor, record: Travelling) -> None:
    node = session.get(Node, 1)
    assert node is not None, "a record can only be made on an initialised node"
    record.uuid = record.uuid or ids.new_uuid()
    record.origin_node = node.node_id
    record.owner_node = node.node_id
    record.version = 1
    record.updated_at = actor.now
    record.deleted = False


def stamp_changed(actor: Actor, record: Travelling) -> None:
    record.version += 1
    record.updated_at = actor.now


def snapshot(record: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(record, f) for f in fields}
