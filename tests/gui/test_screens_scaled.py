"""Every screen on a 1366×768 display at 100 % and 150 % text (issue 13, the older mediators' size).

The main window at 1366×768 visits every area and every tab of the list pages and must not grow
past the screen; the columns a user reads (case number, status, dates) and every visible header
show whole; buttons are never cut; the home to-do list never scrolls sideways. The case, review and
mediator forms open within the screen's free area (taskbar left out) and no text box collapses.
Pictures go to a temporary folder, and to $XIHU_SCREENS_OUT when set, to be looked at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractScrollArea, QComboBox, QDateEdit, QHeaderView, QLineEdit, QListWidget, QPushButton, QTabWidget,
    QTableView, QWidget,
)
from sqlalchemy import text

from xihu_desk.gui import columns, prefs, screenfit, theme
from xihu_desk.gui.cases import model as case_model
from xihu_desk.gui.cases.form import CaseDialog
from xihu_desk.gui.mainwindow import AREA_ORDER, MainWindow
from xihu_desk.gui.mediators.form import MediatorDialog
from xihu_desk.gui.reviews import model as review_model
from xihu_desk.gui.reviews.form import ReviewDialog
from xihu_desk.paths import DataDir

from .casegui import demo_template, head  # noqa: F401 - fixtures

SCREEN = QRect(0, 0, 1366, 768)
FREE = QRect(0, 0, 1366, 728)  # a 1366×768 screen with the Windows taskbar at the bottom
# what the user reads in each register: these columns may never show "…"
NEEDED = {
    "caseView": (case_model.NO, case_model.ACCEPTED, case_model.STATUS, case_model.DUE),
    "reviewView": (review_model.NUMBER, review_model.DUE, review_model.STATUS, review_model.RECEIVED),
    "partiesTable": (3, 4),  # the case form's parties: ID number and telephone
}


@pytest.fixture
def data_dir(demo_template, tmp_path) -> DataDir:  # noqa: F811 - the demo node
    target = tmp_path / "data"
    shutil.copytree(demo_template, target)
    return DataDir(target)


@pytest.fixture
def free_area(monkeypatch):
    """The dialogs see a 1366×768 screen with a taskbar (offscreen has one screen of 800×600)."""
    monkeypatch.setattr(screenfit, "available", lambda _widget=None: QRect(FREE))
    return FREE


class Shots:
    def __init__(self, folder: Path, scale: int, kind: str) -> None:
        self.folders = [folder]
        if os.environ.get("XIHU_SCREENS_OUT"):
            self.folders.append(Path(os.environ["XIHU_SCREENS_OUT"]))
        for f in self.folders:
            f.mkdir(parents=True, exist_ok=True)
        self.scale, self.kind, self.n = scale, kind, 0

    def take(self, widget: QWidget, name: str) -> None:
        self.n += 1
        picture = widget.grab()
        for f in self.folders:
            picture.save(str(f / f"{self.kind}{self.scale}-{self.n:02d}-{name}.png"))


def _scaled(styled_app, scale: int) -> None:
    prefs.set_text_scale(scale)  # as the 显示 tab does; the gui_env fixture puts 100 % back afterwards
    theme.apply_text_scale(styled_app, scale)


def _visible(widget: QWidget, kind: type) -> list:
    return [w for w in widget.findChildren(kind) if w.isVisible()]


def _check_window(window: MainWindow, where: str, problems: list[str]) -> None:
    hint = window.minimumSizeHint()
    if window.height() > SCREEN.height() or hint.height() > SCREEN.height() or hint.width() > SCREEN.width():
        problems.append(f"{where}: the window needs {hint.width()}×{hint.height()}, is {window.width()}×{window.height()}")


def _check_buttons(page: QWidget, where: str, problems: list[str]) -> None:
    for button in _visible(page, QPushButton):
        hint = button.sizeHint()
        if button.width() < hint.width() - 1 or button.height() < hint.height() - 1:
            problems.append(f"{where}: button {button.text()!r} cut ({button.width()}×{button.height()} < "
                            f"{hint.width()}×{hint.height()})")


def _check_tables(page: QWidget, where: str, problems: list[str]) -> None:
    for view in _visible(page, QTableView):
        header = view.horizontalHeader()
        if not header.isVisible():
            continue
        model = view.model()
        for column in range(model.columnCount()):
            if header.isSectionHidden(column) or header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
                continue
            if columns.header_cut(view, column):
                problems.append(f"{where}: {view.objectName()} header {model.headerData(column, header.orientation())!r}"
                                f" cut at {header.sectionSize(column)} px")
        needed = NEEDED.get(view.objectName(), ())
        for column in needed:
            for row in range(min(model.rowCount(), 40)):
                value = model.data(model.index(row, column)) or ""
                if columns.elided(view, column, value):
                    problems.append(f"{where}: {value!r} elided at {view.columnWidth(column)} px")
                    break
        if needed and header.length() > view.viewport().width() + 1:  # the register needs no sideways scrolling
            problems.append(f"{where}: {view.objectName()} scrolls sideways ({header.length()} px)")


def _tabs_of(page: QWidget) -> list[tuple[QTabWidget, int]]:
    found = []
    for tabs in page.findChildren(QTabWidget):
        if tabs.window() is page.window() and tabs.isVisibleTo(page.window()):
            found += [(tabs, i) for i in range(tabs.count()) if tabs.isTabEnabled(i)]
    return found


def _settle(qtbot, window: MainWindow) -> None:
    """Until the page has read what it shows (pages read on the runner when shown) and laid out."""
    qtbot.wait(30)
    qtbot.waitUntil(lambda: not window.ctx.runner.busy(), timeout=10000)
    qtbot.wait(60)


def _visit(qtbot, window: MainWindow, shots: Shots, areas: tuple[str, ...], problems: list[str]) -> None:
    for area in areas:
        window.go(area)
        page = window.page(area)
        _settle(qtbot, window)
        outer = page.findChild(QTabWidget)
        tabs = [(outer, i) for i in range(outer.count())] if outer is not None and outer.parent() is page else [(None, 0)]
        for tab_widget, index in tabs:
            if tab_widget is not None:
                tab_widget.setCurrentIndex(index)
                _settle(qtbot, window)
            name = area if tab_widget is None else f"{area}-{tab_widget.tabText(index)}"
            for view in _visible(page, QTableView):  # a chosen row fills the summary pane
                if view.model() is not None and view.model().rowCount() and not view.selectionModel().hasSelection():
                    view.selectRow(0)
            _settle(qtbot, window)
            _check_window(window, name, problems)
            _check_tables(page, name, problems)
            _check_buttons(page, name, problems)
            shots.take(window, name)
        if area == "home":
            due = page.due_list
            if due.isVisible():
                _check_todo(due, problems)


def _check_todo(due: QListWidget, problems: list[str]) -> None:
    """No sideways scrolling, and every item shown whole: in the list's width, tall enough for its
    text wrapped at that width."""
    if due.horizontalScrollBar().isVisible():
        problems.append("home: the to-do list scrolls sideways")
    fm, room = due.fontMetrics(), due.viewport().width()
    for row in range(due.count()):
        rect = due.visualItemRect(due.item(row))
        text_room = rect.width() - due.iconSize().width() - 16
        lines = -(-fm.horizontalAdvance(due.item(row).text()) // max(text_room, 1))
        if rect.right() > room or rect.height() < lines * fm.height():
            problems.append(f"home: to-do item {row} cut ({rect.width()}×{rect.height()}, {lines} lines)")
            break


def _window(qtbot, ctx, actor) -> MainWindow:
    window = MainWindow(ctx, actor)
    qtbot.addWidget(window)
    window.setGeometry(SCREEN)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.mark.parametrize("scale", [100, 150])
def test_every_list_fits_1366x768(qtbot, ctx, head, admin, styled_app, tmp_path, scale) -> None:  # noqa: F811
    _scaled(styled_app, scale)
    shots = Shots(tmp_path / "shots", scale, "list")
    problems: list[str] = []
    window = _window(qtbot, ctx, head)
    window.go("cases")
    view = window.page("cases").findChild(QTableView, "caseView")
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    _visit(qtbot, window, shots, AREA_ORDER, problems)
    assert window.page("home").due_list.count() > 0  # the head has things to do: the list was checked
    window.close()
    window = _window(qtbot, ctx, admin)  # the administrator's 系统设置 has the account and audit lists
    _visit(qtbot, window, shots, ("home", "settings"), problems)
    settings = window.page("settings")
    settings.tabs.setCurrentWidget(settings.data_safety)
    settings.data_safety.run_check()  # the check's report, with the program's version, in the picture
    _settle(qtbot, window)
    _check_window(window, "settings-数据安全-checked", problems)
    shots.take(window, "settings-数据安全-checked")
    window.close()
    assert not problems, "\n".join(problems)


def _fields_whole(dialog: QWidget, where: str, problems: list[str]) -> None:
    em = screenfit.em(dialog)
    for field in _visible(dialog, QLineEdit) + _visible(dialog, QComboBox) + _visible(dialog, QDateEdit):
        if isinstance(field.parentWidget(), (QComboBox, QDateEdit)):
            continue  # the line edit inside a combo box or a date edit
        if field.width() < min(field.minimumSizeHint().width(), 6 * em):
            problems.append(f"{where}: text box {field.objectName() or type(field).__name__} collapsed to {field.width()} px")


def _fits(dialog: QWidget, where: str, problems: list[str]) -> None:
    room = FREE.height() - screenfit.TITLE_BAR
    hint = dialog.minimumSizeHint()
    if dialog.width() > FREE.width() or dialog.height() > room or hint.height() > room or hint.width() > FREE.width():
        problems.append(f"{where}: {dialog.width()}×{dialog.height()} (at least {hint.width()}×{hint.height()}) "
                        f"on a {FREE.width()}×{room} free area")


def _check_dialog(qtbot, dialog: QWidget, shots: Shots, name: str, problems: list[str]) -> None:
    tabs = dialog.findChild(QTabWidget)
    pages = [i for i in range(tabs.count()) if tabs.isTabEnabled(i)] if tabs is not None else [None]
    for i in pages:
        where = name
        if i is not None:
            tabs.setCurrentIndex(i)
            where = f"{name}-{tabs.tabText(i)}"
            page = tabs.currentWidget()
            qtbot.wait(60)
            if isinstance(page, QAbstractScrollArea) and page.horizontalScrollBar().isVisible():
                problems.append(f"{where}: the tab scrolls sideways")
        _fits(dialog, where, problems)
        _fields_whole(dialog, where, problems)
        _check_buttons(dialog, where, problems)
        _check_tables(dialog, where, problems)
        shots.take(dialog, where)


def _first(db, sql: str) -> str:
    with db.read() as session:
        return session.execute(text(sql)).scalar_one()


@pytest.mark.parametrize("scale", [100, 150])
def test_forms_fit_1366x768(qtbot, ctx, db, head, styled_app, free_area, tmp_path, scale) -> None:  # noqa: F811
    _scaled(styled_app, scale)
    shots = Shots(tmp_path / "shots", scale, "form")
    problems: list[str] = []
    case_uuid = _first(db, "select uuid from mediation_case where status = 'mediating' order by case_no limit 1")
    review_uuid = _first(db, "select uuid from review_item order by number limit 1")
    mediator_uuid = _first(db, "select uuid from mediator order by name limit 1")
    for name, make in (("case", lambda: CaseDialog(ctx, head, case_uuid)), ("new-case", lambda: CaseDialog(ctx, head, None)),
                       ("review", lambda: ReviewDialog(ctx, head, review_uuid)),
                       ("mediator", lambda: MediatorDialog(ctx, head, mediator_uuid))):
        for key in ("cases/dialog", "mediators/form"):  # Qt cuts a remembered size to the real 800×600
            prefs.qsettings().remove(key)  # offscreen screen: each form opens at its first size
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(100)  # the wrapped labels' second layout pass
        _check_dialog(qtbot, dialog, shots, name, problems)
        dialog.close()
    assert not problems, "\n".join(problems)


def test_lists_follow_a_text_size_change(qtbot, ctx, head, styled_app) -> None:  # noqa: F811
    """系统设置 → 显示 changes the text size while the lists are open: their columns follow."""
    window = _window(qtbot, ctx, head)
    for area in ("cases", "reviews"):
        window.go(area)
        _settle(qtbot, window)
    _scaled(styled_app, 150)
    problems: list[str] = []
    for area in ("cases", "reviews"):
        window.go(area)
        _settle(qtbot, window)
        _check_tables(window.page(area), f"{area} after the change", problems)
    window.close()
    assert not problems, "\n".join(problems)
