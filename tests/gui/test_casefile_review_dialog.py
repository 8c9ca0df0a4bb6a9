"""卷宗评查 from 统计报表: the button opens the dialog on the page's period; 评查 scores the demo
node's closed cases on the DB thread, lowest first, and a case's defects show below; the workbook
is saved with the same count of cases as plain SQL finds."""

from __future__ import annotations

from datetime import date

import openpyxl
from sqlalchemy import text

from tests.gui.helpers import click, wait_op
from tests.gui.test_reports_page import FakeFiles, _page, stats_ctx  # noqa: F401 - the fixture
from xihu_desk.gui.reports.casefile_dialog import CasefileReviewDialog
from xihu_desk.gui.kit.dates import set_date


def test_review_from_the_reports_page(qtbot, stats_ctx, tmp_path):  # noqa: F811
    ctx, actor = stats_ctx
    page = _page(qtbot, ctx, actor, FakeFiles(tmp_path))
    assert page.review_button.isVisible() and page.review_action.text() == "卷宗评查…"
    page.review_action.trigger()
    dialog = page.casefile_review
    assert isinstance(dialog, CasefileReviewDialog) and dialog.isVisible()
    set_date(dialog.date_from, date(2020, 1, 1))
    set_date(dialog.date_to, date(2026, 12, 31))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.run_button), timeout=60000)
    with ctx.db.read() as s:
        closed = s.scalar(text("SELECT count(*) FROM mediation_case WHERE status IN ('closed', 'filed') "
                               "AND NOT deleted AND closed_on BETWEEN '2020-01-01' AND '2026-12-31'"))
    assert closed > 0 and dialog.cases.rowCount() == closed
    scores = [int(dialog.cases.item(i, 0).text()) for i in range(dialog.cases.rowCount())]
    assert scores == sorted(scores) and "示例标准" in dialog.summary.text()
    first = dialog.review.rows[0].score
    assert dialog.defects.rowCount() == len(first.defects)
    if first.defects:
        assert dialog.defects.item(0, 2).text() == first.defects[0].reason
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.save_button), timeout=60000)
    saved = next(tmp_path.glob("卷宗评查_*.xlsx"))
    ws = openpyxl.load_workbook(saved)["评查结果"]
    case_rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int) and r[1]]
    assert len(case_rows) == closed and "评查表已保存" in dialog.result_line.text()
