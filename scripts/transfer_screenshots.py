#!/usr/bin/env python3
"""Screenshots of issue 18's screens at 1366×768, to look at after changes: 纠纷排查 (a round and the
disputes it found), 本节点 → 调委会, 数据交换 → 移送申请 and the 案件 list and case form of a case
transferred to another office (the read-only copy marked 已移送).

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/transfer_screenshots.py
    QT_SCALE_FACTOR=1.5 xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/transfer_screenshots.py

Makes three throw-away nodes (北山 with the demo, 西溪, the district), moves one of 北山's open cases
to 西溪 through real bundles, then shows 北山's screens in a window filling the screen (at
QT_SCALE_FACTOR=1.5 that is 910×512 logical pixels). PNGs go into shots/ (git-ignored).
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
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget  # noqa: E402

from xihu_desk.gui import i18n, messages, theme  # noqa: E402
from xihu_desk.gui.context import AppContext  # noqa: E402
from xihu_desk.gui.mainwindow import MainWindow  # noqa: E402
from xihu_desk.gui.runner import Runner  # noqa: E402
from xihu_desk.paths import DataDir  # noqa: E402
from xihu_desk.services import auth, case_queries, case_transfer, demo, exchange, node  # noqa: E402
from xihu_desk.services.context import cli_actor  # noqa: E402
from xihu_desk.store import migrate  # noqa: E402

PASSWORD = "Beishan-2026"
XIXI = "330106004"


def _node(root: Path, org: str, level: str, admin: str) -> tuple[DataDir, object]:
    data = DataDir(root)
    db = migrate.open_database(data).db
    with db.write() as s:
        node.init_node(s, cli_actor(), node.InitCommand(org, level, None, admin, PASSWORD, admin_display_name="王管理"))
    return data, db


def _key(db) -> dict:
    with db.read() as s:
        return exchange.export_key(s, cli_actor())


def _enrol(db, other) -> None:
    with db.write() as s:
        exchange.enrol(s, cli_actor(), _key(other))


def _transfer_one(work: Path, a: tuple, head) -> str:
    """Move one of 北山's open cases to 西溪 through the district; the case's uuid."""
    (ad, adb), (bd, bdb), (dd, ddb) = a, _node(work / "xixi", XIXI, "township", "xixi"), _node(
        work / "district", "330106", "district", "qu"
    )
    for x, y in ((ddb, adb), (ddb, bdb), (adb, ddb), (bdb, ddb)):
        _enrol(x, y)
    with adb.read() as s:
        rows = case_queries.list_cases(s, head, case_queries.CaseFilter(status="open"), head.today, 0, 200)
        uuid = next(r.uuid for r in rows if case_transfer.choices(s, head, r.uuid).allowed)
    with adb.write() as s:
        case_transfer.request(s, head, uuid, XIXI, "双方当事人均已搬到西溪街道居住")
    for name in ("up", "d-b", "d-a"):
        (work / name).mkdir()
    got = exchange.import_bundle(dd, ddb, cli_actor(), exchange.export_bundle(ad, adb, cli_actor(), work / "up").file)
    exchange.take_receipt(adb, cli_actor(), got.receipt)
    with ddb.write() as s:
        case_transfer.accept(s, cli_actor(), case_queries_case_no(adb, uuid))
    for folder, (data, db), org in (("d-b", (bd, bdb), XIXI), ("d-a", (ad, adb), "330106002")):
        out = exchange.export_bundle(dd, ddb, cli_actor(), work / folder, to=org)
        exchange.import_bundle(data, db, cli_actor(), out.file)
    return uuid


def case_queries_case_no(db, uuid: str) -> str:
    with db.read() as s:
        return case_queries.case_detail(s, cli_actor(), uuid)["case_no"]


def main() -> int:
    parser = argparse.ArgumentParser(description="排查、调委会、移送界面截图")
    parser.add_argument("--out", default=str(ROOT / "shots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    scale = round(float(os.environ.get("QT_SCALE_FACTOR", "1")) * 100)
    work = Path(tempfile.mkdtemp(prefix="xihu-transfer-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qsettings"))
    auth.set_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # throw-away data

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    translators = i18n.install(app)  # noqa: F841
    theme.apply(app, 100)
    messages.bridge().show_fn = lambda _parent, m: print("message:", m.text)
    messages.bridge().confirm_fn = lambda *_: False

    def shot(widget: QWidget, name: str) -> None:
        QTest.qWait(400)
        path = out / f"xfer{scale}-{name}.png"
        widget.grab().save(str(path))
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path, widget.width(), "x", widget.height())

    a = _node(work / "beishan", "330106002", "township", "admin")
    with a[1].write() as s:
        result = demo.fill(s, cli_actor(), demo.DemoCommand(seed=7, cases=40))
    account = next(x for x in result.accounts if x[2] == "所长")
    head = auth.sign_in(a[1], account[0], account[3])
    moved = _transfer_one(work, a, head)

    ctx = AppContext(a[0], Runner(a[1]))
    window = MainWindow(ctx, auth.sign_in(ctx.db, account[0], account[3]))
    window.setGeometry(app.primaryScreen().availableGeometry())  # the whole screen, in logical pixels
    window.show()

    window.go("screening")
    rounds = window.pages["screening"].rounds
    QTest.qWait(300)
    best, most = 0, 0
    for row in range(rounds.model.rowCount()):  # the round that found the most disputes
        r = rounds.model.row(row)
        if r is not None and r.found > most:
            best, most = row, r.found
    rounds.view.selectRow(best)
    shot(window, "1-screening")
    print("disputes found:", most, "rows in view:", _rows_in_view(rounds.disputes))

    window.go("settings")
    settings = window.pages["settings"]
    settings.tabs.setCurrentWidget(settings.node)
    settings.node.refresh_committees()
    # the tab scrolls on a short screen: show its committee list
    settings.node.findChild(QScrollArea, "nodeScroll").ensureWidgetVisible(settings.node.committee_view)
    shot(window, "2-committees")

    window.go("exchange")
    exchange_page = window.pages["exchange"]
    exchange_page.refresh()
    exchange_page.tabs.setCurrentWidget(exchange_page.transfers_tab)
    shot(window, "3-transfer-list")

    window.go("cases")
    cases_page = window.pages["cases"]
    QTest.qWait(300)
    cases_page.status.setCurrentIndex(cases_page.status.findData("transferred:only"))
    QTest.qWait(300)
    cases_page.view.selectRow(0)
    shot(window, "4-case-list-transferred")
    dialog = cases_page.open_case(moved)
    shot(dialog, "5-case-form-transferred")
    dialog.reject()
    window.close()
    ctx.runner.shutdown()
    ctx.db.dispose()
    return 0


def _rows_in_view(table) -> int:
    """How many of the table's rows are wholly visible."""
    shown = 0
    for row in range(table.rowCount()):
        y, h = table.rowViewportPosition(row), table.rowHeight(row)
        if y >= 0 and y + h <= table.viewport().height():
            shown += 1
    return shown


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # as scripts/case_screenshots.py: leave without PySide6's teardown
