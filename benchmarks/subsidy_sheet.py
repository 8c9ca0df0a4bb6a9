"""以案定补 sheet at volume: statements and time of ``subsidy.sheet`` over every case of a demo node,
read a page of cases at a time (services/subsidy_facts.py), against the same sheet with each case's
file scored from its whole case page (case_detail), as it was before: the ratio, and whether the
two sheets are equal.

    .venv/bin/python benchmarks/subsidy_sheet.py [/tmp/subsidy-2000] [CASES]

The node is made with the real demo (about 20 ms a case) the first time and reused afterwards.
Measured on the shared 2-core build machine (2,000 demo cases, 1,874 closed, shipped rules with
review bands; the sheets equal): 44 statements and 0.25-0.7 s against about 74,000 statements and
25-35 s, 50 to 140 times faster. The code before the change, run on the same node: 73,983
statements, 24.9 s, and the same sheet.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event

from xihu_desk.paths import DataDir
from xihu_desk.services import case_queries, demo, node, subsidy, subsidy_facts
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

TODAY = date(2026, 11, 27)
PERIOD = (date(2020, 1, 1), TODAY)


def _node(root: Path, cases: int) -> Any:
    made = root.exists()
    db = migrate.open_database(DataDir(root)).db
    if not made:
        with db.write() as s:
            node.init_node(s, cli_actor(), node.InitCommand("330106002", "township", None, "admin", "Bench-mark-2026"))
        with db.write() as s:
            demo.fill(s, cli_actor(), demo.DemoCommand(cases=cases, seed=7, today=TODAY))
    return db


def _run(db: Any, held: dict[str, Any] | None = None) -> tuple[int, float, dict[str, Any]]:
    sent = [0]

    def count(*_args: Any) -> None:
        sent[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        start = time.perf_counter()
        with db.read() as s:
            if held is not None:
                held["session"] = s
            sheet = subsidy.sheet(s, cli_actor(), *PERIOD)
        took = time.perf_counter() - start
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sent[0], took, sheet.as_json()


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/subsidy-2000")
    db = _node(root, int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
    _run(db)  # statements compiled, pages cached: both runs below start warm
    new_n, new_t, new_doc = _run(db)
    paged = subsidy_facts._Page.review_doc
    actor = cli_actor()

    held: dict[str, Any] = {}

    def whole_page(self: Any, case: Any, _simple: Any) -> dict[str, Any]:
        # the case page as the sheet used to read it, one case at a time, in the sheet's session
        return case_queries.case_detail(held["session"], actor, case.uuid)

    subsidy_facts._Page.review_doc = whole_page  # type: ignore[method-assign]
    try:
        old_n, old_t, old_doc = _run(db, held)
    finally:
        subsidy_facts._Page.review_doc = paged  # type: ignore[method-assign]
    cases = sum(len(m["items"]) for m in new_doc["mediators"])
    print(f"sheet lines {cases}, total {new_doc['total']} 元, equal sheets: {new_doc == old_doc}")
    print(f"a page of cases at a time: {new_n} statements, {new_t:.2f} s")
    print(f"case page per case:        {old_n} statements, {old_t:.2f} s  (x{old_t / new_t:.0f})")
    db.dispose()


if __name__ == "__main__":
    main()
