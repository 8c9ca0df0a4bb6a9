"""A second start of the program on the same data folder brings the running window to the front
instead of opening a second copy; the start sets its desktop-file name (Linux) and reports its
first window for the installers' checks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from xihu_desk import app as app_module
from xihu_desk.gui import single_instance


@pytest.mark.qt_log_ignore("This plugin does not support")  # raise() on the offscreen platform
def test_second_start_is_sent_to_the_running_window(qtbot, tmp_path: Path):
    qapp = QApplication.instance()
    first = single_instance.claim(qapp, tmp_path / "data")
    assert first is not None and first.listening
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    try:
        assert single_instance.claim(qapp, tmp_path / "data") is None  # the second start stops here
        qtbot.waitUntil(lambda: first.shown_requests == 1, timeout=3000)
        other = single_instance.claim(qapp, tmp_path / "other-data")  # another data folder: its own
        assert other is not None and other.listening
        other.server.close()
    finally:
        first.server.close()


def test_a_socket_left_by_a_crashed_start_is_taken_over(qtbot, tmp_path: Path):
    from PySide6.QtNetwork import QLocalServer

    name = single_instance.server_name(tmp_path)
    stale = QLocalServer()
    assert stale.listen(name)
    stale.close()  # closed without answering, as after a crash
    guard = single_instance.claim(QApplication.instance(), tmp_path)
    assert guard is not None and guard.listening
    guard.server.close()


def test_startup_check_reaches_the_first_window_and_a_second_start_returns(tmp_path: Path):
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    cmd = [sys.executable, "-c", "import sys; from xihu_desk.app import main; sys.exit(main())",
           "--data-dir", str(tmp_path / "d"), "--startup-check"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "startup-check: SetupWizard" in done.stdout


def test_desktop_file_name_and_app_id_names():
    assert app_module.DESKTOP_FILE_NAME == "xihu-desk"  # packaging/make_deb.py installs xihu-desk.desktop
    assert app_module.set_windows_app_id() is (sys.platform == "win32")
