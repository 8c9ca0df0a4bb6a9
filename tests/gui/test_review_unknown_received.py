"""An item imported from a ledger without a 送审日期 opens in the register form with that date shown
as 不详, and saving the form (a note added) keeps it unknown instead of refusing the save or
writing a made-up date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests import reviewkit
from xihu_desk.gui.reviews.page import ReviewsPage
from xihu_desk.services import reviews
from xihu_desk.store.review_models import ReviewItem

from .helpers import click, type_text, wait_op


def test_form_keeps_an_unknown_submission_date(qtbot, db, ctx, message_mock) -> None:  # noqa: ANN001
    shen = reviewkit.reviewer(db, date.today())
    with db.write() as s:
        ref = reviews.register(s, shen, reviewkit.command(received_on=None, complete_on=date(2026, 3, 2)))
    page = ReviewsPage(ctx, shen)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.open_item(ref.uuid)
    form = page.dialogs[ref.uuid]
    qtbot.waitUntil(lambda: form.received_on.text() == "不详")
    type_text(qtbot, form.note, "旧台账导入")
    assert wait_op(qtbot, ctx.runner, lambda: click(qtbot, form.save_button))
    with db.read() as s:
        stored = s.scalars(select(ReviewItem)).one()
    assert stored.received_on is None and stored.note == "旧台账导入" and stored.complete_on == date(2026, 3, 2)
    assert not message_mock.of("error")
