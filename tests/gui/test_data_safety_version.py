"""系统设置 → 数据安全 names the program's version and whether the database structure is current,
in words; the migration heads (technical) are only in the tooltip (issue 13)."""

from __future__ import annotations

import re

from xihu_desk import __version__
from xihu_desk.gui.pages.datasafety import DataSafetyTab

from .helpers import click, wait_op


def test_check_shows_a_human_version(qtbot, ctx, admin) -> None:
    tab = DataSafetyTab(ctx, admin)
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    qtbot.waitExposed(tab)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.check_button))
    shown = tab.check_result.text()
    assert f"程序版本 {__version__}，数据库结构：最新" in shown
    assert "数据库版本" not in shown and not re.search(r"\d{4}[a-z]?[,_]", shown)  # no migration heads
    assert "数据库结构版本：" in tab.check_result.toolTip()
