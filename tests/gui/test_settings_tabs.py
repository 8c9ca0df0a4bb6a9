"""系统设置's other tabs: 数据安全 (check, backup, restore), 系统参数, 显示, 本节点; the automatic backup."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel
from sqlalchemy import select

from xihu_desk.gui import prefs, theme
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.services import node, settings
from xihu_desk.store import backup
from xihu_desk.store.models import AuditEvent

from tests.conftest import PG

from .helpers import click, wait_op


def settings_page(window: MainWindow):  # noqa: ANN201
    window.go("settings")
    return window.pages["settings"]


def test_check_backup_and_restore(qtbot, main_window, ctx, message_mock) -> None:  # noqa: ANN001
    page = settings_page(main_window)
    page.tabs.setCurrentWidget(page.data_safety)
    tab = page.data_safety
    assert tab.table.rowCount() == 0 and tab.empty_note.isVisible()

    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.check_button))
    result = tab.check_result.text()
    assert "检查通过" in result and "哈希链完整" in result and "尚无备份" in result

    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.backup_button))
    assert tab.table.rowCount() == 1 and tab.table.item(0, 1).text() == "手动备份"
    assert message_mock.single("info").text.startswith("已备份并校验通过")
    if PG:  # a pg_dump file; a server database is restored by the IT person, never over other desks' work
        assert tab.backups[0].path.name.endswith(".pgdump")
        return
    made = backup.list_backups(ctx.data.backups)[0]

    # A change made after the backup is gone again once the backup is restored.
    with ctx.db.write() as session:
        settings.update(session, main_window.actor, {"idle_lock_minutes": 99})
    message_mock.answer = False
    with qtbot.assertNotEmitted(ctx.runner.started):
        click(qtbot, tab.restore_button)
    assert "替换当前全部数据" in message_mock.questions[-1]
    message_mock.answer = True
    with qtbot.waitSignal(main_window.database_replaced) as replaced:
        assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.restore_button))
    opened = replaced.args[0]
    try:
        with opened.db.read() as session:
            assert settings.get(session, "idle_lock_minutes") == 15
            restored = session.scalar(select(AuditEvent).where(AuditEvent.action == "data.restore"))
            assert restored.summary == f"从备份 {made.path.name} 恢复数据"
        reasons = {b.reason for b in backup.list_backups(ctx.data.backups)}
        assert reasons == {"manual", "before-restore"}
    finally:
        opened.db.dispose()


def test_params_saved_and_applied(qtbot, main_window, ctx) -> None:  # noqa: ANN001
    page = settings_page(main_window)
    page.tabs.setCurrentWidget(page.params)
    tab = page.params
    assert tab.spins["idle_lock_minutes"].value() == 15
    tab.spins["idle_lock_minutes"].setValue(10)
    tab.spins["backup_interval_minutes"].setValue(45)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, tab.save_button))
    with ctx.db.read() as session:
        assert settings.get(session, "idle_lock_minutes") == 10
        assert settings.get(session, "backup_interval_minutes") == 45
    assert main_window.idle.timeout_ms() == 10 * 60_000
    assert main_window.backup_timer.interval() == 45 * 60_000
    assert main_window.statusBar().currentMessage() == "系统参数已保存"


def test_text_size_applies_everywhere(main_window) -> None:  # noqa: ANN001
    page = settings_page(main_window)
    page.tabs.setCurrentWidget(page.display)
    app = QApplication.instance()
    assert app.font().pointSizeF() == theme.BASE_POINT_SIZE
    page.display.slider.setValue(14)
    assert page.display.value_label.text() == "140%"
    assert prefs.text_scale() == 140
    assert app.font().pointSizeF() == theme.BASE_POINT_SIZE * 1.4
    assert main_window.user_status.font().pointSizeF() == theme.BASE_POINT_SIZE * 1.4
    assert "font-size: 15.4pt" in app.styleSheet()  # the navigation (1.1 ×) follows too


def test_node_tab(main_window, ctx) -> None:  # noqa: ANN001
    page = settings_page(main_window)
    with ctx.db.read() as session:
        info = node.node_info(session)
    assert page.node.findChild(QLabel, "nodeFingerprint").text() == info.key_fingerprint
    assert page.node.findChild(QLabel, "nodeParent").text() == "西湖区（330106）"


def test_automatic_backup_only_when_changed(qtbot, ctx, admin) -> None:  # noqa: ANN001
    ctx.backup_interval_ms = 100
    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    if PG:  # a desk on a server makes none: the office's nightly pg_dump is the backup (README)
        with qtbot.waitSignals([ctx.runner.finished, ctx.runner.finished], timeout=3000):
            pass
        assert backup.list_backups(ctx.data.backups) == []
        return
    qtbot.waitUntil(lambda: len(backup.list_backups(ctx.data.backups)) == 1, timeout=3000)
    assert backup.list_backups(ctx.data.backups)[0].reason == "auto"
    # Nothing written since: the next rounds make no new file.
    with qtbot.waitSignals([ctx.runner.finished, ctx.runner.finished], timeout=3000):
        pass
    assert len(backup.list_backups(ctx.data.backups)) == 1
