"""The first screen of each list (案件, 合法性审查, 调解员名册, 审计日志) issues a bounded number of
statements, reads the selected row's summary once, and fills its filter lists without scanning a
whole table (EXPLAIN QUERY PLAN of every statement that is not the list's own count or page)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from tests import casekit
from xihu_desk.gui import ops, prefs
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.gui.listpage import _AfterPaint
from xihu_desk.gui.mediators.roster import RosterTab
from xihu_desk.gui.pages.audit import AuditTab
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.paths import DataDir

from .casegui import DEMO_CASES, demo_template  # noqa: F401 - fixtures

# (the roster itself, a few hundred people, is read whole as the 调解员 choices: not listed)
BIG_TABLES = ("mediation_case", "party", "case_search", "audit_event", "review_item", "case_mediator", "case_record")


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: F811 - pytest fixtures
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


class Statements:
    """Every statement sent to SQLite, with the service (the ops.read function) that sent it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, object]] = []
        self.reads: list[str] = []
        self.before_paint: list[str] = []  # the reads done by show() itself
        self.current = ""


@contextmanager
def watched(ctx, monkeypatch) -> Iterator[Statements]:
    seen = Statements()
    real = ops.read

    def read(c, actor, fn, *args, **kwargs):
        outer, seen.current = seen.current, fn.__name__
        seen.reads.append(fn.__name__)
        try:
            return real(c, actor, fn, *args, **kwargs)
        finally:
            seen.current = outer

    def on_execute(_conn, _cursor, statement, params, _context, _many) -> None:
        seen.sent.append((seen.current, statement, params))

    monkeypatch.setattr(ops, "read", read)
    event.listen(ctx.db.engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", on_execute)


def whole_table_scans(ctx, seen: Statements) -> list[str]:
    """Statements outside the list's own count and page whose plan walks a whole big table."""
    found = []
    with ctx.db.engine.connect() as conn:
        server = conn.dialect.name == "postgresql"
        if server:  # a demo's small tables are read whole when that is cheaper: ask for what an index can do
            conn.exec_driver_sql("SET enable_seqscan = off")
        for service, statement, params in seen.sent:
            if service.startswith(("count_", "list_")) or not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            if server:
                plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params).scalar()
                found += [f"{service}: {walk}: {statement[:120]}" for walk in _pg_walks(plan[0]["Plan"])]
                continue
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            for row in plan:
                detail = row[-1]
                if detail.startswith("SCAN ") and detail.split()[1] in BIG_TABLES:
                    found.append(f"{service}: {detail}: {statement[:120]}")
    return found


def _pg_walks(node: dict, limited: bool = False) -> list[str]:
    """PostgreSQL's plan nodes that read a whole big table: a sequential scan, or an index walked
    end to end (no index condition) where no LIMIT stops it -- SQLite's ``SCAN table``."""
    out = []
    table = node.get("Relation Name")
    kind = node["Node Type"]
    if table in BIG_TABLES and (kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan")
                                                        and "Index Cond" not in node and not limited)):
        out.append(f"{kind} on {table}")
    for child in node.get("Plans", []):
        out += _pg_walks(child, limited or kind == "Limit")
    return out


def first_screen(qtbot, ctx, monkeypatch, widget) -> Statements:
    qtbot.addWidget(widget)
    widget.resize(1180, 700)
    with watched(ctx, monkeypatch) as seen:
        widget.show()
        seen.before_paint = list(seen.reads)
        qtbot.waitExposed(widget)
        qtbot.wait(_AfterPaint.SAFETY_MS + 100)  # the summary pane, read right after the rows are painted
    return seen


def test_the_case_list_reads_its_summary_once_and_scans_nothing_for_its_filters(qtbot, ctx, monkeypatch, db) -> None:
    page = CasesPage(ctx, casekit.head_actor(db))
    seen = first_screen(qtbot, ctx, monkeypatch, page)
    assert page.model.rowCount() == DEMO_CASES
    assert seen.reads.count("count_cases") == 1 and seen.reads.count("list_cases") == 1
    assert seen.reads.count("case_detail") == 1  # once, not again from the selection signal
    assert "list_cases" in seen.before_paint and "case_detail" not in seen.before_paint  # the rows first
    assert page.preview_title.text() == page.model.row(0).title
    # (+2: the 调解员 filter's names, read in their own unit of work after the rows are painted)
    assert len(seen.sent) <= 62, [s for _, s, _ in seen.sent]
    assert page.mediator.count() > 1
    assert whole_table_scans(ctx, seen) == []


def test_the_review_list_first_screen(qtbot, ctx, monkeypatch, db) -> None:
    from tests import reviewkit

    page = ReviewsPage(ctx, reviewkit.reviewer(db))
    seen = first_screen(qtbot, ctx, monkeypatch, page)
    assert seen.reads.count("count_reviews") == 1
    assert len(seen.sent) <= 40, [s for _, s, _ in seen.sent]
    assert whole_table_scans(ctx, seen) == []


def test_the_roster_first_screen(qtbot, ctx, monkeypatch, db) -> None:
    tab = RosterTab(ctx, casekit.head_actor(db))
    seen = first_screen(qtbot, ctx, monkeypatch, tab)
    assert seen.reads.count("count_roster") == 1
    assert len(seen.sent) <= 40, [s for _, s, _ in seen.sent]
    assert whole_table_scans(ctx, seen) == []


def test_the_audit_log_first_screen_lists_actors_without_walking_the_log(qtbot, ctx, monkeypatch, admin) -> None:
    tab = AuditTab(ctx, admin)
    saved: list[str] = []
    real_save = prefs.save_state
    monkeypatch.setattr(prefs, "save_state", lambda key, thing: (saved.append(key), real_save(key, thing)))
    qtbot.addWidget(tab)
    tab.resize(1180, 700)
    tab.show()
    qtbot.waitExposed(tab)
    assert saved == []  # its own column sizing wrote no settings file on the way to the first rows
    tab.view.horizontalHeader().resizeSection(1, 200)  # the user's choice is still kept
    qtbot.waitUntil(lambda: "audit/header" in saved, timeout=3000)
    tab.close()
    tab = AuditTab(ctx, admin)
    seen = first_screen(qtbot, ctx, monkeypatch, tab)
    assert tab.model.rowCount() > 0
    assert len(seen.sent) <= 20, [s for _, s, _ in seen.sent]
    assert whole_table_scans(ctx, seen) == []
    assert tab.actor_combo.count() > 1  # the actors are still offered


def test_known_actors_are_found_by_index_seeks(db, admin) -> None:
    from xihu_desk.services import audit

    with db.read() as session:
        actors = audit.known_actors(session, admin)
        expected = list(session.execute(text("SELECT DISTINCT actor FROM audit_event ORDER BY actor")).scalars())
    assert actors == expected and actors


@pytest.mark.parametrize("make", ["cases", "reviews", "roster"])
def test_a_lists_first_showing_writes_no_settings_file(qtbot, ctx, monkeypatch, db, make) -> None:
    from tests import reviewkit

    saved: list[str] = []
    real_save = prefs.save_state
    monkeypatch.setattr(prefs, "save_state", lambda key, thing: (saved.append(key), real_save(key, thing)))
    page = {
        "cases": lambda: CasesPage(ctx, casekit.head_actor(db)),
        "reviews": lambda: ReviewsPage(ctx, reviewkit.reviewer(db)),
        "roster": lambda: RosterTab(ctx, casekit.head_actor(db)),
    }[make]()
    first_screen(qtbot, ctx, monkeypatch, page)
    assert saved == []  # the stretched column following the width is not the user's choice
    page.view.horizontalHeader().resizeSection(0, 150)  # a column the user drags is kept at once
    assert len(saved) == 1
