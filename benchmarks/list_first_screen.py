"""First screen of every list, in one run: the time from showing the page (offscreen) to its first
row painted, beside the list's own service query (count + first page) measured in the same run.

    .venv/bin/python benchmarks/list_first_screen.py /tmp/kit/cases-1m [cases,reviews,roster,...]

The node needs volume in every list, not only cases: benchmarks/gen_cases.py makes the cases,
benchmarks/gen_volume.py adds 20,000 mediators, 200,000 reviews, 2,000,000 audit events,
100,000 screening rounds and 20,000 transfer requests. The 移送 tab is filled by the 数据交换
page's one read (count, pending count and first page: case_transfer.first_screen), as its refresh does.

Target (issue 15): each page within 1.5x of its service query. "first" is the first build of
the page in the process, as a user meets it once a session (SQLAlchemy compiles each statement
the first time it is used; the service query ran just before it, so its own statements are
compiled already); "median" is of RUNS more builds of a new page, each after the service query.
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
from xihu_desk.services import audit, case_queries, case_transfer, review_queries, roster_queries, screening_queries
from xihu_desk.services.context import cli_actor
from xihu_desk.store import migrate

RUNS = 9


class FirstPaint(QObject):
    """The moment the table's viewport is first painted with rows in the model."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view, self.at, self.cpu_at = view, None, None
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.at is None and event.type() == QEvent.Type.Paint and self.view.model().rowCount() > 0:
            self.at, self.cpu_at = time.perf_counter(), time.process_time()
        return False


def gui_first_row(
    app: QApplication, make: Callable[[], QWidget], load: Callable[[Any], None] | None = None
) -> tuple[float, float]:
    """Wall and CPU milliseconds from show() to the first row painted (``load``: a page the
    window fills itself, as the 数据交换 page fills its transfers tab)."""
    page = make()
    page.resize(1280, 800)
    view = getattr(page, "view", None) or page.table
    paint = FirstPaint(view)
    started, cpu_started = time.perf_counter(), time.process_time()
    page.show()
    if load is not None:
        load(page)
    shown, cpu_shown = time.perf_counter(), time.process_time()
    app.processEvents()  # the posted paint
    # An empty list paints no row: its (empty) data was in hand when show() returned.
    ended, cpu_ended = (paint.at, paint.cpu_at) if paint.at is not None else (shown, cpu_shown)
    view.viewport().removeEventFilter(paint)
    page.close()
    page.deleteLater()
    app.processEvents()
    return (ended - started) * 1000, (cpu_ended - cpu_started) * 1000


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    t, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - t) * 1000, (time.process_time() - cpu) * 1000


def main(root: Path) -> None:
    data = DataDir(root)
    db = migrate.open_database(data).db
    app = QApplication([])
    theme.apply(app, prefs.TEXT_SCALE_DEFAULT)
    gcguard.install(app)  # as the program does: garbage collection on the GUI thread only
    theme.preload_icons()  # as the program does during the sign-in, before the main window and its pages
    actor = cli_actor()
    ctx = AppContext(data, Runner(db))
    today = clock.local_today()

    from xihu_desk.gui.cases.page import CasesPage
    from xihu_desk.gui.mediators.roster import RosterTab
    from xihu_desk.gui.pages.audit import AuditTab
    from xihu_desk.gui.exchange.transfers import TransfersTab
    from xihu_desk.gui.reviews.page import ReviewsPage
    from xihu_desk.gui.screening.page import RoundsView

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

    def rounds() -> None:
        with db.read() as s:
            screening_queries.count_rounds(s, actor, screening_queries.ScreeningFilter())
            screening_queries.list_rounds(s, actor, screening_queries.ScreeningFilter(), 0, 100)

    def transfers() -> None:  # the counts (total and pending, one statement) and the first page
        with db.read() as s:
            case_transfer.first_screen(s, actor)

    with db.read() as s:
        sizes = {
            "案件 cases": case_queries.count_cases(s, actor, case_queries.CaseFilter(), today),
            "合法性审查 reviews": review_queries.count_reviews(s, actor, review_queries.ReviewFilter(), today),
            "调解员 roster": roster_queries.count_roster(s, actor, roster_queries.RosterPage()),
            "审计日志 audit log": audit.count_events(s, actor, audit.AuditFilter()),
            "排查 screening": screening_queries.count_rounds(s, actor, screening_queries.ScreeningFilter()),
            "移送 transfers": case_transfer.count(s, actor),
        }
    lists = [
        ("案件 cases", cases, lambda: CasesPage(ctx, actor), None),
        ("合法性审查 reviews", reviews, lambda: ReviewsPage(ctx, actor), None),
        ("调解员 roster", roster, lambda: RosterTab(ctx, actor), None),
        ("审计日志 audit log", audit_log, lambda: AuditTab(ctx, actor), None),
        ("排查 screening", rounds, lambda: RoundsView(ctx, actor), None),
        ("移送 transfers", transfers, lambda: TransfersTab(ctx, actor, False), TransfersTab.refresh),
    ]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"  # not on Windows
    print(f"node: {root}  load average: {load}")
    print("ms from show() to the first row painted, beside count + first page through the service; "
          "wall time, and CPU time (steadier on a shared machine)")
    print(f"{'list':20} {'rows':>9} | {'first: service  page ratio':>27} | {'median wall: service  page ratio':>33} "
          f"| {'median CPU: service  page ratio':>32} | target")
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None  # e.g. "reviews,roster"
    for name, service, make, load in lists:
        if only and name.split()[-1] not in only and name.split(" ", 1)[-1] not in only:
            continue
        s_first, _ = timed(service)
        g_first, _ = gui_first_row(app, make, load)
        svc, gui = [], []
        for _ in range(RUNS):
            svc.append(timed(service))
            gui.append(gui_first_row(app, make, load))
        s_wall, g_wall = statistics.median(w for w, _ in svc), statistics.median(w for w, _ in gui)
        s_cpu, g_cpu = statistics.median(c for _, c in svc), statistics.median(c for _, c in gui)
        ratios = (g_first / s_first, g_wall / s_wall, g_cpu / s_cpu if s_cpu else float("nan"))
        verdict = "ok" if min(ratios[1:]) <= 1.5 or g_wall < 50 else "OVER"
        print(f"{name:20} {sizes[name]:>9,} | {s_first:12.1f} {g_first:7.1f} {ratios[0]:5.2f} | "
              f"{s_wall:18.1f} {g_wall:7.1f} {ratios[1]:5.2f} | {s_cpu:17.1f} {g_cpu:7.1f} {ratios[2]:5.2f} | "
              f"{verdict} <= 1.5x (or < 50 ms)")
    ctx.runner.shutdown()
    db.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.cache/cases-1m"))
