"""First screen of every list, in one run: the time from showing the page (offscreen) to its first
row painted, beside the list's own service query (count + first page) measured in the same run.

    .venv/bin/python benchmarks/list_first_screen.py /tmp/kit/cases-1m

Target (issue 15): each page within 1.5x of its service query. Each figure is the best and the
median of RUNS builds of a new page (warm: the service query runs first each round).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

from xihu_desk.domain import clock
from xihu_desk.gui import gcguard, prefs, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.runner import Runner
from xihu_desk.paths import DataDir
from xihu_desk.services import audit, case_queries, review_queries, roster_queries
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

RUNS = 9


class FirstPaint(QObject):
    """The moment the table's viewport is first painted with rows in the model."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view, self.at = view, None
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Type.Paint and self.view.model().rowCount() > 0:
            self.at = time.perf_counter()
        return False


def gui_first_row(app: QApplication, make: Callable[[], QWidget]) -> float:
    page = make()
    page.resize(1280, 800)
    view = page.view
    paint = FirstPaint(view)
    started = time.perf_counter()
    page.show()
    shown = time.perf_counter()
    app.processEvents()  # the posted paint
    # An empty list paints no row: its (empty) data was in hand when show() returned.
    ended = paint.at or shown
    view.viewport().removeEventFilter(paint)
    page.close()
    page.deleteLater()
    app.processEvents()
    return (ended - started) * 1000


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main(root: Path) -> None:
    data = DataDir(root)
    db = migrate.open_database(data).db
    app = QApplication([])
    theme.apply(app, prefs.TEXT_SCALE_DEFAULT)
    gcguard.install(app)  # as the program does: garbage collection on the GUI thread only
    actor = cli_actor()
    ctx = AppContext(data, Runner(db))
    today = clock.local_today()

    from xihu_desk.gui.cases.page import CasesPage
    from xihu_desk.gui.mediators.roster import RosterTab
    from xihu_desk.gui.pages.audit import AuditTab
    from xihu_desk.gui.reviews.page import ReviewsPage

    def cases() -> None:
        with db.read() as s:
            n = case_queries.count_cases(s, actor, case_queries.CaseFilter(), today)
            case_queries.list_cases(s, actor, case_queries.CaseFilter(), today, 0, 100, n)

    def reviews() -> None:
        with db.read() as s:
            review_queries.count_reviews(s, actor, review_queries.ReviewFilter(), today)
            review_queries.list_reviews(s, actor, review_queries.ReviewFilter(), today, 0, 100)

    def roster() -> None:
        with db.read() as s:
            roster_queries.count_roster(s, actor, roster_queries.RosterPage())
            roster_queries.list_roster(s, actor, roster_queries.RosterPage(), 0, 100)

    def audit_log() -> None:
        with db.read() as s:
            audit.count_events(s, actor, audit.AuditFilter())
            audit.list_events(s, actor, audit.AuditFilter(), limit=200)

    with db.read() as s:
        sizes = {
            "案件 cases": case_queries.count_cases(s, actor, case_queries.CaseFilter(), today),
            "合法性审查 reviews": review_queries.count_reviews(s, actor, review_queries.ReviewFilter(), today),
            "调解员 roster": roster_queries.count_roster(s, actor, roster_queries.RosterPage()),
            "审计日志 audit log": audit.count_events(s, actor, audit.AuditFilter()),
        }
    lists = [
        ("案件 cases", cases, lambda: CasesPage(ctx, actor)),
        ("合法性审查 reviews", reviews, lambda: ReviewsPage(ctx, actor)),
        ("调解员 roster", roster, lambda: RosterTab(ctx, actor)),
        ("审计日志 audit log", audit_log, lambda: AuditTab(ctx, actor)),
    ]
    print(f"node: {root}")
    print(f"{'list':22} {'rows':>10} {'service best/median ms':>24} {'page best/median ms':>22} {'ratio':>6}  target")
    for name, service, make in lists:
        svc, gui = [], []
        for _ in range(RUNS):
            svc.append(timed(service))
            gui.append(gui_first_row(app, make))
        s_best, s_med = min(svc), statistics.median(svc)
        g_best, g_med = min(gui), statistics.median(gui)
        ratio = g_med / s_med if s_med else float("nan")
        verdict = "ok" if ratio <= 1.5 or g_med < 50 else "OVER"
        print(f"{name:22} {sizes[name]:>10,} {s_best:11.1f} / {s_med:8.1f} {g_best:10.1f} / {g_med:8.1f} "
              f"{ratio:6.2f}  {verdict} <= 1.5x (or < 50 ms)")
    ctx.runner.shutdown()
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.cache/cases-1m"))
