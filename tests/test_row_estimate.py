"""The planner's row count (store/row_estimate.py): on PostgreSQL what ANALYZE found, without
counting; on SQLite nothing (its count is fast, the case list counts at once)."""

from __future__ import annotations

from sqlalchemy import text

from tests.conftest import PG
from xihu_desk.services import case_estimate, demo
from xihu_desk.services.context import cli_actor


def test_the_estimate_is_the_planners_figure_on_postgresql_and_none_on_sqlite(db) -> None:  # noqa: ANN001
    with db.write() as session:
        demo.fill(session, cli_actor(), demo.DemoCommand(cases=12))
    if PG:
        with db.engine.connect() as conn:
            conn.execute(text("ANALYZE mediation_case"))
            conn.commit()
    with db.read() as session:
        found = case_estimate.estimate_cases(session, cli_actor())
        exact = session.scalar(text("SELECT count(*) FROM mediation_case"))
    assert found == (exact if PG else None)
