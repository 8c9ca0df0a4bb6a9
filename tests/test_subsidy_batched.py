"""以案定补 reads its cases a page at a time (services/subsidy_facts.py): the sheet's statements do not
grow with the cases (it was about 40 a case, the casefile score taken from each case's whole page),
every case's casefile score equals the score of its case page (case_detail), and the payment
workbook's cells are the same as when each case was scored through case_detail."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import select

from tests.statements import statements_sent
from xihu_desk.domain import casefile_review
from xihu_desk.paths import DataDir
from xihu_desk.reports import subsidy as report
from xihu_desk.services import case_queries, demo, subsidy, subsidy_facts
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate
from xihu_desk.store.case_models import MediationCase

TODAY = date(2026, 11, 27)
YEAR = (date(2020, 1, 1), TODAY)  # every demo case


@pytest.fixture(scope="module")
def demo_db(template_node, tmp_path_factory):
    """A demo node of 60 cases under the shipped rules (their review bands score every case's file)."""
    root = tmp_path_factory.mktemp("subsidy_batched") / "data"
    shutil.copytree(template_node, root)
    opened = migrate.open_database(DataDir(root))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=60, seed=7, today=TODAY))
    yield opened.db
    opened.db.dispose()


def _closed(s) -> list[MediationCase]:
    return list(
        s.scalars(
            select(MediationCase)
            .where(MediationCase.status.in_(("closed", "filed")), MediationCase.deleted.is_(False))
            .order_by(MediationCase.case_no)
        )
    )


def test_the_sheet_reads_as_many_statements_for_a_few_cases_as_for_many(demo_db):
    with demo_db.read() as s:
        by_month = sorted(c.closed_on for c in _closed(s) if c.closed_on)
    # a narrow period (the first few closed cases) and the whole year
    few_to = by_month[2]
    few, narrow = statements_sent(demo_db, lambda s: subsidy.sheet(s, cli_actor(), YEAR[0], few_to))
    many, wide = statements_sent(demo_db, lambda s: subsidy.sheet(s, cli_actor(), *YEAR))
    counted = lambda sheet: len({i.case_no for m in sheet.mediators for i in m.items})  # noqa: E731
    assert wide.rules.grade_bands and counted(wide) >= 25 and counted(narrow) <= 5
    assert many == few, (few, many)  # was about 40 statements a case
    assert many < 30


def test_every_case_scores_as_its_case_page_does(demo_db):
    actor = cli_actor()
    criteria = casefile_review.load(None)
    with demo_db.read() as s:
        closed = _closed(s)
        facts = subsidy_facts.case_facts(s, actor, closed, True)
        page = {c.uuid: casefile_review.score(case_queries.case_detail(s, actor, c.uuid), criteria, actor.today) for c in closed}
        rows = subsidy_facts._Page(s, [c.uuid for c in closed], True)
        simple = [c for c in closed if c.procedure == "simple"]
        from xihu_desk.services import settings

        docs = {
            c.uuid: casefile_review.score(
                rows.review_doc(c, settings.simple_filing(s) if c.procedure == "simple" else None), criteria, actor.today
            )
            for c in closed
        }
    assert len(closed) >= 40 and simple  # simple-procedure files are scored by their own rule
    assert {f.uuid: f.review_score for f in facts} == {u: sc.score for u, sc in page.items()}
    assert docs == page  # the score and every defect with its reason
    assert len({sc.score for sc in page.values()}) > 1  # files of different quality, not one score


def _cells(data: bytes) -> list[tuple[str, list[tuple]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [(ws.title, [tuple(c.value for c in row) for row in ws.iter_rows()]) for ws in book.worksheets]


def test_the_workbook_is_cell_for_cell_the_one_scored_through_the_case_pages(demo_db, monkeypatch):
    actor = cli_actor().stamped(datetime(2026, 11, 27, 2))
    with demo_db.read() as s:
        batched = subsidy.sheet(s, actor, *YEAR)
    with demo_db.read() as s:
        # before: each case's file scored from its whole case page
        monkeypatch.setattr(
            subsidy_facts._Page, "review_doc", lambda _self, c, _simple: case_queries.case_detail(s, actor, c.uuid)
        )
        paged = subsidy.sheet(s, actor, *YEAR)
    assert batched.as_json() == paged.as_json() and batched.total > 0
    assert any(i.reason for m in batched.mediators for i in m.items if "评查" in i.reason) or batched.held
    made = [report.payment_workbook(sh, org_name="北山街道", generated_at=actor.now) for sh in (batched, paged)]
    assert _cells(made[0]) == _cells(made[1])
