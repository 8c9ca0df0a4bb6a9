"""解锁 at start (issue 21): a node whose sealed key this account has lost (another Windows
account, a wiped keyring) starts on the unlock screen instead of a message pointing at the
command line; a wrong recovery key is refused there with nothing sealed, the right one seals the
key again and the start goes on to the login window. A file the sealed key does not open is
offered the same screen before the backups."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from xihu_desk import app
from xihu_desk.gui import unlock_screen
from xihu_desk.gui.controller import AppController
from xihu_desk.gui.login import LoginDialog
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import at_rest
from xihu_desk.services.context import cli_actor
from xihu_desk.store import db_key, recovery_code, sqlfile

from .helpers import click

pytestmark = pytest.mark.sqlite_only  # the SQLite file's key


def _sealed_entry(data: DataDir) -> Path:
    marker = db_key.read_marker(data.root)
    assert marker is not None and marker.sealed == "file"
    return db_key.key_dir() / f"{marker.key_id}.json"


@pytest.fixture
def lost(data_dir: DataDir, monkeypatch: pytest.MonkeyPatch) -> tuple[DataDir, str]:
    """The node with a recovery key the test knows, and its sealed key gone from this account."""
    code = at_rest.rekey(data_dir, None, cli_actor()).code
    _sealed_entry(data_dir).unlink()  # a new Windows profile, a wiped keyring
    monkeypatch.setattr(sqlfile, "_by_salt", {})  # nor does this process remember a key
    monkeypatch.setattr(sqlfile, "_given", [])
    return data_dir, code


def _wrong_code() -> str:
    return recovery_code.new_code()


def test_a_wrong_key_is_refused_and_the_right_one_seals_the_key_again(qtbot, lost, tmp_path):
    data, code = lost
    screen = unlock_screen.UnlockScreen(data)
    qtbot.addWidget(screen)
    screen.show()
    assert "找不到这个密钥" in screen.reason.text()
    assert not screen.unlock_button.isEnabled()  # nothing typed yet
    assert screen.quit_button.text() == "退出"

    screen.field.code.setText(_wrong_code())
    click(qtbot, screen.unlock_button)
    qtbot.waitUntil(lambda: not screen.busy and bool(screen.field.error.text()))
    assert screen.field.error.text() == db_key.WRONG_RECOVERY
    assert not _sealed_entry(data).exists()  # nothing sealed, nothing changed
    assert screen.isVisible() and screen.result() == 0

    screen.field.code.setText("ABCD-EFGH")  # a slip of the hand: caught before any file is read
    click(qtbot, screen.unlock_button)
    assert screen.field.error.text() and not screen.busy

    key_file = tmp_path / "恢复密钥.txt"
    key_file.write_text(recovery_code.file_text(code), encoding="utf-8")
    assert screen.field.load_file(key_file)  # 读取恢复密钥文件
    with qtbot.waitSignal(screen.accepted, timeout=5000):
        click(qtbot, screen.unlock_button)
    assert _sealed_entry(data).exists()
    assert db_key.current_key(data.root) == recovery_code.derive_key(code)


def test_the_start_shows_the_unlock_screen_then_the_login_window(qtbot, lost):
    data, code = lost
    seen: list[str] = []

    def drive() -> None:  # the screen is modal (exec): answered from the event loop it runs
        screen = next((w for w in QApplication.topLevelWidgets() if isinstance(w, unlock_screen.UnlockScreen)), None)
        if screen is None or not screen.isVisible() or screen.busy:
            QTimer.singleShot(20, drive)
            return
        if not seen:
            seen.append("wrong")
            screen.field.code.setText(_wrong_code())
            screen.unlock_button.click()
        elif screen.field.error.text() and len(seen) == 1:
            seen.append(screen.field.error.text())
            screen.field.code.setText(code)
            screen.unlock_button.click()
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    opened = app.open_or_unlock(data)
    assert opened is not None and not opened.problems
    assert seen == ["wrong", db_key.WRONG_RECOVERY]
    assert _sealed_entry(data).exists()
    quits: list[int] = []
    controller = AppController(data, opened, runner=Runner(opened.db), quit_app=lambda: quits.append(1))
    try:
        controller.start()
        assert isinstance(controller.login, LoginDialog) and controller.login.isVisible()
        assert not quits
    finally:
        if controller.login is not None:
            controller.login.hide()
        controller.shutdown()


def test_quit_on_the_unlock_screen_ends_the_start_with_nothing_changed(qtbot, lost):
    data, _code = lost
    marker_before = (data.root / db_key.MARKER).read_bytes()

    def leave() -> None:
        screen = next((w for w in QApplication.topLevelWidgets() if isinstance(w, unlock_screen.UnlockScreen)), None)
        if screen is None or not screen.isVisible():
            QTimer.singleShot(20, leave)
            return
        screen.quit_button.click()

    QTimer.singleShot(0, leave)
    assert app.open_or_unlock(data) is None
    assert (data.root / db_key.MARKER).read_bytes() == marker_before
    assert not _sealed_entry(data).exists()


def test_a_sealed_key_that_does_not_open_the_file_is_offered_the_recovery_key(qtbot, data_dir, monkeypatch):
    code = at_rest.rekey(data_dir, None, cli_actor()).code
    entry = _sealed_entry(data_dir)
    other = recovery_code.derive_key(recovery_code.new_code())
    entry.write_text(json.dumps({"keys": [other.hex()]}), encoding="utf-8")  # another key sealed here
    monkeypatch.setattr(sqlfile, "_by_salt", {})
    monkeypatch.setattr(sqlfile, "_given", [])
    asked: list[str] = []

    def answer(data: DataDir, why: str, _shown=None) -> bool:
        asked.append(why)
        at_rest.unlock(data, code)  # what the screen does with the right key
        return True

    monkeypatch.setattr(unlock_screen, "ask", answer)
    opened = app.open_or_unlock(data_dir)
    try:
        assert asked == [unlock_screen.REFUSED]
        assert opened is not None and not opened.problems
        assert db_key.current_key(data_dir.root) == recovery_code.derive_key(code)
    finally:
        if opened is not None:
            opened.db.dispose()


def test_the_refused_screen_offers_to_go_on_to_the_backups(qtbot, data_dir):
    screen = unlock_screen.UnlockScreen(data_dir, unlock_screen.REFUSED)
    qtbot.addWidget(screen)
    assert "打不开" in screen.reason.text()
    assert screen.quit_button.text() == "不用恢复密钥，继续"


def test_the_startup_check_reports_the_unlock_screen_instead_of_waiting_for_a_key(lost):
    """The installers' smoke check (``--startup-check``) on such a node says which window it
    reached and ends: it must not wait for a recovery key nobody will type."""
    data, _code = lost
    probe = "import sys\nfrom xihu_desk import app\nprint('rc', app.main(['--data-dir', sys.argv[1], '--startup-check']))"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", probe, str(data.root)], capture_output=True, text=True,
                          timeout=60, env=env, encoding="utf-8")
    assert "startup-check: UnlockScreen" in done.stdout, done.stderr
    assert "rc 0" in done.stdout
    assert not _sealed_entry(data).exists()
