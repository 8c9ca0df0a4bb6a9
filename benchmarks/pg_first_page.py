"""The case list's first screen on PostgreSQL at volume, before and after the rows-first count
(issue 17): what the GUI thread waits for, and when the exact count lands.

    .venv/bin/python benchmarks/pg_first_page.py 1000000 [--pg ADMIN_URL]

Before: the list counted (count_cases) and then read page 1, both on the GUI thread. After: above
gui/cases/model.COUNT_LATER_ABOVE cases the GUI thread reads the planner's estimate (unfiltered)
and page 1; count_cases runs on the DB thread and its result lands afterwards. The node is filled
by COPY as in pg_scale.py (same generator and seed); medians of 5 runs after a warm-up, in ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import pg_scale  # noqa: E402
from pg_scale import PAGE, TODAY, timed  # noqa: E402

from tests import pg_server  # noqa: E402
from xihu_desk.services import case_estimate, case_queries  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402
from xihu_desk.store.case_list import CaseFilter  # noqa: E402


def measure(data) -> None:
    db = migrate.open_database(data).db
    actor = cli_actor()

    def before(f: CaseFilter):
        def run():
            with db.read() as s:
                n = case_queries.count_cases(s, actor, f, TODAY)
                case_queries.list_cases(s, actor, f, TODAY, 0, PAGE, n)
        return run

    def after(f: CaseFilter):  # the model asks for the estimate on every reset (slow_count)
        def run():
            with db.read() as s:
                case_estimate.estimate_cases(s, actor)
            with db.read() as s:
                case_queries.list_cases(s, actor, f, TODAY, 0, PAGE, None)
        return run

    def count(f: CaseFilter):
        def run():
            with db.read() as s:
                case_queries.count_cases(s, actor, f, TODAY)
        return run

    with db.read() as s:
        print(f"estimate {case_estimate.estimate_cases(s, actor):,}  exact {case_queries.count_cases(s, actor, CaseFilter(), TODAY):,}")
    print(f"{'list (median of 5, ms)':28} {'before: count+page':>18} {'after: rows shown':>18} {'count lands':>12}")
    for label, f in (("all cases", CaseFilter()), ("year 2024", CaseFilter(year=2024)),
                     ("status + type", CaseFilter(status="mediating", dispute_type="02"))):
        b = timed(before(f))
        a = timed(after(f))
        c = timed(count(f))
        print(f"{label:28} {b:18.1f} {a:18.1f} {a + c:12.1f}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--pg", help="admin URL of a server to use (default: a throwaway one)")
    args = parser.parse_args()
    server = None if args.pg else pg_server.Server().start()
    admin = args.pg or server.url
    work = Path(tempfile.mkdtemp(prefix="xihu-pgfirst-"))
    try:
        data = pg_scale.pg_node(admin, work / "pg")
        t = time.perf_counter()
        copied, indexed = pg_scale.fill_pg(data, args.cases)
        print(f"PostgreSQL node: {args.cases:,} cases by COPY in {copied:.0f} s, indexes and ANALYZE {indexed:.0f} s "
              f"({time.perf_counter() - t:.0f} s)")
        measure(data)
    finally:
        if server is not None:
            server.stop()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
