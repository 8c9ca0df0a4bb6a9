"""Generate a node with N made-up cases fast (raw executemany), for the benchmarks only.

The real demo (`xihu-desk demo`) goes through the services and is ~10 ms a case; a million
cases need the bulk path. The rows fill every column the app reads, with realistic spread.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from faker import Faker
from sqlalchemy import select

from xihu_desk.paths import DataDir
from xihu_desk.services import node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate, sqlfile
from xihu_desk.store.case_models import MediationCase, Party
from xihu_desk.store.models import Committee

BATCH = 20_000


def _defaults(table) -> dict:
    out = {}
    for col in table.columns:
        if col.default is not None and not callable(col.default.arg):
            out[col.name] = col.default.arg
        elif col.nullable:
            out[col.name] = None
    return out


def build(root: Path, n: int, seed: int = 1) -> DataDir:
    data = DataDir(root)
    opened = migrate.open_database(data)
    with opened.db.write() as s:
        if not node.is_initialised(s):
            node.init_node(s, cli_actor(), node.InitCommand("330106002", "township", None, "admin", "Bench-mark-2026"))
        committee = s.scalar(select(Committee))
        node_id = node.node_id(s)
        cuuid, short = committee.uuid, committee.short_name
    opened.db.dispose()
    conn = sqlfile.connect(data.database)  # the app's way: an encrypted node's file opens with its key
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a generator: durability is not the point here
    started = time.perf_counter()
    for done, cases, parties, search in batches(n, seed, node_id, cuuid, short):
        _insert(conn, "mediation_case", cases)
        _insert(conn, "party", parties)
        conn.executemany("INSERT INTO case_search(case_uuid, body) VALUES (?, ?)", search)
        conn.commit()
        print(f"\r{done:>9,} cases  {time.perf_counter() - started:6.1f} s", end="", file=sys.stderr)
    print(file=sys.stderr)
    conn.execute("PRAGMA optimize")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return data


def batches(n: int, seed: int, node_id: str, cuuid: str, short: str) -> Iterator[tuple[int, list, list, list]]:
    """The made-up rows in batches: (cases so far, case rows, party rows, (case uuid, search text)).
    The same seed gives the same rows, so a SQLite node and a PostgreSQL one hold the same cases."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    names = [fake.name() for _ in range(20_000)]
    summaries = ["楼上装修噪音影响休息", "公共走道堆放杂物", "子女抚养费数额争议", "租赁押金退还争议", "宠物咬伤赔偿",
                 "漏水导致天花板受损", "物业费与服务质量争议", "电动车与行人相撞", "拖欠工资", "预付卡退款"]
    types = ["01", "02", "03", "04", "05", "06", "10", "11", "13", "14", "99"]
    statuses = ["filed"] * 6 + ["closed"] * 2 + ["mediating", "accepted"]
    case_defaults, party_defaults = _defaults(MediationCase.__table__), _defaults(Party.__table__)
    now = datetime(2026, 11, 27, 12)
    per_year: dict[int, int] = {}
    for start in range(0, n, BATCH):
        cases, parties, search = [], [], []
        for i in range(start, min(n, start + BATCH)):
            accepted = date(2017, 1, 1) + timedelta(days=rng.randrange(3600))
            per_year[accepted.year] = per_year.get(accepted.year, 0) + 1
            seq = per_year[accepted.year]
            uuid = f"00000000-0000-7000-8000-{i:012d}"
            status = rng.choice(statuses)
            app, resp = rng.choice(names), rng.choice(names)
            dtype, summary = rng.choice(types), rng.choice(summaries)
            no = f"（{accepted.year}）{short}人调字第{seq:04d}号"
            row = dict(case_defaults, uuid=uuid, origin_node=node_id, owner_node=node_id, version=1, updated_at=now,
                       deleted=False, case_no=no, committee_uuid=cuuid, year=accepted.year, seq=seq,
                       title=f"{app}与{resp}纠纷", intake_form="register", source=rng.choice(["apply", "initiative"]),
                       dispute_type=dtype, summary=summary, claims="", accepted_on=accepted, status=status,
                       due_on=accepted + timedelta(days=30),
                       outcome="succeeded" if status in ("closed", "filed") else None)
            cases.append(row)
            for pos, (role, name) in enumerate((("applicant", app), ("respondent", resp))):
                parties.append(dict(party_defaults, uuid=f"{uuid[:-13]}{pos}{i:012d}", origin_node=node_id, owner_node=node_id,
                                    version=1, updated_at=now, deleted=False, case_uuid=uuid, position=pos, role=role,
                                    kind="person", name=name))
            search.append((uuid, f"{no} {app}与{resp}纠纷 {app} {resp} {summary}"))
        yield min(n, start + BATCH), cases, parties, search


def _insert(conn: Any, table: str, rows: list[dict]) -> None:
    cols = list(rows[0])
    conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [tuple(r[c] for c in cols) for r in rows])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/.cache/cases-1m")
    build(target, int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
