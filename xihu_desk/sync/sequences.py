"""Bundle sequence numbers: the gaps between those received, as ranges, and how far one may jump.

A sender numbers its bundles 1, 2, 3 … (design.md §5.2). The receiver lists what is missing as
ranges ("3–9999999"), never number by number, so a sequence far ahead costs no memory; and it
refuses a bundle whose number jumps further past the last one received than any real loss of
bundles could explain (a broken or forged sender), with the reason in one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_MAX_JUMP = 1000  # bundles that may go missing in a row (services/settings.py changes it)
MAX_SEQUENCE = 2**63 - 1


@dataclass(frozen=True, order=True)
class Span:
    """Missing bundles ``first`` to ``last`` (both included)."""

    first: int
    last: int

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"

    def __len__(self) -> int:
        return self.last - self.first + 1

    def as_json(self) -> dict[str, int]:
        return {"from": self.first, "to": self.last}


def gaps(received: Iterable[int]) -> list[Span]:
    """The numbers missing from 1 up to the highest received, as ranges; memory grows with the
    number of bundles received, not with the numbers."""
    out: list[Span] = []
    expected = 1
    for n in sorted(set(received)):
        if n > expected:
            out.append(Span(expected, n - 1))
        expected = max(expected, n + 1)
    return out


GAPS_LISTED = 1000  # missing numbers listed one by one in the JSON's "gaps" (all are in "gap_ranges")


def as_json(spans: list[Span]) -> dict[str, object]:
    """The JSON of design.md §10 keeps "gaps" a list of numbers, as district scripts read it, but
    at most GAPS_LISTED of them; "gap_ranges" has every gap as {from, to} and "gaps_missing" the
    count, so a forged sequence far ahead costs no memory."""
    listed: list[int] = []
    for span in spans:
        listed.extend(range(span.first, min(span.last, span.first + GAPS_LISTED - len(listed) - 1) + 1))
        if len(listed) >= GAPS_LISTED:
            break
    return {"gaps": listed, "gap_ranges": [s.as_json() for s in spans], "gaps_missing": sum(len(s) for s in spans)}


def text(spans: Iterable[Span]) -> str:
    """'1、3–9999999' for people."""
    return "、".join(str(s) for s in spans)


def jump_problem(sequence: int, received: Iterable[int], max_jump: int, sender_name: str) -> str:
    """Why bundle ``sequence`` is refused as too far ahead of what ``sender_name`` sent before, or ''."""
    last = max(received, default=0)
    if sequence <= last + max_jump:
        return ""
    before = (
        f"比已收到的最大序号 {last} 超前 {sequence - last - 1} 个"
        if last
        else f"而此前未收到该单位的任何数据包，前面缺 {sequence - 1} 个"
    )
    return (
        f"{sender_name} 的数据包序号为 {sequence}，{before}"
        f"（上限 {max_jump} 个），可能是序号错误或伪造的数据包，拒绝导入。请联系该单位核实；"
        f"确属正常时，管理员可在“系统设置 → 系统参数”中调高“数据包序号最大跳跃”后再导入。"
    )
