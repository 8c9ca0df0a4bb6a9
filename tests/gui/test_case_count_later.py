# ruff: noqa: F811 - the fixtures imported from casegui are parameters here
"""The case list on a big server table (issue 17): the first rows come at once and the exact count
after, off the GUI thread; the whole list shows the planner's estimate (约 n 件) meanwhile, a
filtered one 共 … 件. The estimate is made to look big here: the behaviour is the same on SQLite."""

from __future__ import annotations

import shutil
import threading
from datetime import date

import pytest

from xihu_desk.gui.cases.model import CaseListModel
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.paths import DataDir
from xihu_desk.services import case_estimate, case_queries
from xihu_desk.store.case_list import CaseFilter

from .casegui import DEMO_CASES, demo_template, head  # noqa: F401 - fixtures

ESTIMATE = 1_000_000


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


@pytest.fixture
def big_table(monkeypatch):
    """The table looks a million cases big; the counts made are recorded with their thread."""
    counted_on: list[threading.Thread] = []
    count = case_queries.count_cases

    def counting(*args, **kwargs):
        counted_on.append(threading.current_thread())
        return count(*args, **kwargs)

    monkeypatch.setattr(case_estimate, "estimated", lambda dialect: True)  # asked for on SQLite too
    monkeypatch.setattr(case_estimate, "estimate_cases", lambda session, actor: ESTIMATE)
    monkeypatch.setattr(case_queries, "count_cases", counting)
    return counted_on


def _first_uuids(ctx, head, f: CaseFilter, n: int) -> list[str]:
    with ctx.db.read() as session:
        return [r.uuid for r in case_queries.list_cases(session, head, f, date.today(), 0, n)]


def test_the_whole_list_shows_rows_and_the_estimate_then_the_count(qtbot, qtmodeltester, ctx, head, big_table) -> None:
    model = CaseListModel(ctx, head, page_size=10)
    with qtbot.waitSignal(model.counted, timeout=5000):
        model.set_filter(CaseFilter())
        assert (model.rowCount(), model.exact, model.approximate) == (ESTIMATE, False, True)
        assert threading.main_thread() not in big_table  # nothing counted on the GUI thread
        assert [model.uuid_at(r) for r in range(10)] == _first_uuids(ctx, head, CaseFilter(), 10)
    assert (model.rowCount(), model.exact, model.approximate) == (DEMO_CASES, True, False)
    assert big_table and all(t is not threading.main_thread() for t in big_table)
    assert [model.uuid_at(r) for r in range(DEMO_CASES)] == _first_uuids(ctx, head, CaseFilter(), DEMO_CASES)
    qtmodeltester.check(model)


def test_a_filtered_list_shows_its_first_page_then_its_count(qtbot, ctx, head, big_table) -> None:
    f = CaseFilter(status="closed")
    with ctx.db.read() as session:
        closed = case_queries.case_list.count(session, f, date.today())
    assert closed > 5
    model = CaseListModel(ctx, head, page_size=5)
    with qtbot.waitSignal(model.counted, timeout=5000):
        model.set_filter(f)
        assert (model.rowCount(), model.exact, model.approximate) == (5, False, False)
        assert model.pages_read == 1 and [model.uuid_at(r) for r in range(5)] == _first_uuids(ctx, head, f, 5)
    assert (model.rowCount(), model.exact) == (closed, True)
    assert [model.uuid_at(r) for r in range(closed)] == _first_uuids(ctx, head, f, closed)


def test_a_short_first_page_is_the_whole_count(ctx, head, big_table) -> None:
    model = CaseListModel(ctx, head, page_size=DEMO_CASES + 1)
    model.set_filter(CaseFilter(status="closed"))
    assert model.exact and 0 < model.rowCount() < DEMO_CASES and not big_table  # no count at all


def test_a_count_for_an_older_filter_is_dropped(qtbot, ctx, head, big_table) -> None:
    model = CaseListModel(ctx, head, page_size=5)
    model.set_filter(CaseFilter())
    with qtbot.waitSignal(model.counted, timeout=5000):
        model.set_filter(CaseFilter(status="closed"))
    qtbot.wait(50)  # the first filter's count landed too, and was dropped
    with ctx.db.read() as session:
        assert model.rowCount() == case_queries.case_list.count(session, CaseFilter(status="closed"), date.today())


def test_the_page_says_about_then_the_count(qtbot, ctx, head, big_table) -> None:
    page = CasesPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(1180, 700)
    with qtbot.waitSignal(page.model.counted, timeout=5000):
        page.show()
        qtbot.waitExposed(page)
        assert page.count_label.text() == "约 1,000,000 件"
        assert page.model.uuid_at(0) == _first_uuids(ctx, head, CaseFilter(), 1)[0]
    assert page.count_label.text() == f"共 {DEMO_CASES} 件"
    page.search.setText("张")  # a filtered list of fewer rows than a page: its first page is its count
    page.apply_filter()
    found = page.model.rowCount()
    assert page.model.exact and page.count_label.text() == f"共 {found} 件"
    assert page.short_hint.text() in (f"1–2 个字只查当事人姓名开头，找到 {found} 件", "没有姓名以“张”开头的当事人")
