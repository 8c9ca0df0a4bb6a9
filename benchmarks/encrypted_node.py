"""An encrypted node beside a plain one holding the same cases, in the same run (issue 21): the
case list's steps through the app's own query path, the start-up to the login window and a
command's first output, with the ratio encrypted / plain (goal: at most 1.3×).

    .venv/bin/python benchmarks/encrypted_node.py [N=200000] [ROUNDS=5] [FOLDER]

The plain node is made by benchmarks/gen_cases.py (as before issue 21); the encrypted one is its
``sqlcipher_export`` copy under a key sealed in FOLDER/keys, so both hold the same bytes of data.
FOLDER (default a temporary folder) keeps both for a second run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PAGE = 100
TODAY = date(2026, 11, 27)


def make_nodes(folder: Path, n: int) -> tuple[Path, Path]:
    import gen_cases

    from xihu_desk.store import cipher_copy, db_key

    plain, enc = folder / f"plain-{n}", folder / f"encrypted-{n}"
    if not (plain / "xihu-desk.sqlite3").exists():
        create = db_key.create
        db_key.create = lambda root: None  # a node as made before issue 21: a plain file
        try:
            started = time.perf_counter()
            gen_cases.build(plain, n)
            print(f"plain node of {n:,} cases made in {time.perf_counter() - started:.0f} s")
        finally:
            db_key.create = create
    if not (enc / "xihu-desk.sqlite3").exists():
        db_key.create(enc)
        db_key.take_pending_code(enc)
        key = db_key.current_key(enc)
        assert key is not None
        started = time.perf_counter()
        cipher_copy.export(plain / "xihu-desk.sqlite3", enc / "xihu-desk.sqlite3", key)
        print(f"encrypted copy written in {time.perf_counter() - started:.0f} s")
    for name, root in (("plain", plain), ("encrypted", enc)):
        print(f"{name:10} {(root / 'xihu-desk.sqlite3').stat().st_size / 1e6:8.0f} MB  {root}")
    return plain, enc


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times)


def list_steps(plain: Path, enc: Path, rounds: int) -> list[float]:
    from xihu_desk.paths import DataDir
    from xihu_desk.services import case_queries
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate, sqlfile
    from xihu_desk.store.case_list import CaseFilter

    actor = cli_actor()
    dbs = {name: migrate.open_database(DataDir(root)).db for name, root in (("plain", plain), ("enc", enc))}
    raw = sqlfile.connect(plain / "xihu-desk.sqlite3", readonly=True)
    total = raw.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
    name = raw.execute("SELECT name FROM party WHERE length(name) = 2 LIMIT 1 OFFSET 777").fetchone()[0]
    raw.close()

    def app(db, f: CaseFilter, offset: int = 0):
        def run() -> None:
            with db.read() as s:
                count = case_queries.count_cases(s, actor, f, TODAY)
                case_queries.list_cases(s, actor, f, TODAY, offset, PAGE, count)

        return run

    steps = [
        ("first screen (count + page 1)", CaseFilter(), 0),
        ("filter: status + type", CaseFilter(status="mediating", dispute_type="02"), 0),
        ("filter: year 2024", CaseFilter(year=2024), 0),
        ("sort: case number ascending", CaseFilter(sort="case_no", descending=False), 0),
        (f"search: two-character name {name}", CaseFilter(text=name), 0),
        ("search: three characters, full text", CaseFilter(text="天花板"), 0),
        ("last page", CaseFilter(), max(0, total - PAGE)),
    ]
    print(f"\ncase list, {total:,} cases: best / median ms of {rounds}")
    print(f"{'step':38} {'plain':>16} {'encrypted':>16} {'ratio':>7}")
    ratios = []
    for label, f, offset in steps:
        app(dbs["plain"], f, offset)()  # warm the page cache of both alike
        app(dbs["enc"], f, offset)()
        p_best, p_med = timed(app(dbs["plain"], f, offset), rounds)
        e_best, e_med = timed(app(dbs["enc"], f, offset), rounds)
        ratios.append(e_med / p_med)
        print(f"{label:38} {p_best:7.1f} / {p_med:6.1f} {e_best:7.1f} / {e_med:6.1f} {e_med / p_med:6.2f}×")
    for db in dbs.values():
        db.dispose()
    migrate.end_sessions()  # this process's session markers would make the starts below check integrity
    return ratios


def startup(plain: Path, enc: Path, rounds: int) -> None:
    import startup as bench

    from xihu_desk.store import sqlfile

    conn = sqlfile.connect(plain / "xihu-desk.sqlite3", readonly=True)
    case_no = conn.execute("SELECT case_no FROM mediation_case ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    conn.close()
    probes = {
        "login window (GUI)": bench.login_shown,
        "case show --json": lambda root: bench.first_output([bench.CLI, "--data-dir", str(root), "case", "show",
                                                             case_no, "--json"]),
    }
    for root in (plain, enc):
        bench.login_shown(root)  # warm-up: a start after an unclean exit checks integrity first
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):  # interleaved: load from other work falls on both alike
        for probe, run in probes.items():
            for name, root in (("plain", plain), ("enc", enc)):
                times.setdefault((probe, name), []).append(run(root))
    print(f"\nstart-up, median s of {rounds} (min in brackets)")
    print(f"{'':22} {'plain':>14} {'encrypted':>14} {'ratio':>7}")
    for probe in probes:
        a, b = times[(probe, "plain")], times[(probe, "enc")]
        ma, mb = statistics.median(a), statistics.median(b)
        print(f"{probe:22} {ma:6.2f} [{min(a):.2f}] {mb:6.2f} [{min(b):.2f}] {mb / ma:6.2f}×")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    keep = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory(prefix="xihu-enc-bench-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # the key sealed in a file of the folder: the same for the programs started below
        os.environ.setdefault("XIHU_DESK_KEY_STORE", "file")
        os.environ.setdefault("XIHU_DESK_KEY_DIR", str(folder / "keys"))
        plain, enc = make_nodes(folder, n)
        ratios = list_steps(plain, enc, rounds)
        print(f"case list: median ratio {statistics.median(ratios):.2f}×, worst {max(ratios):.2f}× (goal ≤ 1.3×)")
        startup(plain, enc, rounds)


if __name__ == "__main__":
    main()
