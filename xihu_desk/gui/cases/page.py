"""案件 area: the filter bar, the case list (CaseListModel, read page by page from SQL), a summary of
the selected case below it, and the case forms opened from it."""

from __future__ import annotations


from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QFrame, QHBoxLayout, QHeaderView, QLineEdit,
    QPushButton, QSizePolicy, QSplitter, QTableView, QToolBar, QVBoxLayout, QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import columns, ops, prefs, theme
from xihu_desk.gui.cases.fields import fill_combo
from xihu_desk.gui.cases.form import CaseDialog, next_step
from xihu_desk.gui.cases.model import CASE_COLUMN_SAMPLES, CASE_UUID_ROLE, DUE, SORT_KEYS, TITLE, CaseListModel
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.documents import print_menu  # 打印 (gui/documents.py)
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import case_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.case_queries import OPEN, CaseFilter

SEARCH_DEBOUNCE_MS = 300
CASE_ENTITIES = ("case", "case_record", "party", "followup", "attachment", "bundle_in", "committee", "mediator",
                 "reference")


class CasesPage(QWidget):
    case_opened = Signal(str)  # uuid: a case form was opened (or brought to the front)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialogs: dict[str, CaseDialog] = {}
        self.new_dialog: CaseDialog | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        box.setSpacing(6)
        box.addWidget(self._toolbar())
        box.addLayout(self._filter_bar())

        self.model = CaseListModel(ctx, actor, parent=self)
        # what this list shows: a committed write that touches it (here or on another page, a
        # bundle import, a ledger import) reads it again, now if visible, else when next shown
        self.follower = ops.ListRefresher(self, CASE_ENTITIES, lambda: self._loaded and self.refresh())
        self.view = QTableView()
        self.view.setObjectName("caseView")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        # Widths from the font (the text size setting scales it): number, dates and status whole,
        # the title takes the rest and is the one column elided (its tooltip names the parties).
        columns.fit(self.view, "cases/header", CASE_COLUMN_SAMPLES, stretch=TITLE, icons=(DUE,))
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(self._sort_changed)
        self.view.setSortingEnabled(True)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("casesSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self._preview())
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(0, False)
        prefs.restore_state("cases/splitter", self.splitter)
        self.splitter.splitterMoved.connect(lambda *_: prefs.save_state("cases/splitter", self.splitter))
        box.addWidget(self.splitter, 1)
        self._loaded = False

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("casesToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.new_action = QAction(theme.icon("mdi6.folder-plus-outline", theme.ACCENT), self.tr("新建案件"), self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setToolTip(self.tr("受理一件新的纠纷（Ctrl+N）"))
        self.new_action.triggered.connect(self.new_case)
        self.open_action = QAction(theme.icon("mdi6.folder-open-outline", theme.ACCENT), self.tr("打开"), self)
        self.open_action.setToolTip(self.tr("打开选中的案件（Enter 或双击）"))
        self.open_action.triggered.connect(self.open_current)
        self.refresh_action = QAction(theme.icon("mdi6.refresh"), self.tr("刷新"), self)
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.setToolTip(self.tr("重新读取案件列表（F5）"))
        self.refresh_action.triggered.connect(self.refresh)
        for action in (self.new_action, self.open_action, self.refresh_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # only in this area
            self.addAction(action)
            bar.addAction(action)
        self.new_action.setEnabled(self.actor.can(Perm.EDIT_CASES))
        self.open_action.setEnabled(False)
        # -- 打印: the documents of the selected case (xihu_desk/gui/documents.py) --
        from PySide6.QtWidgets import QToolButton

        self.print_button = QToolButton()
        self.print_button.setObjectName("casePrintButton")
        self.print_button.setText(self.tr("打印"))
        self.print_button.setIcon(theme.icon("mdi6.printer-outline", theme.ACCENT))
        self.print_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_button.setToolTip(self.tr("打印选中案件的文书或整本卷宗（Ctrl+P）"))
        self.print_button.setMenu(print_menu(self.ctx, self.actor, self, self.current_uuid))
        self.print_button.setEnabled(False)
        bar.addWidget(self.print_button)
        # -- end 打印 --
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        self.count_label = label("", "subtitle")
        self.count_label.setObjectName("caseCount")
        bar.addWidget(self.count_label)
        return bar

    def _filter_bar(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        rows.setSpacing(6)
        first, second = QHBoxLayout(), QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("caseSearch")
        self.search.setPlaceholderText(self.tr("姓名、案件编号或案情（1–2 个字按姓名查）"))
        self.search.setToolTip(self.tr("Ctrl+F 到这里。输入 3 个字以上查找案件编号、卷名、当事人和案情；"
                                       "1–2 个字按当事人姓名开头查找。"))
        self.search.addAction(theme.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        find = QShortcut(QKeySequence.StandardKey.Find, self, activated=self._focus_search)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        printing = QShortcut(QKeySequence.StandardKey.Print, self, activated=self.open_print_menu)  # Ctrl+P
        printing.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.overdue = QCheckBox(self.tr("仅显示超期"))
        self.overdue.setObjectName("overdueOnly")
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("清除条件"))
        self.reset_button.setObjectName("resetFilter")
        # Conditions the filter bar has no field for (a home-page card's list): said here, cleared with the rest.
        self.preset_label = label("", "muted")
        self.preset_label.setObjectName("presetFilter")
        self.preset_label.hide()
        self._preset = CaseFilter()
        # 1–2 characters match the start of a party's name only (the text index needs three): said
        # beside the box, with a button that also looks through the cases' text.
        self._scan_text = False
        self.short_hint = label("", "muted")
        self.short_hint.setObjectName("shortSearchHint")
        self.scan_button = QPushButton(theme.icon("mdi6.magnify"), "")
        self.scan_button.setObjectName("scanTextButton")
        self.scan_button.clicked.connect(self._scan_short_text)
        self.short_hint.hide()
        self.scan_button.hide()
        first.addWidget(self.search, 1)
        first.addWidget(self.short_hint)
        first.addWidget(self.scan_button)
        first.addWidget(self.preset_label)
        first.addWidget(self.overdue)
        first.addWidget(self.reset_button)
        self.year = QComboBox()
        self.status = QComboBox()
        self.dispute_type = QComboBox()
        self.source = QComboBox()
        self.committee = QComboBox()
        self.mediator = QComboBox()
        for name, combo in (("yearFilter", self.year), ("statusFilter", self.status), ("typeFilter", self.dispute_type),
                            ("sourceFilter", self.source), ("committeeFilter", self.committee),
                            ("mediatorFilter", self.mediator)):
            combo.setObjectName(name)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            second.addWidget(combo)
        self.committee.setMinimumContentsLength(12)
        self.committee.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        second.addStretch(1)
        rows.addLayout(first)
        rows.addLayout(second)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.search.textChanged.connect(self._text_edited)
        self.search.returnPressed.connect(self.apply_filter)
        self.overdue.toggled.connect(self.apply_filter)
        self.reset_button.clicked.connect(self.reset_filter)
        for combo in (self.year, self.status, self.dispute_type, self.source, self.mediator):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.committee.currentIndexChanged.connect(self._committee_changed)
        return rows

    def _preview(self) -> QFrame:
        """The selected case in three lines: number and state, the people, what it waits for."""
        card = QFrame()
        card.setObjectName("casePreview")
        card.setProperty("kind", "card")
        # Room for the title and three lines, one of them wrapped, at any text size (the splitter keeps it).
        card.setMinimumHeight(self.fontMetrics().lineSpacing() * 6 + 40)
        box = QVBoxLayout(card)
        box.setContentsMargins(16, 8, 16, 8)
        box.setSpacing(4)
        head = QHBoxLayout()
        self.preview_title = label("", "subtitle")
        self.preview_title.setObjectName("previewTitle")
        self.preview_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_open = QPushButton(theme.icon("mdi6.folder-open-outline", "#ffffff"), self.tr("打开案件"))
        self.preview_open.setProperty("kind", "primary")
        self.preview_open.setObjectName("previewOpen")
        self.preview_open.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # never cut
        self.preview_open.clicked.connect(self.open_current)
        head.addWidget(self.preview_title, 1)
        head.addWidget(self.preview_open)
        box.addLayout(head)
        self.preview_facts = label("", "muted", wrap=True)
        self.preview_facts.setObjectName("previewFacts")
        self.preview_people = label("", wrap=True)
        self.preview_people.setObjectName("previewPeople")
        self.preview_next = label("", wrap=True)
        self.preview_next.setObjectName("previewNext")
        for line in (self.preview_facts, self.preview_people, self.preview_next):
            line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(line)
        self.preview_empty = label(self.tr("在上方列表中选择一件案件，这里显示它的概要；按 Enter 或双击打开。"), "muted",
                                   wrap=True)
        box.addWidget(self.preview_empty)
        box.addStretch(1)
        self._show_preview(None)
        return card

    # -- filters ------------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self._fill_filters()
            self.apply_filter()

    def _fill_filters(self) -> None:
        choices = ops.read(self.ctx, self.actor, case_queries.filter_choices)
        years, types, sources = choices["years"], choices["types"], choices["sources"]
        self._committees, self._mediators = choices["committees"], choices["mediators"]
        this_year = clock.local_today().year
        first, last = years or (this_year, this_year)
        fill_combo(self.year, [(y, self.tr("{y} 年").format(y=y)) for y in range(max(last, this_year), first - 1, -1)],
                   self.tr("全部年度"))
        fill_combo(self.status, [(OPEN, self.tr("在办（已受理、调解中）"))] + [(s.value, s.label) for s in Status],
                   self.tr("全部状态"))
        fill_combo(self.dispute_type, types, self.tr("全部纠纷类型"))
        fill_combo(self.source, sources, self.tr("全部来源"))
        fill_combo(self.committee, [(c.uuid, c.name.removesuffix("人民调解委员会")) for c in self._committees],
                   self.tr("全部调委会"))
        self._fill_mediators()

    def _fill_mediators(self) -> None:
        chosen = self.committee.currentData() or ""
        fill_combo(self.mediator, [(m.uuid, m.name) for m in self._mediators
                                   if not chosen or m.committee_uuid == chosen], self.tr("全部调解员"))

    def _committee_changed(self) -> None:
        self.mediator.blockSignals(True)
        self._fill_mediators()
        self.mediator.blockSignals(False)
        self.apply_filter()

    def open_print_menu(self) -> None:
        """Ctrl+P: the 打印 menu of the selected case, under its button."""
        if self.print_button.isEnabled():
            self.print_button.menu().popup(self.print_button.mapToGlobal(self.print_button.rect().bottomLeft()))

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def current_filter(self) -> CaseFilter:
        year = self.year.currentData()
        p = self._preset
        return CaseFilter(
            year=year if isinstance(year, int) else None, status=self.status.currentData() or "",
            dispute_type=self.dispute_type.currentData() or "", source=self.source.currentData() or "",
            committee_uuid=self.committee.currentData() or "", mediator_uuid=self.mediator.currentData() or "",
            overdue=self.overdue.isChecked(), text=self.search.text().strip(), scan_text=self._scan_text,
            accepted_from=p.accepted_from, accepted_to=p.accepted_to, followup_due=p.followup_due)

    def show_list(self, f: CaseFilter) -> None:
        """Show exactly the cases ``f`` matches (a home-page card): the filter bar shows its fields,
        a note the conditions it has no field for; 清除条件 clears both."""
        if not self._loaded:
            self._loaded = True
            self._fill_filters()
        widgets = (self.year, self.status, self.dispute_type, self.source, self.committee, self.mediator,
                   self.overdue, self.search)
        for w in widgets:
            w.blockSignals(True)
        for combo, value in ((self.year, f.year), (self.status, f.status), (self.dispute_type, f.dispute_type),
                             (self.source, f.source), (self.committee, f.committee_uuid)):
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
        self._fill_mediators()
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(f.mediator_uuid)) if f.mediator_uuid else 0)
        self.overdue.setChecked(f.overdue)
        self.search.setText(f.text)
        self._scan_text = f.scan_text
        for w in widgets:
            w.blockSignals(False)
        self._set_preset(CaseFilter(accepted_from=f.accepted_from, accepted_to=f.accepted_to,
                                    followup_due=f.followup_due))
        self.apply_filter()

    def _set_preset(self, p: CaseFilter) -> None:
        self._preset = p
        parts = []
        if p.accepted_from or p.accepted_to:
            parts.append(self.tr("受理日期 {a} 至 {b}").format(a=p.accepted_from or "…", b=p.accepted_to or "…"))
        if p.followup_due:
            parts.append(self.tr("已到回访日期"))
        self.preset_label.setText(self.tr("条件：") + "，".join(parts) if parts else "")
        self.preset_label.setVisible(bool(parts))

    def apply_filter(self) -> None:
        self._debounce.stop()
        selected = self.current_uuid()
        f = self.current_filter()
        self.model.set_filter(f)
        self._after_reload(selected, first_if_gone=True)
        self._show_short_hint(f)

    def _text_edited(self) -> None:
        self._scan_text = False  # a new word is looked up by name first again

    def _scan_short_text(self) -> None:
        self._scan_text = True
        self.apply_filter()

    def _show_short_hint(self, f: CaseFilter) -> None:
        short = bool(f.text) and not f.full_text
        if short and f.scan_text:
            self.short_hint.setText(self.tr("已在姓名和案情中查找“{t}”，共 {n} 件").format(t=f.text, n=self.model.rowCount()))
        elif short:
            found = self.model.rowCount()
            self.short_hint.setText(self.tr("1–2 个字只查当事人姓名开头，找到 {n} 件").format(n=found) if found
                                    else self.tr("没有姓名以“{t}”开头的当事人").format(t=f.text))
            self.scan_button.setText(self.tr("在案情中查找“{t}”").format(t=f.text))
        self.short_hint.setVisible(short)
        self.scan_button.setVisible(short and not f.scan_text)

    def reset_filter(self) -> None:
        widgets = (self.year, self.status, self.dispute_type, self.source, self.committee, self.mediator,
                   self.overdue, self.search)
        for w in widgets:
            w.blockSignals(True)
        for combo in widgets[:6]:
            combo.setCurrentIndex(0)
        self._fill_mediators()
        self.overdue.setChecked(False)
        self.search.clear()
        self._set_preset(CaseFilter())
        for w in widgets:
            w.blockSignals(False)
        self.apply_filter()

    def refresh(self) -> None:
        """Read the list again (after a save, or F5), keeping the selected case if it is still there."""
        selected = self.current_uuid()
        row = self.view.currentIndex().row() if selected else None
        scroll = self.view.verticalScrollBar().value()
        self.model.refresh()
        self._after_reload(selected, row)
        if selected and self.current_uuid() == selected and row == self.view.currentIndex().row():
            self.view.verticalScrollBar().setValue(scroll)  # where the user was, not scrolled to the row

    def _after_reload(self, selected: str | None, hint_row: int | None = None, *, first_if_gone: bool = False) -> None:
        """After the list was read again: the count, and the selection kept on the same case when
        it is where it was or on a page in hand (the list never reads everything to look)."""
        total = self.model.rowCount()
        self.count_label.setText(self.tr("共 {n} 件").format(n=total))
        row = None
        if selected:
            if hint_row is not None and self.model.uuid_at(hint_row) == selected:
                row = hint_row
            else:
                self.model.row(0)  # the first page, where a new or changed case usually is
                row = self.model.find_row(selected)
        if row is None and total and (not selected or first_if_gone):
            row = 0
        if row is not None:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
            self._show_preview(self.model.uuid_at(row))  # the case itself may have changed
        else:
            self.view.clearSelection()
            self._show_preview(None)

    def _sort_changed(self, column: int, _order: Qt.SortOrder) -> None:
        # The view asks the model to sort (the model ignores a column it cannot sort by); the
        # indicator then goes back to the column the list is really sorted by.
        if SORT_KEYS.get(column) is None:
            header = self.view.horizontalHeader()
            order = Qt.SortOrder.DescendingOrder if self.model.filter.descending else Qt.SortOrder.AscendingOrder
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), order)
            header.blockSignals(False)

    # -- selection and opening ----------------------------------------------------------------------

    def current_uuid(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid() or not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            return None
        return self.model.data(index, CASE_UUID_ROLE)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uuid = self.model.data(current, CASE_UUID_ROLE) if current.isValid() else None
        self.open_action.setEnabled(bool(uuid))
        self.print_button.setEnabled(bool(uuid))  # 打印
        self._show_preview(uuid)

    def _show_preview(self, uuid: str | None) -> None:
        d = None
        if uuid:
            try:
                d = ops.read(self.ctx, self.actor, case_queries.case_detail, uuid)
            except UserError:  # deleted meanwhile, or not ours to see: show nothing
                d = None
        for widget in (self.preview_open, self.preview_facts, self.preview_people, self.preview_next):
            widget.setVisible(d is not None)
        self.preview_empty.setVisible(d is None)
        if d is None:
            self.preview_title.setText(self.tr("案件概要"))
            return
        self.preview_title.setText(d["title"])
        status = d["status_label"] + (f"（{d['outcome_label']}）" if d["outcome_label"] else "")
        if d["status"] in ("accepted", "mediating"):
            due = self.tr("期限 {due}").format(due=d["due_on"]) + (self.tr("（已延长）") if d["extended_to"] else "")
            due += self.tr("，已超期") if d["overdue"] else ""
        else:
            due = self.tr("结案 {on}").format(on=d["closed_on"] or "—")
        self.preview_facts.setText("　·　".join((d["case_no"], status, self.tr("受理 {on}").format(on=d["accepted_on"]),
                                                due, d["committee"])))
        parties = "；".join(f"{p['role_label']} {p['name']}" for p in d["parties"])
        leads = "、".join(m["name"] + (self.tr("（主持）") if m["lead"] else "") for m in d["mediator_assignments"])
        self.preview_people.setText(self.tr("当事人：{p}　　调解员：{m}").format(p=parties, m=leads or self.tr("未指定")))
        show_state(self.preview_next, "error" if d["overdue"] else "", self.tr("下一步：") + next_step(d))

    def _activated(self, index: QModelIndex) -> None:
        uuid = self.model.data(index, CASE_UUID_ROLE)
        if uuid:
            self.open_case(uuid)

    def open_current(self) -> None:
        uuid = self.current_uuid()
        if uuid:
            self.open_case(uuid)

    def open_case(self, uuid: str) -> CaseDialog:
        """Open a case's form, or bring it to the front if it is open already."""
        dialog = self.dialogs.get(uuid)
        if dialog is None:
            dialog = CaseDialog(self.ctx, self.actor, uuid, parent=self)
            self._track(dialog)
            self.dialogs[uuid] = dialog
        self._bring_up(dialog)
        self.case_opened.emit(uuid)
        return dialog

    def new_case(self) -> CaseDialog | None:
        if not self.actor.can(Perm.EDIT_CASES):
            return None
        if self.new_dialog is None:
            self.new_dialog = CaseDialog(self.ctx, self.actor, None, parent=self)
            self._track(self.new_dialog)
        self._bring_up(self.new_dialog)
        return self.new_dialog

    @staticmethod
    def _bring_up(dialog: CaseDialog) -> None:
        if dialog.isVisible():  # open already, perhaps behind the main window
            dialog.raise_()
        else:
            dialog.show()
        dialog.activateWindow()

    def _track(self, dialog: CaseDialog) -> None:
        dialog.saved.connect(self._dialog_saved)
        dialog.open_other.connect(self.open_case)
        dialog.finished.connect(lambda _code, d=dialog: self._forget(d))

    def _dialog_saved(self, uuid: str) -> None:
        dialog = self.sender()
        if dialog is self.new_dialog:  # the new case has its number now: it is an ordinary case form
            self.new_dialog = None
            self.dialogs[uuid] = dialog
            self.model.refresh()
            self._after_reload(uuid)
        # otherwise the list has followed the save already (ops.ListRefresher: the write said what changed)

    def _forget(self, dialog: CaseDialog) -> None:
        if dialog is self.new_dialog:
            self.new_dialog = None
        for uuid, d in list(self.dialogs.items()):
            if d is dialog:
                del self.dialogs[uuid]
        dialog.deleteLater()

