"""Every kind of to-do item on the home page opens its own record in its own form: a case, a
legality-review item, a mediator, a locked account. (A review item used to be passed on as a
case id and ended in 程序错误.)"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from tests import casekit, mediatorkit, reviewkit
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.mediators.form import MediatorDialog
from xihu_desk.gui.reviews.form import ReviewDialog
from xihu_desk.services import auth, cases, home, users

TODAY = date(2026, 6, 1)


def _item(window: MainWindow, text: str) -> QListWidgetItem:
    due = window.pages["home"].due_list
    found = [due.item(i) for i in range(due.count()) if text in due.item(i).text()]
    assert len(found) == 1, [due.item(i).text() for i in range(due.count())]
    return found[0]


def _double_click(qtbot, window: MainWindow, item: QListWidgetItem) -> None:  # noqa: ANN001
    due = window.pages["home"].due_list
    due.scrollToItem(item)
    point = due.visualItemRect(item).center()
    qtbot.mouseClick(due.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(due.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_each_kind_of_item_opens_its_own_form(qtbot, db, ctx, message_mock) -> None:  # noqa: ANN001
    head = reviewkit.head(db, TODAY)
    team = casekit.roster(db, head)
    with db.write() as s:
        case = cases.open_case(s, head, casekit.intake(db, team, accepted_on=date(2026, 3, 2)))  # a month past
    review = reviewkit.register(db, head, title="关于村规民约修订的审查", received_on=date(2026, 4, 1),
                                complete_on=date(2026, 4, 1))
    ending = mediatorkit.mediator(db, head, "郑调解", appointment_end=date(2026, 6, 20))
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.show()
    kinds = {d.kind for d in window.pages["home"].data.due}
    assert {home.CASES, home.REVIEWS, home.MEDIATORS} <= kinds

    _double_click(qtbot, window, _item(window, review.number))
    assert window.current_area() == "reviews"
    dialog = window.pages["reviews"].dialogs[review.uuid]
    assert isinstance(dialog, ReviewDialog) and dialog.isVisible() and dialog.uuid == review.uuid
    assert "关于村规民约修订的审查" in dialog.windowTitle() or review.number in dialog.windowTitle()
    dialog.close()

    window.go("home")
    _double_click(qtbot, window, _item(window, case.case_no))
    assert window.current_area() == "cases"
    dialog = window.pages["cases"].dialogs[case.uuid]
    assert isinstance(dialog, CaseDialog) and dialog.isVisible() and dialog.case_uuid == case.uuid
    dialog.close()

    window.go("home")
    _double_click(qtbot, window, _item(window, "郑调解"))
    assert window.current_area() == "mediators"
    dialog = window.pages["mediators"].roster.dialogs[ending]
    assert isinstance(dialog, MediatorDialog) and dialog.isVisible() and dialog.uuid == ending
    dialog.close()
    assert not message_mock.of("error"), message_mock.messages


def test_a_locked_account_item_selects_that_account(qtbot, db, ctx, admin) -> None:  # noqa: ANN001
    with db.write() as s:
        users.create_user(s, admin, users.UserCommand("zhaoli", "赵丽", "mediator", "Qiantang-2026"))
    for _ in range(5):
        try:
            auth.sign_in(db, "zhaoli", "wrong-Pass-1")
        except Exception:  # noqa: BLE001, S110 - each refusal is expected
            pass
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    _double_click(qtbot, window, _item(window, "因密码错误被锁定"))
    assert window.current_area() == "settings"
    tab = window.pages["settings"].users
    assert window.pages["settings"].tabs.currentWidget() is tab
    assert tab.selected() is not None and tab.selected().username == "zhaoli"


def _shown(window: MainWindow, figure: home.Figure) -> int:
    page = window.pages[figure.area]
    if figure.kind == home.CASES:
        return page.model.rowCount()
    if figure.kind == home.REVIEWS:
        return page.model.total
    if figure.kind == home.COMMITTEES:
        assert page.tabs.currentWidget() is page.node
        return page.node.committee_view.rowCount()
    if figure.kind == home.AUDIT:
        assert page.tabs.currentWidget() is page.audit
        return page.audit.model.count()
    assert page.tabs.currentWidget() is page.users
    return page.users.model.rowCount()


def test_each_card_opens_the_list_it_counts(qtbot, db, ctx, admin) -> None:  # noqa: ANN001
    head = reviewkit.head(db, TODAY)
    team = casekit.roster(db, head)
    with db.write() as s:
        for accepted in (date(2026, 3, 2), date(2026, 5, 20), date(2026, 6, 1)):
            cases.open_case(s, head, casekit.intake(db, team, accepted_on=accepted))
        users.create_user(s, admin, users.UserCommand("qianyi", "钱一", "mediator", "Qiantang-2026", active=False))
    reviewkit.register(db, head, received_on=date(2026, 4, 1), complete_on=date(2026, 4, 1))
    labels = []
    for actor in (head, admin):
        window = MainWindow(ctx, actor)
        qtbot.addWidget(window)
        window.show()
        for card in window.pages["home"].figure_cards():
            window.go("home")
            qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
            assert window.current_area() == card.figure.area, card.figure.label
            assert _shown(window, card.figure) == card.figure.value, card.figure.label
            labels.append(card.figure.label)
        window.close()
    assert set(labels) == {"在办案件", "本月受理", "待回访", "调委会", "在审事项", "在用账户", "近 24 小时操作"}
