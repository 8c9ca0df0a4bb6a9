"""Where an incoming bundle stands in its sender's line (design.md §5.2): new, a duplicate, or a fork.

Each bundle names its sequence number and the SHA-256 of the sender's previous bundle. Against
what this node already imported from that sender:

- the same number with the same file: already imported (the receipt is written again, nothing else);
- the same number with another file, or a previous-bundle hash that is not the one imported:
  a fork (the sender restored a backup and numbered again); nothing of it is imported;
- a file of a line an administrator set aside (resolve-fork kept the sender's new line): refused;
- otherwise it is new. A bundle numbered above every one received continues the line, which
  settles any fork recorded before it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import Enum


class Place(Enum):
    NEW = "new"
    ALREADY_IMPORTED = "already-imported"
    FORK_SAME_NUMBER = "fork-same-number"  # another file under a number already imported
    FORK_NOT_JOINED = "fork-not-joined"  # does not follow the previous bundle imported
    SUPERSEDED = "superseded"  # a bundle of a line set aside


def place(
    sha256: str, prev_sha256: str, *, held_same: str | None, held_prev: str | None, superseded: set[str]
) -> Place:
    """``held_same``: the hash of the bundle already imported under this number (or None);
    ``held_prev``: the hash of the one imported under the number before (or None)."""
    if sha256 in superseded:
        return Place.SUPERSEDED
    if held_same is not None:
        return Place.ALREADY_IMPORTED if held_same == sha256 else Place.FORK_SAME_NUMBER
    if held_prev is not None and prev_sha256 != held_prev:
        return Place.FORK_NOT_JOINED
    return Place.NEW


def continues_line(sequence: int, received: Iterable[int]) -> bool:
    """A bundle above every one received continues the line: forks recorded before it are over."""
    return sequence > max(received, default=0)


def superseded_hashes(lists: Iterable[str]) -> set[str]:
    """The bundle hashes of lines set aside, from each resolved fork's JSON list [[seq, id, sha], …]."""
    out: set[str] = set()
    for text in lists:
        out.update(str(item[2]) for item in json.loads(text or "[]"))
    return out


def last_shared(first_fork_prev_sha: str, first_fork_sequence: int, held_sequence_of_prev: int | None) -> int | None:
    """The last bundle both lines share when accepting a child's new line: 0 when the forked line
    starts afresh, the bundle it follows when that is the one just before it, else None (the two
    lines share nothing and the new one cannot be taken as it is)."""
    if not first_fork_prev_sha:
        return 0
    if held_sequence_of_prev is None or held_sequence_of_prev != first_fork_sequence - 1:
        return None
    return held_sequence_of_prev
