"""Ctrl+S on a new, empty case stays on 受理信息 and says what is missing once, under the field;
Ctrl+P opens the print menu from the case list and the case form."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .casegui import head, page  # noqa: F401 - fixtures


def test_ctrl_s_on_a_new_case_stops_at_the_first_empty_field(qtbot, runner, page, message_mock) -> None:  # noqa: ANN001, F811
    dialog = page.new_case()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.current_tab() is dialog.intake
    with qtbot.assertNotEmitted(runner.started):
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.current_tab() is dialog.intake  # not taken to 当事人
    assert not message_mock.messages  # no pop-up repeating the field's message
    shown = [label for label in dialog.intake.form.findChildren(type(dialog.message_label))
             if label.isVisible() and label.property("state") == "error"]
    assert len(shown) == 1 and shown[0].text().startswith("请"), [s.text() for s in shown]
    assert "未保存" in dialog.message_label.text()
