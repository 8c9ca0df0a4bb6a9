"""One desk in the concurrency test (tests/test_concurrent_desks.py), run as its own process.

    python -m tests.concurrent_desk URL WORKER CASES ROSTER_JSON CLOSED_JSON

Signs in, then CASES times: opens a case, registers a legality review, corrects one of the closed
cases everybody corrects (a new case version each time). Prints one JSON line: what it made.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date

from argon2 import PasswordHasher

from tests import casekit, reviewkit
from xihu_desk.domain.errors import StorageError
from xihu_desk.services import auth, case_lifecycle, cases, reviews
from xihu_desk.store.uow import Database


def main(url: str, worker: int, count: int, roster: list[str], closed: list[str]) -> None:
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = Database(url)
    head = casekit.head_actor(db)
    made: dict[str, list] = {"cases": [], "reviews": [], "corrections": []}
    started = time.perf_counter()
    retries = [0]

    def write(work):
        """One unit of work; refused because another desk held the database too long (SQLite's
        busy timeout, PostgreSQL's lock timeout), it is tried again, as a person would."""
        for _ in range(5):
            try:
                with db.write() as s:
                    return work(s)
            except StorageError:
                retries[0] += 1
                time.sleep(0.2)
        with db.write() as s:
            return work(s)

    for i in range(count):
        intake = casekit.intake(db, roster, summary=f"第 {worker} 号窗口的第 {i} 件。")
        ref = write(lambda s: cases.open_case(s, head, intake))  # noqa: B023 - called at once
        made["cases"].append(ref.case_no)
        command = reviewkit.command(title=f"窗口 {worker} 的文件 {i}", received_on=date(2026, 2, 10))
        review = write(lambda s: reviews.register(s, head, command))  # noqa: B023
        made["reviews"].append(review.number)
        target = closed[(worker + i) % len(closed)]
        fix = [("summary", f"窗口 {worker} 第 {i} 次更正")]
        version = write(lambda s: case_lifecycle.correct(s, head, target, fix, "核对后更正"))  # noqa: B023
        made["corrections"].append([target, version])
    made["retries"] = retries[0]
    db.dispose()
    made["seconds"] = round(time.perf_counter() - started, 2)
    print(json.dumps(made, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5]))
