#!/usr/bin/env python3
"""Screenshots of every screen, to look at after changing the GUI.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py --scale 150
    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/screenshots.py --scale 150

Works in a throw-away data folder and QSettings folder: runs the real set-up wizard, fills the
node with the demo data (services.demo), signs in as the office head and as the administrator,
and saves PNGs into shots/ (git-ignored). Under Xvfb the dialogs over the main window are taken
from the screen; with QT_QPA_PLATFORM=offscreen only the widgets themselves.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget, QWizard  # noqa: E402

from xihu_desk.gui import i18n, messages, prefs, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.login import LoginDialog  # noqa: E402
from xihu_desk.gui.mainwindow import AREA_ORDER, MainWindow  # noqa: E402
from xihu_desk.gui.pages.users import UserDialog  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.gui.wizard import SetupWizard  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, demo  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402

ADMIN_PASSWORD = "Beishan-2026"


class Shooter:
    def __init__(self, app: QApplication, out: Path, prefix: str) -> None:
        self.app, self.out, self.prefix = app, out, prefix
        self.n = 0
        self.on_screen = app.platformName() == "xcb"

    def settle(self, ms: int = 150) -> None:
        QTest.qWait(ms)  # a script, not a test: let layouts and painting finish

    def widget(self, widget: QWidget, name: str) -> None:
        self.settle()
        self.n += 1
        path = self.out / f"{self.prefix}{self.n:02d}-{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)  # --out may be anywhere

    def screen(self, fallback: QWidget, name: str) -> None:
        """The whole screen (dialogs over windows); the widget alone where there is no screen."""
        if not self.on_screen:
            self.widget(fallback, name)
            return
        self.settle(300)
        self.n += 1
        path = self.out / f"{self.prefix}{self.n:02d}-{name}.png"
        self.app.primaryScreen().grabWindow(0).save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)  # --out may be anywhere


def wait_idle(runner: Runner) -> None:
    if runner.busy():
        loop = QEventLoop()
        runner.finished.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description="界面截图")
    parser.add_argument("--out", default=str(ROOT / "shots"), help="截图目录（默认 shots/）")
    parser.add_argument("--scale", type=int, default=100, help="文字大小百分比，100–150")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    i18n.install(app)
    prefs.set_text_scale(args.scale)
    theme.apply(app, args.scale)
    shots = Shooter(app, out, f"s{args.scale}-")
    shown: list[str] = []
    messages.bridge().show_fn = lambda _parent, m: shown.append(m.text)  # nothing modal in a script
    messages.bridge().confirm_fn = lambda *_: True

    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    ctx = AppContext(data, Runner(opened.db))

    # 首次设置
    wizard = SetupWizard(ctx)
    wizard.show()
    shots.widget(wizard, "wizard-intro")
    wizard.next()
    shots.widget(wizard, "wizard-unit")
    wizard.next()
    page = wizard.admin_page
    page.username.setText("wangli")
    page.display_name.setText("王丽")
    page.password.setText("wangli123")
    shots.widget(wizard, "wizard-admin-weak")
    page.password.setText(ADMIN_PASSWORD)
    page.confirm.setText(ADMIN_PASSWORD)
    shots.widget(wizard, "wizard-admin-ok")
    wizard.next()
    shots.widget(wizard, "wizard-summary")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    wait_idle(ctx.runner)
    shots.widget(wizard, "wizard-done")
    wizard.button(QWizard.WizardButton.FinishButton).click()

    with ctx.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=7, cases=300))
    head = next(a for a in result.accounts if a[2] == "所长")

    # 登录
    login = LoginDialog(ctx, username="wangli")
    login.show()
    shots.widget(login, "login")
    login.password.setText("wrong-Password-1")
    login.sign_in()
    wait_idle(ctx.runner)
    shots.widget(login, "login-refused")
    login.close()

    # The office head: the home page with real figures and the to-do list.
    window = MainWindow(ctx, auth.sign_in(ctx.db, head[0], head[3]))
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    shots.widget(window, "main-home-head")
    window.close()

    admin = auth.sign_in(ctx.db, "wangli", ADMIN_PASSWORD)
    window = MainWindow(ctx, admin)
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    for key in AREA_ORDER:
        window.go(key)
        shots.widget(window, f"main-{key}")
    settings_page = window.pages["settings"]
    settings_page.users.view.selectRow(1)
    dialog = UserDialog(ctx, admin, parent=window)
    dialog.username.setText("zhaomin")
    dialog.display_name.setText("赵敏")
    dialog.password.setText("Zhao")
    dialog.open()
    shots.screen(dialog, "dialog-new-user")
    dialog.reject()
    for tab in (settings_page.audit, settings_page.data_safety, settings_page.params, settings_page.display,
                settings_page.node):
        settings_page.tabs.setCurrentWidget(tab)
        if tab is settings_page.data_safety:
            tab.backup_now()
            wait_idle(ctx.runner)
            tab.run_check()
            wait_idle(ctx.runner)
        shots.widget(window, f"settings-{settings_page.tabs.tabText(settings_page.tabs.currentIndex())}")
    # The progress dialog of a long operation (a stand-in op that only reports progress).
    import threading

    stop = threading.Event()

    def long_op(progress) -> None:
        for n in range(1, 1000):
            progress.step(done=n, total=1000, stage=f"第 {n} / 1000 条")
            if stop.wait(0.01):
                break

    op = ctx.runner.call(long_op, label="正在导入台账…", parent=window)
    QTest.qWait(900)
    shots.screen(ctx.runner.progress_dialog(op), "progress")
    ctx.runner.progress_dialog(op).cancel_clicked.emit()  # 取消, as the user would
    wait_idle(ctx.runner)
    window.lock()
    shots.screen(window.lock_dialog, "locked")
    window.lock_dialog.password.setText(ADMIN_PASSWORD)
    window.lock_dialog.try_unlock()
    wait_idle(ctx.runner)
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
