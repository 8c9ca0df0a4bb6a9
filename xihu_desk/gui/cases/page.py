"""案件 area: the filter bar, the case list (CaseListModel, read page by page from SQL), a summary of
the selected case below it, and the case forms opened from it. The page is a ListPage (gui/listpage.py):
actions on the selected case go in ``summary_buttons`` (beside the summary's title) and
``context_menu`` (the row's right-click menu); toolbar actions in ``_toolbar``."""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFrame,
    QMenu,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.cases import Status
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import ops, theme
from xihu_desk.gui.cases import lifecycle  # 案件处理: 更正, 重新调解, 作废, 由此新立案件
from xihu_desk.gui.cases.form import CaseDialog, next_step
from xihu_desk.gui.cases.simple import SimpleCaseDialog, convert_to_ordinary
from xihu_desk.gui.cases.model import CASE_COLUMN_SAMPLES, COMMITTEE, DUE, TITLE, CaseListModel
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.documents import print_menu  # 打印 (gui/documents.py)
from xihu_desk.gui.kit import fill_combo
from xihu_desk.gui.kit.long_combo import fill_long_combo
from xihu_desk.gui.listpage import ListPage, _AfterPaint
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import case_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.case_queries import OPEN, TRANSFERRED_HIDE, TRANSFERRED_ONLY, CaseFilter
from xihu_desk.services.cases import CaseRef

_TRANSFERRED = "transferred:"  # status-filter entries that set CaseFilter.transferred instead
CASE_ENTITIES = (
    "case",
    "case_record",
    "party",
    "followup",
    "attachment",
    "bundle_in",
    "committee",
    "mediator",
    "reference",
)


class CasesPage(ListPage):
    case_opened = Signal(str)  # uuid: a case form was opened (or brought to the front)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self._mediators: list[case_queries.MediatorChoice] | None = None  # read after the first rows
        self.dialogs: dict[str, CaseDialog] = {}
        self.new_dialog: CaseDialog | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        box.setSpacing(6)
        box.addWidget(self._toolbar())
        box.addLayout(self._filter_bar())
        # Widths from the font (the text size setting scales it): number, dates and status whole,
        # the title takes the rest and is the one column elided (its tooltip names the parties).
        self.make_view(
            "caseView",
            CaseListModel(ctx, actor, parent=self),
            header_key="cases/header",
            samples=CASE_COLUMN_SAMPLES,
            stretch=TITLE,
            icons=(DUE,),
            # the summary names the committee whole: above 100 % its column gives the title room
            # for two parties' names (at 150 % on 1366×768 only "黄涛…" showed)
            large_hidden=(COMMITTEE,),
        )
        # what this list shows: a committed write that touches it (here or on another page, a
        # bundle import, a ledger import) reads it again, now if visible, else when next shown
        self.follower = self.follow(CASE_ENTITIES)
        box.addWidget(self.make_splitter("casesSplitter", "cases/splitter", self._preview()), 1)

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QToolBar:
        self.new_action = self.action(
            self.tr("新建案件"),
            self.new_case,
            "mdi6.folder-plus-outline",
            self.tr("受理一件新的纠纷（Ctrl+N）"),
            QKeySequence.StandardKey.New,
        )
        self.open_action = self.action(
            self.tr("打开"), self.open_current, "mdi6.folder-open-outline", self.tr("打开选中的案件（Enter 或双击）")
        )
        self.refresh_action = self.action(
            self.tr("刷新"),
            self.refresh,
            "mdi6.refresh",
            self.tr("重新读取案件列表（F5）"),
            QKeySequence.StandardKey.Refresh,
        )
        self.new_action.setEnabled(self.actor.can(Perm.EDIT_CASES))
        # 简易程序: a dispute settled on the spot, registered on one screen (gui/cases/simple.py)
        self.simple_action = self.action(
            self.tr("简易程序"),
            self.new_simple_case,
            "mdi6.lightning-bolt-outline",
            self.tr("当场调解、当场达成口头协议：受理、当事人、口头协议一页登记"),
        )
        self.simple_action.setObjectName("simpleCaseAction")
        self.simple_action.setEnabled(self.actor.can(Perm.EDIT_CASES))
        self.open_action.setEnabled(False)
        # -- 打印: the documents of the selected case (xihu_desk/gui/documents.py) --
        self.print_button = QToolButton()
        self.print_button.setObjectName("casePrintButton")
        self.print_button.setText(self.tr("打印"))
        self.print_button.setIcon(theme.icon("mdi6.printer-outline", theme.ACCENT))
        self.print_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.print_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_button.setToolTip(self.tr("打印选中案件的文书或整本卷宗（Ctrl+P）"))
        self.print_button.setMenu(print_menu(self.ctx, self.actor, self, self.current_uuid))
        self.print_button.setEnabled(False)
        return self.make_toolbar(
            "casesToolbar",
            [self.new_action, self.simple_action, self.open_action, self.refresh_action, self.print_button],
            "caseCount",
        )

    def _filter_bar(self) -> QVBoxLayout:
        rows = QVBoxLayout()
        rows.setSpacing(6)
        self.make_search(
            "caseSearch",
            self.tr("姓名、案件编号或案情（1–2 个字按姓名查）"),
            self.tr("Ctrl+F 到这里。输入 3 个字以上查找案件编号、卷名、当事人和案情；1–2 个字按当事人姓名开头查找。"),
        )
        printing = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)  # Ctrl+P
        printing.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        printing.activated.connect(self.open_print_menu)
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
        self.year = QComboBox()
        self.status = QComboBox()
        self.dispute_type = QComboBox()
        self.source = QComboBox()
        self.committee = QComboBox()
        self.mediator = QComboBox()
        for name, combo in (
            ("yearFilter", self.year),
            ("statusFilter", self.status),
            ("typeFilter", self.dispute_type),
            ("sourceFilter", self.source),
            ("committeeFilter", self.committee),
            ("mediatorFilter", self.mediator),
        ):
            combo.setObjectName(name)
        rows.addLayout(
            self.make_filter_row(
                [self.search, self.short_hint, self.scan_button, self.preset_label, self.overdue, self.reset_button]
            )
        )
        rows.addLayout(
            self.make_filter_row(
                [self.year, self.status, self.dispute_type, self.source, self.committee, self.mediator, 1]
            )
        )
        self.committee.setMinimumContentsLength(12)
        self.committee.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        # sized for a name, not by measuring every mediator of the roster on the first showing
        self.mediator.setMinimumContentsLength(8)
        self.mediator.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.search.textChanged.connect(self._text_edited)
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
        self.preview_title = label("", "subtitle")
        self.preview_title.setObjectName("previewTitle")
        self.preview_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addLayout(self.make_summary_head(self.preview_title))
        self.preview_facts = label("", "muted", wrap=True)
        self.preview_facts.setObjectName("previewFacts")
        self.preview_people = label("", wrap=True)
        self.preview_people.setObjectName("previewPeople")
        self.preview_next = label("", wrap=True)
        self.preview_next.setObjectName("previewNext")
        for line in (self.preview_facts, self.preview_people, self.preview_next):
            line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(line)
        self.preview_empty = label(
            self.tr("在上方列表中选择一件案件，这里显示它的概要；按 Enter 或双击打开。"), "muted", wrap=True
        )
        box.addWidget(self.preview_empty)
        box.addStretch(1)
        self._show_preview(None)
        return card

    # -- filters ------------------------------------------------------------------------------------

    def fill_filters(self) -> None:
        # the roster's names (tens of thousands on a large node) are read after the first rows show
        choices = ops.read(self.ctx, self.actor, case_queries.filter_choices, with_mediators=False)
        years, types, sources = choices["years"], choices["types"], choices["sources"]
        self._committees = choices["committees"]
        this_year = clock.local_today().year
        first, last = years or (this_year, this_year)
        fill_combo(
            self.year,
            [(y, self.tr("{y} 年").format(y=y)) for y in range(max(last, this_year), first - 1, -1)],
            self.tr("全部年度"),
        )
        fill_combo(
            self.status,
            [(OPEN, self.tr("在办（已受理、调解中）"))]
            + [(s.value, s.label) for s in Status]
            # 移送: the read-only copies kept here of cases transferred to another office, in or out
            + [
                (_TRANSFERRED + TRANSFERRED_ONLY, self.tr("已移送（只读副本）")),
                (_TRANSFERRED + TRANSFERRED_HIDE, self.tr("不含已移送的")),
            ],
            self.tr("全部状态"),
        )
        fill_combo(self.dispute_type, types, self.tr("全部纠纷类型"))
        fill_combo(self.source, sources, self.tr("全部来源"))
        fill_combo(
            self.committee,
            [(c.uuid, c.name.removesuffix("人民调解委员会")) for c in self._committees],
            self.tr("全部调委会"),
        )
        self._fill_mediators()
        if self._mediators is None:
            _AfterPaint(self.view.viewport(), self._read_mediators)

    def _read_mediators(self) -> None:
        """The 调解员 filter's names, once (a preset naming a mediator needs them at once)."""
        if self._mediators is None:
            self._mediators = ops.session_read(self.ctx, case_queries.mediator_choices)
            self.mediator.blockSignals(True)
            self._fill_mediators()
            self.mediator.blockSignals(False)

    def _fill_mediators(self) -> None:
        chosen = self.committee.currentData() or ""
        fill_long_combo(  # the whole roster may be tens of thousands of names
            self.mediator,
            [(m.uuid, m.name) for m in self._mediators or () if not chosen or m.committee_uuid == chosen],
            self.tr("全部调解员"),
        )

    def _committee_changed(self) -> None:
        self.mediator.blockSignals(True)
        self._fill_mediators()
        self.mediator.blockSignals(False)
        self.apply_filter()

    def open_print_menu(self) -> None:
        """Ctrl+P: the 打印 menu of the selected case, under its button."""
        if self.print_button.isEnabled():
            self.print_button.menu().popup(self.print_button.mapToGlobal(self.print_button.rect().bottomLeft()))

    def current_filter(self) -> CaseFilter:
        year = self.year.currentData()
        p = self._preset
        status = self.status.currentData() or ""
        moved = status.removeprefix(_TRANSFERRED) if status.startswith(_TRANSFERRED) else ""
        return CaseFilter(
            year=year if isinstance(year, int) else None,
            status="" if moved else status,
            transferred=moved,
            dispute_type=self.dispute_type.currentData() or "",
            source=self.source.currentData() or "",
            committee_uuid=self.committee.currentData() or "",
            mediator_uuid=self.mediator.currentData() or "",
            overdue=self.overdue.isChecked(),
            text=self.search.text().strip(),
            scan_text=self._scan_text,
            accepted_from=p.accepted_from,
            accepted_to=p.accepted_to,
            followup_due=p.followup_due,
        )

    def show_list(self, f: CaseFilter) -> None:
        """Show exactly the cases ``f`` matches (a home-page card): the filter bar shows its fields,
        a note the conditions it has no field for; 清除条件 clears both."""
        if not self._loaded:
            self._loaded = True
            self.fill_filters()
        widgets = (
            self.year,
            self.status,
            self.dispute_type,
            self.source,
            self.committee,
            self.mediator,
            self.overdue,
            self.search,
        )
        for w in widgets:
            w.blockSignals(True)
        for combo, value in (
            (self.year, f.year),
            (self.status, f.status or (_TRANSFERRED + f.transferred if f.transferred else "")),
            (self.dispute_type, f.dispute_type),
            (self.source, f.source),
            (self.committee, f.committee_uuid),
        ):
            combo.setCurrentIndex(max(0, combo.findData(value)) if value else 0)
        if f.mediator_uuid:
            self._read_mediators()
        self._fill_mediators()
        self.mediator.setCurrentIndex(max(0, self.mediator.findData(f.mediator_uuid)) if f.mediator_uuid else 0)
        self.overdue.setChecked(f.overdue)
        self.search.setText(f.text)
        self._scan_text = f.scan_text
        for w in widgets:
            w.blockSignals(False)
        self._set_preset(
            CaseFilter(accepted_from=f.accepted_from, accepted_to=f.accepted_to, followup_due=f.followup_due)
        )
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

    def reloaded(self) -> None:
        self._show_short_hint(self.model.filter)

    def _text_edited(self) -> None:
        self._scan_text = False  # a new word is looked up by name first again

    def _scan_short_text(self) -> None:
        self._scan_text = True
        self.apply_filter()

    def _show_short_hint(self, f: CaseFilter) -> None:
        short = bool(f.text) and not f.full_text
        found = self.model.rowCount()
        n = found if self.model.exact else "…"  # the count still running after the rows (paged.py)
        if short and f.scan_text:
            self.short_hint.setText(self.tr("已在姓名和案情中查找“{t}”，共 {n} 件").format(t=f.text, n=n))
        elif short:
            self.short_hint.setText(
                self.tr("1–2 个字只查当事人姓名开头，找到 {n} 件").format(n=n)
                if found
                else self.tr("没有姓名以“{t}”开头的当事人").format(t=f.text)
            )
            self.scan_button.setText(self.tr("在案情中查找“{t}”").format(t=f.text))
        self.short_hint.setVisible(short)
        self.scan_button.setVisible(short and not f.scan_text)

    def filter_widgets(self) -> tuple[QWidget, ...]:
        return (
            self.year,
            self.status,
            self.dispute_type,
            self.source,
            self.committee,
            self.mediator,
            self.overdue,
            self.search,
        )

    def before_reset(self) -> None:
        self._fill_mediators()
        self._set_preset(CaseFilter())

    # -- selection and opening ----------------------------------------------------------------------

    def selection_changed(self, uuid: str | None) -> None:
        self.open_action.setEnabled(bool(uuid))
        self.print_button.setEnabled(bool(uuid))  # 打印

    def context_menu(self, menu: QMenu, uuid: str) -> None:
        """A case's right-click menu: open it, and its documents to print."""
        menu.addAction(
            theme.icon("mdi6.folder-open-outline", theme.ACCENT), self.tr("打开案件"), lambda: self.open_case(uuid)
        )
        menu.addMenu(print_menu(self.ctx, self.actor, menu, lambda: uuid)).setText(self.tr("打印"))
        self._add_convert_action(menu, uuid)  # 转为普通程序, for a simple case
        menu.addSeparator()  # 更正…, 重新调解…, 作废…, 由此新立案件… (gui/cases/lifecycle.py)
        lifecycle.add_actions(menu, self.ctx, self.actor, self, uuid, self._lifecycle_done)

    def summary_buttons(self) -> list[QAbstractButton]:
        """Beside the summary's title: 打开案件 (buttons for more case actions go here too)."""
        self.preview_open = QPushButton(theme.icon("mdi6.folder-open-outline", "#ffffff"), self.tr("打开案件"))
        self.preview_open.setProperty("kind", "primary")
        self.preview_open.setObjectName("previewOpen")
        self.preview_open.clicked.connect(self.open_current)
        self.preview_actions = QPushButton(theme.icon("mdi6.file-document-edit-outline"), self.tr("案件处理"))
        self.preview_actions.setObjectName("previewLifecycle")
        self.preview_actions.setToolTip(self.tr("更正、重新调解、作废，或由此新立案件"))
        self.preview_actions.setMenu(
            lifecycle.lifecycle_menu(self.ctx, self.actor, self, self.current_uuid, self._lifecycle_done)
        )
        return [self.preview_open, self.preview_actions]

    def _lifecycle_done(self, message: str, result: object) -> None:
        """The list follows the write by itself (ops.ListRefresher); a new linked case opens."""
        show_state(self.preview_next, "ok", "✓ " + message)
        if isinstance(result, CaseRef):
            self.open_case(result.uuid)

    def show_summary(self, uuid: str | None) -> None:
        self._show_preview(uuid)

    def _show_preview(self, uuid: str | None) -> None:
        d = None
        if uuid:
            try:
                d = ops.read(self.ctx, self.actor, case_queries.case_detail, uuid)
            except UserError:  # deleted meanwhile, or not ours to see: show nothing
                d = None
        for widget in (
            self.preview_open,
            self.preview_actions,
            self.preview_facts,
            self.preview_people,
            self.preview_next,
        ):
            widget.setVisible(d is not None)
        self.preview_empty.setVisible(d is None)
        if d is None:
            self.preview_title.setText(self.tr("案件概要"))
            return
        self.preview_title.setText(d["title"])
        status = d["status_label"] + (f"（{d['outcome_label']}）" if d["outcome_label"] else "")
        status += self.tr("，简易程序") if d["procedure"] == "simple" else ""
        moved = d.get("transferred_to")
        if moved:  # 移送: a read-only copy has no deadline here
            due = self.tr("{on} 移送至{name}").format(on=moved["on"], name=moved["name"])
        elif d["status"] in ("accepted", "mediating"):
            due = self.tr("期限 {due}").format(due=d["due_on"]) + (self.tr("（已延长）") if d["extended_to"] else "")
            due += self.tr("，已超期") if d["overdue"] else ""
        else:
            due = self.tr("结案 {on}").format(on=d["closed_on"] or "—")
        self.preview_facts.setText(
            "　·　".join((d["case_no"], status, self.tr("受理 {on}").format(on=d["accepted_on"]), due, d["committee"]))
        )
        parties = "；".join(f"{p['role_label']} {p['name']}" for p in d["parties"])
        leads = "、".join(m["name"] + (self.tr("（主持）") if m["lead"] else "") for m in d["mediator_assignments"])
        self.preview_people.setText(
            self.tr("当事人：{p}　　调解员：{m}").format(p=parties, m=leads or self.tr("未指定"))
        )
        show_state(self.preview_next, "error" if d["overdue"] else "", self.tr("下一步：") + next_step(d))

    def open_item(self, uuid: str) -> CaseDialog:
        return self.open_case(uuid)

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

    def new_simple_case(self) -> SimpleCaseDialog | None:
        """简易程序（当场调解）: one screen; the case registered there opens in its form."""
        if not self.actor.can(Perm.EDIT_CASES):
            return None
        dialog = SimpleCaseDialog(self.ctx, self.actor, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self.open_case)
        dialog.open()
        return dialog

    def _add_convert_action(self, menu: QMenu, uuid: str) -> None:
        if not self.actor.can(Perm.EDIT_CASES):
            return
        d = ops.read(self.ctx, self.actor, case_queries.case_detail, uuid)
        if d["procedure"] == "simple" and d["status"] not in ("filed", "void"):
            menu.addAction(
                theme.icon("mdi6.swap-horizontal"),
                self.tr("转为普通程序…"),
                lambda: convert_to_ordinary(self.ctx, self.actor, self, uuid, d["case_no"]),
            )

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
            self.select(uuid)
        # otherwise the list has followed the save already (ops.ListRefresher: the write said what changed)

    def _forget(self, dialog: CaseDialog) -> None:
        if dialog is self.new_dialog:
            self.new_dialog = None
        for uuid, d in list(self.dialogs.items()):
            if d is dialog:
                del self.dialogs[uuid]
        dialog.deleteLater()
