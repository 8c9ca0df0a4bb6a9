#!/usr/bin/env python3
"""Screenshots of the 统计报表 page and the ledger-import wizard, to look at after changing them.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/reports_screenshots.py

Works in a throw-away data folder: a township node with demo cases, signed in as the office head;
the wizard takes a messy hand-made ledger (tests/statskit.py). PNGs go to shots/ (git-ignored).
Waits run a QEventLoop (QTest.qWait would keep the runner's DB thread from finishing).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.statskit import messy_ledger  # noqa: E402
from xihu_desk.gui import messages, prefs, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, demo, node, users  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402

PASSWORD = "Office-chief-2026"


def wait(ms: int = 800) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Files:
    def __init__(self, folder: Path, ledger: Path) -> None:
        self.folder, self.ledger = folder, ledger

    def open_ledger(self, _parent: object) -> Path:
        return self.ledger

    def save_workbook(self, _parent: object, _title: str, name: str) -> Path:
        return self.folder / name

    def show_folder(self, _folder: Path) -> None:
        pass


def main() -> None:
    out = ROOT / "shots"
    out.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-reports-shots-"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(org_code="330106002", level="township", parent_code=None,
                                                        admin_username="admin", admin_password="Xihu-2026-Beishan"))
    with opened.db.write() as s:
        demo.fill(s, cli_actor(), demo.DemoCommand(cases=400))
        users.create_user(s, cli_actor(), users.UserCommand("head", "陈所长", "head", PASSWORD))
    ledger = work / "旧台账.xlsx"
    messy_ledger(ledger)
    app = QApplication(sys.argv)
    theme.apply(app, prefs.TEXT_SCALE_DEFAULT)
    messages.bridge().show_fn = lambda _parent, m: print("message:", m.level, m.text)
    runner = Runner(opened.db)
    window = MainWindow(AppContext(data, runner), auth.sign_in(opened.db, "head", PASSWORD))
    window.resize(1366, 768)
    window.show()
    window.go("reports")
    page = window.pages["reports"]
    page.files = Files(work, ledger)
    wait(1500)
    window.grab().save(str(out / "r100-01-reports-year.png"))
    page.preset.setCurrentIndex(2)  # 本季度
    wait(1200)
    window.grab().save(str(out / "r100-02-reports-quarter.png"))
    page.preset.setCurrentIndex(4)
    page.date_from.setDate(page.date_from.date().addYears(-2))
    wait(1500)
    window.grab().save(str(out / "r100-03-reports-three-years.png"))
    page.open_wizard()
    wizard = page.wizard
    wizard.choose()
    wait(300)
    wizard.grab().save(str(out / "r100-04-wizard-choose.png"))
    wizard.next_button.click()
    wait(2500)
    wizard.grab().save(str(out / "r100-05-wizard-preview.png"))
    wizard.next_button.click()
    wait(3000)
    wizard.grab().save(str(out / "r100-06-wizard-done.png"))
    wizard.accept()
    wait(1500)
    window.grab().save(str(out / "r100-07-reports-after-import.png"))
    runner.shutdown()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
