"""Demo platform codes (issue 19): most older cases carry one, recent ones mostly not; the demo's
own cases, parties and numbers are what they were without it (its own generator)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from xihu_desk.services import demo, demo_platform, platform_reconcile
from xihu_desk.services.context import cli_actor
from xihu_desk.store.case_models import MediationCase, Party
from xihu_desk.store.platform_models import PlatformMonth

TODAY = date(2026, 11, 20)


def _cases(db) -> list[tuple]:
    with db.read() as s:
        cases = [
            (c.case_no, c.accepted_on, c.status, c.title)
            for c in s.scalars(select(MediationCase).order_by(MediationCase.case_no))
        ]
        parties = sorted(s.scalars(select(Party.name)))
        codes = [c for c in s.scalars(select(MediationCase.platform_code))]
    return cases, parties, codes


def test_demo_codes_leave_the_rest_alone(db, monkeypatch):
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=15, today=TODAY))
    cases, _parties, codes = _cases(db)
    given = [c for c in codes if c]
    assert 0 < len(given) < len(codes) and len(set(given)) == len(given)
    assert all(c.startswith("ZJJF") and len(c) == 15 for c in given)
    with db.read() as s:
        assert s.get(PlatformMonth, "2026-09") is not None and s.get(PlatformMonth, "2026-10") is None
        status = platform_reconcile.month_status(s, cli_actor(), TODAY)
    october = any(c[1].year == 2026 and c[1].month == 10 and c[2] != "void" for c in cases)
    assert status.previous == ("2026-10" if october else "")


def test_the_demo_is_the_same_without_its_codes(data_dir, db, tmp_path, monkeypatch):
    import shutil

    from xihu_desk.paths import DataDir
    from xihu_desk.store import migrate

    other = DataDir(tmp_path / "other")
    shutil.copytree(data_dir.root, other.root)
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=15, today=TODAY))
    monkeypatch.setattr(demo_platform, "fill", lambda *a, **k: 0)
    opened = migrate.open_database(other)
    try:
        with opened.db.write() as s:
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=15, today=TODAY))
        assert _cases(db)[:2] == _cases(opened.db)[:2]
    finally:
        opened.db.dispose()


def test_the_demo_run_twice_on_one_node_gives_each_case_its_own_code(db):
    for _ in range(2):  # the second run draws the same numbers first: they are taken
        with db.write() as s:
            demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=15, today=TODAY))
    _cases_, _parties, codes = _cases(db)
    given = [c for c in codes if c]
    assert len(given) > 15 and len(set(given)) == len(given)
