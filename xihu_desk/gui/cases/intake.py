"""受理信息: the acceptance register (forms/case_intake.ui) with the mediators of the case."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError
from xihu_desk.gui import ops, prefs
from xihu_desk.gui.kit import (
    MoneyError,
    code_of,
    date_of,
    fen_from_text,
    fill_combo,
    input_widgets,
    set_code,
    set_date,
    set_editable,
    setup_date,
    setup_money,
    show_row,
    text_from_fen,
)
from xihu_desk.gui.cases.tab import CaseTab
from xihu_desk.gui.forms import child, load_form
from xihu_desk.services import codes, committees, mediators, users
from xihu_desk.services.cases import PREVENTION_FIELDS, MediatorAssignment
from xihu_desk.services.case_queries import CaseForEdit

LAST_COMMITTEE_KEY = "cases/last_committee"
INTAKE_FORMS = {"application": "人民调解申请书", "register": "人民调解受理登记表（口头申请等）"}
UUID_ROLE = Qt.ItemDataRole.UserRole
NAME, LEAD, CHOSEN = range(3)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(w.capitalize() for w in rest)


def _cell(table: QTableWidget, row: int, column: int) -> QTableWidgetItem:
    """A cell of the mediator table, which _fill_roster fills whole."""
    item = table.item(row, column)
    if item is None:
        raise LookupError(f"mediator table cell {row},{column} is empty")
    return item


class IntakeTab(CaseTab):
    save_text = "保存受理信息"

    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("保存受理信息")
        self.form = load_form("case_intake", self)
        f = self.form
        self.committee = child(f, QComboBox, "committee")
        self.intake_form = child(f, QComboBox, "intakeForm")
        self.source = child(f, QComboBox, "source")
        self.referrer_type = child(f, QComboBox, "referrerType")
        self.referrer_name = child(f, QLineEdit, "referrerName")
        self.referrer_doc_no = child(f, QLineEdit, "referrerDocNo")
        self.accepted_on = child(f, QDateEdit, "acceptedOn")
        self.registrar = child(f, QLineEdit, "registrar")
        self.platform_code = child(f, QLineEdit, "platformCode")
        self.dispute_type = child(f, QComboBox, "disputeType")
        self.dispute_subtype = child(f, QLineEdit, "disputeSubtype")
        self.difficulty = child(f, QComboBox, "difficulty")
        self.amount = child(f, QLineEdit, "amount")
        self.is_group = child(f, QCheckBox, "isGroup")
        self.group_size = child(f, QSpinBox, "groupSize")
        self.summary = child(f, QPlainTextEdit, "summary")
        self.claims = child(f, QPlainTextEdit, "claims")
        self.mediator_table = child(f, QTableWidget, "mediatorTable")
        self.mediators_hint = child(f, QLabel, "mediatorsHint")
        self._awaiting = False  # a case transferred here without mediators of this office yet
        self.escalation_risk = child(f, QCheckBox, "escalationRisk")
        self.reported_to = child(f, QLineEdit, "reportedTo")
        self.prevention = {name: child(f, QSpinBox, _camel(name)) for name in PREVENTION_FIELDS}
        setup_date(self.accepted_on)
        setup_money(self.amount)
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._setup_mediator_table()

        box = QVBoxLayout(self)
        box.setContentsMargins(6, 6, 6, 6)
        box.addWidget(self.form)

        self._committees = ops.session_read(self.ctx, committees.list_committees)
        lists = ops.session_read(self.ctx, codes.items_of, "case_source", "referrer_type", "dispute_type", "difficulty")
        fill_combo(self.source, lists["case_source"])
        fill_combo(self.referrer_type, lists["referrer_type"], self.tr("（请选择）"))
        fill_combo(self.dispute_type, lists["dispute_type"], self.tr("（请选择）"))
        fill_combo(self.difficulty, lists["difficulty"])
        fill_combo(self.committee, [(c.uuid, c.name) for c in self._committees], self.tr("（请选择）"))
        fill_combo(self.intake_form, {k: self.tr(v) for k, v in INTAKE_FORMS.items()})

        for field, widget in (
            ("committee_uuid", self.committee),
            ("intake_form", self.intake_form),
            ("source", self.source),
            ("referrer_type", self.referrer_type),
            ("referrer_name", self.referrer_name),
            ("dispute_type", self.dispute_type),
            ("difficulty", self.difficulty),
            ("summary", self.summary),
            ("accepted_on", self.accepted_on),
            ("amount_fen", self.amount),
            ("platform_code", self.platform_code),
        ):
            self._field(field, widget, widget.objectName() + "Error")
        self._field("group_size", self.group_size, "isGroupError")
        self._field("mediators", self.mediator_table, "mediatorsError")
        for name, spin in self.prevention.items():
            self._field(name, spin, "preventionError")

        self.committee.currentIndexChanged.connect(self._committee_changed)
        self.source.currentIndexChanged.connect(self._source_changed)
        self.is_group.toggled.connect(self.group_size.setEnabled)
        self.escalation_risk.toggled.connect(self.reported_to.setEnabled)
        self.watch_inputs(input_widgets(self.form))
        self.mediator_table.itemChanged.connect(self.watch.mark)
        self._source_changed()

    def _field(self, field: str, widget: QWidget, error_name: str) -> None:
        self.errors.add(field, widget, child(self.form, QLabel, error_name), lambda: self.dialog.show_tab(self))

    def _setup_mediator_table(self) -> None:
        t = self.mediator_table
        t.setColumnCount(3)
        t.setHorizontalHeaderLabels([self.tr("调解员（勾选参加）"), self.tr("主持"), self.tr("当事人选定")])
        t.verticalHeader().hide()
        t.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = t.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LEAD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHOSEN, QHeaderView.ResizeMode.ResizeToContents)
        t.itemChanged.connect(self._mediator_changed)

    # -- filling ------------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.editable = self.can_edit_case(detail)
        if not (keep_typing and self.dirty):
            with self.loading():
                self._fill(detail, edit)
            self.errors.clear()
        set_editable(self.form, self.editable)
        self.mediator_table.setEnabled(True)  # read-only through its items' flags
        self._set_mediators_checkable(self.editable)
        # A case is numbered per committee and year: the committee stays once a number is given.
        self.committee.setEnabled(self.editable and detail is None)
        self.group_size.setEnabled(self.editable and self.is_group.isChecked())
        self.reported_to.setReadOnly(not self.editable)
        self.reported_to.setEnabled(self.escalation_risk.isChecked())

    def _fill(self, d: dict[str, Any] | None, edit: CaseForEdit | None) -> None:
        self._awaiting = bool(d and (d.get("transfer") or {}).get("needs_mediators"))
        if d is None:  # a new case: today's date, the committee used last time, the user as registrar
            # a mediator's account (linked to the roster): their own committee, themself leading
            own = ops.read(self.ctx, self.actor, users.own_roster_entry)
            last = (
                own[2] if own and own[2] and self.committee.findData(own[2]) > 0 else prefs.get_text(LAST_COMMITTEE_KEY)
            )
            if not (last and self.committee.findData(last) > 0):
                last = self._committees[0].uuid if len(self._committees) == 1 else ""
            set_code(self.committee, last)
            set_code(self.intake_form, "application")
            set_code(self.source, "apply")
            set_code(self.difficulty, "ordinary")
            set_date(self.accepted_on, clock.local_today())
            self.registrar.setText(self.actor.display_name or self.actor.name)
            self._fill_roster(
                [{"uuid": own[0], "name": own[1], "lead": True, "chosen_by_parties": False}]
                if own and own[2] == last
                else []
            )
            self._source_changed()
            return
        set_code(self.committee, d["committee_uuid"])
        set_code(self.intake_form, d["intake_form"])
        set_code(self.source, d["source"])
        set_code(self.referrer_type, d["referrer_type"])
        self.referrer_name.setText(d["referrer_name"])
        self.referrer_doc_no.setText(d["referrer_doc_no"])
        set_date(self.accepted_on, d["accepted_on"])
        self.registrar.setText(d["registrar"])
        self.platform_code.setText(d.get("platform_code") or "")
        set_code(self.dispute_type, d["dispute_type_code"])
        self.dispute_subtype.setText(d["dispute_subtype"])
        set_code(self.difficulty, d["difficulty"])
        self.amount.setText(text_from_fen(edit.amount_fen) if edit else f"{d['amount']:.2f}".removesuffix(".00"))
        self.is_group.setChecked(d["is_group"])
        self.group_size.setValue(d["group_size"])
        self.summary.setPlainText(d["summary"])
        self.claims.setPlainText(d["claims"])
        self.escalation_risk.setChecked(d["escalation_risk"])
        self.reported_to.setText(d["reported_to"])
        for name, spin in self.prevention.items():
            spin.setValue(d["prevention"][name])
        self._fill_roster(d["mediator_assignments"])
        self._source_changed()

    def _fill_roster(self, assigned: list[dict[str, Any]]) -> None:
        committee = self.committee.currentData() or ""
        roster: list[tuple[str, str]] = []
        if committee:
            roster = [(m.uuid, m.name) for m in ops.session_read(self.ctx, mediators.list_mediators, committee)]
        known = {uuid for uuid, _ in roster}
        # Mediators already on the case stay listed even if they left this committee's roster.
        roster += [(a["uuid"], a["name"] + self.tr("（不在名册）")) for a in assigned if a["uuid"] not in known]
        chosen = {a["uuid"]: a for a in assigned}
        t = self.mediator_table
        t.blockSignals(True)
        t.setRowCount(len(roster))
        for row, (uuid, name) in enumerate(roster):
            a = chosen.get(uuid)
            for column, text, on in (
                (NAME, name, a is not None),
                (LEAD, "", bool(a and a["lead"])),
                (CHOSEN, "", bool(a and a["chosen_by_parties"])),
            ):
                item = QTableWidgetItem(text)
                item.setData(UUID_ROLE, uuid)
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
                t.setItem(row, column, item)
        t.blockSignals(False)
        self._set_mediators_checkable(self.editable)
        if not committee:
            self.mediators_hint.setText(self.tr("请先选择承办调委会，这里列出它的调解员名册。"))
        elif not roster:
            self.mediators_hint.setText(self.tr("该调委会的调解员名册为空，请先在“调解员”中登记调解员。"))
        elif self._awaiting:
            self.mediators_hint.setText(
                self.tr("移送来的案件，请指定本所调解员：勾选参加调解的调解员，指定一名主持人后保存。")
            )
        else:
            self.mediators_hint.setText(self.tr("勾选参加调解的调解员，并指定一名主持人。"))

    def _set_mediators_checkable(self, editable: bool) -> None:
        t = self.mediator_table
        t.blockSignals(True)
        for row in range(t.rowCount()):
            for column in range(3):
                item = _cell(t, row, column)
                checkable = Qt.ItemFlag.ItemIsUserCheckable if editable else Qt.ItemFlag.NoItemFlags
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | checkable)
        t.blockSignals(False)

    # -- behaviour ----------------------------------------------------------------------------------

    def _committee_changed(self) -> None:
        if not self.watch.loading:
            self._fill_roster([])

    def _source_changed(self) -> None:
        referral = code_of(self.source) == "referral"
        for name in ("referrerType", "referrerName", "referrerDocNo"):
            show_row(self.form, name, referral)

    def _mediator_changed(self, item: QTableWidgetItem) -> None:
        t, row = self.mediator_table, item.row()
        checked = item.checkState() == Qt.CheckState.Checked
        t.blockSignals(True)
        if item.column() in (LEAD, CHOSEN) and checked:
            _cell(t, row, NAME).setCheckState(Qt.CheckState.Checked)  # leading means taking part
        if item.column() == LEAD and checked:
            for other in range(t.rowCount()):
                if other != row:
                    _cell(t, other, LEAD).setCheckState(Qt.CheckState.Unchecked)  # one lead
        if item.column() == NAME and not checked:
            _cell(t, row, LEAD).setCheckState(Qt.CheckState.Unchecked)
            _cell(t, row, CHOSEN).setCheckState(Qt.CheckState.Unchecked)
        t.blockSignals(False)

    def assignments(self) -> tuple[MediatorAssignment, ...]:
        t, out = self.mediator_table, []
        for row in range(t.rowCount()):
            if _cell(t, row, NAME).checkState() == Qt.CheckState.Checked:
                out.append(
                    MediatorAssignment(
                        _cell(t, row, NAME).data(UUID_ROLE),
                        lead=_cell(t, row, LEAD).checkState() == Qt.CheckState.Checked,
                        chosen_by_parties=_cell(t, row, CHOSEN).checkState() == Qt.CheckState.Checked,
                    )
                )
        return tuple(out)

    def command_values(self) -> dict[str, Any]:
        """The IntakeCommand's fields as typed (without the parties); FieldError for what the
        screen itself can tell is wrong."""
        try:
            amount = fen_from_text(self.amount.text())
        except MoneyError:
            raise FieldError("amount_fen", self.tr("涉及金额请填写数字（元），最多两位小数。")) from None
        # What must be chosen or written on this tab, checked here first so that saving a new case
        # stops at the first empty field of the tab in front instead of jumping to 当事人.
        for field, widget_value, text in (
            ("committee_uuid", code_of(self.committee), self.tr("请选择承办的调委会。")),
            ("intake_form", code_of(self.intake_form), self.tr("请选择受理依据：申请书或受理登记表。")),
            ("source", code_of(self.source), self.tr("请选择案件来源。")),
            ("dispute_type", code_of(self.dispute_type), self.tr("请选择纠纷类型。")),
            ("difficulty", code_of(self.difficulty), self.tr("请选择难易程度。")),
            ("summary", self.summary.toPlainText().strip(), self.tr("请填写纠纷简要情况。")),
        ):
            if not widget_value:
                raise FieldError(field, text)
        referral = code_of(self.source) == "referral"
        values = dict(
            committee_uuid=code_of(self.committee),
            intake_form=code_of(self.intake_form),
            source=code_of(self.source),
            dispute_type=code_of(self.dispute_type),
            accepted_on=date_of(self.accepted_on),
            summary=self.summary.toPlainText(),
            mediators=self.assignments(),
            claims=self.claims.toPlainText(),
            referrer_type=code_of(self.referrer_type) if referral else "",
            referrer_name=self.referrer_name.text().strip() if referral else "",
            referrer_doc_no=self.referrer_doc_no.text().strip() if referral else "",
            dispute_subtype=self.dispute_subtype.text().strip(),
            difficulty=code_of(self.difficulty),
            registrar=self.registrar.text().strip(),
            platform_code=self.platform_code.text().strip(),
            is_group=self.is_group.isChecked(),
            group_size=self.group_size.value() if self.is_group.isChecked() else 0,
            amount_fen=amount,
            escalation_risk=self.escalation_risk.isChecked(),
            reported_to=self.reported_to.text().strip() if self.escalation_risk.isChecked() else "",
        )
        values.update({name: spin.value() for name, spin in self.prevention.items()})
        return values

    def accepted(self) -> date:
        return date_of(self.accepted_on) or clock.local_today()

    def save(self) -> None:
        self.dialog.save_intake()

    def remember_committee(self) -> None:
        if code_of(self.committee):
            prefs.set_text(LAST_COMMITTEE_KEY, code_of(self.committee))
