"""The 排查 card on a short screen (1366×768 at 150 %, about 727×470 logical pixels for the page):
the selected dispute's state under its buttons ("待处置：转为案件，或当场化解、移交") shows whole,
never a line cut in half at the card's bottom edge."""

from __future__ import annotations

from datetime import timedelta

from tests import casekit
from xihu_desk.gui.screening.page import ScreeningPage
from xihu_desk.services import screening


def test_the_dispute_hint_is_never_cut_on_a_short_page(qtbot, ctx, db):
    head = casekit.head_actor(db)
    found = tuple(
        screening.DisputeInput("02", a, b, "楼上漏水，楼下墙面发霉，双方多次争吵。")
        for a, b in (("赵国强", "钱建华"), ("孙丽", "李明"), ("周文斌", "吴雪梅"))
    )
    with db.write() as s:
        screening.record_round(
            s,
            head,
            screening.RoundInput(
                casekit.committee_uuid(db), head.today - timedelta(days=3), "北山社区 3 幢", "周调解", "visit", found
            ),
        )
    page = ScreeningPage(ctx, head)
    qtbot.addWidget(page)
    page.resize(727, 470)
    page.show()
    qtbot.waitExposed(page)
    rounds = page.rounds
    qtbot.waitUntil(lambda: rounds.model.rowCount() == 1)
    rounds.view.selectRow(0)
    qtbot.waitUntil(lambda: rounds.disputes.rowCount() == 3)
    rounds.disputes.selectRow(1)
    qtbot.wait(50)
    hint = rounds.dispute_hint
    assert hint.text().startswith("待处置")
    assert hint.height() >= hint.heightForWidth(hint.width()), (hint.height(), hint.heightForWidth(hint.width()))
    assert hint.toolTip() == hint.text()  # all of it, whatever the card's height
