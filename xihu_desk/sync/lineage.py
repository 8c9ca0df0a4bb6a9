"""Who may send records of whom: the levels of the org tree and the forwarding claims a child makes.

A child's manifest lists the nodes whose records it forwards (``children``). That list is only
a claim. A claimed node is accepted when its parent is the sender or a node already accepted
below the sender, its level is just below that parent's, and it is not known here otherwise
(our own peer, or below another child), and its org unit lies in the sender's area. A claim
never moves a node. The session-side facts (is this node known, is that org inside) come in as
functions, so the decisions here are plain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from xihu_desk.domain.levels import Level

ORDER = (Level.COMMUNITY, Level.TOWNSHIP, Level.DISTRICT)
MAX_CLAIMS = 10_000  # what one manifest may claim; more is ignored (a broken sender)


def directly_below(lower: Level, upper: Level) -> bool:
    """Is ``lower`` the level just under ``upper`` (a community under a township…)?"""
    return ORDER.index(lower) + 1 == ORDER.index(upper)


def level_below(level: str) -> str:
    """The level just under ``level``, or '' (older senders do not state a claimed node's level)."""
    i = [lv.value for lv in ORDER].index(level)
    return ORDER[i - 1].value if i > 0 else ""


@dataclass(frozen=True)
class Claim:
    node_id: str
    org_code: str
    level: str
    parent: str
    fingerprint: str


def claims_of(manifest: Mapping[str, Any], sender: str) -> list[Claim]:
    """The forwarding claims of a manifest, bounded and typed (it came from outside)."""
    raw = manifest.get("children")
    if not isinstance(raw, list):
        return []
    return [
        Claim(
            node_id=c["node_id"][:36],
            org_code=str(c.get("org_code", ""))[:12],
            level=str(c.get("level", "")),
            parent=str(c.get("parent") or sender),  # older senders list only their own children
            fingerprint=str(c.get("fingerprint", ""))[:80],
        )
        for c in raw[:MAX_CLAIMS]
        if isinstance(c, dict) and isinstance(c.get("node_id"), str)
    ]


@dataclass
class Judgement:
    accepted: list[Claim]
    refused: list[tuple[Claim, str]]  # the claim and why (Chinese, for the import report)
    orphans: list[Claim]  # parent neither the sender nor a node accepted below it


def judge(
    claims: list[Claim],
    sender: str,
    levels: Mapping[str, str],
    *,
    known_elsewhere: Callable[[str], str],
    outside: Callable[[str], str],
) -> Judgement:
    """Decide each claim. ``levels``: node id -> level of the sender and the nodes already known
    below it. ``known_elsewhere(node_id)`` says why a node is already placed elsewhere, or '';
    ``outside(org_code)`` says why an org unit is not in the sender's area, or ''."""
    levels = dict(levels)
    out = Judgement([], [], [])
    pending = claims
    progress = True
    while pending and progress:  # a claim may name a parent claimed later in the list
        progress, waiting = False, []
        for claim in pending:
            if claim.node_id in levels:  # the sender itself, or a node already placed below it
                continue
            if claim.parent not in levels:
                waiting.append(claim)
                continue
            progress = True
            level = claim.level or level_below(levels[claim.parent])
            reason = known_elsewhere(claim.node_id)
            if not reason and (
                level not in {lv.value for lv in Level} or not directly_below(Level(level), Level(levels[claim.parent]))
            ):
                reason = "层级不符"
            reason = reason or outside(claim.org_code)
            if reason:
                out.refused.append((claim, reason))
                continue
            accepted = Claim(claim.node_id, claim.org_code, level, claim.parent, claim.fingerprint)
            out.accepted.append(accepted)
            levels[claim.node_id] = level
        pending = waiting
    out.orphans = pending
    return out
