"""Fixtures for GUI tests: real widgets on the offscreen platform, real databases.

QSettings go to a temporary folder, every message box goes to ``message_mock`` (nothing modal
ever blocks a test), and the runner shows its progress dialog sooner so tests stay fast.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication

from xihu_desk.gui import gcguard, messages, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.services import auth

try:  # tests/ is not a package: its conftest is the top-level module "conftest"
    from conftest import ADMIN_PASSWORD
except ImportError:  # pragma: no cover - if tests/ becomes a package
    from tests.conftest import ADMIN_PASSWORD

__all__ = ["ADMIN_PASSWORD"]
# Before the QApplication, as app.py does: Qt 6.8 (the Linux build for old glibc) warns when
# QtPdf loads after the application exists unless OpenGL contexts are shared.
QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
HERE = Path(__file__).parent

# The offscreen platform cannot resize native windows and says so for every dialog with a layout.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session")
def styled_app(qapp: QApplication) -> QApplication:
    """The real look, style sheet included, set once as the program does at start; and, as the
    program does, garbage collection only on the GUI thread (xihu_desk/gui/gcguard.py)."""
    theme.apply(qapp, prefs.TEXT_SCALE_DEFAULT)
    gcguard.install(qapp)
    return qapp


@pytest.fixture(autouse=True)
def gui_env(styled_app: QApplication, tmp_path: Path):  # noqa: ANN201
    """Per-PC settings in a temporary folder; text size back to 100 % after each test."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield
    if prefs.text_scale() != prefs.TEXT_SCALE_DEFAULT:
        theme.apply_text_scale(styled_app, prefs.TEXT_SCALE_DEFAULT)


class MessageMock:
    """Records what the bridge would have shown; answers confirmations with ``answer``."""

    def __init__(self) -> None:
        self.messages: list[messages.Message] = []
        self.questions: list[str] = []
        self.answer = True

    def show(self, _parent: object, message: messages.Message) -> None:
        self.messages.append(message)

    def confirm(self, _parent: object, _title: str, text: str) -> bool:
        self.questions.append(text)
        return self.answer

    def of(self, level: str) -> list[messages.Message]:
        return [m for m in self.messages if m.level == level]

    def single(self, level: str) -> messages.Message:
        found = self.of(level)
        assert len(found) == 1, f"expected one {level} message, got {self.messages}"
        return found[0]


@pytest.fixture(autouse=True)
def message_mock(monkeypatch: pytest.MonkeyPatch) -> MessageMock:
    mock = MessageMock()
    bridge = messages.bridge()
    monkeypatch.setattr(bridge, "show_fn", mock.show)
    monkeypatch.setattr(bridge, "confirm_fn", mock.confirm)
    return mock


@pytest.fixture
def runner(db):  # noqa: ANN001, ANN201
    r = Runner(db, show_after_ms=50)
    yield r
    r.shutdown()


@pytest.fixture
def ctx(data_dir, runner) -> AppContext:  # noqa: ANN001
    return AppContext(data_dir, runner)


@pytest.fixture
def admin(db):  # noqa: ANN001, ANN201
    return auth.sign_in(db, "admin", ADMIN_PASSWORD)


@pytest.fixture
def main_window(qtbot, ctx, admin):  # noqa: ANN001, ANN201
    from xihu_desk.gui.mainwindow import MainWindow

    window = MainWindow(ctx, admin)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window
