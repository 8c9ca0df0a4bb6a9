"""kill -9 while a node writes cases and audit events, again and again: afterwards ``check`` must
pass — the audit anchor may lag behind the last commit but never raise a false alarm, and every
case's digest matches (it is written in the same transaction as the case).

    .venv/bin/python benchmarks/kill_anchor.py [TRIALS=20]
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = """
import sys
from pathlib import Path
from tests import casekit
from xihu_desk.paths import DataDir
from xihu_desk.services import cases
from xihu_desk.store import migrate
db = migrate.open_database(DataDir(Path(sys.argv[1]))).db
head = casekit.head_actor(db)
roster = casekit.roster(db, head, names=(sys.argv[2],))
print("ready", flush=True)
n = 0
while True:
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    with db.write() as s:
        cases.update_intake(s, head, ref.uuid, casekit.intake(db, roster, summary=f"第 {n} 次修改"))
    n += 1
"""

INIT = """
import sys
from pathlib import Path
from xihu_desk.paths import DataDir
from xihu_desk.services import auth, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
sys.path.insert(0, sys.argv[2])
from tests import conftest  # cheap password hashing
db = migrate.open_database(DataDir(Path(sys.argv[1]))).db
with db.write() as s:
    node.init_node(s, cli_actor(), node.InitCommand("330106002", "township", None, "admin", conftest.ADMIN_PASSWORD, "王"))
"""

CHECK = """
import sys
from pathlib import Path
from xihu_desk.paths import DataDir
from xihu_desk.services import maintenance
from xihu_desk.store import migrate
data = DataDir(Path(sys.argv[1]))
db = migrate.open_database(data).db
r = maintenance.check(data, db)
print(r.ok, r.audit_events, r.records.cases if r.records else 0, r.audit_reason, r.records.line() if r.records else "")
"""


def main(trials: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "d"
        subprocess.run([sys.executable, "-c", INIT, str(root), str(ROOT)], check=True, cwd=ROOT)
        bad = 0
        for trial in range(trials):
            writer = subprocess.Popen([sys.executable, "-c", WRITER, str(root), f"调解员{trial}"],
                                      cwd=ROOT, stdout=subprocess.PIPE, text=True)
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(random.uniform(0.2, 2.0))
            writer.kill()
            writer.wait()
            done = subprocess.run([sys.executable, "-c", CHECK, str(root)], cwd=ROOT, capture_output=True, text=True)
            line = done.stdout.strip()
            ok = line.startswith("True")
            bad += not ok
            print(f"trial {trial + 1}: {'ok' if ok else 'FAILED'} {line or done.stderr[-300:]}")
        print(f"{trials} kills, {bad} failed checks")
        shutil.rmtree(root, ignore_errors=True)
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
