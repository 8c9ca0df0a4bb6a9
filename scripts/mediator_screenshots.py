#!/usr/bin/env python3
"""Screenshots of the 调解员 area, to look at after changing it.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/mediator_screenshots.py
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/mediator_screenshots.py --scale 150
    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/mediator_screenshots.py --scale 150

A throw-away node filled by ``demo`` (cases, roster, trainings, awards, a complaint or two, an
assessment under way), the office head signed in, the main window at 1366×768; PNGs go to shots/
as m<scale>-NN-name.png. Under Xvfb dialogs are taken from the screen.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from xihu_desk.gui import i18n, messages, prefs, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.kit import set_date  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, demo, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402


class Shooter:
    def __init__(self, app: QApplication, out: Path, prefix: str) -> None:
        self.app, self.out, self.prefix = app, out, prefix
        self.n = 0
        self.on_screen = app.platformName() == "xcb"

    def settle(self, ms: int = 200) -> None:
        QTest.qWait(ms)  # a script, not a test: let layouts and painting finish

    def shot(self, widget: QWidget, name: str) -> None:
        self.settle(300)
        self.n += 1
        path = self.out / f"{self.prefix}{self.n:02d}-{name}.png"
        if self.on_screen:
            self.app.primaryScreen().grabWindow(0).save(str(path))
        else:
            widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)  # --out may be anywhere


def wait_idle(runner: Runner) -> None:
    if runner.busy():
        loop = QEventLoop()
        runner.finished.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description="调解员界面截图")
    parser.add_argument("--out", default=str(ROOT / "shots"))
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--cases", type=int, default=250)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-mediator-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    i18n.install(app)
    prefs.set_text_scale(args.scale)
    theme.apply(app, args.scale)
    shots = Shooter(app, out, f"m{args.scale}-")
    messages.bridge().show_fn = lambda _parent, m: print("message:", m.text.splitlines()[0])
    messages.bridge().confirm_fn = lambda *_: True

    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None, admin_username="admin",
            admin_password="Beishan-2026-x", admin_display_name="王丽"))
    with opened.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=7, cases=args.cases))
    head = next(a for a in result.accounts if a[2] == "所长")
    ctx = AppContext(data, Runner(opened.db))
    window = MainWindow(ctx, auth.sign_in(ctx.db, head[0], head[3]))
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.go("mediators")
    page = window.pages["mediators"]
    roster = page.roster
    shots.shot(window, "roster")
    roster.employment.setCurrentIndex(roster.employment.findData("full_time"))
    shots.shot(window, "roster-full-time")
    roster.reset_filter()
    model = roster.model
    graded = next(i for i in range(model.rowCount()) if (row := model.row(i)) is not None and row.grade)
    roster.view.selectRow(graded)
    dialog = roster.open_mediator(roster.model.uuid_at(graded))
    dialog.move(max(0, (1366 - dialog.width()) // 2), max(0, (768 - dialog.height()) // 2))
    for i in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(i)
        shots.shot(dialog, f"form-{dialog.tabs.tabText(i)}")
    dialog.evidence.level.setCurrentIndex(dialog.evidence.level.findText("三级"))
    shots.shot(dialog, "form-evidence-level-3")
    dialog.tabs.setCurrentIndex(2)
    dialog.add_event()
    sub = dialog.dialog
    sub.kind.setCurrentIndex(sub.kind.findData("complaint"))
    sub.title.setText("当事人反映调解员偏向对方")
    shots.shot(sub, "form-event-dialog")
    sub.reject()
    dialog.close()

    page.tabs.setCurrentWidget(page.applications)
    shots.shot(window, "applications")
    apps = page.applications
    apps.next_step()
    step = apps.dialog
    step.opinion.setPlainText("材料齐全，同意报区司法局评定。")
    shots.shot(step, "step-township")
    step.save()
    wait_idle(ctx.runner)
    apps.next_step()
    step = apps.dialog
    set_date(step.on, date.today() - timedelta(days=1))
    step.document_no.setText("西司〔2026〕21号")
    shots.shot(step, "step-district")
    step.reject()
    apps.new_application()
    apply = apps.dialog
    apply.mediator.setCurrentIndex(3)
    apply.move(max(0, (1366 - apply.width()) // 2), max(0, (768 - apply.height()) // 2))
    shots.shot(apply, "apply-dialog")
    apply.reject()
    page.tabs.setCurrentWidget(page.rules)
    shots.shot(window, "rules")
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
