"""Qt's own dialogs speak Chinese: the program loads qtbase_zh_CN at start, also when Qt reports
a translations folder that does not hold it (a packaged or relocated Qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLibraryInfo
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLabel

from xihu_desk.gui import i18n


@pytest.fixture
def translated(qapp: QApplication):  # noqa: ANN201
    installed: list = []
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)


def _check_chinese(qtbot) -> None:  # noqa: ANN001
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts, texts


def _check_print_dialog(qtbot) -> None:  # noqa: ANN001
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    texts = {label.text() for label in dialog.findChildren(QLabel)}
    assert "页面组(&S)：" in texts, texts


def test_qt_dialogs_are_chinese(qtbot, qapp, translated) -> None:  # noqa: ANN001
    translated.extend(i18n.install(qapp))
    _check_chinese(qtbot)
    _check_print_dialog(qtbot)


def test_qt_dialogs_are_chinese_when_qt_reports_another_folder(qtbot, qapp, translated, tmp_path,
                                                                monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QLibraryInfo, "path", staticmethod(lambda _which: str(tmp_path)))
    translated.extend(i18n.install(qapp))
    _check_chinese(qtbot)
