"""`case show` at a million cases (issue 15): the cases opened from this one are found by the
linked_from index even when ANALYZE has counted that column (NULL on nearly every case) as one
value; the planner then walked every case in case_no order (8 s), and the links stay sorted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from tests import casekit
from xihu_desk.services import case_lifecycle, case_queries, cases

pytestmark = pytest.mark.sqlite_only  # SQLite's planner and its statistics

# sqlite_stat1 as `PRAGMA optimize` leaves it on a node of a million cases (benchmarks/gen_cases.py)
MILLION = {
    "ix_mediation_case_linked_from": "1000000 1000000",
    "ix_mediation_case_case_no": "1000000 1",
    "sqlite_autoindex_mediation_case_1": "1000000 1",
}


def test_linked_cases_are_found_by_their_index_at_a_million_cases(db):
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster))
        cases.record_notice(s, head, ref.uuid, date(2026, 3, 2), "written")
        cases.add_record(s, head, ref.uuid, casekit.record())
        cases.record_agreement(s, head, ref.uuid, casekit.written_agreement())
    with db.write() as s:
        first = case_lifecycle.open_linked(s, head, ref.uuid, "协议履行完毕后又因同一漏水发生新纠纷")
        second = case_lifecycle.open_linked(s, head, ref.uuid, "又一次因同一漏水发生纠纷")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        for index, stat in MILLION.items():
            conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE idx = ?", (index,))
            conn.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES ('mediation_case', ?, ?)", (index, stat))
    db.engine.dispose()  # the planner reads the statistics when a connection opens

    sent: list[tuple[str, object]] = []

    def on_execute(_conn, _cursor, statement, params, _context, _many) -> None:
        if "linked_from =" in statement:
            sent.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        with db.read() as s:
            doc = case_queries.case_detail(s, head, ref.uuid)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    assert [c["case_no"] for c in doc["linked_cases"]] == sorted([first.case_no, second.case_no])
    assert sent
    with db.engine.connect() as conn:
        for statement, params in sent:
            plan = " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            assert "ix_mediation_case_linked_from" in plan, plan
