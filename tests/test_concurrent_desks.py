"""Several desks writing one database at once (issue 17): processes open cases, register reviews and
correct the same closed cases side by side. Afterwards case and review numbers are unique and
gapless, every correction is its own case version, the audit chain is one chain, nothing is lost
or doubled. On SQLite (two processes on one file) always; on PostgreSQL when a server is at hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import casekit, reviewkit
from tests.pg_databases import postgres_node_url
from tests.test_bundle_hardening import world  # noqa: F401 - a township's real bundle for a district
from xihu_desk.services import audit, cases
from xihu_desk.store.case_models import MediationCase
from xihu_desk.store.models import AuditEvent
from xihu_desk.store.review_models import ReviewItem
from xihu_desk.store.uow import Database

ROOT = Path(__file__).resolve().parent.parent
# desks × rounds; XIHU_DESK_TEST_DESKS=8x50 for a heavier run by hand
WORKERS, PER_WORKER = (int(n) for n in os.environ.get("XIHU_DESK_TEST_DESKS", "3x4").split("x"))
CLOSED = 2


def _closed_cases(db: Database, head, roster: list[str]) -> list[str]:
    made = []
    for _ in range(CLOSED):
        with db.write() as s:
            ref = cases.open_case(s, head, casekit.intake(db, roster))
            cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "written")
            cases.add_record(s, head, ref.uuid, casekit.record())
            cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
        made.append(ref.uuid)
    return made


def _run_desks(db: Database) -> tuple[list[dict], float, dict[str, int]]:
    head = casekit.head_actor(db)
    reviewkit.reviewer(db)  # the reviewer named on every registration
    roster = casekit.roster(db, head)
    closed = _closed_cases(db, head, roster)
    with db.read() as s:
        versions = {u: s.get_one(MediationCase, u).version for u in closed}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.concurrent_desk", db.url, str(w), str(PER_WORKER),
             json.dumps(roster), json.dumps(closed)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WORKERS)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results, time.perf_counter() - started, versions


def _check(db: Database, results: list[dict], versions: dict[str, int]) -> None:
    made = [n for r in results for n in r["cases"]]
    assert len(made) == len(set(made)) == WORKERS * PER_WORKER
    with db.read() as s:
        seqs = sorted(s.scalars(select(MediationCase.seq).where(MediationCase.year == 2026)))
        assert seqs == list(range(1, WORKERS * PER_WORKER + CLOSED + 1))  # unique and gapless
        numbers = [n for r in results for n in r["reviews"]]
        assert len(numbers) == len(set(numbers)) == WORKERS * PER_WORKER
        review_seqs = sorted(s.scalars(select(ReviewItem.seq)))
        assert review_seqs == list(range(1, WORKERS * PER_WORKER + 1))
        # each correction made exactly one new version of its case: none lost, none doubled
        per_case = Counter(t for r in results for t, _v in r["corrections"])
        for uuid, before in versions.items():
            got = sorted(v for r in results for t, v in r["corrections"] if t == uuid)
            assert got == list(range(before + 1, before + per_case[uuid] + 1))
            assert s.get_one(MediationCase, uuid).version == before + per_case[uuid]
        chain = audit.verify_chain(s)
        assert chain.ok, chain.reason
        actions = dict(s.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all())
        assert actions["case.open"] == WORKERS * PER_WORKER + CLOSED
        assert actions["case.correct"] == WORKERS * PER_WORKER
        assert actions["user.login"] >= WORKERS


@pytest.mark.sqlite_only  # the PostgreSQL run has its own twin below
def test_desks_on_one_sqlite_file(db) -> None:
    results, seconds, versions = _run_desks(db)
    _check(db, results, versions)
    with db.read() as s:
        report = audit.verify_records(s)  # every case's digest still matches what the app wrote
        assert not report.changed and not report.unsigned and report.vanished == 0
    print(f"\nSQLite: {WORKERS} processes × {PER_WORKER} rounds in {seconds:.1f} s", [r["seconds"] for r in results],
          "retries after a busy refusal:", sum(r["retries"] for r in results))


def test_desks_on_one_postgresql_database() -> None:
    url = postgres_node_url("concurrent_desks")  # skips with its reason when no server is at hand
    db = Database(url)
    try:
        results, seconds, versions = _run_desks(db)
        _check(db, results, versions)
    finally:
        db.dispose()
    print(f"\nPostgreSQL: {WORKERS} processes × {PER_WORKER} rounds in {seconds:.1f} s", [r["seconds"] for r in results],
          "retries after a busy refusal:", sum(r["retries"] for r in results))


def test_a_write_waiting_too_long_on_postgresql_is_refused_with_a_message(monkeypatch) -> None:
    from sqlalchemy import text

    from xihu_desk.domain.errors import StorageError
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store import locks

    db = Database(postgres_node_url("writer_lock_wait"))  # skips with its reason when no server is at hand
    monkeypatch.setattr(locks, "WAIT_MS", 300)
    try:
        with db.engine.connect() as other_desk, other_desk.begin():  # another desk in a long import
            other_desk.execute(text(f"SELECT pg_advisory_xact_lock({locks.WRITER_LOCK_KEY})"))
            started = time.perf_counter()
            with pytest.raises(StorageError, match="其他工作台正在保存或导入数据包，本次操作未保存"), db.write() as s:
                audit.record(s, cli_actor(), "setting.update", "setting", "probe", summary="试写")
            assert time.perf_counter() - started < 5
        with db.write() as s:  # the other desk done: writes go on
            audit.record(s, cli_actor(), "setting.update", "setting", "probe", summary="试写")
    finally:
        db.dispose()


def _bundle_beside_review_desks(db: Database, data_root: Path, bundle: Path, township: Path,
                                env: dict[str, str]) -> tuple[int, float]:
    """The district's exchange desk imports ``bundle`` while WORKERS review desks register; checks."""
    from xihu_desk.domain.roles import Role
    from xihu_desk.paths import DataDir
    from xihu_desk.services import auth, users

    admin = auth.sign_in(db, "qu", "District-key-2026")
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("shen", "沈审查", Role.REVIEWER.value, "Legal-review-2026"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    started = time.perf_counter()
    argvs = [["import", str(data_root), str(bundle)]] + [
        ["reviews", db.url, str(w), str(PER_WORKER), "shen", "Legal-review-2026"] for w in range(WORKERS)
    ]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.concurrent_desk", *argv], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for argv in argvs]
    outputs = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err[-3000:]
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    seconds = time.perf_counter() - started
    imported, desks = outputs[0], outputs[1:]
    assert imported["result"] == "applied" and imported["counts"]["quarantined"] == 0, imported
    with db.read() as s:
        numbers = [n for d in desks for n in d["reviews"]]
        assert len(numbers) == len(set(numbers)) == WORKERS * PER_WORKER
        assert sorted(s.scalars(select(ReviewItem.seq).where(ReviewItem.office_code == "330106"))) == list(
            range(1, WORKERS * PER_WORKER + 1))
        # every case of the bundle arrived once, none twice
        sender = Database(DataDir(township).url)
        try:
            with sender.read() as t:
                sent = set(t.scalars(select(MediationCase.uuid)))
        finally:
            sender.dispose()
        got = list(s.scalars(select(MediationCase.uuid)))
        assert len(got) == len(set(got)) and set(got) == sent
        chain = audit.verify_chain(s)
        assert chain.ok, chain.reason
        assert dict(s.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all())[
            "exchange.import"] == 1
    return len(sent), seconds


@pytest.mark.sqlite_only  # the PostgreSQL run has its own twin below
def test_a_bundle_imported_while_desks_register_reviews_on_one_sqlite_file(world, tmp_path) -> None:  # noqa: F811
    """The district's exchange desk imports a township's bundle while its review desks register."""
    from xihu_desk.paths import DataDir
    from xihu_desk.store import migrate

    root = tmp_path / "district"
    shutil.copytree(world.district, root)
    db = migrate.open_database(DataDir(root)).db
    try:
        cases_sent, seconds = _bundle_beside_review_desks(db, root, world.bundle, world.township, {})
    finally:
        db.dispose()
    print(f"\nSQLite: a bundle of {cases_sent} cases imported beside {WORKERS} review desks × {PER_WORKER} "
          f"in {seconds:.1f} s")


def test_a_bundle_imported_while_desks_register_reviews_on_postgresql(world, tmp_path) -> None:  # noqa: F811
    """The same on PostgreSQL: the district's node moved onto the server keeps its identity and keys
    (those the township's bundle is addressed and encrypted to)."""
    from xihu_desk.paths import DataDir
    from xihu_desk.services import exchange
    from xihu_desk.services.context import cli_actor
    from xihu_desk.store.models import Node

    url = postgres_node_url("bundle_beside_desks", district=True)  # skips with its reason without a server
    db = Database(url)
    sqlite_district = Database(DataDir(world.district).url)
    township = Database(DataDir(world.township).url)
    try:
        with sqlite_district.read() as s:
            me = s.get_one(Node, 1)
            identity = {k: getattr(me, k) for k in ("node_id", "sign_private", "sign_public", "enc_private",
                                                     "enc_public", "fingerprint")}
        with township.read() as s:
            township_key = exchange.export_key(s, cli_actor())
        with db.write() as s:
            for k, v in identity.items():
                setattr(s.get_one(Node, 1), k, v)
        with db.write() as s:
            exchange.enrol(s, cli_actor(), township_key)
        data_root = tmp_path / "district-desk"
        data_root.mkdir()
        cases_sent, seconds = _bundle_beside_review_desks(db, data_root, world.bundle, world.township,
                                                          {"XIHU_DESK_DATABASE": url})
    finally:
        township.dispose()
        sqlite_district.dispose()
        db.dispose()
    print(f"\nPostgreSQL: a bundle of {cases_sent} cases imported beside {WORKERS} review desks × {PER_WORKER} "
          f"in {seconds:.1f} s")
