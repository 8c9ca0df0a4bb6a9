"""A review step whose date field was emptied names that field; the service never gets None."""

from __future__ import annotations

from datetime import date

from tests import reviewkit
from xihu_desk.gui.kit.dates import BLANK_DATE
from xihu_desk.gui.reviews import dialogs

from .helpers import click, wait_op


def test_an_emptied_date_is_named_at_its_field(qtbot, db, ctx, message_mock):
    actor = reviewkit.reviewer(db, date.today())
    ref = reviewkit.register(db, actor, received_on=date.today(), complete_on=date.today())
    dialog = dialogs.SupplementDialog(ctx, actor, ref.uuid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.asked_on.setDate(BLANK_DATE)
    dialog.materials.setPlainText("风险评估报告")
    ok = wait_op(qtbot, ctx.runner, lambda: click(qtbot, dialog.ok_button))
    assert not ok
    assert dialog.errors.message("asked_on") == "请填写要求日期。"
    assert dialog.isVisible()
