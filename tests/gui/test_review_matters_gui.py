"""议题和合同 tab of the review area: the office's list imported through the file seam (dry run,
confirmation, import), the line without a review shown red and counted in the statistics' 应审查,
a line marked as needing no review with its reason, the list exported."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from tests import reviewkit
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.gui.reviews.matters import FLAG

from .helpers import click


@pytest.fixture
def shen(db):
    return reviewkit.reviewer(db, date.today())


def test_matters_tab_flags_what_got_no_review(qtbot, db, ctx, shen, tmp_path, message_mock):
    reviewkit.register(db, shen, item_type="contract", title="停车场承包合同", received_on=date(2026, 2, 3),
                       complete_on=date(2026, 2, 3))
    source = tmp_path / "议题清单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["议题名称", "会议日期", "会议名称"])
    wb.active.append(["停车场承包合同", date(2026, 2, 10), "主任办公会"])
    wb.active.append(["关于辖区道路命名的议题", date(2026, 2, 26), "主任办公会"])
    wb.save(source)
    page = ReviewsPage(ctx, shen)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.tabs.setCurrentWidget(page.matters)
    view = page.matters
    assert "尚未导入" in view.summary.text()
    page.choose_open_file = lambda *_a: str(source)
    page.choose_save_file = lambda *_a: ""  # the rows' notes (type taken from the meeting): not saved
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        click(qtbot, view.import_button)  # the dry run
    qtbot.waitUntil(lambda: view.table.rowCount() == 2, timeout=10000)
    assert "可导入 2 行" in message_mock.questions[0]
    titles = {view.table.item(i, 2).text(): i for i in range(2)}
    flagged = titles["关于辖区道路命名的议题"]
    assert view.table.item(flagged, 5).text() == "应审未审"
    assert view.table.item(flagged, 0).background().color() == FLAG
    assert view.table.item(titles["停车场承包合同"], 5).text() == "审查中"
    assert "应审未审 1 项" in view.summary.text()

    page.tabs.setCurrentWidget(page.stats)
    page.stats.date_from.setDate(page.stats.date_from.date().addYears(-5))
    page.stats.refresh()
    card = page.stats.cards.itemAt(0).widget()
    assert card.value.text() == "2" and "应审未审 1" in card.note.text()  # 1 registered + 1 listed
    assert "已审查数 ÷ 应审查数" in page.stats.scope.text()

    page.tabs.setCurrentWidget(view)
    view.only_missing.setChecked(True)
    assert view.table.rowCount() == 1
    view.table.selectRow(0)
    view.ask_reason = lambda *_a: "纯事务性议题"
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        click(qtbot, view.exempt_button)
    qtbot.waitUntil(lambda: view.table.rowCount() == 0, timeout=5000)
    target = tmp_path / "清单.xlsx"
    page.choose_save_file = lambda *_a: str(target)
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        click(qtbot, view.export_button)
    texts = [c for row in openpyxl.load_workbook(target).active.iter_rows(values_only=True) for c in row if c]
    assert "无需审查" in texts and "已导出" in message_mock.of("info")[-1].text


def test_matters_tab_reads_again_when_shown(qtbot, db, ctx, shen, message_mock):
    from xihu_desk.services import review_matters

    wb = openpyxl.Workbook()
    wb.active.append(["类型", "议题名称", "会议日期"])
    wb.active.append(["会议议题", "关于辖区道路命名的议题", date(2026, 2, 26)])
    import io

    data = io.BytesIO()
    wb.save(data)
    with db.write() as s:
        review_matters.import_list(s, shen, data.getvalue())
    page = ReviewsPage(ctx, shen)
    qtbot.addWidget(page)
    page.show()
    page.tabs.setCurrentWidget(page.matters)
    assert page.matters.table.item(0, 5).text() == "应审未审"
    page.tabs.setCurrentIndex(0)
    reviewkit.register(db, shen, item_type="meeting_topic", title="关于辖区道路命名", received_on=date(2026, 2, 20),
                       complete_on=date(2026, 2, 20))
    page.tabs.setCurrentWidget(page.matters)
    assert page.matters.table.item(0, 5).text() == "审查中"
