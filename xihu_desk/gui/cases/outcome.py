"""调解结果: the written agreement (人民调解协议书) or the oral-agreement register, or why mediation
failed or ended (forms/case_outcome.ui). Registering the result closes the case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import cases as rules
from xihu_desk.domain.cases import AgreementForm, Outcome
from xihu_desk.gui import messages
from xihu_desk.gui.kit import (
    MoneyError,
    date_of,
    fen_from_text,
    input_widgets,
    set_date,
    set_editable,
    setup_date,
    setup_money,
    show_row,
    text_from_fen,
)
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.cases.routes_box import RoutesBox
from xihu_desk.gui.cases.tab import OPEN, CaseTab
from xihu_desk.gui.forms import child, load_form
from xihu_desk.gui.widgets import label
from xihu_desk.services import agreement_drafts, cases
from xihu_desk.services.cases import AgreementInput
from xihu_desk.services.case_queries import CaseForEdit

WRITTEN, ORAL, FAILED, TERMINATED = "written", "oral", "failed", "terminated"


class OutcomeTab(CaseTab):
    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("登记调解结果")
        self.detail: dict[str, Any] | None = None
        self.form = load_form("case_outcome", self)
        f = self.form
        self.radios = {key: child(f, QRadioButton, key) for key in (WRITTEN, ORAL, FAILED, TERMINATED)}
        self.stack = child(f, QStackedWidget, "outcomeStack")
        self.effective_on = child(f, QDateEdit, "effectiveOn")
        self.facts = child(f, QPlainTextEdit, "facts")
        self.disputed = child(f, QPlainTextEdit, "disputed")
        self.responsibility = child(f, QPlainTextEdit, "responsibility")
        self.registrar = child(f, QLineEdit, "registrar")
        self.clauses = child(f, QTableWidget, "clauseList")
        self.add_clause = child(f, QPushButton, "addClause")
        self.remove_clause = child(f, QPushButton, "removeClause")
        self.clause_up = child(f, QPushButton, "clauseUp")
        self.clause_down = child(f, QPushButton, "clauseDown")
        self.performance_method = child(f, QLineEdit, "performanceMethod")
        self.performance_place = child(f, QLineEdit, "performancePlace")
        self.performance_deadline = child(f, QDateEdit, "performanceDeadline")
        self.on_the_spot = child(f, QCheckBox, "performedOnTheSpot")
        self.amount = child(f, QLineEdit, "amount")
        self.copies_label = child(f, QLabel, "copiesLabel")
        self.confirmation_label = child(f, QLabel, "confirmationLabel")
        self.outcome_on = child(f, QDateEdit, "outcomeOn")
        self.failure_reason = child(f, QPlainTextEdit, "failureReason")
        self.routes_told = child(f, QCheckBox, "routesTold")
        self.facts_label = child(f, QLabel, "factsLabel")
        for edit in (self.effective_on, self.performance_deadline, self.outcome_on):
            setup_date(edit)
        setup_money(self.amount)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.clauses.setColumnCount(1)
        self.clauses.horizontalHeader().hide()
        self.clauses.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.clauses.setWordWrap(True)
        self.clauses.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.clauses.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_clause.clicked.connect(self.new_clause)
        self.remove_clause.clicked.connect(self._remove_clause)
        self.clause_up.clicked.connect(lambda: self._move_clause(-1))
        self.clause_down.clicked.connect(lambda: self._move_clause(1))

        self.banner = label("", wrap=True)
        self.banner.setObjectName("outcomeBanner")
        self.choose_hint = label(
            self.tr(
                "请先选择调解结果。调解成功时登记书面协议或口头协议；未达成协议时登记原因，并告知当事人其他解决途径。"
            ),
            "muted",
            wrap=True,
        )
        # 草稿 at the signing table: the typed agreement kept (services/agreement_drafts.py) until it is
        # registered after signing; 打印草稿 saves it first (gui/documents.py print_menu).
        self.draft_label = label("", "muted", wrap=True)
        self.draft_label.setObjectName("draftLabel")
        self.save_draft_button = QPushButton(self.tr("保存草稿"))
        self.save_draft_button.setObjectName("saveDraftButton")
        self.save_draft_button.setToolTip(
            self.tr("保存正在填写的协议（草稿，尚未登记），关闭后再打开仍在；当事人签字后再登记调解协议")
        )
        self.save_draft_button.clicked.connect(lambda: self.save_draft())
        draft_bar = QHBoxLayout()
        draft_bar.addWidget(self.draft_label, 1)
        draft_bar.addWidget(self.save_draft_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addWidget(self.banner)
        box.addLayout(draft_bar)
        box.addWidget(self.form)
        box.addWidget(self.choose_hint)
        self.routes_box = RoutesBox(self)  # after a failed or ended mediation: routes told, referral
        box.addWidget(self.routes_box)
        box.addStretch(1)

        for field, name in (
            ("effective_on", "effectiveOn"),
            ("facts", "facts"),
            ("registrar", "registrar"),
            ("performance_method", "performanceMethod"),
            ("performance_place", "performancePlace"),
            ("performance_deadline", "performanceDeadline"),
            ("amount_fen", "amount"),
            ("outcome_on", "outcomeOn"),
            ("failure_reason", "failureReason"),
        ):
            error_name = "amountError" if field == "amount_fen" else name + "Error"
            widget = child(f, QWidget, name)
            self.errors.add(field, widget, child(f, QLabel, error_name), lambda: self.dialog.show_tab(self))
        self.errors.add("clauses", self.clauses, child(f, QLabel, "clausesError"), lambda: self.dialog.show_tab(self))
        self.errors.add(
            "routes_told", self.routes_told, child(f, QLabel, "routesToldError"), lambda: self.dialog.show_tab(self)
        )
        self.errors.add("form", self.radios[WRITTEN], self.banner, lambda: self.dialog.show_tab(self))
        for radio in self.radios.values():
            radio.toggled.connect(self._result_changed)
        self.on_the_spot.toggled.connect(self._spot_changed)
        self.effective_on.dateChanged.connect(self._update_info)
        self.watch_inputs(input_widgets(self.form))
        self.clauses.itemChanged.connect(self.watch.mark)
        # a clause typed longer than the column wraps in its row (never cut to one line)
        self.clauses.itemChanged.connect(lambda item: self.clauses.resizeRowToContents(item.row()))
        self._result_changed()

    # -- filling ------------------------------------------------------------------------------------

    def chosen(self) -> str:
        return next((key for key, radio in self.radios.items() if radio.isChecked()), "")

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.detail = detail
        if detail is None:
            return
        recorded = detail["outcome"] is not None
        self.editable = not recorded and self.can_edit_case(detail)
        if not (keep_typing and self.dirty):
            with self.loading():
                self._fill(detail, edit)
            self.errors.clear()
        set_editable(
            self.form,
            self.editable,
            views=(self.clauses,),
            buttons=(self.add_clause, self.remove_clause, self.clause_up, self.clause_down),
        )
        self._spot_changed()
        self._update_info()
        if recorded:
            form = f"（{AgreementForm(detail['agreement_form']).label}）" if detail["agreement_form"] else ""
            self.banner.setText(
                self.tr("调解结果已登记：{outcome}{form}，{on}。案件已结案，调解结果不能再修改。").format(
                    outcome=detail["outcome_label"], form=form, on=detail["outcome_on"]
                )
            )
            self.banner.setProperty("state", "ok")
        elif not any(r["kind"] == "mediation" for r in detail["records"]):
            self.banner.setText(self.tr("尚无调解记录：调解成功须先在“调解过程”中登记权利义务告知和调解记录。"))
            self.banner.setProperty("state", "hint")
        else:
            self.banner.setText("")
            self.banner.setProperty("state", "")
        self.banner.setVisible(bool(self.banner.text()))
        self.banner.style().polish(self.banner)
        # a draft waits for signatures only while the case is being mediated (not once voided)
        stored = detail.get("agreement_draft") if not recorded and detail["status"] in OPEN else None
        self.draft_label.setText(
            self.tr("草稿（尚未登记）：{by} 于 {at} 保存。当事人签字后，再点“登记调解协议”。").format(
                by=stored["saved_by"], at=stored["saved_at"]
            )
            if stored
            else ""
        )
        self.draft_label.setVisible(stored is not None)
        self._update_draft_button()
        self.routes_box.load(
            detail, recorded and detail["status"] == "closed" and self.can_edit_case(detail, after_closing=True)
        )

    def _fill(self, d: dict[str, Any], edit: CaseForEdit | None) -> None:
        for radio in self.radios.values():
            radio.setAutoExclusive(False)
            radio.setChecked(False)
            radio.setAutoExclusive(True)
        a = d["agreement"]
        if d["outcome"] is None and d.get("agreement_draft"):
            a = d["agreement_draft"]  # typed at the signing table and saved, not yet registered
        today = max(clock.local_today(), date.fromisoformat(d["accepted_on"]))
        self.clauses.setRowCount(0)
        if a is not None and (d["outcome"] is None or d["outcome"] == Outcome.SUCCEEDED):
            self.radios[a["form"]].setChecked(True)
            set_date(self.effective_on, a["effective_on"] or today.isoformat())
            self.facts.setPlainText(a["facts"])
            self.disputed.setPlainText(a["disputed"])
            self.responsibility.setPlainText(a["responsibility"])
            self.registrar.setText(a["registrar"])
            for text in a["clauses"]:
                self._append_clause(text)
            self.performance_method.setText(a["performance_method"])
            self.performance_place.setText(a["performance_place"])
            set_date(self.performance_deadline, a["performance_deadline"] or a["effective_on"] or today.isoformat())
            self.on_the_spot.setChecked(a["performed_on_the_spot"])
            fen = edit.agreement_amount_fen if edit and d["outcome"] else round(a["amount"] * 100)
            self.amount.setText(text_from_fen(fen) if fen or d["outcome"] else "")
        else:
            set_date(self.effective_on, today)
            set_date(self.performance_deadline, today)
            self.facts.setPlainText(d["summary"])
            self.disputed.setPlainText("")
            self.responsibility.setPlainText("")
            self.registrar.setText(self.actor.display_name or self.actor.name)
            for w in (self.performance_method, self.performance_place):
                w.setText("")
            self.on_the_spot.setChecked(False)
            self.amount.setText("")
        if d["outcome"] in (Outcome.FAILED, Outcome.TERMINATED):
            self.radios[d["outcome"]].setChecked(True)
            set_date(self.outcome_on, d["outcome_on"])
            self.failure_reason.setPlainText(d["failure_reason"])
            self.routes_told.setChecked(d["routes_told"])
        else:
            set_date(self.outcome_on, today)
            self.failure_reason.setPlainText("")
            self.routes_told.setChecked(False)
        self._result_changed()

    # -- behaviour ----------------------------------------------------------------------------------

    def _result_changed(self) -> None:
        chosen = self.chosen()
        self.stack.setVisible(bool(chosen))
        self.choose_hint.setVisible(not chosen)
        if chosen in (WRITTEN, ORAL):
            self.stack.setCurrentIndex(0)
            written = chosen == WRITTEN
            for name in ("disputed", "responsibility"):
                show_row(self.form, name, written)
            show_row(self.form, "registrar", not written)
            self.facts_label.setText(self.tr("纠纷主要事实：*") if written else self.tr("纠纷简要情况："))
            self.save_text = self.tr("登记调解协议")
        elif chosen:
            self.stack.setCurrentIndex(1)
            self.save_text = self.tr("登记调解结果")
        self._update_info()
        self._update_draft_button()
        self.dialog.update_buttons()

    def _update_draft_button(self) -> None:
        self.save_draft_button.setVisible(self.editable and self.chosen() in (WRITTEN, ORAL))

    def _spot_changed(self) -> None:
        self.performance_deadline.setEnabled(self.editable and not self.on_the_spot.isChecked())

    def _update_info(self) -> None:
        n = len(self.detail["parties"]) if self.detail else 2
        self.copies_label.setText(
            self.tr("协议份数：{n} 份（当事人各执一份，调委会留存一份）").format(n=rules.copies(n))
        )
        effective = date_of(self.effective_on)
        written = self.chosen() == WRITTEN
        self.confirmation_label.setVisible(written)
        self.copies_label.setVisible(written)
        if written and effective:
            deadline = rules.confirmation_deadline(effective)
            self.confirmation_label.setText(
                self.tr("司法确认：双方当事人可自协议生效之日起 30 日内，即 {d} 前，共同向人民法院申请。").format(
                    d=deadline.isoformat()
                )
            )

    def _clause(self, row: int) -> QTableWidgetItem:
        """A clause's cell (_append_clause fills every row)."""
        item = self.clauses.item(row, 0)
        if item is None:
            raise LookupError(f"clause row {row} is empty")
        return item

    def _append_clause(self, text: str) -> int:
        row = self.clauses.rowCount()
        self.clauses.insertRow(row)
        self.clauses.setItem(row, 0, QTableWidgetItem(text))
        self.clauses.resizeRowToContents(row)
        return row

    def new_clause(self) -> None:
        row = self._append_clause("")
        self.clauses.setCurrentCell(row, 0)
        self.clauses.editItem(self._clause(row))
        self.watch.mark()

    def _remove_clause(self) -> None:
        row = self.clauses.currentRow()
        if row >= 0:
            self.clauses.removeRow(row)
            self.watch.mark()

    def _move_clause(self, step: int) -> None:
        row = self.clauses.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.clauses.rowCount():
            return
        here, there = self._clause(row), self._clause(target)
        mine, theirs = here.text(), there.text()
        here.setText(theirs)
        there.setText(mine)
        self.clauses.setCurrentCell(target, 0)

    def clause_texts(self) -> tuple[str, ...]:
        self._commit_clause_editor()
        items = (self.clauses.item(r, 0) for r in range(self.clauses.rowCount()))
        return tuple(item.text() for item in items if item is not None)

    def _commit_clause_editor(self) -> None:
        """Ctrl+S while a clause is still being typed: take what is in the editor. (Enter commits
        through a queued call, so an editor may still be open a moment after it.)"""
        if self.clauses.state() != QAbstractItemView.State.EditingState:
            return
        for editor in self.clauses.viewport().findChildren(QLineEdit):
            if editor.isVisible():
                self.clauses.commitData(editor)
                self.clauses.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    # -- 打印草稿 at the signing table (gui/documents.py) -----------------------------------------------

    def draft_agreement(self) -> AgreementInput | None:
        """The agreement as typed now, for a draft printed before it is registered; None when no
        agreement is being typed here (none chosen, or the result is already registered)."""
        chosen = self.chosen()
        if self.detail is None or self.detail["outcome"] is not None or chosen not in (WRITTEN, ORAL):
            return None
        try:
            amount = fen_from_text(self.amount.text())
        except MoneyError:
            amount = 0  # the draft leaves the amount out; registering will ask for a number
        spot, written = self.on_the_spot.isChecked(), chosen == WRITTEN
        return AgreementInput(
            form=chosen,
            effective_on=date_of(self.effective_on),
            clauses=self.clause_texts(),
            performance_method=self.performance_method.text(),
            performance_deadline=None if spot else date_of(self.performance_deadline),
            performance_place=self.performance_place.text(),
            facts=self.facts.toPlainText(),
            disputed=self.disputed.toPlainText() if written else "",
            responsibility=self.responsibility.toPlainText() if written else "",
            amount_fen=amount,
            performed_on_the_spot=spot,
            registrar="" if written else self.registrar.text(),
        )

    def save_draft(self, then: Callable[[AgreementInput], None] | None = None) -> None:
        """保存草稿: store the agreement as typed (not registered, the case stays 调解中); ``then``
        (打印草稿) gets what was saved once it is stored."""
        typed = self.draft_agreement()
        if typed is None:
            self.dialog.refused(self, "form", self.tr("请选择书面协议或口头协议，并填写协议条款。"))
            return
        uuid, actor = self.dialog.saved_uuid(), self.actor
        self.dialog.run(
            self,
            lambda s: agreement_drafts.save(s, actor, uuid, typed),
            self.tr("已保存协议草稿（尚未登记）。"),
            label=self.tr("正在保存草稿…"),
            then=None if then is None else lambda: then(typed),
        )

    # -- saving -------------------------------------------------------------------------------------

    def save(self) -> None:
        chosen = self.chosen()
        uuid, actor = self.dialog.saved_uuid(), self.actor
        if not chosen:
            self.dialog.refused(self, "form", self.tr("请选择调解结果。"))
            return
        if chosen in (WRITTEN, ORAL):
            try:
                amount = fen_from_text(self.amount.text())
            except MoneyError:
                self.dialog.refused(self, "amount_fen", self.tr("协议金额请填写数字（元），最多两位小数。"))
                return
            spot = self.on_the_spot.isChecked()
            written = chosen == WRITTEN
            agreement = AgreementInput(
                form=chosen,
                effective_on=date_of(self.effective_on),
                clauses=self.clause_texts(),
                performance_method=self.performance_method.text(),
                performance_deadline=None if spot else date_of(self.performance_deadline),
                performance_place=self.performance_place.text(),
                facts=self.facts.toPlainText(),
                disputed=self.disputed.toPlainText() if written else "",
                responsibility=self.responsibility.toPlainText() if written else "",
                amount_fen=amount,
                performed_on_the_spot=spot,
                registrar="" if written else self.registrar.text(),
            )
            question = self.tr("登记{form}后案件即结案，受理信息、当事人和调解记录不能再修改。确定登记吗？").format(
                form=AgreementForm(chosen).label
            )
            work = lambda s: cases.record_agreement(s, actor, uuid, agreement)  # noqa: E731
            done = self.tr("已登记{form}，案件结案。").format(form=AgreementForm(chosen).label)
        else:
            outcome = Outcome.FAILED if chosen == FAILED else Outcome.TERMINATED
            picked, reason, told = (
                date_of(self.outcome_on),
                self.failure_reason.toPlainText(),
                self.routes_told.isChecked(),
            )
            no_date = self.tr("请填写结束日期。")
            if not told:  # the screen can say this at once
                self.dialog.refused(
                    self, "routes_told", self.tr("须告知当事人可以通过仲裁、行政、司法等途径维护权利，并勾选此项。")
                )
                return
            question = self.tr("登记“{o}”后案件即结案，不能再修改。确定登记吗？").format(o=outcome.label)
            work = lambda s: cases.close_without_agreement(  # noqa: E731
                s, actor, uuid, outcome, required_date(picked, "outcome_on", no_date), reason, routes_told=told
            )
            done = self.tr("已登记{o}，案件结案。").format(o=outcome.label)
        if not messages.confirm(self, question, self.tr("登记调解结果")):
            return
        self.dialog.run(self, work, done)

    def show_error(self, field: str | None, message: str) -> bool:
        if field == "mediators":
            return False  # the intake tab shows it, beside the mediators
        return super().show_error(field, message)
