"""The main window: every area reachable, the status bar, what each role sees, remembered layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from xihu_desk.gui.mainwindow import AREA_ORDER, MainWindow
from xihu_desk.gui.pages.home import HomePage
from xihu_desk.gui.pages.settings import SettingsPage
from xihu_desk.gui.pages.upcoming import UpcomingPage
from xihu_desk.services import auth, users

from .conftest import ADMIN_PASSWORD

NAV_TITLES = ["首页", "案件", "纠纷排查", "调解员", "合法性审查", "统计报表", "数据交换", "系统设置"]


def click_nav(qtbot, window: MainWindow, row: int) -> None:  # noqa: ANN001
    item = window.nav.item(row)
    rect = window.nav.visualItemRect(item)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_status_bar_and_every_area(qtbot, main_window, ctx) -> None:  # noqa: ANN001
    w = main_window
    assert w.windowTitle() == "北山街道"  # Qt adds the program's name once
    assert w.org_status.text() == "单位：北山街道（330106002）"
    assert w.level_status.text() == "层级：街道（镇）司法所"
    assert w.user_status.text() == "用户：王管理（管理员）"
    if ctx.data.server:  # the PostgreSQL run (tests/conftest.py)
        host, name = ctx.data.server.split("@", 1)[1].split("?")[0].split("/")
        assert w.db_status.text() == f"单位服务器 {host.split(':')[0]}/{name}"
        assert w.db_status.toolTip().startswith("单位服务器（PostgreSQL）：postgresql://")
    else:
        assert w.db_status.text() == f"本机数据库：{ctx.data.database}"
    assert [w.nav.item(i).text() for i in range(w.nav.count())] == NAV_TITLES
    assert isinstance(w.stack.currentWidget(), HomePage)
    for row, key in enumerate(AREA_ORDER):
        click_nav(qtbot, w, row)
        assert w.current_area() == key
        assert w.stack.currentWidget() is w.pages[key]
    assert isinstance(w.pages["settings"], SettingsPage)
    cases = w.pages["cases"]
    assert isinstance(cases, UpcomingPage)
    summary = cases.findChild(QLabel, "areaSummary").text()
    assert summary.startswith("人民调解案件从受理到立卷归档")
    for key in ("mediators", "reviews", "reports", "exchange"):
        assert w.pages[key].findChild(QLabel, "areaSummary").text()
    # Keyboard: Ctrl+1 goes home (shortcuts work in the active window).
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert w.current_area() == "home"


def test_home_shows_figures_and_empty_due_list(main_window) -> None:  # noqa: ANN001
    home = main_window.pages["home"]
    labels = [home.cards.itemAt(i).widget().title.text() for i in range(home.cards.count())]
    assert labels == ["调委会", "在用账户", "近 24 小时操作"]  # an administrator does not see cases
    values = [home.cards.itemAt(i).widget().value.text() for i in range(home.cards.count())]
    assert values[:2] == ["1", "1"]
    assert home.empty.isVisible() and not home.due_list.isVisible()
    assert home.empty_label.text() == "暂无待办事项"


def test_locked_account_is_a_due_item_that_opens_settings(qtbot, db, ctx, admin) -> None:  # noqa: ANN001
    with db.write() as session:
        users.create_user(session, admin, users.UserCommand("lihua", "李华", "mediator", "Qiantang-2026"))
    for _ in range(5):
        try:
            auth.sign_in(db, "lihua", "wrong-Pass-1")
        except Exception:  # noqa: BLE001, S110 - each refusal is expected
            pass
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    home = window.pages["home"]
    assert home.due_list.isVisible() and home.due_list.count() == 1
    assert home.due_list.item(0).text().endswith("1 个账户因密码错误被锁定")
    home.due_list.itemActivated.emit(home.due_list.item(0))
    assert window.current_area() == "settings"


def test_mediator_sees_no_admin_tabs(qtbot, db, ctx, admin) -> None:  # noqa: ANN001
    with db.write() as session:
        users.create_user(session, admin, users.UserCommand("lihua", "李华", "mediator", "Qiantang-2026"))
    mediator = auth.sign_in(db, "lihua", "Qiantang-2026")
    window = MainWindow(ctx, mediator)
    qtbot.addWidget(window)
    window.go("settings")
    tabs = window.pages["settings"].tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["显示", "本节点"]
    assert window.user_status.text() == "用户：李华（调解员）"


def test_layout_is_remembered(qtbot, ctx, admin) -> None:  # noqa: ANN001
    first = MainWindow(ctx, admin)
    qtbot.addWidget(first)
    first.show()
    first.resize(760, 560)  # the offscreen screen is 800 × 600
    first.splitter.setSizes([200, 560])
    first.close()
    second = MainWindow(ctx, admin)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (760, 560)
    assert second.splitter.sizes()[0] == 200


def test_about_goes_through_the_bridge(main_window, message_mock) -> None:  # noqa: ANN001
    main_window.about()
    assert "西湖司法所工作台 0.1.0" in message_mock.single("info").text


def test_admin_password_is_the_fixture(db) -> None:  # noqa: ANN001
    assert auth.sign_in(db, "admin", ADMIN_PASSWORD).name == "admin"
