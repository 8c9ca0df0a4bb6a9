"""The program as a whole: no display, the order of screens, back to login after switch or restore."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QWizard

from xihu_desk import app
from xihu_desk.gui.controller import AppController
from xihu_desk.gui.runner import Runner
from xihu_desk.store import backup, migrate

from tests.conftest import PG

from .conftest import ADMIN_PASSWORD
from .helpers import click, type_text, wait_op


def test_no_display_is_a_clear_message_not_an_abort(tmp_path) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux can lack a display")
    done = subprocess.run([sys.executable, "-m", "xihu_desk", "gui", "--data-dir", str(tmp_path / "d")],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "没有检测到图形显示环境" in done.stderr and "xvfb-run" in done.stderr


def test_display_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert not app.display_available()
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert app.display_available()


@pytest.fixture
def controller(empty_data_dir):  # noqa: ANN001, ANN201
    opened = migrate.open_database(empty_data_dir)
    quits: list[bool] = []
    c = AppController(empty_data_dir, opened, runner=Runner(opened.db, show_after_ms=50),
                      quit_app=lambda: quits.append(True))
    c.quits = quits
    yield c
    for widget in (c.window, c.login, c.wizard):
        if widget is not None:
            widget.hide()
    c.shutdown()


def test_first_start_wizard_login_main_and_switch_user(qtbot, controller) -> None:  # noqa: ANN001
    c = controller
    c.start()
    wizard = c.wizard
    assert wizard is not None and wizard.isVisible()
    wizard.next()
    wizard.next()
    qtbot.keyClicks(wizard.admin_page.username, "wangli")
    type_text(qtbot, wizard.admin_page.display_name, "王丽")
    qtbot.keyClicks(wizard.admin_page.password, "Beishan-2026")
    qtbot.keyClicks(wizard.admin_page.confirm, "Beishan-2026")
    wizard.next()
    assert wait_op(qtbot, c.ctx.runner, wizard.button(QWizard.WizardButton.CommitButton).click)
    if wizard.recovery_page.code:  # an encrypted node shows its recovery key once, kept before going on
        wizard.recovery_page.kept.setChecked(True)
        wizard.next()
    wizard.button(QWizard.WizardButton.FinishButton).click()

    login = c.login
    assert login is not None and login.username.text() == "wangli"  # the new administrator
    qtbot.keyClicks(login.password, "Beishan-2026")
    assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, login.login_button))
    window = c.window
    assert window is not None and window.isVisible()
    assert window.user_status.text() == "用户：王丽（管理员）"

    window.request_switch_user()
    assert c.window is None and c.login is not None and c.quits == []
    c.login.reject()
    assert c.quits == [True]  # leaving the login dialog ends the program


def test_restore_sends_the_user_back_to_login(qtbot, data_dir, message_mock) -> None:  # noqa: ANN001
    opened = migrate.open_database(data_dir)
    c = AppController(data_dir, opened, runner=Runner(opened.db, show_after_ms=50), quit_app=lambda: None)
    try:
        c.start()
        qtbot.keyClicks(c.login.username, "admin")
        qtbot.keyClicks(c.login.password, ADMIN_PASSWORD)
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, c.login.login_button))
        window = c.window
        window.go("settings")
        tab = window.pages["settings"].data_safety
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, tab.backup_button))
        if PG:  # the server database is never restored over: the page says what the IT person does
            click(qtbot, tab.restore_button)
            assert "请信息管理员新建一个空数据库" in message_mock.of("info")[-1].text
            assert c.window is window and c.ctx.db is opened.db
            return
        click(qtbot, tab.restore_button)  # two ops: what the backup needs (its key, whose it is), the restore
        qtbot.waitUntil(lambda: c.window is None, timeout=10_000)
        assert c.login is not None
        assert c.ctx.db is not opened.db  # the restored database is the one in use now
        assert message_mock.of("info")[-1].text == "已从备份恢复。请重新登录。"
        assert len(backup.list_backups(data_dir.backups)) == 2
    finally:
        if c.login is not None:
            c.login.hide()
        c.shutdown()


def corrupt(path) -> None:  # noqa: ANN001
    """Scribble over every other page, as a failing disk would."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        for page in range(3, size // 4096, 2):
            f.seek(page * 4096 + 8)
            f.write(b"\xff" * 200)


@pytest.mark.sqlite_only  # scribbles over the SQLite file's pages and restores its file backup
def test_damaged_database_offers_the_newest_good_backup(qtbot, data_dir, message_mock) -> None:  # noqa: ANN001
    good = backup.make_backup(data_dir.database, data_dir.backups, "manual")
    corrupt(data_dir.database)
    opened = migrate.open_database(data_dir)
    assert opened.problems and opened.db.write_blocked
    c = AppController(data_dir, opened, runner=Runner(opened.db, show_after_ms=50), quit_app=lambda: None)
    try:
        with qtbot.waitSignal(c.ctx.runner.finished) as done:
            c.start()
        assert done.args[1] is True
        assert "数据库完整性检查未通过" in message_mock.questions[0]
        assert message_mock.of("info")[-1].text.startswith("已从备份恢复")
        assert c.ctx.db.write_blocked is None and c.login is not None
        assert backup.quick_check(data_dir.database) == []
        qtbot.keyClicks(c.login.username, "admin")
        qtbot.keyClicks(c.login.password, ADMIN_PASSWORD)
        assert wait_op(qtbot, c.ctx.runner, lambda: click(qtbot, c.login.login_button))
        assert c.window is not None
        assert good.exists()
    finally:
        for widget in (c.window, c.login):
            if widget is not None:
                widget.hide()
        c.shutdown()
