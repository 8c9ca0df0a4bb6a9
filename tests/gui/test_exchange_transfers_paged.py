"""The 移送申请 tab is a paged list (issue 15): it holds one page of the requests, not every request
ever made, reads another page only when it is scrolled to, and its pending count is the database's,
not the rows it happens to hold."""

from __future__ import annotations

from datetime import date

from tests.test_case_transfer_paged_list import _case, _decision, _requests
from xihu_desk.gui.exchange.page import ExchangePage
from xihu_desk.gui.exchange.transfers import PAGE_SIZE, TransfersTab
from xihu_desk.services import case_transfer
from xihu_desk.services.context import cli_actor


def test_the_tab_holds_a_page_and_reads_the_next_when_scrolled_to(qtbot, ctx, db):
    uuid, no = _case(db)
    asked = _requests(db, uuid, no, PAGE_SIZE + 30, date(2026, 1, 1))
    _decision(db, asked[-1], uuid, True, date(2026, 6, 1))  # the newest was accepted
    tab = TransfersTab(ctx, cli_actor(), False)
    qtbot.addWidget(tab)
    tab.resize(900, 400)
    tab.show()
    tab.refresh()
    model = tab.model
    assert model.rowCount() == PAGE_SIZE + 30 and model.cached_pages() == [0]
    assert tab.pending_count() == PAGE_SIZE + 29
    assert model.data(model.index(0, 0)) == no and "新编号" in model.data(model.index(0, 5))
    assert tab.table.isVisible() and not tab.empty.isVisible()

    last = model.index(PAGE_SIZE + 29, 4)
    tab.table.scrollTo(last)
    qtbot.wait(10)
    assert model.data(last) == "理由0"  # the oldest request, on the second page
    assert model.cached_pages() == [0, 1] and model.pages_read == 1  # the first came with the counts

    tab.table.selectRow(PAGE_SIZE + 29)
    chosen = tab.selected()
    assert chosen is not None and chosen.uuid == asked[0] and chosen.status == case_transfer.PENDING


def test_the_exchange_page_shows_the_first_page_and_the_pending_count(qtbot, ctx, db):
    uuid, no = _case(db)
    _requests(db, uuid, no, PAGE_SIZE + 5, date(2026, 1, 1))
    page = ExchangePage(ctx, cli_actor())
    qtbot.addWidget(page)
    page.refresh()
    tab = page.transfers_tab
    assert tab is not None and tab.model.rowCount() == PAGE_SIZE + 5 and tab.model.cached_pages() == [0]
    assert page.tabs.tabText(page.tabs.indexOf(tab)).endswith(f"（{PAGE_SIZE + 5}）")
