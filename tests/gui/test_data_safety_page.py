"""系统设置 → 数据安全 through the door (issue 13): check, back up and restore as ops."""

from __future__ import annotations

from tests.conftest import PG
from xihu_desk.gui.pages.datasafety import DataSafetyTab

from .helpers import click, wait_op


def test_check_backup_and_restore_from_the_page(qtbot, ctx, admin, message_mock) -> None:  # noqa: ANN001
    tab = DataSafetyTab(ctx, admin)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    qtbot.waitExposed(tab)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.check_button))
    before = tab.table.rowCount()
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.backup_button))
    assert tab.table.rowCount() == before + 1
    tab.table.selectRow(0)
    if PG:  # never over the server database other desks use: the page says what the IT person does
        tab.restore_selected()
        advice = message_mock.of("info")[-1].text
        assert "请信息管理员新建一个空数据库" in advice and tab.backups[0].path.name in advice
        assert tab.backups[0].path.name.endswith(".pgdump") and "xihu-desk backup" in tab.policy.text()
        return
    with qtbot.waitSignal(tab.database_replaced, timeout=10000) as replaced:
        tab.restore_selected()
    assert message_mock.questions and replaced.args[0] is not None
