"""Migration 0010_case_procedure: cases already present follow the ordinary procedure (the column
is added with that default; no case row is rewritten, so their record digests still hold)."""

from __future__ import annotations

from sqlalchemy import text

from alembic import command
from xihu_desk.store import migrate
from xihu_desk.store.engine import make_engine


def _fill_required(conn, table: str, values: dict) -> None:
    """A row with the given values and a placeholder in every other NOT NULL column without default."""
    row = dict(values)
    for _cid, name, kind, notnull, default, _pk in conn.execute(text(f"PRAGMA table_info({table})")):
        if notnull and default is None and name not in row:
            row[name] = 0 if kind.upper() in ("INTEGER", "BOOLEAN") else "2026-03-02" if kind.upper() == "DATE" \
                else "2026-03-02 09:00:00.000000" if kind.upper() == "DATETIME" else "x"
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_a_case_made_before_the_migration_is_ordinary(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = migrate.alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009")  # the case tables as the previous version left them
        _fill_required(conn, "org_unit", {"code": "330106002"})
        _fill_required(conn, "committee", {"uuid": "m-1", "org_code": "330106002", "deleted": 0})
        _fill_required(conn, "mediation_case", {"uuid": "c-1", "case_no": "（2026）北山人调字第0001号",
                                                "committee_uuid": "m-1", "status": "closed", "deleted": 0})
        assert "procedure" not in {r[1] for r in conn.execute(text("PRAGMA table_info(mediation_case)"))}
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0010_case_procedure")
        assert conn.execute(text("SELECT procedure FROM mediation_case WHERE uuid = 'c-1'")).scalar() == "ordinary"
        assert conn.execute(text("SELECT status FROM mediation_case WHERE uuid = 'c-1'")).scalar() == "closed"
    engine.dispose()
