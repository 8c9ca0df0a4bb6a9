#!/usr/bin/env python3
"""Screenshots of the 案件 area: the list and every tab of the case form, to look at after changes.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/case_screenshots.py
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/case_screenshots.py --scale 150
    QT_QPA_PLATFORM="offscreen:configfile=scripts/offscreen-1366x768.json" .venv/bin/python scripts/case_screenshots.py --scale 150

Without Xvfb, the configfile gives Qt's offscreen platform a 1366×768 screen (its own is 800×600,
which squeezes every form).

Makes a throw-away township node with demo cases (services.demo), signs in as the office head and
saves PNGs into shots/ (git-ignored): the main window on the case list, then a case in each stage.
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
from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from xihu_desk.gui import i18n, messages, prefs, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, demo, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402
from xihu_desk.store.case_models import MediationCase  # noqa: E402

PASSWORD = "Beishan-2026"


def settle(ms: int = 200) -> None:
    QTest.qWait(ms)  # a script, not a test: let layouts and painting finish


def wait_idle(runner: Runner) -> None:
    if runner.busy():
        loop = QEventLoop()
        runner.finished.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description="案件界面截图")
    parser.add_argument("--out", default=str(ROOT / "shots"))
    parser.add_argument("--scale", type=int, default=100, help="文字大小百分比，100–150")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xihu-case-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    translators = i18n.install(app)  # noqa: F841
    prefs.set_text_scale(args.scale)
    theme.apply(app, args.scale)
    shown: list[str] = []
    messages.bridge().show_fn = lambda _parent, m: shown.append(m.text)
    messages.bridge().confirm_fn = lambda *_: True
    n = 0

    def shot(widget: QWidget, name: str) -> None:
        nonlocal n
        settle()
        n += 1
        path = out / f"c{args.scale}-{n:02d}-{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    data = DataDir(work / "data")
    opened = migrate.open_database(data)
    with opened.db.write() as session:
        node.init_node(session, cli_actor(), node.InitCommand(
            org_code="330106002", level="township", parent_code=None, admin_username="admin",
            admin_password=PASSWORD, admin_display_name="王管理"))
    with opened.db.write() as session:
        result = demo.fill(session, cli_actor(), demo.DemoCommand(seed=7, cases=300))
    head = next(a for a in result.accounts if a[2] == "所长")
    ctx = AppContext(data, Runner(opened.db))
    window = MainWindow(ctx, auth.sign_in(ctx.db, head[0], head[3]))
    window.setGeometry(0, 0, 1366, 768)
    window.show()
    window.go("cases")
    page = window.pages["cases"]
    shot(window, "list")
    page.overdue.setChecked(True)
    shot(window, "list-overdue")
    page.reset_filter()
    page.search.setText("张")
    page.apply_filter()
    shot(window, "list-search-surname")
    page.reset_filter()

    def pick(**where: object) -> str:
        with ctx.db.read() as session:
            query = select(MediationCase.uuid).where(*(getattr(MediationCase, k) == v for k, v in where.items()))
            return session.scalars(query.order_by(MediationCase.accepted_on.desc())).first()

    # A case in mediation: every tab.
    dialog = page.open_case(pick(status="mediating"))
    dialog.move(60, 20)
    for i in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(i)
        shot(dialog, f"mediating-{i + 1}-{dialog.tab_titles[i]}")
    dialog.process.new_record("mediation")
    shot(dialog.process.record_dialog, "record-dialog")
    dialog.process.record_dialog.reject()
    dialog.outcome.radios["written"].setChecked(True)
    dialog.show_tab(dialog.outcome)
    shot(dialog, "outcome-written")
    dialog.outcome.radios["failed"].setChecked(True)
    shot(dialog, "outcome-failed")
    dialog.outcome.watch.dirty = False
    dialog.reject()

    # A filed case, written agreement.
    dialog = page.open_case(pick(status="filed", agreement_form="written"))
    for i in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(i)
        shot(dialog, f"filed-{i + 1}-{dialog.tab_titles[i]}")
    dialog.followup.new_followup()
    shot(dialog.followup.sub, "followup-dialog")
    dialog.followup.sub.reject()
    dialog.reject()

    # A closed case still missing material: filing refused.
    closed = pick(status="closed")
    if closed:
        dialog = page.open_case(closed)
        dialog.show_tab(dialog.filing)
        shot(dialog, "closed-filing")
        dialog.reject()

    # A new case: a mistyped ID number, and the repeat hint for a known person.
    dialog = page.new_case()
    shot(dialog, "new-intake")
    dialog.show_tab(dialog.parties)
    dialog.parties.name.setText("张三")
    dialog.parties.id_number.setText("330106198001010012")
    dialog.parties._id_typed()
    shot(dialog, "new-parties-bad-id")
    with ctx.db.read() as session:
        from xihu_desk.store.case_models import Party

        known = session.scalars(select(Party).where(Party.kind == "person")).first()
    dialog.parties.table.setCurrentCell(1, 0)
    dialog.parties.name.setText(known.name)
    dialog.parties.id_number.setText(known.id_number)
    dialog.parties._id_typed()
    dialog.parties._editor_changed()
    dialog.parties.query_hints()
    shot(dialog, "new-parties-repeat-hint")
    for tab in dialog.tab_list:
        tab.watch.dirty = False
    dialog.reject()
    wait_idle(ctx.runner)
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # PySide6 6.12 on Python 3.11 drops a reference to None whenever C++ hands a null pointer to a
    # Python override (theme.ScaledStyle.pixelMetric, thousands of times per window painted); by the
    # end of this script None's count is low enough that tearing the interpreter down aborts
    # ("none_dealloc"). The pictures are saved: leave without the teardown.
    os._exit(code)
