"""Where a line of Chinese text may break (行首行尾禁则), for every paragraph and table cell.

reportlab's CJK wrapping breaks after any character and, when the next one may not start a line,
lets it hang past the right edge (over a cell's border) and then starts the following line with
whatever comes next (often a comma). Here the break moves back instead: the characters that may
not start a line (，。、）》：；！？…) and those that may not end one (（《“) go down to the next line
with their neighbour, and a run of Latin letters or digits (a phone number, 2026, an ID number)
is not cut unless it is longer than the line. No line is ever wider than the room it has.

``install()`` puts these rules into reportlab's two CJK splitters once (layout.py calls it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Closing marks, stops and pauses: never the first character of a line.
CANNOT_START = frozenset("，。、：；！？）》」』】〉〕］｝…—’”%‰℃·,.;:!?)]}")
# Opening marks and prefixes: never the last character of a line.
CANNOT_END = frozenset("（《「『【〈〔［｛‘“([{¥￥$")
_FUZZ = 1e-6


def _wordish(ch: str) -> bool:
    """Part of a Latin word or a number (kept whole): ASCII letters and digits, and a few joiners."""
    return ch.isascii() and (ch.isalnum() or ch in "-_./@%")


def _legal(text: Sequence[str], start: int, end: int, words: bool) -> bool:
    """May a line hold text[start:end] and break after it?"""
    if end >= len(text):
        return True
    if text[end] in CANNOT_START or text[end - 1] in CANNOT_END:
        return False
    return not (words and _wordish(text[end - 1]) and _wordish(text[end]))


def line_ends(
    text: Sequence[str], widths: Sequence[float], max_widths: Sequence[float], hard: frozenset[int] = frozenset()
) -> list[int]:
    """The end index (exclusive) of each line. ``hard`` holds indices after which a line must end
    (a <br/>). A line is never wider than its room unless a single character is."""
    ends: list[int] = []
    n, start = len(text), 0
    while start < n:
        room = max_widths[min(len(ends), len(max_widths) - 1)]
        used, end = 0.0, start
        while end < n:
            if used + widths[end] > room + _FUZZ and end > start:
                break
            used += widths[end]
            end += 1
            if end - 1 in hard:
                break
        if end < n and end - 1 not in hard:
            end = _back_off(text, start, end)
        ends.append(end)
        start = end
    return ends


def _back_off(text: Sequence[str], start: int, end: int) -> int:
    """Move a break back to the nearest place the rules allow (first with words kept whole, then
    without); a line that allows none keeps the greedy break."""
    for words in (True, False):
        e = end
        while e > start + 1 and not _legal(text, start, e, words):
            e -= 1
        if _legal(text, start, e, words):
            return e
    return end


# ----------------------------------------------------------------------------- reportlab hooks


def _dumb_split(word: str, widths: Sequence[float], max_widths: Any) -> list[list[Any]]:
    """textsplit.dumbSplit with the rules: [[extra space, line text], …] (one-run paragraphs)."""
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    out: list[list[Any]] = []
    start = 0
    for i, end in enumerate(line_ends(word, widths, max_widths)):
        room = max_widths[min(i, len(max_widths) - 1)]
        out.append([room - sum(widths[start:end]), word[start:end]])
        start = end
    return out


def _cjk_frag_split(frags: list[Any], max_widths: Any, calc_bounds: bool, encoding: str = "utf8") -> Any:
    """paragraph.cjkFragSplit with the rules (paragraphs of several runs, e.g. a bold label)."""
    from reportlab.platypus import paragraph

    rp: Any = paragraph  # its CJK helpers are not in the type stubs
    if not isinstance(max_widths, (list, tuple)):
        max_widths = [max_widths]
    units: list[Any] = []
    for f in frags:
        text = f.text.decode(encoding) if isinstance(f.text, bytes) else f.text
        units.extend([rp.cjkU(t, f, encoding) for t in text] if text else [rp.cjkU(text, f, encoding)])
    widths = []
    for i, u in enumerate(units):
        w = u.width
        if hasattr(w, "normalizedValue"):
            room = max_widths[0]
            w._normalizer = room
            w = w.normalizedValue(room)
        widths.append(w)
        units[i] = u
    hard = frozenset(i for i, u in enumerate(units) if hasattr(u.frag, "lineBreak"))
    lines = []
    start = 0
    for i, end in enumerate(line_ends([str(u) or "\n" for u in units], widths, max_widths, hard)):
        room = max_widths[min(i, len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(rp.makeCJKParaLine(units[start:end], room, used, room - used, end - 1 in hard, calc_bounds))
        start = end
    return rp.ParaLines(kind=1, lines=lines)


_installed = False


def install() -> None:
    """Use these rules for every CJK paragraph reportlab lays out in this process."""
    global _installed
    if _installed:
        return
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    modules: list[Any] = [textsplit, paragraph]  # the splitters are module globals, looked up at each call
    modules[0].dumbSplit = _dumb_split  # called by wordSplit, which one-run paragraphs use
    modules[1].cjkFragSplit = _cjk_frag_split
    _installed = True
