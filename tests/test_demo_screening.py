"""The demo's 矛盾纠纷排查: rounds with found disputes and 零报告, serious disputes on the 重点 ledger
with checks due, from a generator of its own, so the rest of the demo (cases, parties,
mediators) is exactly what it is without it."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date

from sqlalchemy import select

from xihu_desk.paths import DataDir
from xihu_desk.services import demo, demo_screening, home, screening_queries
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_models import MediationCase, Mediator, Party

TODAY = date(2026, 11, 20)


def _fill(root) -> tuple:
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=4, cases=30, today=TODAY))
    with opened.db.read() as s:
        cases = sorted(s.execute(select(MediationCase.case_no, MediationCase.title, MediationCase.status)).all())
        parties = sorted(s.scalars(select(Party.name)))
        mediators = sorted(s.scalars(select(Mediator.name)))
        rounds = screening_queries.screenings(s, cli_actor())
        due = [d for d in home.summary(s, cli_actor(), today=TODAY).due if d.kind == home.SCREENING]
    opened.db.dispose()
    return (cases, parties, mediators), rounds, due


def test_demo_screening_and_the_rest_of_the_demo_unchanged(data_dir, tmp_path, monkeypatch):
    without = tmp_path / "without"
    shutil.copytree(data_dir.root, without)
    rest, rounds, due = _fill(data_dir.root)
    monkeypatch.setattr(demo_screening, "make_screening", lambda *_a, **_k: 0)
    rest_without, rounds_without, _ = _fill(without)
    assert rest == rest_without and rounds_without == []
    zero = [r for r in rounds if r["zero_report"]]
    found = [d for r in rounds for d in r["disputes"]]
    assert zero and len(rounds) > len(zero) and all(r["found"] == 0 for r in zero)
    assert all(r["date"] <= TODAY.isoformat() for r in rounds)
    risks, statuses = Counter(d["risk"] for d in found), Counter(d["status"] for d in found)
    assert risks["serious"] and statuses["open"] and statuses["resolved"] and statuses["referred"]
    assert {r["method"] for r in rounds} >= {"visit", "informant"}
    assert due  # serious disputes whose check is due are on the home page's 待办
