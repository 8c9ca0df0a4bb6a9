"""Case rows changed outside the app (version left as it was) are named by check."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from tests import anydb, casekit
from xihu_desk import cli
from xihu_desk.paths import DataDir
from xihu_desk.services import cases, demo, maintenance
from xihu_desk.services.context import cli_actor
from xihu_desk.store import digests, migrate
from xihu_desk.store.case_models import MediationCase, Party


@pytest.fixture(scope="module")
def filled_template(template_node, tmp_path_factory):
    root = tmp_path_factory.mktemp("digest") / "data"
    shutil.copytree(template_node, root)
    db = migrate.open_database(DataDir(root)).db
    with db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(seed=5, cases=12, today=date(2026, 11, 20)))
    db.dispose()
    return root


@pytest.fixture
def filled(filled_template, tmp_path):
    data_dir = DataDir(tmp_path / "data")
    shutil.copytree(filled_template, data_dir.root)
    db = migrate.open_database(data_dir).db
    yield data_dir, db
    db.dispose()


def _sql(data_dir, statement: str, **params) -> None:
    anydb.execute(data_dir, statement, params=params)


def _a_case(db) -> tuple[str, str]:
    with db.read() as s:
        c = s.scalars(select(MediationCase).order_by(MediationCase.uuid)).first()
        return c.uuid, c.case_no


def test_a_node_written_only_by_the_app_passes(filled):
    data_dir, db = filled
    report = maintenance.check(data_dir, db)
    assert report.ok and report.records.ok and report.records.cases == 12


def test_a_case_edited_with_the_sqlite_shell_is_named(filled):
    data_dir, db = filled
    uuid, case_no = _a_case(db)
    _sql(data_dir, "UPDATE mediation_case SET amount_fen = amount_fen + 100000 WHERE uuid = :u", u=uuid)
    report = maintenance.check(data_dir, db)
    assert not report.ok and report.records.changed == [case_no]
    assert case_no in report.records.line() and "程序之外被改动" in report.records.line()


def test_a_party_edited_outside_the_app_names_its_case(filled):
    data_dir, db = filled
    uuid, case_no = _a_case(db)
    _sql(data_dir, "UPDATE party SET phone = '13900000000' WHERE case_uuid = :u", u=uuid)
    assert maintenance.check(data_dir, db).records.changed == [case_no]


def test_rows_added_or_deleted_outside_the_app_are_reported(filled):
    data_dir, db = filled
    uuid, _case_no = _a_case(db)
    statements = [f"DELETE FROM {table} WHERE case_uuid = :u" for table in (
        "party", "case_mediator", "case_record", "agreement", "followup", "confirmation",
        "attachment", "case_search", "case_import")]
    anydb.execute(data_dir, *statements, "DELETE FROM mediation_case WHERE uuid = :u", params={"u": uuid}, loose=True)
    report = maintenance.check(data_dir, db)
    assert not report.ok and report.records.vanished == 1 and "被删除" in report.records.line()
    _sql(data_dir, "DELETE FROM record_digest WHERE case_uuid = :u", u=uuid)
    with db.read() as s:
        other_no = s.scalars(select(MediationCase.case_no).order_by(MediationCase.uuid)).first()
        other = s.scalars(select(MediationCase.uuid).order_by(MediationCase.uuid)).first()
    _sql(data_dir, "DELETE FROM record_digest WHERE case_uuid = :u", u=other)
    assert maintenance.check(data_dir, db).records.unsigned == [other_no]


def test_every_write_path_of_the_app_keeps_the_digest(filled):
    data_dir, db = filled
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
    with db.write() as s:
        cases.update_intake(s, head, ref.uuid, casekit.intake(db, roster, summary="楼上漏水，多次协商未果。"))
    with db.write() as s:  # a plain ORM change, as any service makes it
        s.scalars(select(Party).where(Party.case_uuid == ref.uuid)).first().phone = "13800000000"
    assert maintenance.check(data_dir, db).ok


def test_check_on_the_command_line_names_the_case(filled, capsys):
    data_dir, db = filled
    uuid, case_no = _a_case(db)
    _sql(data_dir, "UPDATE mediation_case SET summary = '改过的' WHERE uuid = :u", u=uuid)
    db.dispose()
    assert cli.main(["check", "--data-dir", str(data_dir.root)]) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("案件记录"))
    assert case_no in line
    assert cli.main(["check", "--json", "--data-dir", str(data_dir.root)]) == 1
    assert json.loads(capsys.readouterr().out)["records"]["changed"] == [case_no]


def test_a_column_added_later_does_not_make_old_digests_wrong(filled):
    data_dir, db = filled
    db.dispose()
    _sql(data_dir, "ALTER TABLE party ADD COLUMN nickname TEXT DEFAULT 'x'")
    db2 = migrate.open_database(data_dir).db
    try:
        assert maintenance.check(data_dir, db2).records.ok
        uuid, case_no = _a_case(db2)
        _sql(data_dir, "UPDATE party SET name = '张三丰' WHERE case_uuid = :u", u=uuid)
        assert maintenance.check(data_dir, db2).records.changed == [case_no]
    finally:
        db2.dispose()


def test_rebuild_digests_every_case(filled):
    data_dir, db = filled
    _sql(data_dir, "DELETE FROM record_digest")
    with anydb.connect(data_dir) as conn:
        digests.rebuild(conn.connection.driver_connection)
    assert maintenance.check(data_dir, db).records.ok
