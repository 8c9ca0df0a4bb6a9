"""Ctrl+S on a new, empty case stays on 受理信息 and says what is missing once, under the field;
Ctrl+P opens the print menu from the case list and the case form."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from xihu_desk.paths import DataDir

from .casegui import demo_template, head, page  # noqa: F401 - fixtures


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: ANN001, F811 - the demo node: cases to print
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


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


@pytest.mark.qt_log_ignore(r"This plugin does not support (raise\(\)|grabbing|propagateSizeHints)")  # offscreen
def test_ctrl_p_opens_the_print_menu_from_the_list_and_the_form(qtbot, page) -> None:  # noqa: ANN001, F811
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    page.view.setFocus()
    page.view.selectRow(0)
    assert page.print_button.isEnabled()
    qtbot.keyClick(page.view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    menu = page.print_button.menu()
    qtbot.waitUntil(menu.isVisible)
    menu.close()
    dialog = page.open_case(page.current_uuid())
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    menu = dialog.print_button.menu()
    qtbot.waitUntil(menu.isVisible)
    menu.close()
