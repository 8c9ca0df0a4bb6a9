"""简易程序（当场调解）: a dispute settled where it arose, on one screen: intake, the parties, the
oral agreement and its register (口头协议登记表), written in one unit of work
(services/simple_cases.py). The screen says what filing needs under the simple procedure (the
district's settings); a 所长 may file at once. Also the 转为普通程序 action for a simple case."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.parties import PartyInput
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import cases, codes, committees, mediators, simple_cases, users
from xihu_desk.services.context import Actor

ROLES = (("applicant", "申请人"), ("respondent", "被申请人"), ("third", "第三人"))
NAME, ID_NUMBER, PHONE, ADDRESS = range(1, 5)


def _date(d: QDate) -> Any:
    return d.toPython()


class SimpleCaseDialog(QDialog):
    """One screen, one step: 登记 numbers the case, records the oral agreement and closes it."""

    created = Signal(str)  # the new case's uuid

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.busy = False
        self.ref: cases.CaseRef | None = None
        self.setObjectName("simpleCaseDialog")
        self.setWindowTitle(self.tr("简易程序（当场调解）"))
        self.setWindowIcon(theme.icon("mdi6.lightning-bolt-outline", theme.ACCENT))
        lists = ops.session_read(ctx, codes.items_of, "dispute_type", "case_source", "retention")
        own = ops.session_read(ctx, committees.list_committees, own_only=True)
        needs = ops.read(ctx, actor, simple_cases.filing_requirements)

        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        box.setSpacing(8)
        box.addWidget(
            label(
                self.tr(
                    "当场调解、当场达成口头协议的纠纷：受理、当事人、口头协议及其登记表在这一页一次登记，"
                    "登记后案件即结案。需要书面协议或继续调解的，请用“新建案件”按普通程序办理。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.needs_label = label(
            self.tr("简易程序归档只需：{items}（由区司法局规定，在“系统设置 → 系统参数”中调整）。").format(
                items="、".join(needs)
            ),
            wrap=True,
        )
        self.needs_label.setObjectName("simpleFilingNeeds")
        box.addWidget(self.needs_label)

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.addWidget(self._intake_box(own, lists), 0, 0)
        grid.addWidget(self._agreement_box(lists), 0, 1, 2, 1)
        grid.addWidget(self._parties_box(), 1, 0)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        box.addLayout(grid, 1)

        self.message_label = label("", wrap=True)
        self.message_label.setObjectName("simpleMessage")
        self.register_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("登记"))
        self.register_button.setObjectName("registerButton")
        self.register_button.setProperty("kind", "primary")
        self.register_button.setToolTip(self.tr("受理并登记口头协议（一次完成）"))
        self.register_button.clicked.connect(self.register)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.message_label, 1)
        footer.addWidget(self.register_button)
        footer.addWidget(cancel)
        box.addLayout(footer)
        for button in self.findChildren(QPushButton):  # Enter in a field never registers
            button.setAutoDefault(False)
            button.setDefault(False)
        self._committee_changed()
        self._preselect_own()
        self.resize(1080, 660)

    # -- layout -------------------------------------------------------------------------------------

    def _intake_box(self, own: list[Any], lists: dict[str, list[tuple[str, str]]]) -> QGroupBox:
        group = QGroupBox(self.tr("受理"))
        form = QFormLayout(group)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.committee = QComboBox()
        self.committee.setObjectName("committee")
        for c in own:
            self.committee.addItem(c.name, c.uuid)
        self.committee.currentIndexChanged.connect(self._committee_changed)
        self.settled_on = QDateEdit(QDate.fromString(clock.local_today().isoformat(), Qt.DateFormat.ISODate))
        self.settled_on.setObjectName("settledOn")
        self.settled_on.setCalendarPopup(True)
        self.settled_on.setDisplayFormat("yyyy-MM-dd")
        self.settled_on.setMaximumDate(self.settled_on.date())
        self.dispute_type = self._combo("disputeType", lists["dispute_type"])
        self.source = self._combo("source", lists["case_source"])
        self.source.setCurrentIndex(max(0, self.source.findData("initiative")))
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setPlaceholderText(self.tr("纠纷简要情况：何时何地、因何发生争执"))
        self.summary.setFixedHeight(64)
        self.mediator = QComboBox()
        self.mediator.setObjectName("mediator")
        form.addRow(self.tr("调委会 *："), self.committee)
        form.addRow(self.tr("调解日期 *："), self.settled_on)
        form.addRow(self.tr("纠纷类型 *："), self.dispute_type)
        form.addRow(self.tr("案件来源 *："), self.source)
        form.addRow(self.tr("纠纷简要情况 *："), self.summary)
        form.addRow(self.tr("主持调解 *："), self.mediator)
        return group

    def _parties_box(self) -> QGroupBox:
        group = QGroupBox(self.tr("当事人（自然人；单位当事人请按普通程序受理）"))
        box = QVBoxLayout(group)
        self.parties = QTableWidget(0, 5)
        self.parties.setObjectName("partiesTable")
        self.parties.setHorizontalHeaderLabels(
            [self.tr("身份"), self.tr("姓名 *"), self.tr("身份证号"), self.tr("电话"), self.tr("住址")]
        )
        self.parties.verticalHeader().hide()
        self.parties.horizontalHeader().setSectionResizeMode(ADDRESS, QHeaderView.ResizeMode.Stretch)
        self.parties.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for role in ("applicant", "respondent"):
            self._add_party(role)
        add = QPushButton(theme.icon("mdi6.account-plus-outline"), self.tr("添加第三人"))
        add.setObjectName("addThirdParty")
        add.clicked.connect(lambda: self._add_party("third"))
        box.addWidget(self.parties)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addStretch(1)
        box.addLayout(row)
        return group

    def _agreement_box(self, lists: dict[str, list[tuple[str, str]]]) -> QGroupBox:
        group = QGroupBox(self.tr("口头协议及登记"))
        form = QFormLayout(group)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.clauses = QPlainTextEdit()
        self.clauses.setObjectName("clauses")
        self.clauses.setPlaceholderText(
            self.tr("口头协议内容，每行一条，如：\n李四当场向张三赔礼道歉。\n李四当场以现金支付张三修理费300元。")
        )
        self.method = QLineEdit()
        self.method.setObjectName("performanceMethod")
        self.method.setPlaceholderText(self.tr("如：当场现金支付、当场赔礼道歉、自行维修"))
        self.on_the_spot = QCheckBox(self.tr("当场履行完毕"))
        self.on_the_spot.setObjectName("performedOnTheSpot")
        self.on_the_spot.setChecked(True)
        self.deadline = QDateEdit(self.settled_on.date().addDays(7))
        self.deadline.setObjectName("performanceDeadline")
        self.deadline.setCalendarPopup(True)
        self.deadline.setDisplayFormat("yyyy-MM-dd")
        self.deadline.setEnabled(False)
        self.on_the_spot.toggled.connect(lambda spot: self.deadline.setEnabled(not spot))
        self.amount = QDoubleSpinBox()
        self.amount.setObjectName("amount")
        self.amount.setRange(0, 10_000_000)
        self.amount.setDecimals(2)
        self.amount.setSuffix(self.tr(" 元"))
        self.registrar = QLineEdit(self.actor.display_name or "")
        self.registrar.setObjectName("registrar")
        self.notice = QCheckBox(self.tr("调解前已口头告知当事人权利义务"))
        self.notice.setObjectName("noticeTold")
        self.notice.setChecked(True)
        self.id_checked = QCheckBox(self.tr("已核验当事人身份证件"))
        self.id_checked.setObjectName("idChecked")
        self.id_checked.setChecked(True)
        form.addRow(self.tr("协议内容 *："), self.clauses)
        form.addRow(self.tr("履行方式 *："), self.method)
        form.addRow("", self.on_the_spot)
        form.addRow(self.tr("履行期限："), self.deadline)
        form.addRow(self.tr("协议金额："), self.amount)
        form.addRow(self.tr("登记人 *："), self.registrar)
        form.addRow("", self.notice)
        form.addRow("", self.id_checked)
        self.file_now = QCheckBox(self.tr("登记后立即立卷归档"))
        self.file_now.setObjectName("fileNow")
        self.retention = self._combo("retention", lists["retention"])
        self.retention.setEnabled(False)
        self.file_now.toggled.connect(self.retention.setEnabled)
        if self.actor.can(Perm.FILE_CASES):  # 立卷归档 is the 所长's
            form.addRow("", self.file_now)
            form.addRow(self.tr("保管期限："), self.retention)
        else:
            self.file_now.hide()
            self.retention.hide()
        return group

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for code, text in items:
            combo.addItem(text, code)
        return combo

    def _add_party(self, role: str) -> None:
        row = self.parties.rowCount()
        self.parties.insertRow(row)
        role_item = QTableWidgetItem(dict(ROLES)[role])
        role_item.setData(Qt.ItemDataRole.UserRole, role)
        role_item.setFlags(role_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.parties.setItem(row, 0, role_item)
        for col in (NAME, ID_NUMBER, PHONE, ADDRESS):
            self.parties.setItem(row, col, QTableWidgetItem(""))

    def _preselect_own(self) -> None:
        """A mediator's account is linked to the roster: their committee and themself come chosen."""
        own = ops.read(self.ctx, self.actor, users.own_roster_entry)
        if own is None:
            return
        mediator_uuid, _name, committee_uuid = own
        index = self.committee.findData(committee_uuid)
        if index >= 0:
            self.committee.setCurrentIndex(index)  # refills the mediators of that committee
        index = self.mediator.findData(mediator_uuid)
        if index >= 0:
            self.mediator.setCurrentIndex(index)

    def _committee_changed(self) -> None:
        self.mediator.clear()
        uuid = self.committee.currentData()
        if uuid:
            for m in ops.session_read(self.ctx, mediators.list_mediators, uuid):
                self.mediator.addItem(m.name, m.uuid)

    # -- registering --------------------------------------------------------------------------------

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        item = self.parties.item(row, col)
        if item is None:  # every cell is made with its row (_add_party); a cleared one is made again
            item = QTableWidgetItem("")
            self.parties.setItem(row, col, item)
        return item

    def set_party(self, row: int, name: str, id_number: str = "", phone: str = "", address: str = "") -> None:
        """Fill one party's row (as typing in its cells does)."""
        for col, value in ((NAME, name), (ID_NUMBER, id_number), (PHONE, phone), (ADDRESS, address)):
            self._cell(row, col).setText(value)

    def party_inputs(self) -> tuple[PartyInput, ...]:
        out = []
        for row in range(self.parties.rowCount()):
            name = self._cell(row, NAME).text().strip()
            if not name and row >= 2:
                continue  # an empty third-party row added by mistake
            out.append(
                PartyInput(
                    self._cell(row, 0).data(Qt.ItemDataRole.UserRole),
                    "person",
                    name,
                    id_number=self._cell(row, ID_NUMBER).text().strip(),
                    phone=self._cell(row, PHONE).text().strip(),
                    address=self._cell(row, ADDRESS).text().strip(),
                )
            )
        return tuple(out)

    def command(self) -> simple_cases.SimpleCaseCommand:
        mediator = self.mediator.currentData()
        spot = self.on_the_spot.isChecked()
        return simple_cases.SimpleCaseCommand(
            committee_uuid=self.committee.currentData() or "",
            source=self.source.currentData() or "",
            dispute_type=self.dispute_type.currentData() or "",
            settled_on=_date(self.settled_on.date()),
            summary=self.summary.toPlainText(),
            parties=self.party_inputs(),
            mediators=(cases.MediatorAssignment(mediator, lead=True),) if mediator else (),
            clauses=tuple(line for line in self.clauses.toPlainText().splitlines() if line.strip()),
            performance_method=self.method.text(),
            performance_deadline=None if spot else _date(self.deadline.date()),
            performed_on_the_spot=spot,
            amount_fen=round(self.amount.value() * 100),
            registrar=self.registrar.text(),
            notice_told=self.notice.isChecked(),
            id_proofs_checked=self.id_checked.isChecked(),
            file_retention=(self.retention.currentData() or "") if self.file_now.isChecked() else "",
        )

    def register(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.register_button.setEnabled(False)
        show_state(self.message_label, "hint", self.tr("正在登记…"))
        ops.write(
            self.ctx,
            self.actor,
            simple_cases.open_simple_case,
            self.command(),
            parent=self,
            label=self.tr("正在登记…"),
            on_ok=self._registered,
            on_error=self._refused,
        )

    def _registered(self, ref: cases.CaseRef) -> None:
        self.busy = False
        self.ref = ref
        filed = self.file_now.isChecked()
        show_state(
            self.message_label,
            "ok",
            (self.tr("✓ 已登记并归档，案件编号 {no}。") if filed else self.tr("✓ 已登记，案件编号 {no}。")).format(
                no=ref.case_no
            ),
        )
        self.created.emit(ref.uuid)
        self.accept()

    def _refused(self, message: str) -> None:
        """Nothing typed is lost: the screen stays as it was, the reason below it."""
        self.busy = False
        self.register_button.setEnabled(True)
        if "法定代理人" in message:  # this one screen has no representative: the ordinary intake has
            message += self.tr(
                "简易程序一屏不登记法定代理人，未成年当事人的纠纷请用“新建案件”按普通程序受理，"
                "在“当事人”页登记法定代理人。"
            )
        show_state(self.message_label, "error", self.tr("未登记：{m}").format(m=message))


# -- 转为普通程序 -------------------------------------------------------------------------------------


class ConvertDialog(QDialog):
    """Asks why a simple case goes on under the ordinary procedure; says what that then needs."""

    def __init__(self, case_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("convertDialog")
        self.setWindowTitle(self.tr("转为普通程序"))
        box = QVBoxLayout(self)
        box.addWidget(
            label(
                self.tr(
                    "{no} 将转为普通程序办理。案件编号、当事人、口头协议等全部保留；归档时须按普通程序"
                    "备齐卷宗（权利义务告知书、调解记录、结案报告表等）。"
                ).format(no=case_no),
                wrap=True,
            )
        )
        self.reason = QLineEdit()
        self.reason.setObjectName("convertReason")
        self.reason.setPlaceholderText(self.tr("原因，如：当事人要求出具书面协议；需要继续调解"))
        form = QFormLayout()
        form.addRow(self.tr("原因 *："), self.reason)
        box.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.ok_button = QPushButton(self.tr("转为普通程序"))
        self.ok_button.setObjectName("convertButton")
        self.ok_button.setProperty("kind", "primary")
        self.ok_button.clicked.connect(self.accept)
        cancel = QPushButton(self.tr("取消"))
        cancel.clicked.connect(self.reject)
        row.addWidget(self.ok_button)
        row.addWidget(cancel)
        box.addLayout(row)


def convert_to_ordinary(
    ctx: AppContext, actor: Actor, parent: QWidget, case_uuid: str, case_no: str, on_done: Any = None
) -> ConvertDialog:
    """Open the reason dialog; on 转为普通程序 convert in one unit of work and say what the ordinary
    file still lacks. Returns the (open) dialog."""
    dialog = ConvertDialog(case_no, parent)

    def done(missing: list[str]) -> None:
        lacking = dialog.tr("归档尚缺：{m}。").format(m="、".join(missing)) if missing else dialog.tr("卷宗材料已齐。")
        messages.info(
            parent, dialog.tr("{no} 已转为普通程序。").format(no=case_no) + lacking, dialog.tr("转为普通程序")
        )
        if on_done is not None:
            on_done(case_uuid)

    def accepted() -> None:
        ops.write(
            ctx,
            actor,
            simple_cases.convert_to_ordinary,
            case_uuid,
            dialog.reason.text(),
            parent=parent,
            on_ok=done,
            on_error=lambda m: messages.error(parent, m, dialog.tr("未转换")),
        )

    dialog.accepted.connect(accepted)
    dialog.open()
    return dialog
