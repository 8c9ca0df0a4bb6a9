"""The parent keeps each child's audit head and warns when a later bundle's chain does not extend it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tests import anydb
from tests.conftest import ADMIN_PASSWORD
from xihu_desk.domain import auditchain
from xihu_desk.paths import DataDir
from xihu_desk.services import audit_exchange, auth, exchange, node
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.models import AuditEvent

FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "summary", "before", "after")


class Office:
    def __init__(self, data: DataDir):
        self.data = data
        self.db = migrate.open_database(data).db

    def key(self) -> dict:
        with self.db.read() as s:
            return exchange.export_key(s, cli_actor())

    def enrol(self, other: Office) -> None:
        with self.db.write() as s:
            exchange.enrol(s, cli_actor(), other.key())

    def export(self, out: Path):
        out.mkdir(parents=True, exist_ok=True)
        return exchange.export_bundle(self.data, self.db, cli_actor(), out)

    def import_(self, path: Path, **kw):
        return exchange.import_bundle(self.data, self.db, cli_actor(), path, **kw)


@pytest.fixture
def offices(data_dir, tmp_path):
    township = Office(data_dir)
    district = Office(DataDir(tmp_path / "district"))
    with district.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand("330106", "district", None, "qu", "District-key-2026"))
    district.enrol(township)
    township.enrol(district)
    yield township, district
    township.db.dispose()
    district.db.dispose()


def _sign_ins(office: Office, n: int) -> None:
    for _ in range(n):
        auth.sign_in(office.db, "admin", ADMIN_PASSWORD)


def _audit_warnings(office: Office) -> list[str]:
    with office.db.read() as s:
        return list(s.scalars(select(AuditEvent.summary).where(AuditEvent.action == "exchange.audit_head")))


def _raw(office: Office, *statements: str, params=None) -> None:
    anydb.execute(office.data, *statements, params=params, no_audit_guard=True)


def _rehash_all(office: Office) -> None:
    with anydb.connect(office.data) as conn:
        anydb.drop_audit_triggers(conn)
        rows = conn.execute(text(f"SELECT {', '.join(FIELDS)} FROM audit_event ORDER BY seq")).all()
        prev = auditchain.GENESIS
        for row in rows:
            entry = dict(zip(FIELDS, row, strict=True))
            h = auditchain.link(prev, entry)
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s"),
                         {"p": prev, "h": h, "s": entry["seq"]})
            prev = h


def test_a_growing_chain_raises_no_warning(offices, tmp_path):
    township, district = offices
    first = district.import_(township.export(tmp_path / "1").file)
    _sign_ins(township, 2)
    second = district.import_(township.export(tmp_path / "2").file)
    _sign_ins(township, 1)
    third = district.import_(township.export(tmp_path / "3").file)
    assert first.warnings == second.warnings == third.warnings == []
    assert _audit_warnings(district) == []


def test_the_last_rows_deleted_at_the_child_are_reported_by_the_parent(offices, tmp_path):
    township, district = offices
    sent = township.export(tmp_path / "1")
    district.import_(sent.file)
    with township.db.read() as s:
        last = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    _raw(township, f"DELETE FROM audit_event WHERE seq > {last - 4}")
    got = district.import_(township.export(tmp_path / "2").file)
    assert got.result == "applied"
    line = next(w for w in got.warnings if "审计日志" in w)
    assert "第 1 号数据包" in line and "核实" in line
    assert line in got.text() and line in json.loads(json.dumps(got.as_json()))["warnings"]
    assert _audit_warnings(district) == [line]


def test_a_chain_rewritten_and_hashed_again_at_the_child_is_reported(offices, tmp_path):
    township, district = offices
    district.import_(township.export(tmp_path / "1").file)
    _raw(township, "UPDATE audit_event SET summary = '无事发生' WHERE seq = 2")
    _rehash_all(township)
    _sign_ins(township, 1)
    got = district.import_(township.export(tmp_path / "2").file)
    assert any("改写" in w for w in got.warnings)


def test_a_lost_bundle_does_not_hide_a_rewrite(offices, tmp_path):
    township, district = offices
    district.import_(township.export(tmp_path / "1").file)
    township.export(tmp_path / "2")  # lost on the way
    _raw(township, "UPDATE audit_event SET summary = '无事发生' WHERE seq = 3")
    _rehash_all(township)
    got = district.import_(township.export(tmp_path / "3").file)
    assert any("改写" in w for w in got.warnings)


def test_bundles_out_of_order_raise_no_warning(offices, tmp_path):
    township, district = offices
    one = township.export(tmp_path / "1")
    _sign_ins(township, 1)
    two = township.export(tmp_path / "2")
    assert district.import_(two.file).warnings == []
    assert district.import_(one.file).warnings == []
    _sign_ins(township, 1)
    assert district.import_(township.export(tmp_path / "3").file).warnings == []


def test_a_dry_run_warns_and_keeps_nothing(offices, tmp_path):
    township, district = offices
    district.import_(township.export(tmp_path / "1").file)
    _raw(township, "UPDATE audit_event SET actor = 'x' WHERE seq = 1")
    _rehash_all(township)
    bundle = township.export(tmp_path / "2").file
    dry = district.import_(bundle, dry_run=True)
    assert any("改写" in w for w in dry.warnings) and _audit_warnings(district) == []
    assert any("改写" in w for w in district.import_(bundle).warnings)


@pytest.mark.parametrize("head", [
    None, "x", {"seq": "1", "hash": "0" * 64}, {"seq": 10**30, "hash": "0" * 64},
    {"seq": 5, "hash": "g" * 64}, {"seq": 5, "hash": "0" * 64, "checkpoints": [[1, 2]]},
    {"seq": 5, "hash": "0" * 64, "checkpoints": [{"seq": 1, "hash": 7}]},
    {"seq": 5, "hash": "0" * 64, "checkpoints": [{"seq": 1, "hash": "0" * 64}] * 1000},
])
def test_a_malformed_head_is_a_warning_never_a_crash(offices, head):
    _township, district = offices
    with district.db.write() as s:
        assert audit_exchange.compare_head(s, cli_actor(), "n1", "某社区", 1, {"seq": 3, "hash": "a" * 64}) == []
        warnings = audit_exchange.compare_head(s, cli_actor(), "n1", "某社区", 2, head)
    assert len(warnings) == 1 and "无法核对" in warnings[0]


def test_a_restore_at_the_sender_is_named_in_the_warning(offices):
    _township, district = offices
    with district.db.write() as s:
        audit_exchange.compare_head(s, cli_actor(), "n1", "某社区", 1, {"seq": 30, "hash": "a" * 64})
        warnings = audit_exchange.compare_head(s, cli_actor(), "n1", "某社区", 2, {
            "seq": 20, "hash": "b" * 64, "checkpoints": [],
            "restored": {"seq": 18, "at": "2026-12-01T09:00:00"}})
    assert len(warnings) == 1 and "短" in warnings[0] and "2026-12-01 从备份恢复" in warnings[0]


def test_the_sender_names_its_last_restore(offices, tmp_path, request):
    township, _district = offices
    with township.db.read() as s:
        assert audit_exchange.head_for(s, "x")["restored"] is None
    from xihu_desk.services import maintenance
    taken = maintenance.backup_now(township.data, township.db, cli_actor(), tmp_path)
    if anydb.is_pg(township.data):  # a server's backup is restored into a new, empty database
        from xihu_desk.services import server_maintenance

        fresh = request.getfixturevalue("empty_data_dir")
        server_maintenance.restore(fresh, cli_actor(), taken)
        township.db.dispose()
        township.db = migrate.open_database(fresh).db
    else:
        township.db = maintenance.restore(township.data, township.db, cli_actor(), taken).db
    with township.db.read() as s:
        assert audit_exchange.head_for(s, "x")["restored"]["seq"] > 0
