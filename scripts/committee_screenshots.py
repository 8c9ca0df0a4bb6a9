#!/usr/bin/env python3
"""Screenshots of the committees and 提级/移交 (issue 18), to look at after changes.

    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/committee_screenshots.py
    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/committee_screenshots.py --scale 150

A throw-away township node with demo data (committees with members, escalated cases); the head
signs in. Saves PNGs into shots/: 系统设置 → 本节点 (the committee list with warnings), the street
committee's dialog on each tab, and the 提级/移交 dialog of a community committee's open case.
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
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from xihu_desk.domain import clock  # noqa: E402
from xihu_desk.gui import i18n, messages, prefs, theme  # noqa: E402
from xihu_desk.gui.cases.escalate import EscalateDialog  # noqa: E402
from xihu_desk.gui.committees.dialog import CommitteeDialog  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, case_queries, demo, escalation, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402
from xihu_desk.store.case_models import MediationCase  # noqa: E402
from xihu_desk.store.models import Committee  # noqa: E402

PASSWORD = "Beishan-2026"


def main() -> int:
    parser = argparse.ArgumentParser(description="调委会与提级截图")
    parser.add_argument("--out", default=str(ROOT / "shots"))
    parser.add_argument("--scale", type=int, default=100, help="文字大小百分比，100–150")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-committee-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    translators = i18n.install(app)  # noqa: F841
    prefs.set_text_scale(args.scale)
    theme.apply(app, args.scale)
    messages.bridge().show_fn = lambda *_: None
    messages.bridge().confirm_fn = lambda *_: True

    def shot(widget: QWidget, name: str) -> None:
        QTest.qWait(250)  # a script: let layouts and painting finish
        path = out / f"committee{args.scale}-{name}.png"
        widget.grab().save(str(path))
        print(path)

    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None, admin_username="admin",
            admin_password=PASSWORD, admin_display_name="王管理"))
    with opened.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=7, cases=120))
    head_account = next(a for a in result.accounts if a[2] == "所长")
    ctx = AppContext(data, Runner(opened.db))
    head = auth.sign_in(ctx.db, head_account[0], head_account[3])
    window = MainWindow(ctx, head)
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.go("settings")
    settings = window.pages["settings"]
    settings.tabs.setCurrentWidget(settings.node)
    settings.node.refresh_committees()
    shot(window, "01-node-committees")
    with ctx.db.read() as session:
        street = session.scalar(select(Committee.uuid).where(Committee.name == "北山街道人民调解委员会"))
        community_case = session.scalar(
            select(MediationCase.uuid)
            .join(Committee, Committee.uuid == MediationCase.committee_uuid)
            .where(Committee.kind == "community", MediationCase.status.in_(["accepted", "mediating"]))
            .order_by(MediationCase.case_no)
        )
    dialog = CommitteeDialog(ctx, street, clock.local_today(), window, head)
    dialog.show()
    tabs = dialog.findChild(QTabWidget, "committeeTabs")
    for i in range(tabs.count()):
        tabs.setCurrentIndex(i)
        shot(dialog, f"02-street-dialog-{i + 1}")
    tabs.setCurrentIndex(0)
    dialog.members.selectRow(0)
    dialog.open_member("role")
    shot(dialog.member_dialog, "02-street-change-role")
    dialog.member_dialog.reject()
    dialog.close()
    if community_case:
        with ctx.db.read() as session:
            detail = case_queries.case_detail(session, head, community_case)
            choices = escalation.choices(session, head, community_case)
        esc = EscalateDialog(ctx, head, detail, choices, window, lambda *_: None)
        esc.reason.setPlainText("涉及两个社区的居民，社区调委会调解未果")
        esc.show()
        shot(esc, "03-escalate-dialog")
        esc.reject()
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # see scripts/case_screenshots.py: skip the interpreter's teardown
