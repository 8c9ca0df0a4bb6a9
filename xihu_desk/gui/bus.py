"""What changed (design.md §3): one signal for the whole program, emitted on the GUI thread after a
write has committed, carrying the audit records of its transaction (action, entity, id). Pages
follow it through ``ops.ListRefresher``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # not at start: the audit service loads after the login window (issue 15)
    from xihu_desk.services.audit import Change


@dataclass(frozen=True)
class Changes:
    """Everything one committed write did, from its audit records."""

    records: tuple[Change, ...]

    @property
    def entities(self) -> frozenset[str]:
        return frozenset(c.entity for c in self.records)

    def touches(self, entities: Iterable[str]) -> bool:
        return not self.entities.isdisjoint(entities)

    def ids(self, entity: str) -> set[str]:
        return {c.entity_id for c in self.records if c.entity == entity}


class ChangeBus(QObject):
    changed = Signal(object)  # Changes


_bus: ChangeBus | None = None


def bus() -> ChangeBus:
    """The one bus of this process (made on first use, on the GUI thread)."""
    global _bus
    if _bus is None:
        _bus = ChangeBus()
    return _bus


def announce(records: Iterable[Change]) -> None:
    """Tell the screens what a committed write changed (the runner does this after each write)."""
    found = tuple(records)
    if found:
        bus().changed.emit(Changes(found))
