"""Bundle export and import at scale, beside plain sqlite3 executemany of the same rows.

    .venv/bin/python benchmarks/exchange.py [N=100000]

Each phase runs in its own process so its peak memory is its own. Issue 5's target: both
stream with flat memory; import throughput at least a third of plain executemany.
"""

from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def phase(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=HERE.parent)
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP = """
import json, resource, sys, time
sys.path.insert(0, "benchmarks")
from pathlib import Path
from xihu_desk.paths import DataDir
from xihu_desk.services import exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
def rss(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def main(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="xihu-bench-"))
    t = time.perf_counter()
    phase(SETUP + f"""
import gen_cases
gen_cases.build(Path({str(work / 'township')!r}), {n})
d = migrate.open_database(DataDir(Path({str(work / 'district')!r})))
with d.db.write() as s:
    node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
t = migrate.open_database(DataDir(Path({str(work / 'township')!r})))
with t.db.read() as s: tk = exchange.export_key(s, cli_actor())
with d.db.read() as s: dk = exchange.export_key(s, cli_actor())
with d.db.write() as s: exchange.enrol(s, cli_actor(), tk)
with t.db.write() as s: exchange.enrol(s, cli_actor(), dk)
print(json.dumps({{}}))
""")
    print(f"generated {n:,} cases and enrolled two nodes in {time.perf_counter() - t:.1f} s")
    out = work / "usb"
    out.mkdir()
    exported = phase(SETUP + f"""
t = migrate.open_database(DataDir(Path({str(work / 'township')!r})))
start = time.perf_counter()
r = exchange.export_bundle(t.data if hasattr(t, "data") else DataDir(Path({str(work / 'township')!r})), t.db, cli_actor(), Path({str(out)!r}))
print(json.dumps({{"seconds": time.perf_counter() - start, "rss": rss(), "file": str(r.file), "size": r.file.stat().st_size, "cases": r.counts["case"]}}))
""")
    imported = phase(SETUP + f"""
d = migrate.open_database(DataDir(Path({str(work / 'district')!r})))
start = time.perf_counter()
r = exchange.import_bundle(DataDir(Path({str(work / 'district')!r})), d.db, cli_actor(), Path({exported['file']!r}))
print(json.dumps({{"seconds": time.perf_counter() - start, "rss": rss(), "accepted": r.counts["accepted"]}}))
""")
    # Baseline: the same rows, copied with plain sqlite3 executemany into an empty copy of the schema.
    src = sqlite3.connect(work / "township" / "xihu-desk.sqlite3")
    empty = work / "baseline.sqlite3"
    schema = [r[0] for r in src.execute("SELECT sql FROM sqlite_master WHERE type IN ('table','index','trigger') AND sql IS NOT NULL AND name NOT LIKE 'case_fts_%' AND name NOT LIKE 'sqlite_%'")]
    dst = sqlite3.connect(empty)
    for statement in schema:
        dst.execute(statement)
    tables = ("mediation_case", "party", "case_search")
    rows = {tb: src.execute(f"SELECT * FROM {tb}").fetchall() for tb in tables}
    start = time.perf_counter()
    for tb in tables:
        width = len(rows[tb][0])
        dst.executemany(f"INSERT INTO {tb} VALUES ({','.join('?' * width)})", rows[tb])
    dst.commit()
    baseline = time.perf_counter() - start
    cases = exported["cases"]
    print(f"export : {cases:,} cases in {exported['seconds']:.1f} s ({cases / exported['seconds']:,.0f}/s), "
          f"bundle {exported['size'] / 1e6:.1f} MB, peak RSS {exported['rss']:.0f} MB")
    print(f"import : {imported['accepted']:,} records in {imported['seconds']:.1f} s "
          f"({cases / imported['seconds']:,.0f} cases/s), peak RSS {imported['rss']:.0f} MB")
    print(f"plain sqlite3 executemany of the same rows (cases, parties, search text; with the same indexes "
          f"and FTS triggers): {baseline:.1f} s ({cases / baseline:,.0f} cases/s)")
    print(f"import throughput ÷ executemany: {baseline / imported['seconds']:.2f} (target ≥ 0.33)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
