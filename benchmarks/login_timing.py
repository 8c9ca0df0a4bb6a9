"""Does sign-in take longer for a real user name than for an unknown one? With the production
Argon2id parameters (t=3, m=64 MiB, p=4), a wrong password for an existing account against any
password for a name that does not exist, interleaved, on a writable and on a read-only database.

    .venv/bin/python benchmarks/login_timing.py [ROUNDS=20]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from xihu_desk.domain.errors import UserError
from xihu_desk.paths import DataDir
from xihu_desk.services import auth, node
from xihu_desk.services.context import cli_actor, utcnow
from xihu_desk.store import migrate


def _time(db, username: str, password: str) -> float:  # noqa: ANN001
    start = time.perf_counter()
    try:
        auth.sign_in(db, username, password, utcnow())
    except UserError:
        pass
    return time.perf_counter() - start


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        opened = migrate.open_database(DataDir(Path(tmp) / "data"))
        db = opened.db
        with db.write() as session:
            node.init_node(session, cli_actor(), node.InitCommand(
                org_code="330106002", level="township", parent_code=None, admin_username="admin",
                admin_password="Timing-2026-Beishan", admin_display_name="王管理"))
        with db.write() as session:  # many tries without a lock getting in the way
            from xihu_desk.services import settings
            settings.update(session, cli_actor(), {"lockout_attempts": 20})
        for mode in ("writable", "read-only"):
            db.write_blocked = "只读" if mode == "read-only" else None
            real, unknown = [], []
            for i in range(rounds):
                if i % 15 == 14:  # stay under the lockout
                    auth._memory.clear()
                    if mode == "writable":
                        auth.sign_in(db, "admin", "Timing-2026-Beishan")
                real.append(_time(db, "admin", "Wrong-pass-1"))
                unknown.append(_time(db, f"nobody{i % 10}", "Wrong-pass-1"))
            for name, values in (("existing user, wrong password", real), ("unknown user", unknown)):
                print(f"{mode:9} {name:30} median {statistics.median(values) * 1000:7.1f} ms  "
                      f"mean {statistics.mean(values) * 1000:7.1f} ms  stdev {statistics.stdev(values) * 1000:5.1f} ms")
        db.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
