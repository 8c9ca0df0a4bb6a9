"""回访与司法确认: visits after the agreement (人民调解回访记录) and the court's confirmation of a
written agreement (人民调解法第33条: within 30 days of its taking effect)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from xihu_desk.domain import clock
from xihu_desk.gui import theme
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.kit import code_of, date_of, fill_combo, set_code, set_date, setup_date
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.cases.tab import CaseTab
from xihu_desk.gui.widgets import label
from xihu_desk.services import cases
from xihu_desk.services.cases import CONFIRMATION_RESULTS, PERFORMANCE, SATISFACTION, ConfirmationInput, FollowUpInput
from xihu_desk.services.case_queries import CaseForEdit


class FollowUpTab(CaseTab):
    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("保存司法确认")
        self.detail: dict[str, Any] | None = None

        visits = QGroupBox(self.tr("回访记录"))
        visits_box = QVBoxLayout(visits)
        self.visit_note = label("", wrap=True)
        self.visit_note.setObjectName("followupNote")
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("followupTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("回访日期"),
                self.tr("被回访人"),
                self.tr("回访人"),
                self.tr("履行情况"),
                self.tr("满意程度"),
                self.tr("隐患与措施"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(theme.icon("mdi6.phone-plus-outline"), self.tr("新增回访记录…"))
        self.add_button.setObjectName("addFollowup")
        self.add_button.clicked.connect(self.new_followup)
        row = QHBoxLayout()
        row.addWidget(self.visit_note, 1)
        row.addWidget(self.add_button)
        visits_box.addLayout(row)
        visits_box.addWidget(self.table, 1)

        confirm = QGroupBox(self.tr("司法确认"))
        confirm_box = QVBoxLayout(confirm)
        self.confirm_note = label("", wrap=True)
        self.confirm_note.setObjectName("confirmationNote")
        confirm_box.addWidget(self.confirm_note)
        form = form_layout()
        self.applied_on = QDateEdit()
        self.applied_on.setObjectName("appliedOn")
        setup_date(self.applied_on)
        self.court = QLineEdit()
        self.court.setObjectName("court")
        self.court.setMaxLength(80)
        self.court.setPlaceholderText(self.tr("如：杭州市西湖区人民法院"))
        self.result = QComboBox()
        self.result.setObjectName("confirmationResult")
        fill_combo(self.result, CONFIRMATION_RESULTS)
        self.decided_on = QDateEdit()
        self.decided_on.setObjectName("decidedOn")
        setup_date(self.decided_on)
        self.court_case_no = QLineEdit()
        self.court_case_no.setObjectName("courtCaseNo")
        self.court_case_no.setMaxLength(60)
        self.court_case_no.setPlaceholderText(self.tr("如：（2026）浙0106民特123号"))
        show = lambda: self.dialog.show_tab(self)  # noqa: E731
        add_field(form, self.errors, "applied_on", self.tr("申请日期"), self.applied_on, True, show)
        add_field(form, self.errors, "court", self.tr("受理法院"), self.court, True, show)
        add_field(form, self.errors, "result", self.tr("确认结果"), self.result, True, show)
        add_field(form, self.errors, "decided_on", self.tr("裁定日期"), self.decided_on, False, show)
        add_field(form, self.errors, "court_case_no", self.tr("法院案号"), self.court_case_no, False, show)
        confirm_box.addLayout(form)
        confirm_box.addStretch(1)
        self.result.currentIndexChanged.connect(self._result_changed)

        box = QHBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addWidget(visits, 3)
        box.addWidget(confirm, 2)
        self.confirm_group = confirm
        self.watch_inputs([self.applied_on, self.court, self.result, self.decided_on, self.court_case_no])
        self.sub: FollowUpDialog | None = None

    # -- filling ------------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.detail = detail
        if detail is None:
            return
        succeeded = detail["outcome"] == "succeeded"
        may = self.can_edit_case(detail, after_closing=True)
        self._fill_visits(detail, succeeded, may)
        agreement = detail["agreement"]
        written = bool(agreement and agreement["form"] == "written")
        self.editable = may and written
        if not (keep_typing and self.dirty):
            with self.loading():
                c = detail["confirmation"]
                set_date(
                    self.applied_on,
                    c["applied_on"] if c else (agreement["effective_on"] if written else clock.local_today()),
                )
                self.court.setText(c["court"] if c else "")
                set_code(self.result, c["result"] if c else "pending")
                set_date(self.decided_on, c["decided_on"] if c and c["decided_on"] else clock.local_today())
                self.court_case_no.setText(c["court_case_no"] if c else "")
            self.errors.clear()
        if written:
            deadline = agreement["confirmation_deadline"]
            text = self.tr("书面协议于 {on} 生效。双方当事人可在 {d} 前共同向人民法院申请司法确认（可选）。").format(
                on=agreement["effective_on"], d=deadline
            )
            if detail["confirmation"]:
                text = (
                    self.tr("已登记：{court}，{result}。").format(
                        court=detail["confirmation"]["court"], result=detail["confirmation"]["result_label"]
                    )
                    + "\n"
                    + text
                )
        else:
            text = self.tr("司法确认针对书面调解协议；本案没有书面协议。")
        self.confirm_note.setText(text)
        for w in (self.applied_on, self.court, self.court_case_no, self.decided_on):
            w.setReadOnly(not self.editable)
        self.result.setEnabled(self.editable)
        self._result_changed()

    def _fill_visits(self, d: dict[str, Any], succeeded: bool, may: bool) -> None:
        rows = d["followups"]
        self.table.setRowCount(len(rows))
        for row, f in enumerate(rows):
            extra = "；".join(x for x in (f["risks"], f["measures"], f["court_result"]) if x)
            for column, text in enumerate(
                (f["visited_on"], f["party_name"], f["visitor"], f["performance_label"], f["satisfaction_label"], extra)
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if not succeeded:
            note = self.tr("只有调解成功的案件需要回访。")
        elif d["followup_due"]:
            overdue = date.fromisoformat(d["followup_due"]) < clock.local_today()
            note = self.tr("下次回访：{d}{late}").format(
                d=d["followup_due"], late=self.tr("（已过期）") if overdue else ""
            )
        elif d["performed"] == "full":
            note = self.tr("协议已全部履行，无需再回访。")
        else:
            note = self.tr("共回访 {n} 次。").format(n=len(rows))
        self.visit_note.setText(note)
        self.add_button.setEnabled(may and succeeded)

    def _result_changed(self) -> None:
        self.decided_on.setEnabled(code_of(self.result) != "pending")

    # -- actions ------------------------------------------------------------------------------------

    def new_followup(self) -> FollowUpDialog:
        self.sub = FollowUpDialog(self)
        self.sub.open()
        return self.sub

    def save(self) -> None:
        uuid, actor = self.dialog.case_uuid, self.actor
        if uuid is None:  # the tab is there only for a case already saved
            raise RuntimeError("a confirmation for a case not yet saved")
        result, applied_on = code_of(self.result), date_of(self.applied_on)
        missing = self.tr("请填写申请司法确认的日期。")
        court, decided_on = self.court.text(), date_of(self.decided_on) if result != "pending" else None
        court_case_no = self.court_case_no.text()

        def work(s: Any) -> Any:
            c = ConfirmationInput(
                applied_on=required_date(applied_on, "applied_on", missing),
                court=court,
                result=result,
                decided_on=decided_on,
                court_case_no=court_case_no,
            )
            return cases.record_confirmation(s, actor, uuid, c)

        self.dialog.run(self, work, self.tr("已保存司法确认情况。"))


class FollowUpDialog(CaseSubDialog):
    """人民调解回访记录 (domain.md §2.10)."""

    def __init__(self, tab: FollowUpTab) -> None:
        super().__init__(tab.ctx, tab.tr("新增回访记录"), tab.dialog, "cases/followup_dialog")
        self.tab = tab
        d = tab.detail or {}
        form = form_layout()
        self.visited_on = QDateEdit()
        self.visited_on.setObjectName("visitedOn")
        setup_date(self.visited_on)
        set_date(self.visited_on, clock.local_today())
        self.party = QComboBox()
        self.party.setObjectName("partyName")
        self.party.setEditable(True)
        self.party.addItems([p["name"] for p in d.get("parties", [])])
        self.visitor = QLineEdit(tab.actor.display_name or tab.actor.name)
        self.visitor.setObjectName("visitor")
        self.visitor.setMaxLength(40)
        self.performance = QComboBox()
        self.performance.setObjectName("performance")
        fill_combo(self.performance, PERFORMANCE, self.tr("（请选择）"))
        self.satisfaction = QComboBox()
        self.satisfaction.setObjectName("satisfaction")
        fill_combo(self.satisfaction, SATISFACTION)
        self.court_result = QLineEdit()
        self.court_result.setObjectName("courtResult")
        self.court_result.setMaxLength(120)
        self.court_result.setPlaceholderText(self.tr("因履行协议诉至法院的，法院的处理结果"))
        self.risks = QPlainTextEdit()
        self.risks.setObjectName("risks")
        self.risks.setTabChangesFocus(True)
        self.risks.setPlaceholderText(self.tr("有无反悔、矛盾激化或其他隐患"))
        self.risks.setFixedHeight(70)
        self.measures = QPlainTextEdit()
        self.measures.setObjectName("measures")
        self.measures.setTabChangesFocus(True)
        self.measures.setFixedHeight(70)
        add_field(form, self.errors, "visited_on", self.tr("回访日期"), self.visited_on, True)
        add_field(form, self.errors, "party_name", self.tr("被回访当事人"), self.party, True)
        add_field(form, self.errors, "visitor", self.tr("回访人"), self.visitor, True)
        add_field(form, self.errors, "performance", self.tr("协议履行情况"), self.performance, True)
        add_field(form, self.errors, "satisfaction", self.tr("满意程度"), self.satisfaction)
        add_field(form, self.errors, "court_result", self.tr("法院处理结果"), self.court_result)
        add_field(form, self.errors, "risks", self.tr("隐患与风险"), self.risks)
        add_field(form, self.errors, "measures", self.tr("采取的措施"), self.measures)
        self.body.addLayout(form)
        self.finish_layout(self.tr("带 * 的为必填项"))
        self.setMinimumWidth(520)

    def save(self) -> None:
        visited_on, missing = date_of(self.visited_on), self.tr("请填写回访日期。")
        rest = dict(
            party_name=self.party.currentText(),
            visitor=self.visitor.text(),
            performance=code_of(self.performance),
            satisfaction=code_of(self.satisfaction),
            court_result=self.court_result.text(),
            risks=self.risks.toPlainText(),
            measures=self.measures.toPlainText(),
        )
        uuid, actor = self.tab.dialog.case_uuid, self.tab.actor
        if uuid is None:  # follow-ups are added only to a case already saved
            raise RuntimeError("a follow-up for a case not yet saved")

        def work(s: Any) -> Any:
            f = FollowUpInput(visited_on=required_date(visited_on, "visited_on", missing), **rest)
            return cases.add_followup(s, actor, uuid, f)

        self.run(work, lambda _r: self.tab.dialog.after_save((), self.tr("已保存回访记录。")))
