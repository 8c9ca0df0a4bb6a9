"""The case list and a bundle import on PostgreSQL beside SQLite beside the same query in plain
psycopg, in one run (issue 17).

    .venv/bin/python benchmarks/pg_scale.py 1000000 [--import 100000] [--pg ADMIN_URL]

Without --pg a throwaway server is started in a temporary folder (tests/pg_server.py) and removed
at the end. Both nodes hold the same made-up cases (benchmarks/gen_cases.py, same seed): the SQLite
node by executemany, the PostgreSQL node made by the app's own migrations and init, then filled with
COPY (secondary indexes dropped before and rebuilt after, as a restore does; both timed). The
bundle import exports ``--import`` cases from a township node and imports them into an empty
district node on each backend, beside plain COPY of the same rows into an empty schema.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import gen_cases  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tests import pg_server  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import case_queries, exchange, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402
from xihu_desk.store.case_list import CaseFilter  # noqa: E402
from xihu_desk.store.models import Committee  # noqa: E402

PAGE = 100
TODAY = date(2026, 11, 27)
TABLES = ("mediation_case", "party", "case_search")
ORDER = "accepted_on DESC, seq DESC, uuid DESC"


def timed(fn, runs: int = 5) -> float:
    """Median of ``runs`` after one warm-up run, in ms."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def pg_node(admin: str, root: Path, org: str = "330106002", level: str = "township") -> DataDir:
    """A node on a new database of the server, made by the app's migrations and init."""
    pg_server.point_at(root, pg_server.create_database(admin))
    data = DataDir(root)
    opened = migrate.open_database(data)
    with opened.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(org, level, None, "admin", "Bench-mark-2026"))
    opened.db.dispose()
    return data


def copy_rows(conn: psycopg.Connection, batches) -> float:
    """COPY the generated batches into the three tables; seconds taken."""
    started = time.perf_counter()
    with conn.cursor() as cur:
        for done, cases, parties, search in batches:
            for table, rows in (("mediation_case", cases), ("party", parties)):
                cols = list(rows[0])  # the columns gen_cases fills; the others take their defaults
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(tuple(r[c] for c in cols))
            with cur.copy("COPY case_search (case_uuid, body) FROM STDIN") as copy:
                for row in search:
                    copy.write_row(row)
            print(f"\r  COPY {done:>9,} cases  {time.perf_counter() - started:6.1f} s", end="", file=sys.stderr)
    print(file=sys.stderr)
    conn.commit()
    return time.perf_counter() - started


def fill_pg(data: DataDir, n: int) -> tuple[float, float]:
    """The same rows as gen_cases.build on the SQLite node, by COPY; (copy s, index rebuild s)."""
    opened = migrate.open_database(data)
    with opened.db.read() as s:
        committee = s.scalar(select(Committee))
        node_id, cuuid, short = node.node_id(s), committee.uuid, committee.short_name
    opened.db.dispose()
    with psycopg.connect(plain(data.url)) as conn:
        indexes = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", (list(TABLES),)).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        copied = copy_rows(conn, gen_cases.batches(n, 1, node_id, cuuid, short))
        started = time.perf_counter()
        for _, definition in indexes:
            conn.execute(definition)
        conn.execute("ANALYZE")
        conn.commit()
    return copied, time.perf_counter() - started


def list_steps(sqlite_data: DataDir, pg_data: DataDir) -> None:
    sq = migrate.open_database(sqlite_data).db
    pg = migrate.open_database(pg_data).db
    raw = psycopg.connect(plain(pg_data.url), autocommit=True)
    actor = cli_actor()
    total = raw.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    name = raw.execute("SELECT name FROM party WHERE length(name) = 2 ORDER BY uuid LIMIT 1 OFFSET 777").fetchone()[0]
    print(f"\ncases: {total:,}   two-character name searched: {name}")
    print(f"{'step (median of 5, ms)':40} {'SQLite app':>11} {'PG app':>9} {'psycopg':>9} {'PG/SQLite':>10} {'app/psycopg':>12}")

    def app(db, f: CaseFilter, count_only: bool = False):
        def run():
            with db.read() as s:
                n = case_queries.count_cases(s, actor, f, TODAY)
                if not count_only:
                    case_queries.list_cases(s, actor, f, TODAY, 0, PAGE, n)
        return run

    def sql(where: str, params: tuple = (), count_only: bool = False):
        def run():
            raw.execute(f"SELECT count(*) FROM mediation_case WHERE NOT deleted {where}", params).fetchone()
            if count_only:
                return
            rows = raw.execute(f"SELECT * FROM mediation_case WHERE NOT deleted {where} ORDER BY {ORDER} LIMIT {PAGE}",
                               params).fetchall()
            raw.execute("SELECT * FROM party WHERE case_uuid = ANY(%s)", ([r[0] for r in rows],)).fetchall()
        return run

    by_name = "AND uuid IN (SELECT case_uuid FROM party WHERE name LIKE %s AND NOT deleted)"
    steps = [
        ("count (all cases)", CaseFilter(), sql("", count_only=True), True),
        ("first page (count + page 1)", CaseFilter(), sql(""), False),
        ("filter: status + type", CaseFilter(status="mediating", dispute_type="02"),
         sql("AND status = 'mediating' AND dispute_type = '02'"), False),
        ("filter: year 2024", CaseFilter(year=2024), sql("AND accepted_on BETWEEN '2024-01-01' AND '2024-12-31'"), False),
        ("search: 3 characters 天花板", CaseFilter(text="天花板"),
         sql("AND uuid IN (SELECT case_uuid FROM case_search WHERE body ILIKE %s)", ("%天花板%",)), False),
        (f"search: 2-character name {name}", CaseFilter(text=name), sql(by_name, (name + "%",)), False),
        (f"search: 1 character (surname) {name[0]}", CaseFilter(text=name[0]), sql(by_name, (name[0] + "%",)), False),
    ]
    for label, f, plain_fn, count_only in steps:
        a_sq = timed(app(sq, f, count_only))
        a_pg = timed(app(pg, f, count_only))
        p = timed(plain_fn)
        print(f"{label:40} {a_sq:11.1f} {a_pg:9.1f} {p:9.1f} {a_pg / a_sq:10.2f} {a_pg / p:12.2f}")
    raw.close()
    sq.dispose()
    pg.dispose()


def bundle_import(admin: str, work: Path, m: int) -> None:
    """A township's bundle of ``m`` cases imported by a district node on SQLite and on PostgreSQL."""
    import shutil

    actor = cli_actor()
    t0 = time.perf_counter()
    township = gen_cases.build(work / "township", m)
    sqlite_district = DataDir(work / "district-sqlite")
    opened = migrate.open_database(sqlite_district)
    with opened.db.write() as s:
        node.init_node(s, actor, node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    opened.db.dispose()
    pairs = {}  # one copy of the township per district, each enrolled with its own district only
    for label, district in (("SQLite", sqlite_district),
                            ("PostgreSQL", pg_node(admin, work / "district-pg", "330106", "district"))):
        copy = DataDir(shutil.copytree(township.root, work / f"township-{label}"))
        t, d = migrate.open_database(copy).db, migrate.open_database(district).db
        with t.read() as s:
            tk = exchange.export_key(s, actor)
        with d.read() as s:
            dk = exchange.export_key(s, actor)
        with d.write() as s:
            exchange.enrol(s, actor, tk)
        with t.write() as s:
            exchange.enrol(s, actor, dk)
        t.dispose()
        d.dispose()
        pairs[label] = (copy, district)
    print(f"\nbundle import: township node of {m:,} cases made and enrolled in {time.perf_counter() - t0:.0f} s")
    for label, (sender, district) in pairs.items():
        folder = work / "usb" / label
        folder.mkdir(parents=True)
        t = migrate.open_database(sender).db
        started = time.perf_counter()
        sent = exchange.export_bundle(sender, t, actor, folder)
        exported = time.perf_counter() - started
        t.dispose()
        d = migrate.open_database(district).db
        started = time.perf_counter()
        got = exchange.import_bundle(district, d, actor, sent.file)
        seconds = time.perf_counter() - started
        d.dispose()
        print(f"  {label:10} import {got.counts['accepted']:>9,} records in {seconds:6.1f} s "
              f"({m / seconds:,.0f} cases/s; export took {exported:.1f} s, bundle {sent.file.stat().st_size / 1e6:.0f} MB)")
    # Baseline: the same rows by plain COPY into an empty schema made by the migrations (same indexes).
    empty = pg_node(admin, work / "baseline-pg", "330106", "district")
    from xihu_desk.store import sqlfile

    src = sqlfile.connect(township.database)
    with psycopg.connect(plain(empty.url)) as conn:
        started = time.perf_counter()
        with conn.cursor() as cur:
            for table in ("committee", *TABLES):  # the cases' committee first (foreign key)
                cols = [r[1] for r in src.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
                with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                    for row in src.execute(f"SELECT {', '.join(cols)} FROM {table}"):
                        copy.write_row(row)  # SQLite's text dates and 0/1 booleans: COPY's text format takes both
        conn.commit()
        baseline = time.perf_counter() - started
    src.close()
    print(f"  plain COPY of the same rows (committee, cases, parties, search text) into PostgreSQL: {baseline:.1f} s "
          f"({m / baseline:,.0f} cases/s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--import", dest="import_cases", type=int, default=100_000)
    parser.add_argument("--pg", help="admin URL of a server to use (default: a throwaway one)")
    args = parser.parse_args()
    server = None if args.pg else pg_server.Server().start()
    admin = args.pg or server.url
    work = Path(tempfile.mkdtemp(prefix="xihu-pgscale-"))
    try:
        t = time.perf_counter()
        sqlite_data = gen_cases.build(work / "sqlite", args.cases)
        print(f"SQLite node: {args.cases:,} cases by executemany in {time.perf_counter() - t:.0f} s")
        pg_data = pg_node(admin, work / "pg")
        copied, indexed = fill_pg(pg_data, args.cases)
        print(f"PostgreSQL node: {args.cases:,} cases by COPY in {copied:.0f} s, indexes rebuilt and ANALYZE in {indexed:.0f} s")
        list_steps(sqlite_data, pg_data)
        if args.import_cases:
            bundle_import(admin, work, args.import_cases)
    finally:
        if server is not None:
            server.stop()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
