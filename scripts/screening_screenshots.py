#!/usr/bin/env python3
"""Screenshots of the 纠纷排查 area: the rounds with a round's found disputes, the round form with a
dispute, 零报告, the 重点矛盾纠纷 ledger and its check, 信息员, to look at after changes.

    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/screening_screenshots.py --scale 150
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screening_screenshots.py

Makes a throw-away township node with the demo (services.demo), signs in as the office head and
saves PNGs into shots/ (git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from xihu_desk.gui import i18n, messages, prefs, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, demo, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402

PASSWORD = "Beishan-2026"


def main() -> int:
    parser = argparse.ArgumentParser(description="纠纷排查界面截图")
    parser.add_argument("--out", default=str(ROOT / "shots"))
    parser.add_argument("--scale", type=int, default=100, help="文字大小百分比，100–150")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-screening-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    translators = i18n.install(app)  # noqa: F841
    prefs.set_text_scale(args.scale)
    theme.apply(app, args.scale)
    messages.bridge().show_fn = lambda _parent, m: print("message:", m.text)
    messages.bridge().confirm_fn = lambda *_: False  # never turn a demo dispute into a case here
    n = 0

    def shot(widget: QWidget, name: str) -> None:
        nonlocal n
        QTest.qWait(300)
        n += 1
        path = out / f"s{args.scale}-{n:02d}-{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None, admin_username="admin",
            admin_password=PASSWORD, admin_display_name="王管理"))
    with opened.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=7, cases=40))
    head = next(a for a in result.accounts if a[2] == "所长")
    ctx = AppContext(data, Runner(opened.db))
    window = MainWindow(ctx, auth.sign_in(ctx.db, head[0], head[3]))
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.go("screening")
    page = window.pages["screening"]
    rounds = page.rounds
    QTest.qWait(300)
    for row in range(rounds.model.rowCount()):  # a round that found several disputes, one serious
        r = rounds.model.row(row)
        if r is not None and r.found >= 2:
            rounds.view.selectRow(row)
            break
    shot(window, "rounds")
    rounds.show_combo.setCurrentIndex(rounds.show_combo.findData("zero"))
    shot(window, "zero-reports")
    rounds.reset_filter()
    dialog = rounds.new_round()
    dialog.area.setText("北山社区 3 幢至 8 幢")
    dialog.staff.setText("周调解、吴调解")
    sub = dialog.add_dispute()
    shot(sub, "dispute-form")
    sub.fields.dispute_type.setCurrentIndex(2)
    sub.fields.applicant.setText("赵邻居")
    sub.fields.respondent.setText("钱邻居")
    sub.fields.summary.setPlainText("楼上卫生间漏水，楼下墙面发霉，双方多次争吵。")
    sub.fields.risk.setCurrentIndex(sub.fields.risk.findData("serious"))
    sub.fields.responsible.setText("周调解")
    sub.save()
    shot(dialog, "round-form")
    dialog.reject()
    zero = rounds.zero_report()
    shot(zero, "zero-form")
    zero.reject()
    page.tabs.setCurrentWidget(page.ledger)
    shot(window, "ledger")
    page.ledger.table.selectRow(0)
    check = page.ledger.check()
    shot(check, "check-form")
    check.reject()
    page.tabs.setCurrentWidget(page.officers)
    shot(window, "officers")
    window.go("home")
    shot(window, "home-todo")
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # as scripts/case_screenshots.py: leave without PySide6's teardown
