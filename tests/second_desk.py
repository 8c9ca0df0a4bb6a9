"""The second desk of tests/gui/test_two_desks_processes.py, run as its own process on the same
PostgreSQL database: signs in as 林所长, reads the case (or takes the version it read earlier),
saves 受理信息 with a new summary through the service the case form uses, and prints one JSON
line: {"ok": true, "version": N} or {"ok": false, "refused": "…"}. One save per line of standard
input ({"summary": …, "loaded": N or null}); one process for the whole test (it starts once).

    python -m tests.second_desk URL CASE_UUID MEDIATORS_JSON
"""

from __future__ import annotations

import json
import sys

from argon2 import PasswordHasher

from tests import casekit
from xihu_desk.domain.errors import UserError
from xihu_desk.services import auth, case_queries, cases
from xihu_desk.services.context import Actor
from xihu_desk.store.uow import Database

USERNAME, PASSWORD = "lin", "Office-chief-2027"


def main(url: str, uuid: str, mediators: list[str]) -> None:
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    db = Database(url)
    try:
        lin = auth.sign_in(db, USERNAME, PASSWORD)
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            ask = json.loads(line)
            save(db, lin, uuid, ask["summary"], mediators, ask.get("loaded"))
    finally:
        db.dispose()


def save(db: Database, lin: Actor, uuid: str, summary: str, mediators: list[str], loaded: int | None) -> None:
    if loaded is None:  # read now, as a form opened now would
        with db.read() as s:
            loaded = case_queries.case_detail(s, lin, uuid)["version"]
    cmd = casekit.intake(db, mediators, summary=summary)
    try:
        with db.write() as s:
            ref = cases.update_intake(s, lin, uuid, cmd, loaded_version=loaded)
    except UserError as exc:
        print(json.dumps({"ok": False, "refused": exc.message}, ensure_ascii=False), flush=True)
        return
    with db.read() as s:
        version = case_queries.case_detail(s, lin, ref.uuid)["version"]
    print(json.dumps({"ok": True, "version": version, "read": loaded}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3]))
