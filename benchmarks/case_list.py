"""Case list speed at scale: each step through the app's own query path, beside the same
query in plain sqlite3 measured in the same run.

    .venv/bin/python benchmarks/gen_cases.py benchmarks/.cache/cases-1m 1000000   # once, ~3 min
    .venv/bin/python benchmarks/case_list.py benchmarks/.cache/cases-1m

Targets (issue 3): first screen < 300 ms; filter or sort change < 200 ms; a two-character
name search < 200 ms; scrolling to the end keeps the process under 400 MB.
"""

from __future__ import annotations

import resource
import sqlite3
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from xihu_desk.paths import DataDir
from xihu_desk.services import case_queries
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_list import CaseFilter

PAGE = 100
TODAY = date(2026, 11, 27)


def best(fn, runs: int = 5) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(root: Path) -> None:
    data = DataDir(root)
    db = migrate.open_database(data).db
    raw = sqlite3.connect(f"{data.database.resolve().as_uri()}?mode=ro", uri=True)
    actor = cli_actor()
    total = raw.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    name = raw.execute("SELECT name FROM party WHERE length(name) = 2 LIMIT 1 OFFSET 777").fetchone()[0]
    print(f"cases: {total:,}   two-character name searched: {name}")
    print(f"{'step':38} {'app best/median ms':>20} {'sqlite3 best ms':>16} {'ratio':>7}  target")

    def app(f: CaseFilter, offset: int = 0):  # noqa: ANN202
        def run():
            with db.read() as s:
                total = case_queries.count_cases(s, actor, f, TODAY)
                case_queries.list_cases(s, actor, f, TODAY, offset, PAGE, total)
        return run

    def sql(where: str, order: str, params=(), offset: int = 0):  # noqa: ANN001, ANN202
        def run():
            raw.execute(f"SELECT count(*) FROM mediation_case WHERE deleted = 0 {where}", params).fetchone()
            rows = raw.execute(f"SELECT * FROM mediation_case WHERE deleted = 0 {where} ORDER BY {order} "
                               f"LIMIT {PAGE} OFFSET {offset}", params).fetchall()
            uuids = [r[0] for r in rows]
            raw.execute(f"SELECT * FROM party WHERE case_uuid IN ({','.join('?' * len(uuids))})", uuids).fetchall()
        return run

    steps = [
        ("first screen (count + page 1)", app(CaseFilter()), sql("", "accepted_on DESC, seq DESC, uuid DESC"), 300),
        ("filter: status + type", app(CaseFilter(status="mediating", dispute_type="02")),
         sql("AND status = 'mediating' AND dispute_type = '02'", "accepted_on DESC, seq DESC, uuid DESC"), 200),
        ("filter: year 2024", app(CaseFilter(year=2024)),
         sql("AND accepted_on BETWEEN '2024-01-01' AND '2024-12-31'", "accepted_on DESC, seq DESC, uuid DESC"), 200),
        ("sort: case number ascending", app(CaseFilter(sort="case_no", descending=False)),
         sql("", "year, seq, uuid"), 200),
        (f"search: two-character name {name}", app(CaseFilter(text=name)),
         sql("AND uuid IN (SELECT case_uuid FROM party WHERE name GLOB ?)", "accepted_on DESC, seq DESC, uuid DESC",
             (name + "*",)), 200),
        ("search: one character (surname)", app(CaseFilter(text=name[0])),
         sql("AND uuid IN (SELECT case_uuid FROM party WHERE name GLOB ?)", "accepted_on DESC, seq DESC, uuid DESC",
             (name[0] + "*",)), None),
        ("search: three characters, full text", app(CaseFilter(text="天花板")),
         sql("AND uuid IN (SELECT case_uuid FROM case_search WHERE id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?))",
             "accepted_on DESC, seq DESC, uuid DESC", ('"天花板"',)), 200),
        ("last page (scrollbar dragged to the end)", app(CaseFilter(), total - PAGE),
         sql("", "accepted_on DESC, seq DESC, uuid DESC", offset=total - PAGE), 200),
    ]
    for label, app_fn, sql_fn, target in steps:
        a_best, a_med = best(app_fn)
        s_best, _ = best(sql_fn)
        verdict = "" if target is None else ("ok" if a_med < target else "OVER") + f" < {target}"
        print(f"{label:38} {a_best:9.1f} / {a_med:7.1f} {s_best:16.1f} {a_best / s_best:7.2f}  {verdict}")

    # Scrolling through every page, as the list model does with its bounded page cache.
    before = rss_mb()
    started = time.perf_counter()
    cache: dict[int, list] = {}
    with db.read() as s:
        for offset in range(0, total, PAGE * 50):  # every 50th page: the scrollbar dragged down
            cache[offset] = case_queries.list_cases(s, actor, CaseFilter(), TODAY, offset, PAGE, total)
            if len(cache) > 50:
                cache.pop(next(iter(cache)))
    print(f"scroll to the end ({total // (PAGE * 50)} page jumps): {time.perf_counter() - started:.1f} s, "
          f"peak RSS {before:.0f} -> {rss_mb():.0f} MB (target < 400 MB)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.cache/cases-1m"))
