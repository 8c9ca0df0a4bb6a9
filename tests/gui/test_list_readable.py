"""The case list and the review register stay readable on a 1366×768 screen at 100 % and 150 % text:
every column a user needs (number, dates, status, deadline) shows its text whole and in view, only
the title may be elided, and the summary pane's button is whole."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QPushButton, QTableView

from xihu_desk.gui import columns, prefs, theme
from xihu_desk.gui.cases import model as case_model
from xihu_desk.gui.mainwindow import MainWindow
from xihu_desk.gui.reviews import model as review_model
from xihu_desk.paths import DataDir

from .casegui import demo_template, head  # noqa: F401 - fixtures


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: F811 - the demo node
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


NEEDED = {
    "cases": (case_model.NO, case_model.ACCEPTED, case_model.STATUS, case_model.DUE),
    "reviews": (review_model.NUMBER, review_model.DUE, review_model.STATUS, review_model.RECEIVED),
}


def _check(qtbot, window: MainWindow, area: str) -> None:
    window.go(area)
    page = window.page(area)
    view = page.findChild(QTableView, "caseView" if area == "cases" else "reviewView")
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    qtbot.wait(50)
    header = view.horizontalHeader()
    # every column on the screen: the list needs no sideways scrolling
    assert header.length() <= view.viewport().width() + 1, (area, header.length(), view.viewport().width())
    model = view.model()
    rows = min(model.rowCount(), 40)
    for column in NEEDED[area]:
        title = model.headerData(column, header.orientation())
        assert columns.header_width(view, title) <= view.columnWidth(column), (area, title)
        for row in range(rows):
            text = model.data(model.index(row, column)) or ""  # 已作废 shows alone; its reason is the tooltip
            assert not columns.elided(view, column, text), (area, title, text, view.columnWidth(column))
    title_column = case_model.TITLE if area == "cases" else review_model.TITLE
    assert view.columnWidth(title_column) >= view.fontMetrics().horizontalAdvance("张三与李四邻里")
    view.selectRow(0)
    qtbot.wait(50)
    button = page.findChild(QPushButton, "previewOpen")
    assert button.isVisible()
    assert button.width() >= button.sizeHint().width() and button.height() >= button.sizeHint().height()


@pytest.mark.parametrize("scale", [100, 150])
def test_lists_are_readable_at_1366x768(qtbot, ctx, head, styled_app, scale) -> None:  # noqa: F811
    prefs.set_text_scale(scale)  # as the 显示 tab does; the gui_env fixture puts 100 % back afterwards
    theme.apply_text_scale(styled_app, scale)
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.setGeometry(0, 0, 1366, 740)
    window.show()
    qtbot.waitExposed(window)
    _check(qtbot, window, "cases")
    _check(qtbot, window, "reviews")
