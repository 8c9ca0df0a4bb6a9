"""kill -9 in the middle of a bundle import, again and again: the database must pass its
integrity check and hold all of the bundle or none of it.

    .venv/bin/python benchmarks/kill_import.py [TRIALS=50] [CASES=3000]
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

IMPORT = """
import sys
from pathlib import Path
from xihu_desk.paths import DataDir
from xihu_desk.services import exchange
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
data = DataDir(Path(sys.argv[1]))
opened = migrate.open_database(data)
print("start", flush=True)
exchange.import_bundle(data, opened.db, cli_actor(), Path(sys.argv[2]))
print("done", flush=True)
"""


def main(trials: int, cases: int) -> None:
    import gen_cases

    from xihu_desk.paths import DataDir
    from xihu_desk.services import exchange, node
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate, sqlfile

    work = Path(tempfile.mkdtemp(prefix="xihu-kill-"))
    township = gen_cases.build(work / "township", cases)
    t = migrate.open_database(township)
    pristine = DataDir(work / "district")
    d = migrate.open_database(pristine)
    with d.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    with t.db.read() as s:
        tk = exchange.export_key(s, cli_actor())
    with d.db.read() as s:
        dk = exchange.export_key(s, cli_actor())
    with d.db.write() as s:
        exchange.enrol(s, cli_actor(), tk)
    with t.db.write() as s:
        exchange.enrol(s, cli_actor(), dk)
    bundle = exchange.export_bundle(township, t.db, cli_actor(), work).file
    t.db.dispose()
    d.db.dispose()
    # How long a whole import takes, to aim the kills inside it.
    probe = work / "probe"
    shutil.copytree(pristine.root, probe)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORT, str(probe), str(bundle)], check=True, capture_output=True, cwd=ROOT)
    full = time.perf_counter() - started
    outcomes = {"none": 0, "all": 0}
    rng = random.Random(7)
    for trial in range(trials):
        target = work / f"t{trial}"
        shutil.copytree(pristine.root, target)
        proc = subprocess.Popen([sys.executable, "-c", IMPORT, str(target), str(bundle)], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, cwd=ROOT)
        proc.stdout.readline()  # "start": the database is open
        time.sleep(rng.uniform(0.0, full * 0.9))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        conn = sqlfile.connect(target / "xihu-desk.sqlite3")  # the app's way: a node's file is encrypted
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        n = conn.execute("SELECT count(*) FROM mediation_case").fetchone()[0]
        bundles = conn.execute("SELECT count(*) FROM bundle_in").fetchone()[0]
        conn.close()
        assert check == "ok", f"trial {trial}: integrity_check {check}"
        assert (n, bundles) in ((0, 0), (cases, 1)), f"trial {trial}: {n} cases, {bundles} bundles recorded"
        outcomes["all" if n else "none"] += 1
        shutil.rmtree(target)
    print(f"{trials} kill -9 trials during a {cases:,}-case import ({full:.1f} s whole): "
          f"integrity ok in all; {outcomes['none']} with none of the bundle, {outcomes['all']} with all of it; "
          f"never a part.")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50, int(sys.argv[2]) if len(sys.argv) > 2 else 3000)
