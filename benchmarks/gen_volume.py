"""Give a benchmark node volume in every list, not only cases (raw executemany, for benchmarks only).

    .venv/bin/python benchmarks/gen_volume.py /tmp/lists15/cases-1m [scale]

Adds to a node made by gen_cases.py (its schema is the app's, through the migrations): about
300 committees, 20,000 mediators, 200,000 legality reviews (with pauses), 2,000,000 audit-log
rows, 2,000 information officers, 100,000 screening rounds with 150,000 disputes and 20,000
transfer requests; ``scale`` multiplies every count (0.01 for a quick try). The audit rows carry
made-up hashes: the chain does not verify on such a node, the list screens only read them.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from gen_cases import _defaults, _insert

from xihu_desk.domain import names
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.paths import DataDir
from xihu_desk.services.audit import ACTION_LABELS
from xihu_desk.store import migrate, sqlfile
from xihu_desk.store.case_models import Mediator
from xihu_desk.store.models import AuditEvent, Committee
from xihu_desk.store.review_models import ReviewItem, ReviewPause
from xihu_desk.store.screening_models import InfoOfficer, ScreenedDispute, ScreeningRound
from xihu_desk.store.transfer_models import CaseTransfer

SEED = 15_015
COUNTS = {"committees": 300, "mediators": 20_000, "reviews": 200_000, "audit": 2_000_000, "officers": 2_000,
          "rounds": 100_000, "disputes": 150_000, "transfers": 20_000}
BATCH = 20_000
NOW = datetime(2026, 11, 27, 12)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨旭婷雪琳颖倩慧佳欣怡"


def _rows(table: Any, base: dict[str, Any], n: int, make) -> Any:
    """``n`` rows of ``table`` in batches, each the column defaults + ``base`` + ``make(i)``."""
    defaults = {**_defaults(table), **base}
    for start in range(0, n, BATCH):
        yield [dict(defaults, **make(i)) for i in range(start, min(n, start + BATCH))]


def build(root: Path, scale: float = 1.0) -> None:
    data = DataDir(root)
    migrate.open_database(data).db.dispose()  # brings the schema to the app's head first
    n = {k: max(1, int(v * scale)) for k, v in COUNTS.items()}
    rng = random.Random(SEED)
    conn = sqlfile.connect(data.database)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")  # a generator: durability is not the point here
    node_id, org = conn.execute("SELECT node_id, org_code FROM node WHERE id = 1").fetchone()
    travel = {"origin_node": node_id, "owner_node": node_id, "version": 1, "updated_at": NOW, "deleted": False}
    started = time.perf_counter()

    def put(table: Any, n_rows: int, make, label: str) -> None:
        for chunk in _rows(table, travel if "owner_node" in table.c else {}, n_rows, make):
            _insert(conn, table.name, chunk)
            conn.commit()
        print(f"{label:12} {n_rows:>9,}  {time.perf_counter() - started:6.1f} s", file=sys.stderr)

    def person(i: int) -> str:
        return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + ("" if i % 3 else GIVEN[(i * 13) % len(GIVEN)])

    # committees: the communities and villages of the office, with unique 字号
    kinds = ["community"] * 6 + ["village"] * 2 + ["enterprise", "sector"]
    committees = [f"01b00000-0000-7000-8000-{i:012d}" for i in range(n["committees"])]
    cnames = [f"第{i + 1}社区人民调解委员会" if i % 4 else f"{person(i)}村人民调解委员会" for i in range(n["committees"])]

    put(Committee.__table__, n["committees"], lambda i: {
        "uuid": committees[i], "name": cnames[i], "short_name": f"量{i:04d}", "org_code": org,
        "kind": kinds[i % len(kinds)], "name_key": names.sort_key(cnames[i])}, "committees")

    person_keys: dict[str, str] = {}

    def person_key(name: str) -> str:
        if name not in person_keys:
            person_keys[name] = names.sort_key(name, person=True)
        return person_keys[name]

    def mediator(i: int) -> dict[str, Any]:
        name = person(rng.randrange(100_000))
        appointed = date(2010, 1, 1) + timedelta(days=rng.randrange(5800))
        return {"uuid": f"01b10000-0000-7000-8000-{i:012d}", "name": name, "name_key": person_key(name),
                "committee_uuid": rng.choice(committees), "gender": rng.choice("男女"),
                "phone": f"13{rng.randrange(10**9):09d}", "id_number": "", "employment_type":
                rng.choice(["full_time", "part_time", "part_time", "invited"]),
                "grade": rng.choice(["", "", "首席", "一级", "二级", "三级"]), "appointed_on": appointed,
                "active": True, "status": rng.choice(["serving"] * 8 + ["left", "dismissed"]),
                "registration_no": f"ZJ{i:08d}"}

    put(Mediator.__table__, n["mediators"], mediator, "mediators")

    review_types = ["normative", "major_decision", "enforcement", "agreement", "contract", "meeting_topic", "other"]
    units = [f"{u}{w}" for u in ("区", "街道", "镇") for w in ("城管局", "住建局", "教育局", "民政局", "办事处", "卫健局")]
    per_year: dict[int, int] = {}
    paused: list[tuple[str, date]] = []

    def review(i: int) -> dict[str, Any]:
        received = date(2017, 1, 1) + timedelta(days=rng.randrange(3600))
        per_year[received.year] = per_year.get(received.year, 0) + 1
        seq = per_year[received.year]
        recent = received > date(2026, 10, 1)
        status = rng.choice(["waiting", "reviewing", "paused"] if recent else ["opinion", "archived", "returned"])
        uuid = f"01b20000-0000-7000-8000-{i:012d}"
        if status == ReviewStatus.PAUSED:
            paused.append((uuid, received + timedelta(days=2)))
        done = status in ("opinion", "archived")
        return {"uuid": uuid, "number": f"（{received.year}）合审字第{seq:05d}号", "office_code": org,
                "year": received.year, "seq": seq, "legacy_no": "", "item_type": rng.choice(review_types),
                "title": f"关于{rng.choice(['加强', '规范', '推进', '做好'])}{rng.choice(units)}工作的文件（第{i}号）",
                "unit": rng.choice(units), "contact": "", "contact_phone": "", "received_on": received,
                "complete_on": received + timedelta(days=1), "reviewer": person(i), "adviser_consulted": False,
                "expert_panel": False, "risk_assessed": False, "note": "", "status": status, "limit_days": 7,
                "extension_days": 0, "extension_approver": "", "extension_reason": "",
                "due_on": received + timedelta(days=10), "calendar_fallback": "", "opinion_no": "",
                "opinion_on": received + timedelta(days=6) if done else None,
                "conclusion": "lawful" if done else "", "issues": "", "points": 0,
                "working_days": 5 if done else None, "adoption": "", "adoption_reason": "",
                "returned_reason": "", "archived_by": "", "created_by": "admin", "checklist": ""}

    put(ReviewItem.__table__, n["reviews"], review, "reviews")
    put(ReviewPause.__table__, len(paused), lambda i: {
        "uuid": f"01b30000-0000-7000-8000-{i:012d}", "item_uuid": paused[i][0], "asked_on": paused[i][1],
        "received_on": None, "materials": "补充起草说明"}, "pauses")

    actions = list(ACTION_LABELS)
    actors = ["cli:root", "admin"] + [f"user{k:02d}" for k in range(28)]
    (last_seq,) = conn.execute("SELECT coalesce(max(seq), 0) FROM audit_event").fetchone()
    first_at = datetime(2017, 1, 2, 8)

    def event(i: int) -> dict[str, Any]:
        action = actions[rng.randrange(len(actions))]
        at = first_at + timedelta(seconds=i * 150)  # ~2M events over ~9.5 years, in seq order
        h = f"{rng.getrandbits(256):064x}"
        return {"seq": last_seq + 1 + i, "at": at.isoformat(timespec="seconds"), "actor": rng.choice(actors),
                "action": action, "entity": action.split(".")[0], "entity_id": f"01b40000-{i:012d}",
                "summary": f"{ACTION_LABELS[action]}：第 {i} 条", "before": None, "after": None,
                "prev_hash": h, "hash": h}

    put(AuditEvent.__table__, n["audit"], event, "audit")

    officers = [f"01b50000-0000-7000-8000-{i:012d}" for i in range(n["officers"])]
    officer_committee = [rng.choice(committees) for _ in officers]
    put(InfoOfficer.__table__, n["officers"], lambda i: {
        "uuid": officers[i], "committee_uuid": officer_committee[i], "name": person(i * 31),
        "kind": rng.choice(["grid", "building", "other"]), "phone": "", "area": f"第{i % 40 + 1}网格",
        "active": True}, "officers")
    rounds = [f"01b60000-0000-7000-8000-{i:012d}" for i in range(n["rounds"])]

    def screening_round(i: int) -> dict[str, Any]:
        k = rng.randrange(len(officers))
        return {"uuid": rounds[i], "committee_uuid": officer_committee[k],
                "held_on": date(2017, 1, 1) + timedelta(days=rng.randrange(3600)), "area": f"第{i % 40 + 1}网格",
                "staff": person(i), "method": rng.choice(["visit", "meeting", "informant", "grid"]),
                "officer_uuid": officers[k], "zero_report": i % 5 == 0, "note": "", "created_by": "admin"}

    put(ScreeningRound.__table__, n["rounds"], screening_round, "rounds")
    put(ScreenedDispute.__table__, n["disputes"], lambda i: {
        "uuid": f"01b70000-0000-7000-8000-{i:012d}", "round_uuid": rounds[rng.randrange(len(rounds))],
        "dispute_type": rng.choice(["01", "02", "03", "04", "05"]), "applicant": person(i),
        "respondent": person(i + 1), "summary": "邻里噪音纠纷", "risk": rng.choice(["general"] * 8 + ["major", "serious"]),
        "action": "", "status": rng.choice(["open", "resolved", "resolved", "referred"]), "referred_to": "",
        "closing_note": "", "watched": False, "responsible": "", "measures": ""}, "disputes")
    (n_cases,) = conn.execute("SELECT count(*) FROM mediation_case").fetchone()
    put(CaseTransfer.__table__, n["transfers"], lambda i: {
        "uuid": f"01b80000-0000-7000-8000-{i:012d}", "case_uuid": f"00000000-0000-7000-8000-{rng.randrange(n_cases):012d}",
        "from_case_no": f"（2026）北山人调字第{i:04d}号", "from_org": org, "to_org": "330106004",
        "reason": "当事人住所在对方辖区", "requested_on": date(2026, 1, 1) + timedelta(days=i % 300),
        "by_name": "admin"}, "transfers")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()


if __name__ == "__main__":
    build(Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0)
