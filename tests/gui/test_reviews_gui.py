"""合法性审查 area with real widgets: the register form through a 补正 pause, an extension and an
opinion (database, widgets and messages asserted), the paged register and its filters, Excel import
and export through the file-dialog seams, the statistics view, and the area in the main window."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QDate
from sqlalchemy import func, select

from tests import reviewkit
from xihu_desk.domain import workdays
from xihu_desk.gui.reviews import dialogs
from xihu_desk.gui.reviews.model import CLOCK
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.services import reviews
from xihu_desk.store.review_models import ReviewItem, ReviewPause

from .helpers import click, type_text, wait_op

SAMPLE = Path(__file__).parent.parent / "data" / "sample-ledger-reviews.xlsx"
CAL = workdays.calendar()


def back(n: int, today: date | None = None) -> date:
    """The working day ``n`` working days before today."""
    day, left = today or date.today(), n
    while left:
        day -= timedelta(days=1)
        left -= CAL.is_workday(day)
    return day


def qd(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


@pytest.fixture
def shen(db):
    return reviewkit.reviewer(db, date.today())


@pytest.fixture
def page(qtbot, ctx, shen) -> ReviewsPage:
    p = ReviewsPage(ctx, shen)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def item(db) -> ReviewItem:
    with db.read() as s:
        return s.scalars(select(ReviewItem)).one()


def test_register_form_through_a_pause_an_extension_and_an_opinion(qtbot, db, ctx, page, message_mock):
    page.new_action.trigger()
    form = page.new_dialog
    assert form is not None and form.number_label.text().startswith("新登记")
    form.item_type.setCurrentIndex(form.item_type.findData("enforcement"))
    type_text(qtbot, form.title, "对曙光路某餐饮店油烟扰民的行政处罚决定")
    type_text(qtbot, form.unit, "综合执法队")
    received = back(3)
    form.received_on.setDate(qd(received))
    form.complete_on.setDate(qd(received))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    saved = item(db)
    assert saved.number.startswith(f"（{received.year}）北山合审字第") and saved.status == "reviewing"
    assert form.number_label.text() == saved.number and form.status_label.text() == "审查中"
    used = CAL.count(received, date.today())  # today may be a weekend or a holiday
    assert form.clock_label.text() == f"剩余 {5 - used} 个工作日"
    assert "已登记，审查编号" in message_mock.single("info").text
    assert page.model.total == 1

    # 补正: the clock stops.
    click(qtbot, form.ask_button)
    step = form.step
    assert isinstance(step, dialogs.SupplementDialog)
    step.asked_on.setDate(qd(back(1)))
    type_text(qtbot, step.materials, "处罚依据及听证笔录")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    paused = item(db)
    assert paused.status == "paused" and paused.due_on is None
    assert form.status_label.text() == "补正中" and form.clock_label.text() == "计时暂停"
    assert "补正中：剩余" in form.due_label.text() and "补正暂停" in page.model.row(0).clock_text
    assert "处罚依据及听证笔录" in form.pauses.item(0).text()
    assert message_mock.of("info")[-1].text.startswith("已登记补正要求")
    assert not form.opinion_button.isEnabled() and form.received_button.isEnabled()

    click(qtbot, form.received_button)
    step = form.step
    assert isinstance(step, dialogs.ReceivedDialog)
    step.received_on.setDate(qd(date.today()))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    with db.read() as s:
        pause = s.scalars(select(ReviewPause)).one()
    assert pause.received_on == date.today() and item(db).status == "reviewing"
    assert "恢复计算" in message_mock.of("info")[-1].text

    # Extension: approver and reason are required; the deadline moves by working days.
    before = item(db).due_on
    click(qtbot, form.extend_button)
    step = form.step
    assert isinstance(step, dialogs.ExtensionDialog)
    step.days.setValue(3)
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    assert step.errors.message("extension_approver") and step.isVisible()
    type_text(qtbot, step.approver, "陈所长")
    type_text(qtbot, step.reason, "需听取法律顾问意见")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    extended = item(db)
    assert extended.extension_days == 3 and extended.extension_approver == "陈所长"
    assert extended.due_on == CAL.add_workdays(before, 3)
    assert "陈所长批准延长 3 个" in form.due_label.text() and str(extended.due_on) in form.due_label.text()
    assert str(extended.due_on) in message_mock.of("info")[-1].text

    # Opinion: refused without the main issues (shown under the field, nothing saved), then given.
    click(qtbot, form.opinion_button)
    step = form.step
    assert isinstance(step, dialogs.OpinionDialog)
    step.conclusion.setCurrentIndex(step.conclusion.findData("lawful_amended"))
    type_text(qtbot, step.opinion_no, "BS-2026-07")
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    assert "主要问题" in step.errors.message("issues") and item(db).conclusion == ""
    type_text(qtbot, step.issues, "罚款幅度超出条例规定")
    step.points.setValue(1)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, step.ok_button))
    done = item(db)
    assert (done.status, done.conclusion, done.opinion_no, done.points) == ("opinion", "lawful_amended", "BS-2026-07", 1)
    # Counted: up to the day the 补正 was asked, then from the day after the material arrived.
    assert done.working_days == CAL.count(received, date.today(), [workdays.Pause(back(1), date.today())])
    assert form.status_label.text() == "已出具意见" and "修改后合法" in form.opinion_label.text()
    assert "按期" in form.opinion_label.text()
    assert message_mock.of("info")[-1].text.startswith("已出具审查意见（修改后合法）")
    assert form.after_box.isEnabled() and not form.opinion_button.isEnabled()

    # Adoption saved with the form.
    form.adoption.setCurrentIndex(form.adoption.findData("adopted"))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    assert item(db).adoption == "adopted" and form.message_label.text() == "已保存"
    assert page.model.row(0).status == "opinion"


def test_refused_registration_keeps_what_was_typed(qtbot, db, ctx, page, message_mock):
    page.new_action.trigger()
    form = page.new_dialog
    type_text(qtbot, form.title, "缺少类型的事项")
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    assert "审查事项类型" in form.errors.message("item_type") and form.title.text() == "缺少类型的事项"
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ReviewItem)) == 0
    assert message_mock.messages == []


def test_register_pages_filters_and_preview(qtbot, db, ctx, shen, page, qtmodeltester):
    late = reviewkit.register(db, shen, item_type="enforcement", title="已超期的处罚决定", received_on=back(9),
                              complete_on=back(9))
    for i in range(5):
        reviewkit.register(db, shen, title=f"规范性文件{i}", received_on=back(1), complete_on=back(1))
    page.refresh()
    assert page.model.total == 6 and page.count_label.text() == "共 6 件"
    qtmodeltester.check(page.model)
    page.overdue.setChecked(True)
    assert page.model.total == 1 and page.model.row(0).uuid == late.uuid
    assert "超期" in page.model.data(page.model.index(0, CLOCK)) and "已超期的处罚决定" in page.preview_title.text()
    page.reset_filter()
    page.item_type.setCurrentIndex(page.item_type.findData("normative"))
    assert page.model.total == 5
    type_text(qtbot, page.search, "文件3")
    page.apply_filter()
    assert page.model.total == 1 and page.model.row(0).title == "规范性文件3"
    page.open_current()
    dialog = page.dialogs[page.model.row(0).uuid]
    assert dialog.title.text() == "规范性文件3" and dialog.isVisible()


def test_import_and_export_through_the_file_dialog_seams(qtbot, db, ctx, page, message_mock, tmp_path):
    page.choose_open_file = lambda *_a: str(SAMPLE)
    page.import_action.trigger()
    qtbot.waitUntil(lambda: page.last_import is not None and not ctx.runner.busy(), timeout=10000)
    assert message_mock.questions and "可导入 20 行" in message_mock.questions[0]
    assert page.last_import.imported == 20 and page.model.total == 20
    assert "已导入 20 行" in message_mock.single("info").text

    target = tmp_path / "台账.xlsx"
    page.choose_save_file = lambda *_a: str(target)
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        page.export_action.trigger()
    rows = [r for r in openpyxl.load_workbook(target)["审查台账"].iter_rows(values_only=True) if str(r[0] or "").startswith("（")]
    assert len(rows) == 20 and "已导出" in message_mock.of("info")[-1].text

    page.tabs.setCurrentWidget(page.stats)
    page.stats.date_from.setDate(QDate(2025, 1, 1))
    page.stats.refresh()
    assert page.stats.cards.itemAt(0).widget().value.text() == "20"  # 应审查
    assert page.stats.cards.itemAt(2).widget().value.text() == "100.0%"  # 采纳率
    assert page.stats.table.item(page.stats.table.rowCount() - 1, page.stats.table.columnCount() - 1).text() == "20"
    stats_file = tmp_path / "统计.xlsx"
    page.choose_save_file = lambda *_a: str(stats_file)
    with qtbot.waitSignal(ctx.runner.finished, timeout=10000):
        click(qtbot, page.stats.export_button)
    figures = {r[0]: r[1] for r in openpyxl.load_workbook(stats_file)["统计表"].iter_rows(values_only=True) if r[0]}
    assert figures["应审查数（件）"] == 20


def test_limits_dialog_and_the_area_in_the_main_window(qtbot, db, ctx, shen, admin, message_mock):
    from xihu_desk.gui.mainwindow import MainWindow
    from xihu_desk.gui.pages.upcoming import UpcomingPage

    window = MainWindow(ctx, shen)
    qtbot.addWidget(window)
    window.show()
    window.go("reviews")
    page = window.pages["reviews"]
    assert isinstance(page, ReviewsPage)
    page.limits_action.trigger()
    limits = page.limits_dialog
    limits.spins["normative"].setValue(10)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, limits.ok_button))
    with db.read() as s:
        assert reviews.limits(s)["normative"] == 10
    assert "审查期限已保存" in message_mock.single("info").text
    window.close()

    other = MainWindow(ctx, admin)  # the administrator does not see the register
    qtbot.addWidget(other)
    other.go("reviews")
    assert isinstance(other.pages["reviews"], UpcomingPage)
