"""The one paged list model (gui/paged.py) and the one list-page skeleton (gui/listpage.py) as the
案件 list uses them: a failed page read is not kept, the splitter is remembered, the selected row
and the scroll survive a refresh, the row's menu and the summary's buttons are where pages add
actions."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import ops
from xihu_desk.gui.cases.model import CaseListModel
from xihu_desk.gui.cases.page import CasesPage
from xihu_desk.gui.listpage import ListPage
from xihu_desk.gui.paged import PagedListModel
from xihu_desk.paths import DataDir
from xihu_desk.store.case_list import CaseFilter

from .casegui import DEMO_CASES, demo_template, head, page  # noqa: F401 - fixtures


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: F811 - pytest fixtures
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


def failing_reads(monkeypatch: pytest.MonkeyPatch, fails: list[bool]) -> None:
    """ops.read refuses a page read while ``fails[0]`` is true (counts still work)."""
    real = ops.read

    def read(ctx, actor, fn, *args, **kwargs):
        if fails[0] and fn.__name__.startswith("list_"):
            raise UserError("数据库暂时无法读取，请稍后再试。")
        return real(ctx, actor, fn, *args, **kwargs)

    monkeypatch.setattr(ops, "read", read)


def test_the_case_model_is_the_paged_model(ctx, head) -> None:  # noqa: F811 - pytest fixtures
    model = CaseListModel(ctx, head)
    assert isinstance(model, PagedListModel)
    assert issubclass(CasesPage, ListPage)


def test_a_failed_page_read_is_not_kept_and_the_next_view_reads_again(ctx, head, monkeypatch) -> None:  # noqa: F811 - pytest fixtures
    model = CaseListModel(ctx, head, page_size=10)
    fails = [True]
    failing_reads(monkeypatch, fails)
    model.set_filter(CaseFilter())
    assert model.rowCount() == DEMO_CASES
    assert model.row(0) is None and model.data(model.index(0, 1)) == "（无法读取）"
    assert model.cached_pages() == [] and model.failed_reads == 2
    fails[0] = False
    assert model.row(0) is not None  # read again, not an empty page from before
    assert model.cached_pages() == [0] and model.pages_read == 1


def test_the_splitter_is_remembered(qtbot, ctx, head, page) -> None:  # noqa: F811 - pytest fixtures
    page.splitter.setSizes([300, 250])
    page.splitter.splitterMoved.emit(300, 1)
    again = CasesPage(ctx, head)
    qtbot.addWidget(again)
    again.resize(page.size())
    again.show()
    qtbot.waitExposed(again)
    assert again.splitter.sizes() == page.splitter.sizes()


def test_refresh_keeps_the_selected_case_and_the_scroll(page) -> None:  # noqa: F811 - pytest fixtures
    page.view.selectRow(40)
    uuid = page.current_uuid()
    bar = page.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scroll = bar.value()
    page.refresh()
    assert page.current_uuid() == uuid and bar.value() == scroll
    assert page.count_label.text() == f"共 {DEMO_CASES} 件"


def test_the_rows_menu_and_the_summary_buttons(page, monkeypatch) -> None:  # noqa: F811 - pytest fixtures
    assert page.preview_open in page.row_buttons and page.preview_open.isEnabled()
    popped: list[list[str]] = []
    monkeypatch.setattr(QMenu, "popup", lambda menu, _pos, _at=None: popped.append([a.text() for a in menu.actions()]))
    rect = page.view.visualRect(page.model.index(2, 1))
    page.view.customContextMenuRequested.emit(rect.center())
    # open and print first, the lifecycle actions last; a simple case's row also offers 转为普通程序…
    assert len(popped) == 1 and popped[0][:2] == ["打开案件", "打印"]
    assert popped[0][-9:] == ["", "更正…", "重新调解…", "作废…", "由此新立案件…", "提级/移交…", "移送…", "", "案件历史…"]
    assert page.view.currentIndex().row() == 2  # the row clicked is the one acted on
    page.view.customContextMenuRequested.emit(QPoint(-5, -5))  # not on a row: no menu
    assert len(popped) == 1
    assert page.view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    page.view.clearSelection()
    assert page.current_uuid() is None


def test_the_review_register_retries_a_page_it_could_not_read(db, ctx, monkeypatch) -> None:
    """It used to keep an empty page after a failed read: the rows stayed blank until the filter changed."""
    from datetime import date

    from tests import reviewkit
    from xihu_desk.gui.reviews.model import ReviewListModel
    from xihu_desk.services.review_queries import ReviewFilter

    shen = reviewkit.reviewer(db, date.today())
    for i in range(3):
        reviewkit.register(db, shen, title=f"重读测试事项{i}")
    model = ReviewListModel(ctx, shen)
    fails = [True]
    failing_reads(monkeypatch, fails)
    model.set_filter(ReviewFilter(text="重读测试事项"))
    assert model.rowCount() == 3 and model.row(0) is None
    assert model.data(model.index(0, 1)) == "（读取失败）"
    fails[0] = False
    assert model.row(0) is not None and model.row(0).title.startswith("重读测试事项")  # read again
    assert model.cached_pages() == [0] and model.pages_read == 1


def test_the_roster_reads_pages_not_the_whole_roster(qtbot, ctx, head) -> None:  # noqa: F811 - pytest fixtures
    from xihu_desk.gui.mediators.model import ROSTER_NAME, RosterModel
    from xihu_desk.gui.mediators.roster import RosterTab
    from xihu_desk.services.roster_queries import RosterPage

    assert issubclass(RosterTab, ListPage)
    model = RosterModel(ctx, head)
    model.page_size = 2
    model.set_filter(RosterPage(status=""))
    total = model.rowCount()
    assert total > 4 and model.pages_read == 0
    first = model.row(0)
    assert model.cached_pages() == [0] and model.pages_read == 1
    model.sort(ROSTER_NAME, Qt.SortOrder.AscendingOrder)
    names = [model.row(i).name_key for i in range(total)]
    assert names == sorted(names) and model.pages_read == 1 + (total + 1) // 2
    assert first is not None


@pytest.mark.parametrize("scale", [100, 150])
def test_the_roster_shows_its_columns_whole(qtbot, ctx, head, styled_app, scale) -> None:  # noqa: F811 - fixtures
    """Widths come from the font like the other lists: headers and the 备案编号 whole at 150 % too."""
    from xihu_desk.gui import columns, prefs, theme
    from xihu_desk.gui.mainwindow import MainWindow

    prefs.set_text_scale(scale)  # as the 显示 tab does; the gui_env fixture puts 100 % back afterwards
    theme.apply_text_scale(styled_app, scale)
    window = MainWindow(ctx, head)
    qtbot.addWidget(window)
    window.resize(1366, 728)  # a 1366×768 screen with the taskbar
    window.show()
    qtbot.waitExposed(window)
    window.go("mediators")
    roster = window.pages["mediators"].roster
    view, model = roster.view, roster.model
    assert model.rowCount() > 0
    for column in range(model.columnCount()):
        assert not columns.header_cut(view, column), model.headerData(column, Qt.Orientation.Horizontal)
    for row in range(model.rowCount()):
        assert not columns.elided(view, 6, model.data(model.index(row, 6)))
