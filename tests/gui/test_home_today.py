"""The home page's date line is the office's today from the one clock (domain/clock.py), read
again on every refresh, not the computer's date read once when the page was made (issue 13)."""

from __future__ import annotations

from datetime import datetime

from xihu_desk.domain import clock
from xihu_desk.gui.pages.home import HomePage


def _day() -> str:
    d = clock.local_today()
    return f"{d.year}年{d.month}月{d.day}日"


def test_home_date_follows_the_clock(qtbot, ctx, admin) -> None:
    with clock.use(clock.ManualClock(datetime(2031, 3, 1, 4, 0))) as now:
        page = HomePage(ctx, admin, "北山街道")
        qtbot.addWidget(page)
        page.show()
        qtbot.waitExposed(page)
        assert _day().startswith("2031年") and _day() in page.date_label.text()
        now.advance(days=1)
        page.refresh()
        assert _day() in page.date_label.text()
