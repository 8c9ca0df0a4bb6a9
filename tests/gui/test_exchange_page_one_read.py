"""The 数据交换 page reads everything it shows in one unit of work, the 移送申请 tab's list included
(it read its list again in a second one on every refresh)."""

from __future__ import annotations

from xihu_desk.gui.exchange.page import ExchangePage
from xihu_desk.services.context import cli_actor


def test_the_exchange_page_refreshes_in_one_read(qtbot, ctx, monkeypatch):
    page = ExchangePage(ctx, cli_actor())
    qtbot.addWidget(page)
    assert page.transfers_tab is not None  # a street's office: its requests and cases received
    db = ctx.db
    reads: list[int] = []
    real = db.read

    def counted(*args, **kwargs):
        reads.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(db, "read", counted)
    page.refresh()
    assert len(reads) == 1
    assert page.transfers_tab.empty.isVisibleTo(page.transfers_tab)  # none yet: the list was filled
