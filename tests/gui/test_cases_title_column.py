"""The 案件 list at 1366×768 and 150 % text: the title column (卷名/当事人) keeps room for two
parties' names ("黄涛…" alone was unreadable) while number, dates and status stay whole and the
list does not scroll sideways."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QTableView

from xihu_desk.gui import columns, prefs, theme
from xihu_desk.gui.cases import model as case_model
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.paths import DataDir

from .casegui import demo_template, head  # noqa: F401 - fixtures

SCREEN = QRect(0, 0, 1366, 768)
WHOLE = (case_model.NO, case_model.ACCEPTED, case_model.STATUS, case_model.DUE)


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: F811 - the demo node, its cases and parties
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


@pytest.mark.parametrize("scale", [100, 150])
def test_title_column_shows_two_names(qtbot, ctx, head, styled_app, tmp_path, scale) -> None:  # noqa: F811
    prefs.set_text_scale(scale)
    theme.apply_text_scale(styled_app, scale)
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.setGeometry(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    window.go("cases")
    view = window.page("cases").findChild(QTableView, "caseView")
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy(), timeout=10000)
    qtbot.wait(60)
    header = view.horizontalHeader()
    widths = {column: header.sectionSize(column) for column in range(view.model().columnCount())}
    assert view.columnWidth(case_model.TITLE) >= columns.text_width(view, case_model.TITLE_SAMPLE), widths
    for column in WHOLE:
        assert view.columnWidth(column) >= columns.text_width(view, case_model.CASE_COLUMN_SAMPLES[column]), widths
    assert header.length() <= view.viewport().width() + 1  # no sideways scrolling
    out = Path(os.environ.get("XIHU_SCREENS_OUT") or tmp_path)  # the picture, to be looked at
    window.grab().save(str(out / f"cases{scale}.png"))
    window.close()
