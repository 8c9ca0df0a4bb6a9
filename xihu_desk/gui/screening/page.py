"""排查 area: the screening register (rounds paged from SQL, the selected round's found disputes
below with 转为案件 and 处置), 零报告, the 重点矛盾纠纷 ledger with its checks, and the 信息员.
Everything reaches the database through gui/ops.py; the lists follow committed writes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import fill_combo
from xihu_desk.gui.listpage import ListPage
from xihu_desk.gui.screening.dialogs import CheckDialog, CloseDialog, DisputeDialog, OfficerDialog, RoundDialog
from xihu_desk.gui.screening.corrections import (
    CorrectDisputeDialog,
    CorrectRoundDialog,
    OfficerStateDialog,
    VoidRoundDialog,
)
from xihu_desk.gui.screening.dialogs import ZeroReportDialog
from xihu_desk.gui.screening.model import COLUMN_SAMPLES, COMMITTEE, RoundListModel
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import screening, screening_queries
from xihu_desk.services.context import Actor
from xihu_desk.services.screening_queries import SHOWS, ScreeningFilter

ENTITIES = (screening.ENTITY, "case", "bundle_in", "committee")


class RoundsView(ListPage):
    """The register of rounds, and below it the selected round with the disputes it found."""

    select_first_when_gone = True
    case_made = Signal(str, str)  # case uuid, case number

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.can_edit = actor.can(Perm.EDIT_CASES)
        self.detail: dict[str, Any] | None = None
        self.dialog: Any = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        box.setSpacing(6)
        box.addWidget(self._toolbar())
        box.addLayout(self._filter_bar())
        self.make_view(
            "roundView",
            RoundListModel(ctx, actor, parent=self),
            header_key="screening/header",
            samples=COLUMN_SAMPLES,
            stretch=COMMITTEE,
        )
        self.follower = self.follow(ENTITIES)
        box.addWidget(self.make_splitter("roundsSplitter", "screening/splitter", self._round_card()), 1)
        # the round's disputes are half the work here: more room below than the other lists give
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

    # -- layout -------------------------------------------------------------------------------------

    def _toolbar(self) -> QWidget:
        self.new_action = self.action(
            self.tr("登记排查"),
            self.new_round,
            "mdi6.account-search-outline",
            self.tr("登记一次排查及其发现的纠纷（Ctrl+N）"),
            QKeySequence.StandardKey.New,
        )
        self.zero_action = self.action(
            self.tr("零报告"),
            self.zero_report,
            "mdi6.numeric-0-circle-outline",
            self.tr("本期排查未发现矛盾纠纷：登记零报告"),
        )
        self.refresh_action = self.action(
            self.tr("刷新"), self.refresh, "mdi6.refresh", self.tr("重新读取（F5）"), QKeySequence.StandardKey.Refresh
        )
        for a in (self.new_action, self.zero_action):
            a.setEnabled(self.can_edit)
        return self.make_toolbar(
            "screeningToolbar", [self.new_action, self.zero_action, None, self.refresh_action], "roundCount"
        )

    def _filter_bar(self) -> QHBoxLayout:
        self.make_search(
            "roundSearch",
            self.tr("排查范围、排查人员或当事人（Ctrl+F）"),
            min_width_text=self.tr("排查范围、排查人员或当事人"),
        )
        self.committee = QComboBox()
        self.committee.setObjectName("committeeFilter")
        self.show_combo = QComboBox()
        self.show_combo.setObjectName("showFilter")
        fill_combo(self.show_combo, SHOWS)
        self.reset_button = QPushButton(theme.icon("mdi6.filter-remove-outline"), self.tr("清除条件"))
        self.reset_button.setObjectName("resetFilter")
        row = self.make_filter_row([self.search, self.committee, self.show_combo, self.reset_button])
        self.committee.currentIndexChanged.connect(self.apply_filter)
        self.show_combo.currentIndexChanged.connect(self.apply_filter)
        self.reset_button.clicked.connect(self.reset_filter)
        return row

    def _round_card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("roundCard")
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(14, 8, 14, 8)
        box.setSpacing(4)
        self.round_title = label("", "subtitle")
        self.round_title.setObjectName("roundTitle")
        self.round_title.setWordWrap(True)
        box.addLayout(self.make_summary_head(self.round_title))
        self.round_text = label("", wrap=True)
        self.round_text.setObjectName("roundText")
        box.addWidget(self.round_text)
        self.disputes = readonly_table(
            [
                self.tr("纠纷类型"),
                self.tr("当事人"),
                self.tr("风险"),
                self.tr("去向"),
                self.tr("案件编号 / 移交单位"),
                self.tr("简要情况"),
            ],
            "roundDisputes",
        )
        self.disputes.itemSelectionChanged.connect(self._dispute_selected)
        self.disputes.doubleClicked.connect(lambda _i: self.to_case())
        # The dispute's buttons stand in a column beside the table, not in a row under it: on a short
        # screen (1366×768 at 150 %) that row's height is one more dispute in view.
        found = QHBoxLayout()
        found.addWidget(self.disputes, 1)
        actions = QVBoxLayout()
        actions.setSpacing(6)
        self.to_case_button = QPushButton(theme.icon("mdi6.folder-plus-outline", "#ffffff"), self.tr("转为案件"))
        self.to_case_button.setProperty("kind", "primary")
        self.to_case_button.setObjectName("toCase")
        self.to_case_button.setToolTip(self.tr("由调委会主动受理为案件，当事人和简要情况带入案件"))
        self.close_button = QPushButton(theme.icon("mdi6.check-circle-outline"), self.tr("当场化解 / 移交…"))
        self.close_button.setObjectName("closeDispute")
        self.fix_dispute_button = QPushButton(theme.icon("mdi6.pencil-outline"), self.tr("更正纠纷…"))
        self.fix_dispute_button.setObjectName("correctDispute")
        self.fix_dispute_button.setToolTip(self.tr("更正所选纠纷的类型、当事人、简要情况或风险等级（写明理由）"))
        for button in (self.to_case_button, self.close_button, self.fix_dispute_button):
            actions.addWidget(button)
        # The selected dispute's state under the buttons, wrapped to their width. It asks for no
        # height of its own (the table and buttons come first), so a short card shows less of it.
        self.dispute_hint = label("", "muted", wrap=True)
        self.dispute_hint.setObjectName("disputeHint")
        self.dispute_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.dispute_hint.setFixedWidth(
            max(b.sizeHint().width() for b in (self.to_case_button, self.close_button, self.fix_dispute_button))
        )
        self.dispute_hint.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Ignored)
        actions.addWidget(self.dispute_hint, 1)
        found.addLayout(actions)
        box.addLayout(found, 1)
        self.to_case_button.clicked.connect(self.to_case)
        self.close_button.clicked.connect(self.close_dispute)
        self.fix_dispute_button.clicked.connect(self.correct_dispute)
        # title, facts and three disputes beside the buttons, at any text size
        card.setMinimumHeight(self.fontMetrics().height() * 13)
        self._show_round(None)
        return card

    def summary_buttons(self) -> list[QAbstractButton]:
        self.add_button = QPushButton(theme.icon("mdi6.plus"), self.tr("添加纠纷…"))
        self.add_button.setObjectName("addToRound")
        self.add_button.clicked.connect(self.add_dispute)
        self.correct_button = QPushButton(theme.icon("mdi6.pencil-outline"), self.tr("更正…"))
        self.correct_button.setObjectName("correctRound")
        self.correct_button.setToolTip(self.tr("更正本次排查的内容，或删去误登记的纠纷（写明理由，原内容留痕）"))
        self.correct_button.clicked.connect(self.correct_round)
        self.void_button = QPushButton(theme.icon("mdi6.cancel"), self.tr("作废…"))
        self.void_button.setObjectName("voidRound")
        self.void_button.setToolTip(self.tr("作废误登记的排查记录或零报告：保留并注明理由，不计入统计"))
        self.void_button.clicked.connect(self.void_round)
        return [self.add_button, self.correct_button, self.void_button]

    # -- filters ------------------------------------------------------------------------------------

    def fill_filters(self) -> None:
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        self.choices = choices
        fill_combo(self.committee, choices["committees"], self.tr("全部调委会"))

    def current_filter(self) -> ScreeningFilter:
        return ScreeningFilter(
            committee_uuid=self.committee.currentData() or "",
            show=self.show_combo.currentData() or "all",
            search=self.search.text(),
        )

    def filter_widgets(self) -> tuple[QWidget, ...]:
        return (self.committee, self.show_combo, self.search)

    def count_text(self, n: int) -> str:
        return self.tr("共 {n} 次").format(n=n)

    # -- the selected round -------------------------------------------------------------------------

    def show_summary(self, uuid: str | None) -> None:
        self._show_round(ops.read(self.ctx, self.actor, screening_queries.round_detail, uuid) if uuid else None)

    def open_item(self, uuid: str) -> None:
        self.select(uuid)
        self.disputes.setFocus()

    def _show_round(self, detail: dict[str, Any] | None) -> None:
        self.detail = detail
        self.disputes.setRowCount(0)
        if detail is None:
            self.round_title.setText(self.tr("在上方列表中选择一次排查，这里列出它发现的纠纷。"))
            self.round_text.setText("")
            for button in (self.add_button, self.correct_button, self.void_button):
                button.setEnabled(False)
            self._dispute_selected()
            return
        if detail["zero_report"]:
            self.round_title.setText(self.tr("{c}　零报告").format(c=detail["committee"]))
            self.round_text.setText(
                self.tr("{f} 至 {t}，经{m}排查未发现矛盾纠纷。排查范围：{a}　排查人员：{s}").format(
                    f=detail["period_from"],
                    t=detail["period_to"],
                    m=detail["method_label"],
                    a=detail["area"],
                    s=detail["staff"],
                )
            )
        else:
            # the method opens the facts line: the title stays one line beside the card's buttons
            self.round_title.setText(self.tr("{d}　{c}").format(d=detail["date"], c=detail["committee"]))
            parts = [
                detail["method_label"],
                self.tr("排查范围：{a}").format(a=detail["area"]),
                self.tr("排查人员：{s}").format(s=detail["staff"]),
            ]
            if detail["officer"]:
                parts.append(self.tr("信息员：{o}").format(o=detail["officer"]))
            parts.append(self.tr("发现纠纷 {n} 件").format(n=detail["found"]))
            if not detail["editable"]:
                parts.append(self.tr("（其他单位登记，只能查看）"))
            self.round_text.setText("　".join(parts))
        self.round_text.setText(self.round_text.text() + self._changes_text(detail))
        if detail["voided"]:
            self.round_title.setText(self.round_title.text() + self.tr("　（已作废）"))
        live = self.can_edit and detail["editable"] and not detail["voided"]
        self.add_button.setEnabled(live and not detail["zero_report"])
        self.correct_button.setEnabled(live)
        self.void_button.setEnabled(live)
        danger = QColor(theme.DANGER)
        self.disputes.setRowCount(len(detail["disputes"]))
        for i, d in enumerate(detail["disputes"]):
            where = d["case_no"] or d["referred_to"] or ""
            cells = (
                d["type"],
                f"{d['applicant']}与{d['respondent']}",
                d["risk_label"],
                d["status_label"],
                where,
                d["summary"],
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(str(text).replace("\n", " "))
                item.setData(Qt.ItemDataRole.UserRole, d["id"])
                if j == 2 and d["risk"] == "serious":
                    item.setForeground(danger)
                if j == 5:
                    item.setToolTip(d["summary"])
                self.disputes.setItem(i, j, item)
        open_rows = [i for i, d in enumerate(detail["disputes"]) if d["status"] == "open"]
        if detail["disputes"]:
            self.disputes.selectRow(open_rows[0] if open_rows else 0)
        self._dispute_selected()

    def _changes_text(self, detail: dict[str, Any]) -> str:
        """The voiding and the latest correction under the round's facts: who, when, why."""
        lines = []
        if detail["voided"]:
            lines.append(
                self.tr("已于 {on} 由 {by} 作废，理由：{why}").format(
                    on=detail["voided_on"], by=detail["voided_by"], why=detail["void_reason"]
                )
            )
        fixes = [c for c in detail["changes"] if c["kind"] == "correct"]
        if fixes:
            last = fixes[-1]
            lines.append(
                self.tr("更正 {n} 次，最近一次 {at} {by}：{what}。理由：{why}").format(
                    n=len(fixes),
                    at=last["at"].replace("T", " ")[:16],
                    by=last["by"],
                    what="；".join(f"{c['what']} {c['before']}→{c['after']}" for c in last["changes"]),
                    why=last["reason"],
                )
            )
        return "".join("\n" + line for line in lines)

    def current_dispute(self) -> dict[str, Any] | None:
        if self.detail is None:
            return None
        row = self.disputes.currentRow()
        rows = self.detail["disputes"]
        return rows[row] if 0 <= row < len(rows) and self.disputes.selectionModel().hasSelection() else None

    def _dispute_selected(self) -> None:
        d = self.current_dispute()
        editable = bool(self.detail and self.detail["editable"] and not self.detail["voided"]) and self.can_edit
        can_act = editable and d is not None and d["status"] == "open"
        self.to_case_button.setEnabled(can_act)
        self.close_button.setEnabled(can_act)
        self.fix_dispute_button.setEnabled(editable and d is not None)
        if d is None:
            hint = ""
        elif d["status"] == "case":
            hint = self.tr("已转为案件 {no}").format(no=d["case_no"] or "")
        elif d["status"] != "open":
            hint = self.tr("{s}（{on}）").format(s=d["status_label"], on=d["closed_on"] or "")
        else:
            hint = self.tr("待处置：转为案件，或当场化解、移交")
        self.dispute_hint.setText(hint)
        self.dispute_hint.setToolTip(hint)
        # its lines whole: the card gives them its height before the table's last row, never half a line
        self.dispute_hint.setMinimumHeight(self.dispute_hint.heightForWidth(self.dispute_hint.width()) if hint else 0)

    # -- actions ------------------------------------------------------------------------------------

    def new_round(self) -> RoundDialog | None:
        if not self.can_edit:
            return None
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        if not choices["committees"]:
            messages.error(self, self.tr("本单位还没有调委会，请先在“系统设置 → 本节点”中新建调委会。"))
            return None
        dialog = RoundDialog(self.ctx, self.actor, choices, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._saved(dialog.saved_uuid))
        self.dialog = dialog
        dialog.show()
        return dialog

    def zero_report(self) -> ZeroReportDialog | None:
        if not self.can_edit:
            return None
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        dialog = ZeroReportDialog(self.ctx, self.actor, choices["committees"], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_dispute(self) -> DisputeDialog | None:
        if self.detail is None:
            return None
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        dialog = DisputeDialog(self.ctx, self.actor, self.detail["id"], choices["dispute_types"], self)
        return self._open(dialog, self.detail["id"])

    def to_case(self) -> None:
        d = self.current_dispute()
        if d is None or d["status"] != "open" or not self.to_case_button.isEnabled():
            return
        question = self.tr(
            "把“{a}与{b}”的纠纷转为案件？\n\n由{c}以“调委会主动调解”受理，受理日期为今天，当事人和简要情况带入案件。"
        ).format(a=d["applicant"], b=d["respondent"], c=self.detail["committee"] if self.detail else "")
        if not messages.confirm(self, question, self.tr("转为案件")):
            return
        round_uuid = self.detail["id"] if self.detail else ""
        ops.write(
            self.ctx,
            self.actor,
            screening.make_case,
            d["id"],
            label=self.tr("正在受理案件…"),
            parent=self,
            on_ok=lambda ref: self._case_made(round_uuid, ref),
            on_error=lambda message: messages.error(self, message),
        )

    def _case_made(self, round_uuid: str, ref: Any) -> None:
        self._saved(round_uuid)
        self.case_made.emit(ref.uuid, ref.case_no)

    def close_dispute(self) -> CloseDialog | None:
        d = self.current_dispute()
        if d is None or not self.close_button.isEnabled():
            return None
        dialog = CloseDialog(self.ctx, self.actor, d["id"], self)
        return self._open(dialog, self.detail["id"] if self.detail else "")

    def correct_round(self) -> CorrectRoundDialog | None:
        if self.detail is None or not self.correct_button.isEnabled():
            return None
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        dialog = CorrectRoundDialog(self.ctx, self.actor, self.detail, choices, self)
        return self._open(dialog, self.detail["id"])

    def correct_dispute(self) -> CorrectDisputeDialog | None:
        d = self.current_dispute()
        if d is None or self.detail is None or not self.fix_dispute_button.isEnabled():
            return None
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        dialog = CorrectDisputeDialog(self.ctx, self.actor, self.detail["id"], d, choices["dispute_types"], self)
        return self._open(dialog, self.detail["id"])

    def void_round(self) -> VoidRoundDialog | None:
        if self.detail is None or not self.void_button.isEnabled():
            return None
        return self._open(VoidRoundDialog(self.ctx, self.actor, self.detail, self), "")

    def _open(self, dialog: Any, round_uuid: str) -> Any:
        """A dialog of the selected round opened; once saved the list and that round are shown again."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda _r: self._saved(round_uuid))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, uuid: str) -> None:
        self.refresh()
        if uuid:
            self.select(uuid)
            if self.current_uuid() == uuid:
                self.show_summary(uuid)


class LedgerView(QWidget):
    """重点矛盾纠纷台账: the watched disputes, the next check soonest first; 检查登记 on the selected."""

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.rows: list[dict[str, Any]] = []
        self.dialog: CheckDialog | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        self.count = label("", "subtitle")
        self.count.setObjectName("ledgerCount")
        head.addWidget(self.count, 1)
        self.check_button = QPushButton(theme.icon("mdi6.clipboard-check-outline"), self.tr("检查登记…"))
        self.check_button.setObjectName("checkDispute")
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self.check)
        head.addWidget(self.check_button)
        box.addLayout(head)
        self.table = readonly_table(
            [
                self.tr("下次检查"),
                self.tr("当事人"),
                self.tr("风险"),
                self.tr("责任人"),
                self.tr("去向"),
                self.tr("调委会"),
                self.tr("发现日期"),
                self.tr("稳控措施"),
            ],
            "ledgerTable",
        )
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.check())
        box.addWidget(self.table, 1)
        self.follower = ops.ListRefresher(self, ENTITIES, self.refresh)
        self._loaded = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self, select: str = "") -> None:
        selected = select or self.current_uuid()
        self.rows = ops.read(self.ctx, self.actor, screening_queries.ledger, clock.local_today())
        due = sum(1 for r in self.rows if r["check_due"])
        self.count.setText(self.tr("重点矛盾纠纷 {n} 件，其中近期应检查 {d} 件").format(n=len(self.rows), d=due))
        danger = QColor(theme.DANGER)
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            cells = (
                (r["next_check_on"] or "—") + (self.tr("（已过期）") if r["overdue"] else ""),
                f"{r['applicant']}与{r['respondent']}",
                r["risk_label"],
                r["responsible"],
                r["status_label"] + (f" {r['case_no']}" if r["case_no"] else ""),
                r["committee"],
                r["found_on"],
                r["measures"].replace("\n", "；"),
            )
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                if j == 0 and r["check_due"]:
                    item.setForeground(danger)
                if j == 7:
                    item.setToolTip(r["measures"])
                self.table.setItem(i, j, item)
        self.select(selected)

    def select(self, uuid: str | None) -> None:
        for i, r in enumerate(self.rows):
            if r["id"] == uuid:
                self.table.selectRow(i)
                return
        self._selected()

    def current_uuid(self) -> str:
        row = self.table.currentRow()
        return self.rows[row]["id"] if 0 <= row < len(self.rows) and self.table.selectionModel().hasSelection() else ""

    def _selected(self) -> None:
        self.check_button.setEnabled(bool(self.current_uuid()) and self.actor.can(Perm.EDIT_CASES))

    def check(self) -> CheckDialog | None:
        uuid = self.current_uuid()
        if not uuid or not self.check_button.isEnabled():
            return None
        dialog = CheckDialog(self.ctx, self.actor, uuid, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda u: self.refresh(u))
        self.dialog = dialog
        dialog.open()
        return dialog


class OfficersView(QWidget):
    """信息员: grid workers and building heads of this node's committees, with their reports."""

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.dialog: OfficerDialog | None = None
        self.state_dialog: OfficerStateDialog | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 8, 12, 8)
        head = QHBoxLayout()
        self.count = label("", "subtitle")
        head.addWidget(self.count, 1)
        self.add_button = QPushButton(theme.icon("mdi6.account-plus-outline"), self.tr("登记信息员…"))
        self.add_button.setObjectName("addOfficer")
        self.add_button.setEnabled(actor.can(Perm.EDIT_CASES))
        self.add_button.clicked.connect(self.add)
        head.addWidget(self.add_button)
        self.state_button = QPushButton(theme.icon("mdi6.account-off-outline"), self.tr("停用…"))
        self.state_button.setObjectName("officerState")
        self.state_button.setEnabled(False)
        self.state_button.clicked.connect(self.change_state)
        head.addWidget(self.state_button)
        box.addLayout(head)
        self.rows: list[dict[str, Any]] = []
        self.table = readonly_table(
            [
                self.tr("姓名"),
                self.tr("类别"),
                self.tr("状态"),
                self.tr("调委会"),
                self.tr("负责区域"),
                self.tr("联系电话"),
                self.tr("报告次数"),
            ],
            "officerTable",
        )
        # the committee's long name gives way at a large text size (its tooltip has it whole)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        box.addWidget(self.table, 1)
        self.follower = ops.ListRefresher(self, ENTITIES, self.refresh)
        self._loaded = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.refresh()

    def refresh(self) -> None:
        selected = self.current()
        rows = self.rows = ops.read(self.ctx, self.actor, screening_queries.officers)
        active = sum(1 for o in rows if o["active"])
        self.count.setText(self.tr("信息员 {n} 人，其中在用 {a} 人").format(n=len(rows), a=active))
        muted = QColor(theme.MUTED)
        self.table.setRowCount(len(rows))
        for i, o in enumerate(rows):
            state = self.tr("在用") if o["active"] else self.tr("停用（{on}）").format(on=o["deactivated_on"] or "")
            why = (
                ""
                if o["active"]
                else self.tr("自 {on} 停用：{why}").format(on=o["deactivated_on"] or "", why=o["deactivation_reason"])
            )
            cells = (o["name"], o["kind_label"], state, o["committee"], o["area"], o["phone"], str(o["reports"]))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not o["active"]:
                    item.setForeground(muted)
                    item.setToolTip(why)
                elif j == 3:
                    item.setToolTip(text)
                self.table.setItem(i, j, item)
        for i, o in enumerate(rows):
            if selected and o["id"] == selected["id"]:
                self.table.selectRow(i)
        self._selected()

    def current(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        has = self.table.selectionModel().hasSelection()
        return self.rows[row] if has and 0 <= row < len(self.rows) else None

    def _selected(self) -> None:
        o = self.current()
        self.state_button.setText(self.tr("恢复…") if o is not None and not o["active"] else self.tr("停用…"))
        self.state_button.setEnabled(o is not None and self.actor.can(Perm.EDIT_CASES))

    def change_state(self) -> OfficerStateDialog | None:
        o = self.current()
        if o is None or not self.state_button.isEnabled():
            return None
        dialog = OfficerStateDialog(self.ctx, self.actor, o, deactivate=o["active"], parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda _u: self.refresh())
        self.state_dialog = dialog
        dialog.open()
        return dialog

    def add(self) -> OfficerDialog:
        choices = ops.read(self.ctx, self.actor, screening_queries.form_choices)
        dialog = OfficerDialog(self.ctx, self.actor, choices["committees"], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda _u: self.refresh())
        self.dialog = dialog
        dialog.open()
        return dialog


class ScreeningPage(QWidget):
    """The area: 排查记录, 重点矛盾纠纷, 信息员 as tabs. ``open_case`` asks the main window to show a
    case just made from a found dispute."""

    open_case = Signal(str)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("screeningTabs")
        self.rounds = RoundsView(ctx, actor, self)
        self.ledger = LedgerView(ctx, actor, self)
        self.officers = OfficersView(ctx, actor, self)
        self.tabs.addTab(self.rounds, theme.icon("mdi6.table-search"), self.tr("排查记录"))
        self.tabs.addTab(self.ledger, theme.icon("mdi6.alert-decagram-outline"), self.tr("重点矛盾纠纷"))
        self.tabs.addTab(self.officers, theme.icon("mdi6.account-group-outline"), self.tr("信息员"))
        box.addWidget(self.tabs)
        self.rounds.case_made.connect(self._case_made)

    def _case_made(self, uuid: str, case_no: str) -> None:
        if messages.confirm(
            self, self.tr("已转为案件 {no}。现在打开该案件吗？").format(no=case_no), self.tr("转为案件")
        ):
            self.open_case.emit(uuid)

    def open_dispute(self, dispute_uuid: str) -> None:
        """A 待办 of the home page: the dispute's row in the 重点矛盾纠纷 ledger."""
        self.tabs.setCurrentWidget(self.ledger)
        self.ledger.refresh(dispute_uuid)


def screening_page(ctx: AppContext, actor: Actor) -> QWidget:
    """The area's page for the main window: the register for a role that may see cases, otherwise
    a line saying who keeps it."""
    if actor.can(Perm.VIEW_CASES):
        return ScreeningPage(ctx, actor)
    page = QWidget()
    box = QVBoxLayout(page)
    text = QCoreApplication.translate("ScreeningPage", "矛盾纠纷排查由调解员和所长登记，本账户的角色不办理排查。")
    note = label(text, "muted", wrap=True)
    note.setObjectName("areaSummary")
    box.addWidget(note)
    box.addStretch(1)
    return page


__all__ = ["LedgerView", "OfficersView", "RoundsView", "ScreeningPage", "screening_page"]
