"""One desk in the concurrency test (tests/test_concurrent_desks.py), run as its own process.

    python -m tests.concurrent_desk URL WORKER CASES ROSTER_JSON CLOSED_JSON
    python -m tests.concurrent_desk reviews URL WORKER COUNT USERNAME PASSWORD
    python -m tests.concurrent_desk import DATA_DIR BUNDLE

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




def reviews_desk(url: str, worker: int, count: int, username: str, password: str) -> None:
    """A desk at the district registering reviews while a bundle is imported."""
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = Database(url)
    actor = auth.sign_in(db, username, password)
    numbers = []
    for i in range(count):
        command = reviewkit.command(title=f"区局窗口 {worker} 的文件 {i}", received_on=date(2026, 2, 10), reviewer="")
        for attempt in range(6):
            try:
                with db.write() as s:
                    numbers.append(reviews.register(s, actor, command).number)
                break
            except StorageError:
                if attempt == 5:
                    raise
                time.sleep(0.2)
    db.dispose()
    print(json.dumps({"reviews": numbers}, ensure_ascii=False))


def importer(data_dir: str, bundle: str) -> None:
    """The district's exchange desk importing a township's bundle meanwhile."""
    from pathlib import Path

    from xihu_desk.paths import DataDir
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import migrate

    data = DataDir(Path(data_dir))
    db = migrate.open_database(data).db
    got = exchange.import_bundle(data, db, cli_actor(), Path(bundle))
    db.dispose()
    print(json.dumps({"result": got.result, "counts": got.counts}, ensure_ascii=False))


if __name__ == "__main__":
    if sys.argv[1] == "reviews":
        reviews_desk(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6])
    elif sys.argv[1] == "import":
        importer(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), json.loads(sys.argv[5]))
