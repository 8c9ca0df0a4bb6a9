"""What ``check`` costs with and without the case digests (store/digests.py), and what one audited
commit costs with and without the audit anchor (services/audit_anchor.py).

    .venv/bin/xihu-desk --data-dir /tmp/d init --org 330106002 --level township --admin wang --password-file pw.txt
    .venv/bin/xihu-desk --data-dir /tmp/d demo --cases 10000
    .venv/bin/python benchmarks/check_cost.py /tmp/d

Times are CPU seconds of this process (wall time depends on the disk and on other load).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from xihu_desk.paths import DataDir
from xihu_desk.services import audit, audit_anchor, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate


def _check_times(data: DataDir, rounds: int = 3) -> None:
    db = migrate.open_database(data).db
    real = audit.verify_records
    try:
        for _ in range(rounds):
            out = []
            for with_digests in (False, True):
                audit.verify_records = real if with_digests else (lambda _s: None)
                t = time.process_time()
                report = maintenance.check(data, db)
                out.append(time.process_time() - t)
            cases = report.records.cases if report.records else 0
            print(f"check: {out[0]:.2f} s without case digests, {out[1]:.2f} s with ({cases} cases, "
                  f"{report.audit_events} audit events, ok={report.ok})")
    finally:
        audit.verify_records = real
        db.dispose()


def _commit_times(data: DataDir, n: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = DataDir(Path(tmp) / "d")
        shutil.copytree(data.root, copy.root)
        db = migrate.open_database(copy).db
        real = audit_anchor.mark_written
        try:
            for anchored in (False, True):
                audit_anchor.mark_written = real if anchored else (lambda *_a, **_k: None)
                t, c = time.perf_counter(), time.process_time()
                for i in range(n):
                    with db.write() as s:
                        audit.record(s, cli_actor(), "setting.update", "setting", str(i), summary="benchmark")
                print(f"audited commit {'with' if anchored else 'without'} anchor: "
                      f"{(time.perf_counter() - t) / n * 1000:.1f} ms wall, {(time.process_time() - c) / n * 1000:.2f} ms CPU")
        finally:
            audit_anchor.mark_written = real
            db.dispose()


if __name__ == "__main__":
    folder = DataDir(sys.argv[1])
    _check_times(folder)
    _commit_times(folder)
