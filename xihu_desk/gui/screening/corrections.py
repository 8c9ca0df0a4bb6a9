"""Putting a recorded screening right from the 排查 page (services/screening_corrections.py): a round
corrected (its facts, disputes recorded by mistake dropped), one found dispute's facts corrected, a
round voided (作废), an information officer deactivated (停用) or reactivated. Each asks why, saves
one unit of work through the runner (StepDialog) and shows a refusal under the field it names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QTableWidgetItem, QWidget

from xihu_desk.domain import screening as rules
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import date_edit, date_of, fill_combo, required, set_code, set_date
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.reviews.dialogs import StepDialog
from xihu_desk.gui.screening.dialogs import _combo, _line, _text_box
from xihu_desk.gui.widgets import label, readonly_table
from xihu_desk.services import screening_corrections as corrections
from xihu_desk.services.context import Actor


def _reason_box(dialog: StepDialog, placeholder: str) -> Any:
    box = _text_box("reason", 2)
    box.setPlaceholderText(placeholder)
    dialog.errors.add_row(dialog.form, required(dialog.tr("理由")), "reason", box)
    return box


class CorrectRoundDialog(StepDialog):
    """更正排查记录: every fact of the round (or 零报告) and the disputes recorded by mistake, in one
    save with its reason; a dispute that became a case cannot be ticked."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        detail: dict[str, Any],
        choices: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            detail["id"],
            self.tr("更正排查记录"),
            self.tr("更正后原内容、理由、更正人和时间都留痕，并随数据包报送。"),
            parent,
        )
        self.setObjectName("correctRoundDialog")
        self.detail, self.choices = detail, choices
        zero = detail["zero_report"]
        self.committee = _combo("fixCommittee", choices["committees"])
        set_code(self.committee, detail["committee_uuid"])
        self.errors.add_row(self.form, required(self.tr("调委会")), "committee_uuid", self.committee)
        if zero:
            self.period_from, self.period_to = date_edit(), date_edit()
            set_date(self.period_from, detail["period_from"])
            set_date(self.period_to, detail["period_to"])
            self.errors.add_row(self.form, required(self.tr("期间自")), "period_from", self.period_from)
            self.errors.add_row(self.form, required(self.tr("期间至")), "period_to", self.period_to)
            methods = {k: v for k, v in rules.METHODS.items() if k != "informant"}
        else:
            self.held_on = date_edit()
            self.held_on.setObjectName("fixHeldOn")
            set_date(self.held_on, detail["date"])
            self.errors.add_row(self.form, required(self.tr("排查日期")), "held_on", self.held_on)
            methods = dict(rules.METHODS)
        self.method = _combo("fixMethod", methods)
        set_code(self.method, detail["method"])
        self.errors.add_row(self.form, required(self.tr("排查方式")), "method", self.method)
        self.officer = QComboBox()
        self.officer.setObjectName("fixOfficer")
        if not zero:
            self.errors.add_row(self.form, self.tr("信息员："), "officer_uuid", self.officer)
        self.area = _line("fixArea")
        self.area.setText(detail["area"])
        self.staff = _line("fixStaff")
        self.staff.setText(detail["staff"])
        self.note = _line("fixNote")
        self.note.setText(detail["note"])
        self.errors.add_row(self.form, required(self.tr("排查范围")), "area", self.area)
        self.errors.add_row(self.form, required(self.tr("排查人员")), "staff", self.staff)
        self.errors.add_row(self.form, self.tr("备注："), "note", self.note)
        self.table = readonly_table([self.tr("删去"), self.tr("当事人"), self.tr("去向")], "fixDisputes")
        self.table.setRowCount(len(detail["disputes"]))
        for i, d in enumerate(detail["disputes"]):
            tick = QTableWidgetItem(self.tr("误登记，删去") if d["status"] != "case" else self.tr("已转为案件，保留"))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if d["status"] != "case":
                flags |= Qt.ItemFlag.ItemIsUserCheckable
                tick.setCheckState(Qt.CheckState.Unchecked)
            tick.setFlags(flags)
            tick.setData(Qt.ItemDataRole.UserRole, d["id"])
            self.table.setItem(i, 0, tick)
            self.table.setItem(i, 1, QTableWidgetItem(f"{d['applicant']}与{d['respondent']}"))
            self.table.setItem(i, 2, QTableWidgetItem(d["status_label"] + (f" {d['case_no']}" if d["case_no"] else "")))
        # every dispute on view up to four (a top-level window starts at most 2/3 of the screen high)
        rows = min(max(len(detail["disputes"]), 1), 4)
        shown = self.table.horizontalHeader().sizeHint().height() + 4
        shown += rows * self.table.verticalHeader().defaultSectionSize()
        self.table.setMinimumHeight(shown)
        self.table.setMaximumHeight(shown + self.table.verticalHeader().defaultSectionSize())
        if detail["disputes"]:
            self.form.addRow(self.tr("发现的纠纷："), self.table)
        self.reason = _reason_box(self, self.tr("例如：排查日期登记错了；同一纠纷重复登记"))
        self.finish_layout()
        self.committee.currentIndexChanged.connect(self._fill_officers)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._fill_officers()
        set_code(self.officer, detail.get("officer_uuid"))
        self._method_changed()

    def _fill_officers(self) -> None:
        committee = self.committee.currentData()
        mine = [(uuid, name) for uuid, name, c in self.choices["officers"] if c == committee]
        current = self.detail.get("officer_uuid")
        if current and committee == self.detail["committee_uuid"] and current not in [u for u, _n in mine]:
            mine.append((current, self.tr("{n}（已停用）").format(n=self.detail["officer"])))  # kept on its report
        fill_combo(self.officer, mine, self.tr("（请选择报告的信息员）"))

    def _method_changed(self) -> None:
        self.officer.setEnabled(self.method.currentData() == "informant")

    def dropped(self) -> tuple[str, ...]:
        out = []
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item is not None and item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(out)

    def tick(self, dispute_uuid: str) -> None:
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == dispute_uuid:
                item.setCheckState(Qt.CheckState.Checked)

    def work(self, session: Any) -> Any:
        zero = self.detail["zero_report"]
        kw: dict[str, Any] = {}
        if zero:
            kw["period_from"] = required_date(date_of(self.period_from), "period_from", "请填写期间的开始日期。")
            kw["period_to"] = required_date(date_of(self.period_to), "period_to", "请填写期间的结束日期。")
        else:
            kw["held_on"] = required_date(date_of(self.held_on), "held_on", "请填写排查日期。")
            kw["officer_uuid"] = self.officer.currentData() or None
        correction = corrections.RoundCorrection(
            self.uuid,
            self.reason.toPlainText(),
            committee_uuid=self.committee.currentData() or "",
            method=self.method.currentData() or "",
            area=self.area.text(),
            staff=self.staff.text(),
            note=self.note.text(),
            dropped=self.dropped(),
            if_version=self.detail["version"],
            **kw,
        )
        return corrections.correct_round(session, self.actor, correction)


class CorrectDisputeDialog(StepDialog):
    """更正 one found dispute's facts (type, parties, summary, risk, what was done)."""

    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        round_uuid: str,
        dispute: dict[str, Any],
        types: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            dispute["id"],
            self.tr("更正排查发现的纠纷"),
            self.tr("原内容和理由留痕，随数据包报送。"),
            parent,
        )
        self.setObjectName("correctDisputeDialog")
        self.round_uuid = round_uuid
        self.dispute_type = _combo("fixType", types)
        set_code(self.dispute_type, dispute["type_code"])
        self.applicant, self.applicant_phone = _line("fixApplicant"), _line("fixApplicantPhone")
        self.respondent, self.respondent_phone = _line("fixRespondent"), _line("fixRespondentPhone")
        for edit, key in (
            (self.applicant, "applicant"),
            (self.applicant_phone, "applicant_phone"),
            (self.respondent, "respondent"),
            (self.respondent_phone, "respondent_phone"),
        ):
            edit.setText(dispute[key])
        self.summary = _text_box("fixSummary")
        self.summary.setPlainText(dispute["summary"])
        self.risk = _combo("fixRisk", rules.RISKS)
        set_code(self.risk, dispute["risk"])
        self.action = _line("fixAction")
        self.action.setText(dispute["action"])
        self.responsible = _line("fixResponsible", self.tr("改为重大且未处置时必填"))
        self.responsible.setText(dispute["responsible"])
        self.errors.add_row(self.form, required(self.tr("纠纷类型")), "dispute_type", self.dispute_type)
        for text, field, main, phone in (
            (self.tr("一方当事人"), "applicant", self.applicant, self.applicant_phone),
            (self.tr("另一方当事人"), "respondent", self.respondent, self.respondent_phone),
        ):
            row = QHBoxLayout()
            row.addWidget(main, 3)
            row.addWidget(phone, 2)
            self.errors.add_row(self.form, required(text), field, row, focus=main)
        self.errors.add_row(self.form, required(self.tr("简要情况")), "summary", self.summary)
        self.errors.add_row(self.form, required(self.tr("风险等级")), "risk", self.risk)
        self.errors.add_row(self.form, self.tr("已采取措施："), "action", self.action)
        self.errors.add_row(self.form, self.tr("责任人："), "responsible", self.responsible)
        # a dispute resolved on the spot or referred: its 处置 too
        self.closing = dispute["status"] in rules.CLOSINGS
        self.referred = dispute["status"] == "referred"
        if self.closing:
            self.closed_on = date_edit()
            self.closed_on.setObjectName("fixClosedOn")
            set_date(self.closed_on, dispute["closed_on"])
            self.referred_to = _line("fixReferredTo")
            self.referred_to.setText(dispute["referred_to"])
            self.closing_note = _text_box("fixClosingNote", 2)
            self.closing_note.setPlainText(dispute["closing_note"])
            self.errors.add_row(self.form, required(self.tr("处置日期")), "closed_on", self.closed_on)
            if self.referred:
                self.errors.add_row(self.form, required(self.tr("移交单位")), "referred_to", self.referred_to)
            self.errors.add_row(self.form, required(self.tr("处置情况")), "closing_note", self.closing_note)
        self.reason = _reason_box(self, self.tr("例如：当事人姓名写错"))
        self.finish_layout()

    def work(self, session: Any) -> Any:
        edit = corrections.DisputeEdit(
            uuid=self.uuid,
            dispute_type=self.dispute_type.currentData() or "",
            applicant=self.applicant.text(),
            respondent=self.respondent.text(),
            summary=self.summary.toPlainText(),
            risk=self.risk.currentData() or "general",
            action=self.action.text(),
            applicant_phone=self.applicant_phone.text(),
            respondent_phone=self.respondent_phone.text(),
            responsible=self.responsible.text(),
        )
        if self.closing:
            edit = replace(
                edit,
                closed_on=required_date(date_of(self.closed_on), "closed_on", "请填写处置日期。"),
                referred_to=self.referred_to.text() if self.referred else None,
                closing_note=self.closing_note.toPlainText(),
            )
        correction = corrections.RoundCorrection(self.round_uuid, self.reason.toPlainText(), disputes=(edit,))
        return corrections.correct_round(session, self.actor, correction)


class VoidRoundDialog(StepDialog):
    """作废 a round recorded by mistake: kept, marked, counted nowhere."""

    def __init__(self, ctx: AppContext, actor: Actor, detail: dict[str, Any], parent: QWidget | None = None) -> None:
        what = self.tr("零报告") if detail["zero_report"] else self.tr("排查记录")
        super().__init__(
            ctx,
            actor,
            detail["id"],
            self.tr("作废{w}").format(w=what),
            self.tr("作废的{w}保留并注明理由，不再计入统计、台账和待办；其中纠纷已转为案件的不能作废。").format(w=what),
            parent,
        )
        self.setObjectName("voidRoundDialog")
        self.version = detail["version"]
        self.reason = _reason_box(self, self.tr("例如：同一次走访重复登记"))
        self.finish_layout()

    def work(self, session: Any) -> Any:
        corrections.void_round(session, self.actor, self.uuid, self.reason.toPlainText(), self.version)
        return self.uuid


class OfficerStateDialog(StepDialog):
    """停用 (date and reason) or 恢复 (date) an information officer."""

    def __init__(
        self, ctx: AppContext, actor: Actor, officer: dict[str, Any], deactivate: bool, parent: QWidget | None = None
    ) -> None:
        title = self.tr("停用信息员") if deactivate else self.tr("恢复信息员")
        intro = (
            self.tr("停用后，{n}以往的报告保留，但不能再登记其报告；统计自停用日起不再计入。")
            if deactivate
            else self.tr("恢复后，{n}可以再登记报告，统计自恢复日起计入。")
        ).format(n=officer["name"])
        super().__init__(ctx, actor, officer["id"], title, intro, parent)
        self.setObjectName("officerStateDialog")
        self.deactivate = deactivate
        self.on = date_edit()
        self.on.setObjectName("officerOn")
        self.errors.add_row(
            self.form,
            required(self.tr("停用日期") if deactivate else self.tr("恢复日期")),
            "deactivated_on" if deactivate else "reactivated_on",
            self.on,
        )
        self.reason = _reason_box(self, self.tr("例如：调离本社区")) if deactivate else None
        if not deactivate and officer.get("deactivation_reason"):
            self.form.addRow(
                self.tr("停用情况："),
                label(f"{officer['deactivated_on'] or ''} {officer['deactivation_reason']}", "muted", wrap=True),
            )
        self.finish_layout()

    def work(self, session: Any) -> Any:
        field = "deactivated_on" if self.deactivate else "reactivated_on"
        on = required_date(date_of(self.on), field, "请填写日期。")
        if self.reason is not None:
            corrections.deactivate_officer(session, self.actor, self.uuid, on, self.reason.toPlainText())
        else:
            corrections.reactivate_officer(session, self.actor, self.uuid, on)
        return self.uuid
