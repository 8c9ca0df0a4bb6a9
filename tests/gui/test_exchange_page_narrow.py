"""数据交换 (where 移送申请 are listed) at 1366×768 with 150 % scaling: the page beside the navigation
has about 720 logical pixels, and its minimum width must fit them (the node card's two key buttons
side by side made it 780, so the window grew past the screen's right edge)."""

from __future__ import annotations

from tests import casekit
from xihu_desk.gui.exchange.page import ExchangePage


def test_the_exchange_page_fits_beside_the_navigation_at_150_percent(qtbot, ctx, db):
    page = ExchangePage(ctx, casekit.head_actor(db))
    qtbot.addWidget(page)
    page.resize(720, 470)
    page.show()
    qtbot.waitExposed(page)
    page.tabs.setCurrentWidget(page.transfers_tab)
    assert page.minimumSizeHint().width() <= 720
    assert page.export_key_button.isVisible() and page.enrol_button.isVisible()
    assert page.export_key_button.width() >= page.export_key_button.sizeHint().width()
