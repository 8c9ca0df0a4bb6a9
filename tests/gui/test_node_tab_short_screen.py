"""系统设置 → 本节点 on a short screen (issue 18): at 1366×768 with 150 % scaling the tab gets about
690×400 logical pixels, and its committee list must show several committees (it showed one, under
the node's facts); the tab scrolls to it instead."""

from __future__ import annotations

from tests import casekit
from xihu_desk.gui.pages.system import NodeTab
from xihu_desk.services import committees


def test_the_committee_list_shows_five_committees_on_a_short_tab(qtbot, ctx, db):
    with db.write() as s:
        for name in ("北山社区", "黄龙社区", "栖霞岭社区", "玉泉社区", "曙光社区"):
            committees.create_committee(
                s,
                casekit.cli_like(),
                committees.CommitteeCommand(f"北山街道{name}人民调解委员会", "", "330106002", "community"),
            )
    tab = NodeTab(ctx, actor=casekit.head_actor(db))
    qtbot.addWidget(tab)
    tab.resize(690, 400)
    tab.show()
    qtbot.waitExposed(tab)
    view = tab.committee_view
    qtbot.waitUntil(lambda: view.rowCount() == 6)
    shown = [r for r in range(6) if view.rowViewportPosition(r) + view.rowHeight(r) <= view.viewport().height()]
    assert len(shown) >= 5
