"""Node levels and the org-unit hierarchy rules."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    COMMUNITY = "community"
    TOWNSHIP = "township"
    DISTRICT = "district"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self]


LEVEL_LABELS = {
    Level.COMMUNITY: "社区（村）调解点",
    Level.TOWNSHIP: "街道（镇）司法所",
    Level.DISTRICT: "区司法局",
}

# Which level a node's parent is at. The district has no parent.
PARENT_LEVEL = {Level.COMMUNITY: Level.TOWNSHIP, Level.TOWNSHIP: Level.DISTRICT}


def org_kind_fits(level: Level, org_kind: str) -> bool:
    """A district node serves the district unit; community and township nodes a street or town."""
    if level is Level.DISTRICT:
        return org_kind == "district"
    return org_kind in ("street", "town")
