"""审查要点 in the review form (主体、权限、内容、程序, 公平竞争审查 only where the type calls for it),
saved with 保存; the opinion dialog warns before a normative document's minimum review time; the
limits dialog holds the minimum, the maximum and the 公平竞争审查 types."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate

from tests import reviewkit
from xihu_desk.domain import reviews as rules
from xihu_desk.domain import workdays
from xihu_desk.gui.reviews import dialogs
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.services import review_queries, reviews

from .helpers import click, type_text, wait_op

CAL = workdays.calendar()


def back(n: int) -> date:
    day, left = date.today(), n
    while left:
        day -= timedelta(days=1)
        left -= CAL.is_workday(day)
    return day


@pytest.fixture
def page(qtbot, ctx, db) -> ReviewsPage:
    shen = reviewkit.reviewer(db, date.today())
    p = ReviewsPage(ctx, shen)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    p.show()
    return p


def test_checklist_in_the_form_and_the_minimum_time_warning(qtbot, db, ctx, page, message_mock):
    start = back(2)
    normative = reviewkit.register(db, page.actor, received_on=start, complete_on=start)
    enforcement = reviewkit.register(db, page.actor, item_type="enforcement", title="关于违建拆除的决定",
                                     received_on=start, complete_on=start)
    page.open_item(enforcement.uuid)
    form = page.dialogs[enforcement.uuid]
    assert form.check_box.isEnabled()
    assert form.check_answers["subject"].isVisibleTo(form)
    assert not form.check_answers[rules.FAIR_COMPETITION].isVisibleTo(form)  # not asked of enforcement decisions
    assert form.check_answers["subject"].findData("na") == -1  # the four elements are never 不适用
    form.close()

    page.open_item(normative.uuid)
    form = page.dialogs[normative.uuid]
    assert form.check_answers[rules.FAIR_COMPETITION].isVisibleTo(form)
    form.check_answers["subject"].setCurrentIndex(form.check_answers["subject"].findData("pass"))
    form.check_answers["content"].setCurrentIndex(form.check_answers["content"].findData("fail"))
    assert not wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))  # 不符合 without a note
    assert "写明问题" in message_mock.of("error")[-1].text
    type_text(qtbot, form.check_notes["content"], "第五条设定罚款，超越权限")
    fair = form.check_answers[rules.FAIR_COMPETITION]
    fair.setCurrentIndex(fair.findData("na"))
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    with db.read() as s:
        rows = {c["key"]: c for c in review_queries.review_detail(s, page.actor, normative.uuid)["checklist"]}
    assert rows["content"]["answer"] == "fail" and "超越权限" in rows["content"]["note"]
    assert rows["fair_competition"]["answer_label"] == "不适用" and rows["authority"]["answer"] == ""

    click(qtbot, form.opinion_button)
    step = form.step
    assert isinstance(step, dialogs.OpinionDialog)
    today = date.today()
    step.opinion_on.setDate(QDate(today.year, today.month, today.day))
    assert step.timing.isVisibleTo(step) and "不少于 5 个工作日" in step.timing.text()
    later = CAL.add_workdays(start, 6)
    step.opinion_on.setDate(QDate(later.year, later.month, later.day))
    assert not step.timing.isVisibleTo(step)
    step.reject()


def test_limits_dialog_sets_the_bounds_and_the_fair_competition_types(qtbot, db, ctx, page):
    page.limits_action.trigger()
    limits = page.limits_dialog
    limits.norm_min.setValue(3)
    limits.norm_max.setValue(20)
    limits.fair_boxes["meeting_topic"].setChecked(True)
    limits.spins["normative"].setValue(18)
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, limits.ok_button))
    with db.read() as s:
        assert reviews.normative_bounds(s) == (3, 20) and reviews.limits(s)["normative"] == 18
        assert "meeting_topic" in reviews.fair_competition_types(s)
