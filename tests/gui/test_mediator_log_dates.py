"""A mediator's log entry whose date was emptied is refused at that field; the service never gets None."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from tests import casekit, mediatorkit
from xihu_desk.gui.kit.dates import BLANK_DATE
from xihu_desk.gui.mediators.logs import TrainingDialog


def test_an_emptied_training_date_is_named_at_its_field(qtbot, ctx, db, message_mock):
    head = casekit.head_actor(db)
    uuid = mediatorkit.mediator(db, head, "周调解")
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = TrainingDialog(ctx, head, uuid, parent)
    dialog.show()
    dialog.held_on.setDate(BLANK_DATE)
    dialog.topic.setText("人民调解法")
    dialog.save()
    assert dialog.errors.message("held_on") == "请填写培训日期。"
    assert dialog.isVisible() and dialog.save_button.isEnabled()
