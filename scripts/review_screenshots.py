#!/usr/bin/env python3
"""Screenshots of the 合法性审查 area, to look at after changing it.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/review_screenshots.py [--scale 150]
    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/review_screenshots.py --scale 150

Works in a throw-away data folder: a township node filled with the demo data (services.demo, which
makes review items in every state), signed in as an office head; saves PNGs into shots/.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from xihu_desk.domain.roles import Role  # noqa: E402
from xihu_desk.gui import i18n, messages, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.reviews import dialogs  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import demo, node  # noqa: E402
from xihu_desk.services.context import Actor, cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description="合法性审查界面截图")
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--out", default=str(ROOT / "shots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="xihu-review-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "qsettings"))
    app = QApplication(sys.argv)
    translators = i18n.install(app)  # noqa: F841 - kept alive: Qt's own strings in Chinese
    theme.apply(app, args.scale)
    messages.bridge().show_fn = lambda _parent, m: print("message:", m.text.splitlines()[0])
    data = DataDir(tmp / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None, admin_username="admin",
            admin_password="Beishan-2026-shots", admin_display_name="王管理"))
    with opened.db.write() as session:
        demo.fill(session, cli_actor(), demo.DemoCommand(seed=3, cases=40))
    head = Actor(name="head", role=Role.HEAD, display_name="陈所长")
    ctx = AppContext(data, Runner(opened.db))
    window = MainWindow(ctx, head)
    window.resize(1366, 740)
    window.show()
    n = 0

    def shot(widget: QWidget, name: str) -> None:
        nonlocal n
        QTest.qWait(250)
        n += 1
        path = out / f"reviews{args.scale}-{n:02d}-{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    window.go("home")
    shot(window, "home")
    window.go("reviews")
    page = window.pages["reviews"]
    shot(window, "register")
    page.overdue.setChecked(True)
    shot(window, "register-overdue")
    page.reset_filter()
    rows = [page.model.row(i) for i in range(page.model.total)]
    paused = next(r for r in rows if r.status == "paused")
    page.open_item(paused.uuid)
    shot(page.dialogs[paused.uuid], "form-paused")
    page.dialogs[paused.uuid].close()
    extended = next(r for r in rows if r.status == "reviewing" and r.type_code == "major_decision")
    page.open_item(extended.uuid)
    form = page.dialogs[extended.uuid]
    shot(form, "form-reviewing")
    form.give_opinion()
    shot(form.step, "dialog-opinion")
    form.step.reject()
    form.extend()
    shot(form.step, "dialog-extension")
    form.step.reject()
    form.close()
    done = next(r for r in rows if r.status == "opinion" and r.conclusion_label == "修改后合法")
    page.open_item(done.uuid)
    shot(page.dialogs[done.uuid], "form-opinion")
    page.dialogs[done.uuid].close()
    page.new_item()
    shot(page.new_dialog, "form-new")
    page.new_dialog.close()
    page.tabs.setCurrentWidget(page.stats)
    from PySide6.QtCore import QDate
    page.stats.date_from.setDate(QDate.currentDate().addYears(-1))
    page.stats.refresh()
    shot(window, "statistics")
    assert isinstance(form.step, dialogs.StepDialog | type(None))
    ctx.runner.shutdown()
    opened.db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
