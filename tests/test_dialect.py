"""SQL written once, right on both backends (issue 17): what SQLite gets stays exactly as its partial
indexes and FTS5 need; PostgreSQL gets booleans, ILIKE on pg_trgm, a LIKE prefix and to_char."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from xihu_desk.store import case_list, dialect
from xihu_desk.store.case_models import MediationCase


def _both(query) -> tuple[str, str]:
    return str(query.compile(dialect=sqlite.dialect())), str(query.compile(dialect=postgresql.dialect()))


def _where(f: case_list.CaseFilter):
    return select(MediationCase.uuid).where(*case_list.where(f, date(2026, 6, 1)))


def test_live_rows():
    lite, server = _both(_where(case_list.CaseFilter()))
    assert "mediation_case.deleted = 0" in lite and "= 0 = 1" not in lite
    assert "NOT mediation_case.deleted" in server and "deleted = 0" not in server


def test_search_of_three_characters_and_more():
    lite, server = _both(_where(case_list.CaseFilter(text="王建国 借款纠纷")))
    assert "case_fts MATCH" in lite
    assert "MATCH" not in server and server.count("ILIKE") == 2


def test_short_name_prefix_and_scan():
    lite, server = _both(_where(case_list.CaseFilter(text="王", scan_text=True)))
    assert "GLOB" in lite and "instr(" in lite
    assert "GLOB" not in server and "LIKE" in server and "strpos(" in server


def test_like_wildcards_are_literal():
    assert dialect.like_escape("50%_a\\b") == "50\\%\\_a\\\\b"


def test_month_of_a_date():
    lite, server = _both(select(dialect.year_month(MediationCase.accepted_on)))
    assert "strftime" in lite and "to_char" in server and "strftime" not in server
