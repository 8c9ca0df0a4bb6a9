"""The 排查 page's forms: a screening round with the disputes it found, 零报告, one more dispute,
closing a found dispute (当场化解 / 移交), a 重点矛盾纠纷 check, and an information officer. Each saves
one unit of work through the runner (the reviews' StepDialog); a refusal is shown under the field
the service names, and nothing typed is lost."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain import screening as rules
from xihu_desk.gui import theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import (
    FieldErrors,
    date_edit,
    date_of,
    fill_combo,
    fit_to_screen,
    form_layout,
    required,
    set_date,
)
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.reviews.dialogs import StepDialog
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import screening
from xihu_desk.services.context import Actor


def _text_box(name: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().height() * lines + 14)
    return box


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _combo(name: str, items: Any, blank: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    fill_combo(combo, items, blank)
    return combo


class DisputeFields:
    """The fields of one found dispute, laid out in a form; ``value()`` is its DisputeInput."""

    def __init__(self, form: Any, errors: FieldErrors, types: list[tuple[str, str]], parent: QWidget) -> None:
        tr = parent.tr
        self.dispute_type = _combo("disputeType", types, tr("（请选择）"))
        self.applicant = _line("applicant", tr("姓名或名称"))
        self.applicant_phone = _line("applicantPhone", tr("联系电话（选填）"))
        self.respondent = _line("respondent", tr("姓名或名称"))
        self.respondent_phone = _line("respondentPhone", tr("联系电话（选填）"))
        self.summary = _text_box("disputeSummary")
        self.summary.setPlaceholderText(tr("起因、经过、双方的主要分歧（转为案件时作为纠纷简要情况带入）"))
        self.risk = _combo("risk", rules.RISKS)
        self.action = _line("action", tr("例如：当场劝解，约定次日上门查看"))
        self.watched = QCheckBox(tr("列入重点矛盾纠纷台账（重大纠纷必须列入）"))
        self.watched.setObjectName("watched")
        self.responsible = _line("responsible", tr("包案责任人"))
        self.measures = _line("measures", tr("稳控措施"))
        self.next_check = date_edit(optional=True, blank=tr("默认一周后"))
        self.next_check.setObjectName("nextCheck")
        errors.add_row(form, required(tr("纠纷类型")), "dispute_type", self.dispute_type)
        for text, field, main, phone in (
            (tr("一方当事人"), "applicant", self.applicant, self.applicant_phone),
            (tr("另一方当事人"), "respondent", self.respondent, self.respondent_phone),
        ):
            row = QHBoxLayout()
            row.addWidget(main, 3)
            row.addWidget(phone, 2)
            errors.add_row(form, required(text), field, row, focus=main)
        errors.add_row(form, required(tr("简要情况")), "summary", self.summary)
        errors.add_row(form, required(tr("风险等级")), "risk", self.risk)
        errors.add_row(form, tr("已采取措施："), "action", self.action)
        form.addRow("", self.watched)
        errors.add_row(form, tr("责任人："), "responsible", self.responsible)
        errors.add_row(form, tr("稳控措施："), "measures", self.measures)
        errors.add_row(form, tr("下次检查："), "next_check_on", self.next_check)
        self.risk.currentIndexChanged.connect(self._risk_changed)

    def _risk_changed(self) -> None:
        serious = self.risk.currentData() == "serious"
        if serious:
            self.watched.setChecked(True)
        self.watched.setEnabled(not serious)

    def value(self) -> screening.DisputeInput:
        return screening.DisputeInput(
            dispute_type=self.dispute_type.currentData() or "",
            applicant=self.applicant.text(),
            respondent=self.respondent.text(),
            summary=self.summary.toPlainText(),
            risk=self.risk.currentData() or "general",
            action=self.action.text(),
            applicant_phone=self.applicant_phone.text(),
            respondent_phone=self.respondent_phone.text(),
            watched=self.watched.isChecked(),
            responsible=self.responsible.text(),
            measures=self.measures.text(),
            next_check_on=date_of(self.next_check),
        )


class DisputeDialog(StepDialog):
    """One found dispute: typed into a new round's list (``round_uuid`` None: nothing is saved
    here, ``value`` is read by the round form), or added to a round already recorded."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        round_uuid: str | None,
        types: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, actor, round_uuid or "", self.tr("排查发现的纠纷"), "", parent)
        self.setObjectName("disputeDialog")
        self.round_uuid = round_uuid
        self.fields = DisputeFields(self.form, self.errors, types, self)
        self.finish_layout()

    def save(self) -> None:
        if self.round_uuid is None:  # part of a new round: checked when the round is saved
            self.errors.clear()
            value = self.fields.value()
            for field, ok in (
                ("dispute_type", value.dispute_type),
                ("applicant", value.applicant.strip()),
                ("respondent", value.respondent.strip()),
                ("summary", value.summary.strip()),
                ("responsible", value.responsible.strip() or not (value.watched or value.risk == "serious")),
            ):
                if not ok:
                    self.errors.show(field, self.tr("请填写此项。") if field != "dispute_type" else self.tr("请选择。"))
                    return
            self.completed.emit(value)
            self.accept()
            return
        super().save()

    def work(self, session: Any) -> Any:
        return screening.add_dispute(session, self.actor, self.round_uuid or "", self.fields.value())


class RoundDialog(QDialog):
    """登记排查: the round's facts and the disputes it found (at least one; nothing found is a
    零报告). Saved whole in one unit of work."""

    def __init__(self, ctx: AppContext, actor: Actor, choices: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roundDialog")
        self.ctx, self.actor, self.choices = ctx, actor, choices
        self.saved_uuid = ""
        self.disputes: list[screening.DisputeInput] = []
        self.dispute_dialog: DisputeDialog | None = None
        self.setWindowTitle(self.tr("登记矛盾纠纷排查"))
        box = QVBoxLayout(self)
        form = form_layout()
        self.errors = FieldErrors()
        self.committee = _combo("committee", choices["committees"])
        self.held_on = date_edit()
        self.held_on.setObjectName("heldOn")
        self.method = _combo("method", rules.METHODS)
        self.officer = QComboBox()
        self.officer.setObjectName("officer")
        self.area = _line("area", self.tr("社区、小区、楼幢或单位"))
        self.staff = _line("staff", self.tr("参加排查的人员"))
        self.note = _line("note")
        self.errors.add_row(form, required(self.tr("调委会")), "committee_uuid", self.committee)
        self.errors.add_row(form, required(self.tr("排查日期")), "held_on", self.held_on)
        self.errors.add_row(form, required(self.tr("排查方式")), "method", self.method)
        self.errors.add_row(form, self.tr("信息员："), "officer_uuid", self.officer)
        self.errors.add_row(form, required(self.tr("排查范围")), "area", self.area)
        self.errors.add_row(form, required(self.tr("排查人员")), "staff", self.staff)
        self.errors.add_row(form, self.tr("备注："), "note", self.note)
        box.addLayout(form)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("发现的纠纷"), "subtitle"), 1)
        self.add_button = QPushButton(theme.icon("mdi6.plus"), self.tr("添加纠纷…"))
        self.add_button.setObjectName("addDispute")
        self.remove_button = QPushButton(theme.icon("mdi6.minus"), self.tr("移除"))
        self.remove_button.setObjectName("removeDispute")
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        box.addLayout(head)
        self.table = readonly_table(
            [self.tr("纠纷类型"), self.tr("当事人"), self.tr("风险"), self.tr("简要情况")], "newDisputes"
        )
        self.table.setMinimumHeight(self.fontMetrics().height() * 6)
        box.addWidget(self.table, 1)
        self.errors.add(
            "disputes", self.add_button, error := label("", wrap=True)
        )  # "nothing found: a 零报告" shows here
        error.setProperty("state", "error")
        error.setVisible(False)
        box.addWidget(error)
        self.general_error = label("", wrap=True)
        self.general_error.setObjectName("roundError")
        self.general_error.setProperty("state", "error")
        self.general_error.setVisible(False)
        box.addWidget(self.general_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.save_button.setObjectName("saveRound")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        fit_to_screen(self, 44, 26)  # in characters and lines: it follows the text size
        self.add_button.clicked.connect(self.add_dispute)
        self.remove_button.clicked.connect(self.remove_dispute)
        self.committee.currentIndexChanged.connect(self._fill_officers)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._fill_officers()
        self._method_changed()

    def _fill_officers(self) -> None:
        committee = self.committee.currentData()
        mine = [(uuid, name) for uuid, name, c in self.choices["officers"] if c == committee]
        blank = self.tr("（请选择报告的信息员）") if mine else self.tr("（该调委会尚无信息员，请先在“信息员”中登记）")
        fill_combo(self.officer, mine, blank)

    def _method_changed(self) -> None:
        self.officer.setEnabled(self.method.currentData() == "informant")

    def add_dispute(self) -> DisputeDialog:
        dialog = DisputeDialog(self.ctx, self.actor, None, self.choices["dispute_types"], self)
        dialog.completed.connect(self._dispute_added)
        dialog.finished.connect(lambda _code: setattr(self, "dispute_dialog", None))
        self.dispute_dialog = dialog
        dialog.open()
        return dialog

    def _dispute_added(self, value: screening.DisputeInput) -> None:
        self.disputes.append(value)
        self._fill_table()

    def remove_dispute(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.disputes):
            del self.disputes[row]
            self._fill_table()

    def _fill_table(self) -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        types = dict(self.choices["dispute_types"])
        self.table.setRowCount(len(self.disputes))
        for i, d in enumerate(self.disputes):
            cells = (
                types.get(d.dispute_type, d.dispute_type),
                f"{d.applicant}与{d.respondent}",
                rules.RISKS[d.risk],
                d.summary,
            )
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text.replace("\n", " ")))

    def command(self) -> screening.RoundInput:
        return screening.RoundInput(
            committee_uuid=self.committee.currentData() or "",
            held_on=date_of(self.held_on),  # type: ignore[arg-type]  # an emptied field is refused by the service
            area=self.area.text(),
            staff=self.staff.text(),
            method=self.method.currentData() or "",
            disputes=tuple(self.disputes),
            officer_uuid=self.officer.currentData() or None,
            note=self.note.text(),
        )

    def save(self) -> None:
        from xihu_desk.gui.kit import submit

        self.errors.clear()
        self.general_error.setVisible(False)
        cmd, actor, held_on = self.command(), self.actor, date_of(self.held_on)

        def work(session: Any) -> str:
            required_date(held_on, "held_on", "请填写排查日期。")
            return screening.record_round(session, actor, cmd)

        self.save_button.setEnabled(False)
        submit(self.ctx, self, work, self._saved, self._refused)

    def _saved(self, uuid: str) -> None:
        self.saved_uuid = uuid
        self.save_button.setEnabled(True)
        self.accept()

    def _refused(self, field: str | None, message: str) -> None:
        self.save_button.setEnabled(True)
        if not self.errors.show(field, message):
            self.general_error.setText(message)
            self.general_error.setVisible(True)


class ZeroReportDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, committees: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(
            ctx,
            actor,
            "",
            self.tr("零报告"),
            self.tr("本期经排查未发现矛盾纠纷时登记零报告。期间内已登记发现纠纷的，不能报零。"),
            parent,
        )
        self.setObjectName("zeroDialog")
        self.committee = _combo("zeroCommittee", committees)
        self.period_from = date_edit()
        self.period_from.setObjectName("periodFrom")
        set_date(self.period_from, clock.local_today().replace(day=1))  # usually the month so far
        self.period_to = date_edit()
        self.period_to.setObjectName("periodTo")
        self.method = _combo("zeroMethod", {k: v for k, v in rules.METHODS.items() if k != "informant"})
        self.area = _line("zeroArea", self.tr("社区、小区、楼幢或单位"))
        self.staff = _line("zeroStaff")
        self.note = _line("zeroNote")
        self.errors.add_row(self.form, required(self.tr("调委会")), "committee_uuid", self.committee)
        self.errors.add_row(self.form, required(self.tr("期间自")), "period_from", self.period_from)
        self.errors.add_row(self.form, required(self.tr("期间至")), "period_to", self.period_to)
        self.errors.add_row(self.form, required(self.tr("排查方式")), "method", self.method)
        self.errors.add_row(self.form, required(self.tr("排查范围")), "area", self.area)
        self.errors.add_row(self.form, required(self.tr("排查人员")), "staff", self.staff)
        self.errors.add_row(self.form, self.tr("备注："), "note", self.note)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        start, end = date_of(self.period_from), date_of(self.period_to)
        cmd = screening.ZeroReportInput(
            self.committee.currentData() or "",
            required_date(start, "period_from", "请填写期间的开始日期。"),
            required_date(end, "period_to", "请填写期间的结束日期。"),
            self.area.text(),
            self.staff.text(),
            self.method.currentData() or "visit",
            self.note.text(),
        )
        return screening.record_zero_report(session, self.actor, cmd)


class CloseDialog(StepDialog):
    """当场化解 or 移交 a found dispute; the record and its link stay."""

    def __init__(self, ctx: AppContext, actor: Actor, dispute_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, dispute_uuid, self.tr("排查纠纷处置"), "", parent)
        self.setObjectName("closeDialog")
        self.how = _combo("closeHow", {k: rules.STATUSES[k] for k in rules.CLOSINGS})
        self.on = date_edit()
        self.on.setObjectName("closedOn")
        self.referred_to = _line("referredTo", self.tr("例如：派出所、信访部门、综合执法队"))
        self.note = _text_box("closingNote")
        self.errors.add_row(self.form, required(self.tr("处置方式")), "how", self.how)
        self.errors.add_row(self.form, required(self.tr("处置日期")), "closed_on", self.on)
        self.errors.add_row(self.form, self.tr("移交单位："), "referred_to", self.referred_to)
        self.errors.add_row(self.form, required(self.tr("处置情况")), "closing_note", self.note)
        self.how.currentIndexChanged.connect(lambda: self.referred_to.setEnabled(self.how.currentData() == "referred"))
        self.referred_to.setEnabled(False)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        on = required_date(date_of(self.on), "closed_on", "请填写处置日期。")
        screening.close_dispute(
            session, self.actor, self.uuid, self.how.currentData(), on, self.note.toPlainText(), self.referred_to.text()
        )
        return self.how.currentData()


class CheckDialog(StepDialog):
    """A check of a 重点矛盾纠纷: what was found and done, the next check (empty: the watch ends)."""

    def __init__(self, ctx: AppContext, actor: Actor, dispute_uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            dispute_uuid,
            self.tr("重点矛盾纠纷检查"),
            self.tr("下次检查日期不填即解除重点关注（尚未化解的重大纠纷须继续关注）。"),
            parent,
        )
        self.setObjectName("checkDialog")
        self.checked_on = date_edit()
        self.checked_on.setObjectName("checkedOn")
        self.measures = _text_box("checkMeasures")
        self.next_check = date_edit(optional=True, blank=self.tr("不再检查"))
        self.next_check.setObjectName("nextCheckOn")
        self.errors.add_row(self.form, required(self.tr("检查日期")), "checked_on", self.checked_on)
        self.errors.add_row(self.form, required(self.tr("情况和措施")), "measures", self.measures)
        self.errors.add_row(self.form, self.tr("下次检查："), "next_check_on", self.next_check)
        self.finish_layout()

    def suggest_next(self, day: Any) -> None:
        set_date(self.next_check, day)

    def work(self, session: Any) -> Any:
        on = required_date(date_of(self.checked_on), "checked_on", "请填写检查日期。")
        screening.record_check(
            session, self.actor, self.uuid, on, self.measures.toPlainText(), date_of(self.next_check)
        )
        return self.uuid


class OfficerDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, committees: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(
            ctx, actor, "", self.tr("登记信息员"), self.tr("网格员、楼道长等向调委会报告矛盾纠纷线索的人员。"), parent
        )
        self.setObjectName("officerDialog")
        self.committee = _combo("officerCommittee", committees)
        self.name = _line("officerName")
        self.kind = _combo("officerKind", rules.OFFICER_KINDS)
        self.phone = _line("officerPhone")
        self.area = _line("officerArea", self.tr("负责的网格、小区或楼幢"))
        self.errors.add_row(self.form, required(self.tr("调委会")), "committee_uuid", self.committee)
        self.errors.add_row(self.form, required(self.tr("姓名")), "name", self.name)
        self.errors.add_row(self.form, required(self.tr("类别")), "kind", self.kind)
        self.errors.add_row(self.form, self.tr("联系电话："), "phone", self.phone)
        self.errors.add_row(self.form, self.tr("负责区域："), "area", self.area)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        cmd = screening.OfficerInput(
            self.committee.currentData() or "",
            self.name.text(),
            self.kind.currentData() or "",
            self.phone.text(),
            self.area.text(),
        )
        return screening.add_officer(session, self.actor, cmd)
