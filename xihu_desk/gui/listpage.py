"""The one list-page skeleton of 案件, 合法性审查 and 调解员名册: a toolbar with the count at its right,
a filter bar led by a search box (Ctrl+F, read after a pause in typing), the paged table
(gui/paged.py), a splitter whose state the prefs remember, and a summary pane of the selected
row with its buttons. The list follows committed writes (ops.ListRefresher) and F5, keeping the
selected row and the scroll position.

A page subclasses ``ListPage``, builds its parts with the ``make_*`` methods into whatever layout
it has (a page of its own or a tab), and says what is particular to it: ``current_filter``,
``show_summary``, ``open_item``, ``filter_widgets``, and, for more on the selected row,
``summary_buttons`` (beside the summary's title) and ``context_menu`` (the row's right-click
menu).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolBar,
    QWidget,
)

from xihu_desk.gui import columns, ops, prefs, theme
from xihu_desk.gui.paged import UUID_ROLE, PagedListModel
from xihu_desk.gui.widgets import label

SEARCH_DEBOUNCE_MS = 300


def list_view(name: str, *, stretch_last: bool = False) -> QTableView:
    """A read-only table of whole rows, one selected at a time, rows of one height (no measuring)."""
    view = QTableView()
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch_last)
    return view


class _AfterPaint(QObject):
    """Runs ``work`` once, just after ``widget`` is next painted (or after SAFETY_MS, should no
    paint come): the first screen shows its rows before the slower reads of the summary."""

    SAFETY_MS = 300

    def __init__(self, widget: QWidget, work: Callable[[], Any]) -> None:
        super().__init__(widget)
        self.work: Callable[[], Any] | None = work
        widget.installEventFilter(self)
        QTimer.singleShot(self.SAFETY_MS, self, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self, self._run)  # after this paint, not inside it
        return False

    def _run(self) -> None:
        work, self.work = self.work, None
        if work is not None:
            self.deleteLater()
            work()


class ListPage(QWidget):
    """See the module's note. ``model`` is set by ``make_view``."""

    select_first_when_gone = False  # after a refresh that lost the selected row: the first row, or none

    model: PagedListModel
    view: QTableView
    search: QLineEdit
    count_label: Any
    splitter: QSplitter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loaded = False
        self._selecting = False  # after_reload selects the row itself: the summary is read once
        self._summary_later = False  # the first showing paints the rows before the summary is read
        self.row_buttons: list[QAbstractButton] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)

    # -- what a page says ---------------------------------------------------------------------------

    def current_filter(self) -> Any:
        raise NotImplementedError

    def show_summary(self, uuid: str | None) -> None:
        """Show the selected row (or none) in the summary pane."""
        raise NotImplementedError

    def open_item(self, uuid: str) -> Any:
        raise NotImplementedError

    def filter_widgets(self) -> Sequence[QWidget]:
        """The filter bar's fields, the search box included (清除条件 sets them back)."""
        return (self.search,)

    def fill_filters(self) -> None:
        """Read the filter bar's choices (the first time the page is shown)."""

    def summary_buttons(self) -> list[QAbstractButton]:
        """Buttons beside the summary's title that act on the selected row (built once, by
        ``make_summary_head``; enabled while a row is selected)."""
        return []

    def count_text(self, n: int) -> str:
        return self.tr("共 {n} 件").format(n=n)

    def total_text(self) -> str:
        """The count label: the exact count, or while it runs after the rows (paged.py) the
        estimate (约 1,000,000 件) or 共 … 件."""
        if self.model.exact:
            return self.count_text(self.model.rowCount())
        if self.model.approximate:
            return self.tr("约 {n} 件").format(n=f"{self.model.rowCount():,}")
        return self.tr("共 … 件")

    def context_menu(self, menu: QMenu, uuid: str) -> None:
        """Fill the selected row's right-click menu; opening it by default."""
        menu.addAction(theme.icon("mdi6.open-in-app", theme.ACCENT), self.tr("打开"), lambda: self.open_item(uuid))

    def selection_changed(self, uuid: str | None) -> None:
        """Another row (or none) was selected: pages enable their actions here."""

    # -- parts --------------------------------------------------------------------------------------

    def action(
        self,
        text: str,
        slot: Callable[[], Any],
        icon: str = "",
        tip: str = "",
        key: QKeySequence | QKeySequence.StandardKey | None = None,
    ) -> QAction:
        """An action of this page (its shortcut only while the focus is in the page)."""
        a = QAction(theme.icon(icon, theme.ACCENT), text, self) if icon else QAction(text, self)
        if tip:
            a.setToolTip(tip)
        if key is not None:
            a.setShortcut(key)
        a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        a.triggered.connect(lambda _checked=False: slot())
        return a

    def make_toolbar(self, name: str, items: Iterable[QAction | QWidget | None], count_name: str) -> QToolBar:
        """The actions (None: a separator), a space, then the count ("共 n 件") at the right."""
        bar = QToolBar()
        bar.setObjectName(name)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for item in items:
            if item is None:
                bar.addSeparator()
            elif isinstance(item, QAction):
                self.addAction(item)
                bar.addAction(item)
            else:
                bar.addWidget(item)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.count_label = label("", "subtitle")
        self.count_label.setObjectName(count_name)
        bar.addWidget(self.count_label)
        return bar

    def make_search(
        self,
        name: str,
        placeholder: str,
        tip: str = "",
        debounce_ms: int = SEARCH_DEBOUNCE_MS,
        min_width_text: str = "",
    ) -> QLineEdit:
        """The search box: Ctrl+F comes here; the list is read after a pause in typing or on Enter."""
        self.search = QLineEdit()
        self.search.setObjectName(name)
        self.search.setPlaceholderText(placeholder)
        if tip:
            self.search.setToolTip(tip)
        if min_width_text:
            self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance(min_width_text) + 40)
        self.search.addAction(theme.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        self._debounce.setInterval(debounce_ms)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.apply_filter)
        return self.search

    def make_filter_row(self, widgets: Iterable[QWidget | int]) -> QHBoxLayout:
        """A row of the filter bar (an int: that much stretch). Combos and check boxes read the list
        again when changed; combos size to their contents."""
        row = QHBoxLayout()
        for w in widgets:
            if isinstance(w, int):
                row.addStretch(w)
                continue
            row.addWidget(w, 1 if w is getattr(self, "search", None) else 0)
            first_show = QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow
            if isinstance(w, QComboBox) and w.sizeAdjustPolicy() == first_show:
                w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return row

    def make_view(
        self,
        name: str,
        model: PagedListModel,
        *,
        header_key: str = "",
        samples: Sequence[str | None] = (),
        stretch: int = 0,
        icons: tuple[int, ...] = (),
        large_hidden: tuple[int, ...] = (),
    ) -> QTableView:
        """The table: widths from the font (``columns.fit``: ``samples`` whole, ``stretch`` takes the
        rest), header clicks sort in SQL, Enter or a double click opens, right click the menu."""
        self.model = model
        self.view = list_view(name)
        self.view.setModel(model)
        if header_key:
            columns.fit(self.view, header_key, samples, stretch=stretch, icons=icons, large_hidden=large_hidden)
        header = self.view.horizontalHeader()
        if model.sort_keys:
            header.setSortIndicator(model.sort_column(), model.sort_order())
            header.sortIndicatorChanged.connect(self._sort_changed)
            self.view.setSortingEnabled(True)
        self.view.activated.connect(self._activated)
        model.counted.connect(self._counted)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        return self.view

    def make_splitter(self, name: str, prefs_key: str, summary: QWidget) -> QSplitter:
        """The table above, the summary below; where the user drags the handle is remembered."""
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName(name)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(summary)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        prefs.restore_state(prefs_key, self.splitter)
        self.splitter.splitterMoved.connect(lambda *_: prefs.save_state(prefs_key, self.splitter))
        return self.splitter

    def make_summary_head(self, title: QWidget) -> QHBoxLayout:
        """The summary's first line: its title, then ``summary_buttons()`` whole at the right."""
        head = QHBoxLayout()
        head.addWidget(title, 1)
        self.row_buttons = self.summary_buttons()
        for button in self.row_buttons:
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never cut
            head.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return head

    def follow(self, entities: Iterable[str], page: QWidget | None = None) -> ops.ListRefresher:
        """Read the list again when a committed write touches what it shows (``page``: the widget
        whose visibility counts, when this list is a tab of it)."""
        return ops.ListRefresher(page or self, entities, self._refresh_if_loaded)

    def _refresh_if_loaded(self) -> None:
        if self._loaded:  # a list never read waits for its first showing
            self.refresh()

    # -- loading and filtering ----------------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.load()

    def load(self) -> None:
        """The first read, when the page is first shown (not when the window is built)."""
        if not self._loaded:
            self._loaded = True
            self.fill_filters()
            self._summary_later = True
            try:
                self.apply_filter()
            finally:
                self._summary_later = False

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def apply_filter(self) -> None:
        self._debounce.stop()
        selected = self.current_uuid()
        self.model.set_filter(self.current_filter())
        self.after_reload(selected, first_if_gone=True)

    def reset_filter(self) -> None:
        """清除条件: every field back to its first choice, the search box empty, then one read."""
        widgets = list(self.filter_widgets())
        for w in widgets:
            w.blockSignals(True)
        for w in widgets:
            if isinstance(w, QComboBox):
                w.setCurrentIndex(0)
            elif isinstance(w, QCheckBox):
                w.setChecked(False)
            elif isinstance(w, QLineEdit):
                w.clear()
        self.before_reset()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def before_reset(self) -> None:
        """清除条件, after the fields were set back and before the read (dependent choices, notes)."""

    def refresh(self) -> None:
        """Read the list again (after a save, or F5), keeping the selected row if it is still there
        and the scroll position where the user left it."""
        selected = self.current_uuid()
        row = self.view.currentIndex().row() if selected else None
        scroll = self.view.verticalScrollBar().value()
        self.model.refresh()
        self.after_reload(selected, row, first_if_gone=self.select_first_when_gone)
        if selected and self.current_uuid() == selected and row == self.view.currentIndex().row():
            self.view.verticalScrollBar().setValue(scroll)  # where the user was, not scrolled to the row

    def select(self, uuid: str) -> None:
        """Select ``uuid`` if it is among the rows in hand (a new or changed row is usually on the first page)."""
        self.after_reload(uuid)

    def after_reload(self, selected: str | None, hint_row: int | None = None, *, first_if_gone: bool = False) -> None:
        """After the list was read again: the count, and the selection kept on the same row when it
        is where it was or on a page in hand (the list never reads everything to look)."""
        total = self.model.rowCount()
        self.count_label.setText(self.total_text())
        row = None
        if selected:
            if hint_row is not None and self.model.uuid_at(hint_row) == selected:
                row = hint_row
            else:
                self.model.row(0)  # the first page, where a new or changed row usually is
                row = self.model.find_row(selected)
        if row is None and total and (not selected or first_if_gone):
            row = 0
        self._selecting = True  # one summary read below, not one more from the selection signal
        try:
            if row is not None:
                self.view.selectRow(row)
                self.view.scrollTo(self.model.index(row, 0))
            else:
                self.view.clearSelection()
        finally:
            self._selecting = False
        uuid = self.model.uuid_at(row) if row is not None else None
        if self._summary_later and uuid:
            # First showing: the rows are painted first, the summary (a dozen reads) right after.
            for button in self.row_buttons:
                button.setEnabled(True)
            self.selection_changed(uuid)
            _AfterPaint(self.view.viewport(), lambda: self._show_if_current(uuid))
        else:
            self._show(uuid)  # the row itself may have changed
        self.reloaded()

    def _counted(self) -> None:
        """The exact count landed after the rows: the label, and the notes that depend on it."""
        self.count_label.setText(self.total_text())
        self.reloaded()

    def _show_if_current(self, uuid: str) -> None:
        if self.current_uuid() == uuid:
            self.show_summary(uuid)

    def reloaded(self) -> None:
        """After every read of the list (notes that depend on the count)."""

    def _sort_changed(self, column: int, _order: Qt.SortOrder) -> None:
        # The view asks the model to sort (the model ignores a column it cannot sort by); the
        # indicator then goes back to the column the list is really sorted by.
        if self.model.sort_keys.get(column) is None:
            header = self.view.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
            header.blockSignals(False)

    # -- the selected row ---------------------------------------------------------------------------

    def current_uuid(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.data(index, UUID_ROLE)

    def open_current(self) -> None:
        uuid = self.current_uuid()
        if uuid:
            self.open_item(uuid)

    def _activated(self, index: QModelIndex) -> None:
        uuid = self.model.data(index, UUID_ROLE)
        if uuid:
            self.open_item(uuid)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._selecting:
            return
        self._show(self.model.data(current, UUID_ROLE) if current.isValid() else None)

    def _show(self, uuid: str | None) -> None:
        for button in self.row_buttons:
            button.setEnabled(bool(uuid))
        self.selection_changed(uuid)
        self.show_summary(uuid)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        uuid = self.model.data(index, UUID_ROLE) if index.isValid() else None
        if not uuid:
            return
        self.view.selectRow(index.row())
        self.row_menu(uuid).popup(self.view.viewport().mapToGlobal(pos))

    def row_menu(self, uuid: str) -> QMenu:
        """The right-click menu of the row ``uuid`` (gone when closed)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.context_menu(menu, uuid)
        return menu
