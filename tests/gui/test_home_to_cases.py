"""A to-do item on the home page about a case opens that case's form."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from tests import casekit
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.pages.home import HomePage
from xihu_desk.services import cases


def test_due_item_opens_the_case(qtbot, ctx, db):  # noqa: ANN001
    head = casekit.head_actor(db)
    roster = casekit.roster(db, head)
    with db.write() as s:
        ref = cases.open_case(s, head, casekit.intake(db, roster, accepted_on=date(2025, 1, 6)))  # long overdue
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    home = window.pages["home"]
    assert isinstance(home, HomePage)
    home.refresh()
    item = next(home.due_list.item(i) for i in range(home.due_list.count())
                if ref.case_no in home.due_list.item(i).text())
    with qtbot.waitSignal(window.page("cases").case_opened, timeout=5000) as opened:
        home.due_list.itemActivated.emit(item)
    assert opened.args == [ref.uuid]
    assert window.current_area() == "cases"
    dialog = window.pages["cases"].dialogs[ref.uuid]
    assert dialog.isVisible()
    dialog.close()
    assert item.data(Qt.ItemDataRole.UserRole) == ("cases", ref.uuid)
