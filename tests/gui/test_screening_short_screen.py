"""The 排查 page on a short screen (issue 18): at 1366×768 with Windows' 150 % scaling the page gets
about 727×470 logical pixels beside the navigation, and the selected round's card must still show
several of the disputes it found whole (it showed one), with its buttons beside them."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from tests import casekit
from xihu_desk.gui.screening.page import ScreeningPage
from xihu_desk.services import screening


def _rows_in_view(table) -> int:
    view = table.viewport().height()
    return sum(
        1
        for r in range(table.rowCount())
        if table.rowViewportPosition(r) >= 0 and table.rowViewportPosition(r) + table.rowHeight(r) <= view
    )


def test_the_round_card_shows_several_disputes_at_150_percent(qtbot, ctx, db):
    head = casekit.head_actor(db)
    street = casekit.committee_uuid(db)
    names = (("赵国强", "钱建华"), ("孙丽", "李明"), ("周文斌", "吴雪梅"), ("郑海", "王芳"))
    found = tuple(screening.DisputeInput("02", a, b, "楼上漏水，楼下墙面发霉，双方多次争吵。") for a, b in names)
    with db.write() as s:
        for days, disputes in ((9, found[:1]), (5, found), (2, found[:1])):
            screening.record_round(
                s,
                head,
                screening.RoundInput(
                    street, head.today - timedelta(days=days), "北山社区 3 幢", "周调解", "visit", disputes
                ),
            )
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(727, 470)
    page.show()
    qtbot.waitExposed(page)
    rounds = page.rounds
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 3)
    row = next(r for r in range(3) if rounds.model.row(r).found == 4)
    rounds.view.selectRow(row)
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 4)
    qtbot.wait(50)
    assert _rows_in_view(rounds.disputes) >= 3
    assert rounds.view.height() > rounds.view.horizontalHeader().height() * 3  # the register keeps rows too
    # the dispute's buttons beside the table: each readable, none over the next
    buttons = [rounds.to_case_button, rounds.close_button, rounds.fix_dispute_button]
    for upper, lower in pairwise(buttons):
        assert upper.geometry().bottom() < lower.geometry().top()
    for button in buttons:
        assert button.isVisible() and button.height() >= button.fontMetrics().height() + 6
