"""Progress of a long command on stderr (stdout keeps only the result, or the --json document):
first how long it will take, estimated from the database's size, then a line every few seconds."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from xihu_desk.store import progress as estimates

SAY_AFTER_S = 3.0  # a job estimated shorter than this runs quietly
EVERY_S = 5.0


class StderrProgress:
    """``step(done=, stage=, total=)`` as the services call it; prints at most every EVERY_S."""

    def __init__(
        self, estimate_s: float, what: str, size: int, out: TextIO | None = None, every_s: float = EVERY_S
    ) -> None:
        self.out = out or sys.stderr
        self.loud = estimate_s >= SAY_AFTER_S
        self.every_s = every_s
        self._last = 0.0
        self._said = ""
        if self.loud:
            self._print(f"{what}：数据库 {size / 1e9:.1f} GB，预计需要{estimates.duration_text(estimate_s)}，请稍候。")

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)

    def step(self, done: int | None = None, stage: str | None = None, total: int | None = None) -> None:
        if not self.loud or not total or done is None:
            return
        now = time.monotonic()
        line = f"{stage or ''} {100 * done // total}%"
        if now - self._last >= self.every_s and line != self._said:
            self._last, self._said = now, line
            self._print(line)
