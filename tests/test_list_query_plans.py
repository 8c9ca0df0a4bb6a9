"""The lists' first page at volume (issue 15): each page's statements seek by an index for the
rows it shows instead of walking a big table (EXPLAIN QUERY PLAN of what the service sends).
At 100,000 screening rounds with 150,000 disputes the 排查 list's page took 0.8 s: the per-round
counts were grouped over every dispute before the page was cut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, func, select

from tests import casekit, reviewkit
from tests.test_screening import _dispute, _round
from xihu_desk.services import audit, case_queries, mediators, review_queries, screening_queries
from xihu_desk.store.models import AuditEvent

pytestmark = pytest.mark.sqlite_only  # SQLite's planner


def plans(db, run: Callable[[Any], Any]) -> list[str]:
    """The query plan of every SELECT ``run(session)`` sends, one line each."""
    sent: list[tuple[str, Any]] = []

    def on_execute(_conn, _cursor, statement, params, _context, _many) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        with db.read() as s:
            run(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    with db.engine.connect() as conn:
        return [
            " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            for statement, params in sent
        ]


def test_the_screening_page_counts_disputes_only_for_the_rounds_it_shows(db):
    head = casekit.head_actor(db)
    _round(db, head, _dispute(), _dispute(risk="serious", responsible="周调解", measures="每周回访"))
    _round(db, head, _dispute())
    f = screening_queries.ScreeningFilter()
    with db.read() as s:
        rows = screening_queries.list_rounds(s, head, f, 0, 100)
        assert screening_queries.count_rounds(s, head, f) == 2
        assert screening_queries.count_rounds(s, head, screening_queries.ScreeningFilter(show="open")) == 2
    assert sorted((r.found, r.open, r.serious) for r in rows) == [(1, 1, 0), (2, 2, 1)]
    [plan] = plans(db, lambda s: screening_queries.list_rounds(s, head, f, 0, 100))
    assert "SCAN screened_dispute" not in plan and "MATERIALIZE" not in plan, plan
    assert "USING INDEX ix_screening_current_held" in plan, plan  # the newest first, from the index
    [plan] = plans(db, lambda s: screening_queries.count_rounds(s, head, f))
    assert "USING INDEX ix_screening_current_held" in plan, plan  # not every round's row
    for plan in plans(db, lambda s: screening_queries.form_choices(s, head)):
        assert "screening_round" not in plan, plan  # the form's officers: no report counts


def test_the_case_list_filter_reads_three_columns_of_the_roster(db):
    """At 20,000 mediators the whole rows (masked ID numbers, pinyin keys) took 2 s before the
    case list's first row: the filter needs each mediator's uuid, name and committee only."""
    head = casekit.head_actor(db)
    casekit.roster(db, head)
    sent: list[str] = []

    def on_execute(_conn, _cursor, statement, _params, _context, _many) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        with db.read() as s:
            choices = case_queries.filter_choices(s, head)["mediators"]
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    with db.read() as s:
        whole = mediators.list_mediators(s, active_only=False)
    assert [(m.uuid, m.name, m.committee_uuid) for m in choices] == [(m.uuid, m.name, m.committee_uuid) for m in whole]
    [roster] = [q for q in sent if "FROM mediator" in q]
    assert roster.startswith("SELECT mediator.uuid, mediator.name, mediator.committee_uuid FROM"), roster


def test_the_whole_audit_log_is_counted_by_its_last_number(db):
    """The log is numbered without gaps and never deleted from: its last number is its count,
    one seek instead of a walk over every event (60–460 ms at 2,000,000 events)."""
    head = casekit.head_actor(db)
    casekit.roster(db, head)  # a few more events
    with db.read() as s:
        every = s.scalar(select(func.count()).select_from(AuditEvent))
        assert audit.count_events(s, head, audit.AuditFilter()) == every > 3
        assert audit.count_events(s, head, audit.AuditFilter(action="node.init")) == 1  # a filter still counts
    [plan] = plans(db, lambda s: audit.count_events(s, head, audit.AuditFilter()))
    assert "SCAN" not in plan, plan


def test_the_review_register_counts_and_pages_from_the_live_items_index(db):
    """``deleted IS 0`` matched none of the partial indexes (``deleted = 0``): the register's count
    and first page walked every item (80 + 190 ms at 200,000 items); now both use the index."""
    actor = reviewkit.reviewer(db)
    for _ in range(3):
        reviewkit.register(db, actor)
    today = actor.today
    f = review_queries.ReviewFilter()
    with db.read() as s:
        assert review_queries.count_reviews(s, actor, f, today) == 3
        assert review_queries.count_reviews(s, actor, review_queries.ReviewFilter(status="archived"), today) == 0
        rows = review_queries.list_reviews(s, actor, f, today, 0, 100)
    assert len(rows) == 3 and rows[0].number > rows[-1].number  # newest number first
    items = [p for p in plans(db, lambda s: review_queries.count_reviews(s, actor, f, today)) if "review_item" in p]
    items += [p for p in plans(db, lambda s: review_queries.list_reviews(s, actor, f, today, 0, 100)) if "review_item" in p]
    assert len(items) == 2
    for plan in items:
        assert "INDEX ix_review_live_number" in plan and "TEMP B-TREE" not in plan, plan
