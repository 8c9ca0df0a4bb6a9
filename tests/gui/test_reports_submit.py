"""统计报表 → 报出…: the period's workbook is submitted through the page (confirmed, saved through the
file seam, kept as a snapshot) and is the very file the snapshot gives back; a part of the office
cannot be submitted."""

from __future__ import annotations

from datetime import date

from xihu_desk.services import report_submissions

from .helpers import click
from .test_reports_page import FakeFiles, _page, _set_period, stats_ctx  # noqa: F401 - the fixture

YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def test_submit_from_the_page_keeps_the_file_as_submitted(qtbot, stats_ctx, tmp_path, message_mock):  # noqa: F811
    ctx, actor = stats_ctx
    files = FakeFiles(tmp_path)
    page = _page(qtbot, ctx, actor, files)
    assert page.submit_button.isVisible()
    _set_period(qtbot, page, *YEAR)
    with qtbot.waitSignal(page.saved, timeout=15000) as saved:
        click(qtbot, page.submit_button)
    path = saved.args[0]
    assert path.name == "人民调解工作统计表_20250101-20251231_报出.xlsx" and message_mock.questions
    assert page.result.text().startswith("已报出")
    with ctx.db.read() as s:
        data, sub = report_submissions.submitted_workbook(s, actor, *YEAR)
    assert data == path.read_bytes() and sub.submitted_by.startswith("陈所长")
    assert sub.accepted == page.stats.total["accepted"]


def test_a_single_committee_is_not_submitted(qtbot, stats_ctx, tmp_path, message_mock):  # noqa: F811
    ctx, actor = stats_ctx
    page = _page(qtbot, ctx, actor, FakeFiles(tmp_path))
    _set_period(qtbot, page, *YEAR)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.scope.setCurrentIndex(page.scope.findText("北山街道人民调解委员会"))
    click(qtbot, page.submit_button)
    assert "全部调委会" in message_mock.single("error").text
    with ctx.db.read() as s:
        assert report_submissions.list_submissions(s, actor) == []
