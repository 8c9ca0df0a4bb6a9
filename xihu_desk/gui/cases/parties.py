"""当事人: the parties of the case in a table, one of them in the editor (forms/case_party.ui), the
ID number checked as it is typed, and earlier cases of the same people (repeat_hints)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import idnumber
from xihu_desk.domain.errors import FieldError, UserError
from xihu_desk.domain.parties import (
    AGENT_KINDS,
    ID_TYPES,
    KINDS,
    ROLES,
    PartyInput,
    needs_representative,
    validate_credit_code,
    validate_party,
)
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import columns, ops, theme
from xihu_desk.gui.kit import (
    DirtyWatch,
    code_of,
    date_of,
    fill_combo,
    input_widgets,
    set_code,
    set_date,
    set_editable,
    setup_date,
    show_row,
    submit,
)
from xihu_desk.gui.cases.party_law_box import PartyLawBox
from xihu_desk.gui.cases.tab import CaseTab
from xihu_desk.gui.forms import child, load_form
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import case_queries, codes
from xihu_desk.services.case_queries import CaseForEdit

HINT_DELAY_MS = 500
PERSON_ROWS = ("idType", "idNumber", "gender", "birthDate", "ethnicity", "occupation", "guardian")
ORG_ROWS = ("creditCode", "legalRep")
PARTY_FIELDS = {  # PartyInput / FieldError field -> object name in forms/case_party.ui
    "role": "role",
    "kind": "kind",
    "name": "name",
    "gender": "gender",
    "id_type": "idType",
    "id_number": "idNumber",
    "birth_date": "birthDate",
    "ethnicity": "ethnicity",
    "credit_code": "creditCode",
    "guardian": "guardian",
    "agent_kind": "agentKind",
    "agent_name": "agentName",
}


@dataclass
class PartyDraft:
    """One party as being edited. A stored ID number is shown masked until it is revealed (audited)
    or typed again; while the field still shows the mask, the stored number is kept."""

    data: PartyInput
    stored_id: str = ""
    masked: str = ""
    revealed: bool = False


class PartiesTab(CaseTab):
    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("保存当事人")
        self.drafts: list[PartyDraft] = []
        self.current = -1
        self.hints: list[case_queries.RepeatHint] = []

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("partiesTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("身份"), self.tr("类别"), self.tr("姓名/名称"), self.tr("证件号码"), self.tr("联系电话")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # the ID number and telephone show whole at every text size; the name takes what is left
        columns.fit(
            self.table,
            "cases/parties/header",
            ("被申请人", "自然人", None, "3301**********1234", "0571-88888888"),
            stretch=2,
        )
        rows = self.fontMetrics().height() + 12
        self.table.setMinimumHeight(rows * 3 + 8)  # header and two or three parties
        self.table.setMaximumHeight(rows * 5 + 8)
        self.table.currentCellChanged.connect(lambda row, *_: self._select(row))
        self.add_button = QPushButton(theme.icon("mdi6.account-plus-outline"), self.tr("添加当事人"))
        self.add_button.setObjectName("addParty")
        self.remove_button = QPushButton(theme.icon("mdi6.account-remove-outline"), self.tr("删除当事人"))
        self.remove_button.setObjectName("removeParty")
        self.add_button.clicked.connect(self.add_party)
        self.remove_button.clicked.connect(self.remove_party)
        self.parties_error = label("", wrap=True)
        self.parties_error.setObjectName("partiesError")
        self.parties_error.setVisible(False)

        self.form = load_form("case_party", self)
        f = self.form
        self.role = child(f, QComboBox, "role")
        self.kind = child(f, QComboBox, "kind")
        self.name = child(f, QLineEdit, "name")
        self.id_type = child(f, QComboBox, "idType")
        self.id_number = child(f, QLineEdit, "idNumber")
        self.reveal_button = child(f, QPushButton, "revealButton")
        self.gender = child(f, QComboBox, "gender")
        self.birth_date = child(f, QDateEdit, "birthDate")
        self.ethnicity = child(f, QComboBox, "ethnicity")
        self.credit_code = child(f, QLineEdit, "creditCode")
        self.legal_rep = child(f, QLineEdit, "legalRep")
        self.phone = child(f, QLineEdit, "phone")
        self.address = child(f, QLineEdit, "address")
        self.occupation = child(f, QLineEdit, "occupation")
        self.guardian = child(f, QLineEdit, "guardian")
        self.agent_kind = child(f, QComboBox, "agentKind")
        self.agent_name = child(f, QLineEdit, "agentName")
        self.agent_phone = child(f, QLineEdit, "agentPhone")
        self.id_message = child(f, QLabel, "idNumberError")
        self.credit_message = child(f, QLabel, "creditCodeError")
        self.guardian_message = child(f, QLabel, "guardianError")
        self.name_label = child(f, QLabel, "nameLabel")
        # 法定代理人 (民法典第23条: the guardian): required under 18; its other parts in the box below
        child(f, QLabel, "guardianLabel").setText(self.tr("法定代理人："))
        self.guardian.setPlaceholderText(self.tr("未满 18 周岁的当事人须填写（监护人）"))
        self.law = PartyLawBox(ops.session_read(self.ctx, codes.items, "party_tag"), self)
        setup_date(self.birth_date, optional=True, blank=self.tr("（未填）"))
        fill_combo(self.role, ROLES)
        fill_combo(self.kind, KINDS)
        fill_combo(self.id_type, ID_TYPES)
        fill_combo(self.gender, [("男", self.tr("男")), ("女", self.tr("女"))], self.tr("（未填）"))
        fill_combo(self.agent_kind, AGENT_KINDS)
        nations = [text for _code, text in ops.session_read(self.ctx, codes.items, "ethnicity")]
        fill_combo(self.ethnicity, [(n, n) for n in nations], "")
        self.reveal_button.setIcon(theme.icon("mdi6.eye-outline"))
        self.reveal_button.setToolTip(self.tr("查看完整证件号码（记入审计日志）"))
        self.reveal_button.clicked.connect(self.reveal)

        for field, name in PARTY_FIELDS.items():
            widget = child(f, QWidget, name)
            error = child(f, QLabel, name + "Error")
            self.errors.add(
                field,
                widget,
                error,
                lambda: self.dialog.show_tab(self),
                auto_hide=field not in ("id_number", "credit_code"),
            )
        self.errors.add("parties", self.table, self.parties_error, lambda: self.dialog.show_tab(self))
        self.law.register(self.errors, lambda: self.dialog.show_tab(self))

        editor_inputs = input_widgets(f) + input_widgets(self.law)
        self.watch = DirtyWatch(editor_inputs, self._editor_changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.id_type.currentIndexChanged.connect(self._kind_changed)
        self.agent_kind.currentIndexChanged.connect(self._agent_changed)
        self.id_number.textChanged.connect(self._id_typed)
        self.credit_code.textChanged.connect(self._credit_typed)
        self.birth_date.dateChanged.connect(self._check_minor)
        self.guardian.textEdited.connect(self._check_minor)
        self.law.acts_alone.toggled.connect(self._check_minor)
        for box in self.law.tag_boxes.values():
            box.toggled.connect(self._check_minor)

        self.hint_timer = QTimer(self)
        self.hint_timer.setSingleShot(True)
        self.hint_timer.setInterval(HINT_DELAY_MS)
        self.hint_timer.timeout.connect(self.query_hints)
        self.hint_list = QListWidget()
        self.hint_list.setObjectName("repeatHints")
        self.hint_list.setWordWrap(True)
        self.hint_list.setToolTip(self.tr("双击打开该案件"))
        self.hint_list.itemActivated.connect(self._open_hint)
        self.hint_note = label("", "muted", wrap=True)
        self.hint_note.setObjectName("repeatHintNote")

        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.table, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        editor = QGroupBox(self.tr("当事人信息"))
        editor_box = QVBoxLayout(editor)
        editor_box.addWidget(self.form)
        editor_box.addWidget(self.law)
        left = QVBoxLayout()
        left.addWidget(label(self.tr("至少一名申请人和一名被申请人。选中一行，在下方修改。"), "muted"))
        left.addLayout(top)
        left.addWidget(self.parties_error)
        left.addWidget(editor, 1)
        hints = QGroupBox(self.tr("以往案件提示"))
        hints.setObjectName("repeatGroup")
        hints_box = QVBoxLayout(hints)
        hints_box.addWidget(self.hint_note)
        hints_box.addWidget(self.hint_list, 1)
        hints_box.addStretch(0)  # the note stays at the top while the list is hidden
        hints.setMinimumWidth(230)
        hints.setMaximumWidth(300)
        self.hints_group = hints
        box = QHBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addLayout(left, 1)
        box.addWidget(hints)

    # -- filling ------------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.editable = self.can_edit_case(detail)
        if not (keep_typing and self.dirty):
            if detail is None:
                drafts = [
                    PartyDraft(PartyInput("applicant", "person", "")),
                    PartyDraft(PartyInput("respondent", "person", "")),
                ]
            elif edit is not None:
                drafts = [PartyDraft(p, p.id_number, idnumber.mask(p.id_number)) for p in edit.parties]
            else:  # viewing only: the masked numbers of case_detail
                drafts = [PartyDraft(_from_detail(p), "", p["id_number"]) for p in detail["parties"]]
            self.drafts = drafts
            self.current = -1
            self._fill_table()
            if drafts:
                self.table.setCurrentCell(0, 0)
            self._select(0 if drafts else -1)
            self.errors.clear()
            self.watch.dirty = False
            self.query_hints()
        set_editable(self.form, self.editable, keep=(self.reveal_button,))
        set_editable(self.law, self.editable)
        self.add_button.setEnabled(self.editable)
        self.remove_button.setEnabled(self.editable and len(self.drafts) > 0)
        self._update_reveal()
        self._kind_changed()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self.drafts))
        for row in range(len(self.drafts)):
            self._fill_row(row)

    def _fill_row(self, row: int) -> None:
        p = self.drafts[row].data
        number = p.id_number if p.kind == "person" else p.credit_code
        shown = (
            self.drafts[row].masked
            if number == self.drafts[row].stored_id and self.drafts[row].masked
            else idnumber.mask(number)
            if p.kind == "person"
            else number
        )
        for column, text in enumerate((ROLES.get(p.role, ""), KINDS.get(p.kind, ""), p.name, shown, p.phone)):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def _select(self, row: int) -> None:
        if row == self.current and row >= 0:
            return
        self.current = row
        draft = self.drafts[row] if 0 <= row < len(self.drafts) else None
        self.form.setEnabled(draft is not None)
        with _Quiet(self.watch):
            p = draft.data if draft else PartyInput("applicant", "person", "")
            set_code(self.role, p.role)
            set_code(self.kind, p.kind)
            self.name.setText(p.name)
            set_code(self.id_type, p.id_type)
            showing_mask = draft is not None and draft.masked and p.id_number == draft.stored_id and not draft.revealed
            self.id_number.setText(draft.masked if draft is not None and showing_mask else p.id_number)
            set_code(self.gender, p.gender)
            set_date(self.birth_date, p.birth_date)
            set_code(self.ethnicity, p.ethnicity)
            self.credit_code.setText(p.credit_code)
            self.legal_rep.setText(p.legal_rep)
            self.phone.setText(p.phone)
            self.address.setText(p.address)
            self.occupation.setText(p.occupation)
            self.guardian.setText(p.guardian)
            set_code(self.agent_kind, p.agent_kind)
            self.agent_name.setText(p.agent_name)
            self.agent_phone.setText(p.agent_phone)
            self.law.fill(p)
        for error in self.form.findChildren(QLabel):
            if error.objectName().endswith("Error"):
                error.clear()
                error.setVisible(False)
        self._kind_changed()
        self._agent_changed()
        self._id_typed()
        self._update_reveal()

    # -- editing ------------------------------------------------------------------------------------

    def _editor_changed(self) -> None:
        if not 0 <= self.current < len(self.drafts):
            return
        draft = self.drafts[self.current]
        draft.data = self._read_editor(draft)
        self._fill_row(self.current)
        self.hint_timer.start()
        self.dialog.update_buttons()

    def _read_editor(self, draft: PartyDraft) -> PartyInput:
        typed = self.id_number.text()
        number = draft.stored_id if draft.masked and typed == draft.masked else typed.strip()
        person = code_of(self.kind) == "person"
        agent = code_of(self.agent_kind)
        return self.law.read(
            replace(
                draft.data,
                role=code_of(self.role),
                kind=code_of(self.kind),
                name=self.name.text(),
                gender=code_of(self.gender) if person else "",
                ethnicity=code_of(self.ethnicity) if person else "",
                birth_date=date_of(self.birth_date) if person else None,
                id_type=code_of(self.id_type),
                id_number=number if person else "",
                phone=self.phone.text().strip(),
                address=self.address.text().strip(),
                occupation=self.occupation.text().strip() if person else "",
                credit_code=self.credit_code.text().strip() if not person else "",
                legal_rep=self.legal_rep.text().strip() if not person else "",
                guardian=self.guardian.text().strip() if person else "",
                agent_kind=agent,
                agent_name=self.agent_name.text().strip() if agent else "",
                agent_phone=self.agent_phone.text().strip() if agent else "",
            ),
            person,
        )

    def _kind_changed(self) -> None:
        person = code_of(self.kind) == "person"
        for name in PERSON_ROWS:
            show_row(self.form, name, person)
        for name in ORG_ROWS:
            show_row(self.form, name, not person)
        self.name_label.setText(self.tr("姓名：*") if person else self.tr("名称：*"))
        self.law.show_person(person)
        if person:
            self._id_typed()
        self._update_reveal()

    def _agent_changed(self) -> None:
        on = bool(code_of(self.agent_kind))
        for widget in (self.agent_name, self.agent_phone):
            widget.setEnabled(on)

    def _id_typed(self) -> None:
        """The ID number checked as it is typed; a valid one fills in gender and birth date."""
        msg = self.id_message
        draft = self.drafts[self.current] if 0 <= self.current < len(self.drafts) else None
        text = self.id_number.text()
        number = idnumber.normalise(text)
        if code_of(self.kind) != "person" or not number:
            show_state(msg, "hint", "")
            msg.setVisible(False)
            return
        msg.setVisible(True)
        if draft is not None and draft.masked and text == draft.masked:
            show_state(msg, "hint", self.tr("已登记的号码（部分隐藏）。重新输入即可修改。"))
            return
        if code_of(self.id_type) != "resident":
            show_state(msg, "hint", "")
            msg.setVisible(False)
            return
        if len(number) < 18:
            show_state(msg, "hint", self.tr("已输入 {n} 位，共 18 位。").format(n=len(number)))
            return
        try:
            number = idnumber.validate(number, today=self.dialog.accepted_on())
        except UserError as exc:
            show_state(msg, "error", exc.message)
            return
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        gender = idnumber.gender(number)
        show_state(
            msg,
            "ok",
            self.tr("✓ 号码有效：{birth} 出生，{gender}").format(birth=f"{birth:%Y年%m月%d日}", gender=gender),
        )
        if not self.watch.loading and self.editable:
            if not code_of(self.gender):
                set_code(self.gender, gender)
            if date_of(self.birth_date) is None:
                set_date(self.birth_date, birth)
        self._check_minor()

    def _check_minor(self) -> None:
        """Under 18 on the day of acceptance (and not acting alone on their own income): the legal
        representative is needed, so say so beside that field; suggest the age's tags."""
        on = self.dialog.accepted_on()
        party = PartyInput(
            "applicant",
            code_of(self.kind),
            "",
            birth_date=date_of(self.birth_date),
            acts_alone=self.law.acts_alone.isChecked(),
        )
        self.law.suggest(party, on)
        text = self.tr("未满 18 周岁，须填写法定代理人（监护人），由法定代理人代为参加调解和签字。")
        if needs_representative(party, on) and not self.guardian.text().strip():
            show_state(self.guardian_message, "error", text)
            self.guardian_message.setVisible(True)
        elif self.guardian_message.text() == text:
            self.guardian_message.clear()
            self.guardian_message.setVisible(False)

    def _credit_typed(self) -> None:
        code = self.credit_code.text().strip()
        msg = self.credit_message
        if not code:
            msg.setVisible(False)
            return
        msg.setVisible(True)
        if len(code) < 18:
            show_state(msg, "hint", self.tr("已输入 {n} 位，共 18 位。").format(n=len(code)))
            return
        try:
            validate_credit_code(code)
        except UserError as exc:
            show_state(msg, "error", exc.message)
        else:
            show_state(msg, "ok", self.tr("✓ 代码有效"))

    def add_party(self) -> None:
        roles = {d.data.role for d in self.drafts}
        role = "applicant" if "applicant" not in roles else "respondent" if "respondent" not in roles else "third"
        self.drafts.append(PartyDraft(PartyInput(role, "person", "")))
        self.table.setRowCount(len(self.drafts))
        self._fill_row(len(self.drafts) - 1)
        self.table.setCurrentCell(len(self.drafts) - 1, 0)
        self.watch.mark()
        self.remove_button.setEnabled(self.editable)
        self.name.setFocus()

    def remove_party(self) -> None:
        row = self.current
        if not 0 <= row < len(self.drafts):
            return
        del self.drafts[row]
        self.current = -1
        self.table.removeRow(row)
        if self.drafts:
            self.table.setCurrentCell(min(row, len(self.drafts) - 1), 0)
            self._select(self.table.currentRow())
        else:
            self._select(-1)
        self.remove_button.setEnabled(self.editable and bool(self.drafts))
        self.watch.mark()
        self.hint_timer.start()

    # -- the full number, revealed on purpose ---------------------------------------------------------

    def _update_reveal(self) -> None:
        draft = self.drafts[self.current] if 0 <= self.current < len(self.drafts) else None
        can = (
            draft is not None
            and self.actor.can(Perm.REVEAL_ID)
            and bool(draft.data.uuid)
            and bool(draft.masked)
            and not draft.revealed
            and self.id_number.text() == draft.masked
            and code_of(self.kind) == "person"
        )
        self.reveal_button.setVisible(can)

    def reveal(self) -> None:
        draft = self.drafts[self.current]
        uuid = draft.data.uuid
        if not uuid:
            return

        def shown(number: str) -> None:
            draft.stored_id = number
            draft.revealed = True
            if draft.data.id_number == "" or draft.data.id_number == draft.masked:
                draft.data = replace(draft.data, id_number=number)
            if self.drafts and self.drafts[self.current] is draft:
                with _Quiet(self.watch):
                    self.id_number.setText(number)
                self._id_typed()
                self._update_reveal()

        submit(
            self.ctx,
            self,
            lambda s: case_queries.reveal_id(s, self.actor, uuid),
            shown,
            lambda _field, message: self.dialog.refused(self, None, message),
        )

    # -- earlier cases of the same people ------------------------------------------------------------

    def query_hints(self) -> None:
        self.hint_timer.stop()
        people = [
            d.data for d in self.drafts if d.data.id_number.strip() or (d.data.name.strip() and d.data.phone.strip())
        ]
        self.hints = (
            ops.session_read(self.ctx, case_queries.repeat_hints, people, exclude_case=self.dialog.case_uuid)
            if people
            else []
        )
        self.hint_list.clear()
        for h in self.hints:
            item = QListWidgetItem(
                theme.icon("mdi6.history", theme.ACCENT),
                self.tr("{no}\n{title}\n{on} 受理 · 按{by}匹配：{name}").format(
                    no=h.case_no, title=h.title, on=h.accepted_on.isoformat(), by=h.matched_by, name=h.party_name
                ),
            )
            item.setData(Qt.ItemDataRole.UserRole, h.case_uuid)
            item.setToolTip(self.tr("双击打开 {no}").format(no=h.case_no))
            self.hint_list.addItem(item)
        if self.hints:
            self.hint_note.setText(
                self.tr("同一当事人曾出现在以下 {n} 件案件中，请注意是否为重复纠纷：").format(n=len(self.hints))
            )
            self.hint_note.setProperty("state", "error")
        else:
            self.hint_note.setText(self.tr("按身份证号或姓名加电话查找同一当事人的以往案件。暂未发现。"))
            self.hint_note.setProperty("state", "")
        self.hint_note.style().polish(self.hint_note)
        self.hint_list.setVisible(bool(self.hints))

    def _open_hint(self, item: QListWidgetItem) -> None:
        self.dialog.open_other.emit(item.data(Qt.ItemDataRole.UserRole))

    # -- saving -------------------------------------------------------------------------------------

    def inputs(self) -> tuple[PartyInput, ...]:
        return tuple(d.data for d in self.drafts)

    def prevalidate(self, on: date) -> bool:
        """Check every party before anything is sent, so a refusal points at the party and field."""
        for row, draft in enumerate(self.drafts):
            try:
                validate_party(draft.data, on)
            except FieldError as exc:
                self.dialog.show_tab(self)
                self.table.setCurrentCell(row, 0)
                self.dialog.refused(self, exc.field, exc.message)
                return False
        return True

    def save(self) -> None:
        self.dialog.save_intake()

    def show_error(self, field: str | None, message: str) -> bool:
        if field == "id_number":
            self.dialog.show_tab(self)
            show_state(self.id_message, "error", message)
            self.id_message.setVisible(True)
            self.id_number.setFocus()
            self.dialog.scroll_to(self, self.id_number)
            return True
        return super().show_error(field, message)


class _Quiet:
    """Fill the editor without it counting as the user's change (but keep the dirty flag)."""

    def __init__(self, watch: DirtyWatch) -> None:
        self.watch = watch

    def __enter__(self) -> None:
        self.was = self.watch.loading
        self.watch.loading = True

    def __exit__(self, *_exc: object) -> None:
        self.watch.loading = self.was


def _from_detail(p: dict[str, Any]) -> PartyInput:
    birth = date.fromisoformat(p["birth_date"]) if p["birth_date"] else None
    return PartyInput(
        p["role"],
        p["kind"],
        p["name"],
        p["gender"],
        p["ethnicity"],
        birth,
        p["id_type"],
        p["id_number"],
        p["phone"],
        p["address"],
        p["occupation"],
        p["credit_code"],
        p["legal_rep"],
        p["guardian"],
        p["agent_kind"],
        p["agent_name"],
        p["agent_phone"],
        p["uuid"],
        **_law_from_detail(p),
    )


def _law_from_detail(p: dict[str, Any]) -> dict[str, Any]:
    rep = p.get("legal_representative") or {}
    return {
        "rep_relation": rep.get("relation", ""),
        "rep_id_number": rep.get("id_number", ""),
        "rep_phone": rep.get("phone", ""),
        "acts_alone": p.get("acts_alone", False),
        "acts_alone_reason": p.get("acts_alone_reason", ""),
        "service_address": p.get("service_address", ""),
        "tags": ",".join(p.get("tag_codes", [])),
    }
