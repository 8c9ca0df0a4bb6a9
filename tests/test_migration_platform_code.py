"""Migration 0013_platform_code: cases already present have no platform code (NULL, so any number of
them coexist under the unique index), no case row is rewritten; the downgrade takes it away again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from alembic import command
from tests.test_migration_case_procedure import _fill_required
from xihu_desk.store import migrate
from xihu_desk.store.engine import make_engine


def _columns(conn) -> set[str]:
    return {r[1] for r in conn.execute(text("PRAGMA table_info(mediation_case)"))}


def test_existing_cases_have_no_code_and_codes_are_unique(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012_agreement_draft")
        _fill_required(conn, "org_unit", {"code": "330106002"})
        _fill_required(conn, "committee", {"uuid": "m-1", "org_code": "330106002", "deleted": 0})
        for n in (1, 2):
            _fill_required(conn, "mediation_case", {"uuid": f"c-{n}", "case_no": f"（2026）北山人调字第000{n}号",
                                                    "committee_uuid": "m-1", "seq": n, "status": "closed", "deleted": 0})
        assert "platform_code" not in _columns(conn)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0013_platform_code")
        assert conn.execute(text("SELECT count(*) FROM mediation_case WHERE platform_code IS NULL")).scalar() == 2
        conn.execute(text("UPDATE mediation_case SET platform_code = 'P-1' WHERE uuid = 'c-1'"))
        with pytest.raises(IntegrityError), conn.begin_nested():
            conn.execute(text("UPDATE mediation_case SET platform_code = 'P-1' WHERE uuid = 'c-2'"))
        assert conn.execute(text("SELECT count(*) FROM platform_month")).scalar() == 0
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0012_agreement_draft")
        assert "platform_code" not in _columns(conn)
        assert conn.execute(text("SELECT count(*) FROM mediation_case")).scalar() == 2
    engine.dispose()
