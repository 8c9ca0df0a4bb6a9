"""调解过程: the notice of rights and duties, the investigation and mediation records, the time
limit and its extension, and a party's refusal (人民调解法第17条)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.gui import theme
from xihu_desk.gui.cases.dialogs import CaseSubDialog, add_field, form_layout
from xihu_desk.gui.kit import code_of, date_of, datetime_of, fill_combo, set_code, set_date, set_datetime, setup_date
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.cases.tab import CaseTab
from xihu_desk.gui.forms import child, load_form
from xihu_desk.gui.widgets import label
from xihu_desk.services import cases
from xihu_desk.services.cases import RecordInput
from xihu_desk.services.case_queries import CaseForEdit

NOTICE_FORMS = {"oral": "口头告知", "written": "书面告知（告知书）"}
RECORD_KINDS = {"investigation": "调查记录", "mediation": "调解记录"}


class ProcessTab(CaseTab):
    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("保存告知情况")
        self.detail: dict[str, Any] | None = None

        # 权利义务告知
        notice = QGroupBox(self.tr("权利义务告知（调解前）"))
        notice_box = QVBoxLayout(notice)
        self.notice_status = label("", wrap=True)
        self.notice_status.setObjectName("noticeStatus")
        notice_box.addWidget(self.notice_status)
        form = form_layout()
        self.notice_date = QDateEdit()
        self.notice_date.setObjectName("noticeDate")
        setup_date(self.notice_date)
        self.notice_form = QComboBox()
        self.notice_form.setObjectName("noticeForm")
        fill_combo(self.notice_form, {k: self.tr(v) for k, v in NOTICE_FORMS.items()}, self.tr("（请选择）"))
        self.public = QCheckBox(self.tr("公开调解（可允许亲属、邻里等旁听）"))
        self.public.setObjectName("sessionPublic")
        self.private_reason = QLineEdit()
        self.private_reason.setObjectName("privateReason")
        self.private_reason.setMaxLength(60)
        self.private_reason.setPlaceholderText(self.tr("如：涉及个人隐私，当事人要求不公开"))
        add_field(form, self.errors, "notice_given_on", self.tr("告知日期"), self.notice_date, True, self._show)
        add_field(form, self.errors, "notice_form", self.tr("告知方式"), self.notice_form, True, self._show)
        form.addRow("", self.public)
        add_field(form, self.errors, "private_reason", self.tr("不公开原因"), self.private_reason, False, self._show)
        notice_box.addLayout(form)
        self.public.toggled.connect(lambda on: self.private_reason.setEnabled(not on))

        # 期限
        limit = QGroupBox(self.tr("调解期限"))
        limit_box = QVBoxLayout(limit)
        self.due_label = label("", wrap=True)
        self.due_label.setObjectName("dueLabel")
        limit_box.addWidget(self.due_label)
        limit_box.addWidget(
            label(self.tr("人民调解一般在一个月内调结；经双方当事人同意可以延长。"), "muted", wrap=True)
        )
        limit_box.addStretch(1)
        self.extend_button = QPushButton(theme.icon("mdi6.calendar-clock-outline"), self.tr("延长期限…"))
        self.extend_button.setObjectName("extendButton")
        self.refuse_button = QPushButton(theme.icon("mdi6.account-cancel-outline"), self.tr("当事人拒绝调解…"))
        self.refuse_button.setObjectName("refuseButton")
        row = QHBoxLayout()
        row.addWidget(self.extend_button)
        row.addWidget(self.refuse_button)
        row.addStretch(1)
        limit_box.addLayout(row)
        self.extend_button.clicked.connect(self.extend)
        self.refuse_button.clicked.connect(self.refuse)

        # 记录
        records = QGroupBox(self.tr("调查记录与调解记录"))
        records_box = QVBoxLayout(records)
        self.records = QTableWidget(0, 6)
        self.records.setObjectName("recordsTable")
        self.records.setHorizontalHeaderLabels(
            [
                self.tr("时间"),
                self.tr("类别"),
                self.tr("地点"),
                self.tr("事由"),
                self.tr("调解员/调查人"),
                self.tr("记录人"),
            ]
        )
        self.records.verticalHeader().hide()
        self.records.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.records.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.records.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.records.setAlternatingRowColors(True)
        header = self.records.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.records.cellDoubleClicked.connect(lambda row, _col: self.view_record(row))
        self.add_investigation = QPushButton(theme.icon("mdi6.text-box-search-outline"), self.tr("新增调查记录…"))
        self.add_investigation.setObjectName("addInvestigation")
        self.add_mediation = QPushButton(theme.icon("mdi6.text-box-plus-outline"), self.tr("新增调解记录…"))
        self.add_mediation.setObjectName("addMediation")
        self.view_button = QPushButton(theme.icon("mdi6.text-box-outline"), self.tr("查看"))
        self.view_button.setObjectName("viewRecord")
        self.add_investigation.clicked.connect(lambda: self.new_record("investigation"))
        self.add_mediation.clicked.connect(lambda: self.new_record("mediation"))
        self.view_button.clicked.connect(lambda: self.view_record(self.records.currentRow()))
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_investigation)
        buttons.addWidget(self.add_mediation)
        buttons.addWidget(self.view_button)
        buttons.addStretch(1)
        self.records_note = label("", "muted")
        buttons.addWidget(self.records_note)
        records_box.addLayout(buttons)
        records_box.addWidget(self.records, 1)

        top = QHBoxLayout()
        top.addWidget(notice, 3)
        top.addWidget(limit, 2)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addLayout(top)
        box.addWidget(records, 1)
        self.watch_inputs([self.notice_date, self.notice_form, self.public, self.private_reason])
        self.record_dialog: RecordDialog | None = None
        self.sub: CaseSubDialog | None = None

    def _show(self) -> None:
        self.dialog.show_tab(self)

    # -- filling ------------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.detail = detail
        self.editable = detail is not None and self.can_edit_case(detail)
        if detail is None:
            return
        if not (keep_typing and self.dirty):
            with self.loading():
                accepted = date.fromisoformat(detail["accepted_on"])
                set_date(self.notice_date, detail["notice_given_on"] or max(clock.local_today(), accepted))
                set_code(self.notice_form, detail["notice_form"])
                self.public.setChecked(detail["session_public"])
                self.private_reason.setText(detail["private_reason"])
            self.errors.clear()
        if detail["notice_given_on"]:
            form = self.tr("书面告知") if detail["notice_form"] == "written" else self.tr("口头告知")
            self.notice_status.setText(
                self.tr("✓ 已于 {on} {form}当事人权利义务。").format(on=detail["notice_given_on"], form=form)
            )
            self.notice_status.setProperty("state", "ok")
        else:
            self.notice_status.setText(
                self.tr("尚未告知。调解前须告知当事人人民调解的性质、原则、效力和当事人的权利义务。")
            )
            self.notice_status.setProperty("state", "error")
        self.notice_status.style().polish(self.notice_status)
        for w in (self.notice_date, self.private_reason):
            w.setReadOnly(not self.editable)
        for choice in (self.notice_form, self.public):
            choice.setEnabled(self.editable)
        self.private_reason.setEnabled(not self.public.isChecked())
        self._fill_due(detail)
        self._fill_records(detail)
        refused = detail["refused_by_party"]
        for button in (self.add_investigation, self.add_mediation, self.extend_button, self.refuse_button):
            button.setEnabled(self.editable and not refused)
        self.view_button.setEnabled(bool(detail["records"]))

    def _fill_due(self, d: dict[str, Any]) -> None:
        if d["status"] == "void":  # 作废: the reason, not a closing date
            self.due_label.setText(self.tr("已作废：{r}").format(r=(d.get("void") or {}).get("reason", "")))
            self.due_label.setProperty("state", "")
        elif d["status"] not in ("accepted", "mediating"):
            text = self.tr("已结案（{on}）。").format(on=d["closed_on"] or d["outcome_on"] or "")
            if d["refused_by_party"]:
                text += self.tr("当事人明确拒绝调解，未进行调解。")
            self.due_label.setText(text)
            self.due_label.setProperty("state", "")
        else:
            text = self.tr("期限：{due}").format(due=d["due_on"])
            if d["extended_to"]:
                text += self.tr("（经双方同意延长，理由：{reason}）").format(reason=d["extension_reason"])
            else:
                text += self.tr("（受理之日起一个月）")
            if d["overdue"]:
                days = (clock.local_today() - date.fromisoformat(d["due_on"])).days
                text += self.tr("\n已超期 {n} 天。").format(n=days)
            self.due_label.setText(text)
            self.due_label.setProperty("state", "error" if d["overdue"] else "")
        self.due_label.style().polish(self.due_label)

    def _fill_records(self, d: dict[str, Any]) -> None:
        rows = d["records"]
        self.records.setRowCount(len(rows))
        for row, r in enumerate(rows):
            values = (
                r["held_at"].replace("T", " "),
                RECORD_KINDS.get(r["kind"], r["kind"]),
                r["place"],
                r["matter"],
                r["mediators"],
                r["recorder"],
            )
            for column, text in enumerate(values):
                self.records.setItem(row, column, QTableWidgetItem(text))
        n_med = sum(1 for r in rows if r["kind"] == "mediation")
        self.records_note.setText(self.tr("调查记录 {i} 份，调解记录 {m} 份").format(i=len(rows) - n_med, m=n_med))

    # -- actions ------------------------------------------------------------------------------------

    def save(self) -> None:
        uuid = self.dialog.saved_uuid()
        given_on, no_date = date_of(self.notice_date), self.tr("请填写告知日期。")
        form = code_of(self.notice_form)
        public = self.public.isChecked()
        reason = self.private_reason.text()
        self.dialog.run(
            self,
            lambda s: cases.record_notice(
                s,
                self.actor,
                uuid,
                required_date(given_on, "notice_given_on", no_date),
                form,
                session_public=public,
                private_reason=reason,
            ),
            self.tr("已登记权利义务告知。"),
        )

    def new_record(self, kind: str) -> RecordDialog:
        self.record_dialog = RecordDialog(self, kind, None)
        self.record_dialog.open()
        return self.record_dialog

    def view_record(self, row: int) -> RecordDialog | None:
        if self.detail is None or not 0 <= row < len(self.detail["records"]):
            return None
        record = self.detail["records"][row]
        self.record_dialog = RecordDialog(self, record["kind"], record)
        self.record_dialog.open()
        return self.record_dialog

    def extend(self) -> CaseSubDialog:
        self.sub = ExtensionDialog(self)
        self.sub.open()
        return self.sub

    def refuse(self) -> CaseSubDialog:
        self.sub = RefusalDialog(self)
        self.sub.open()
        return self.sub


class RecordDialog(CaseSubDialog):
    """人民调解调查记录 / 人民调解记录 (domain.md §2.6–2.7), new or read-only."""

    def __init__(self, tab: ProcessTab, kind: str, record: dict[str, Any] | None) -> None:
        word = RECORD_KINDS[kind]
        title = (tab.tr("新增") + word) if record is None else word
        super().__init__(tab.ctx, title, tab.dialog, "cases/record_dialog")
        self.tab, self.kind = tab, kind
        self.form = load_form("case_record", self)
        f = self.form
        self.held_at = child(f, QDateTimeEdit, "heldAt")
        self.place = child(f, QLineEdit, "place")
        self.matter = child(f, QLineEdit, "matter")
        self.subject = child(f, QLineEdit, "subject")
        self.participants = child(f, QLineEdit, "participants")
        self.mediators = child(f, QLineEdit, "mediators")
        self.recorder = child(f, QLineEdit, "recorder")
        self.notice = child(f, QCheckBox, "noticeAnnounced")
        self.body_text = child(f, QPlainTextEdit, "body")
        for field, name in (
            ("held_at", "heldAt"),
            ("place", "place"),
            ("matter", "matter"),
            ("subject", "subject"),
            ("participants", "participants"),
            ("mediators", "mediators"),
            ("recorder", "recorder"),
            ("body", "body"),
        ):
            self.errors.add(field, child(f, QWidget, name), child(f, QLabel, name + "Error"))
        if kind == "investigation":
            child(f, QLabel, "subjectLabel").setText(self.tr("被调查人："))
            child(f, QLabel, "mediatorsLabel").setText(self.tr("调查人：*"))
            self.notice.hide()
        self.body.addWidget(self.form, 1)
        self.finish_layout(self.tr("带 * 的为必填项"))
        self.resize(max(self.width(), 640), max(self.height(), 560))
        d = tab.detail or {}
        if record is None:
            now = clock.local_now().replace(second=0, microsecond=0)
            set_datetime(self.held_at, now)
            self.matter.setText(d.get("title", ""))
            self.subject.setText("、".join(p["name"] for p in d.get("parties", [])))
            self.mediators.setText("、".join(d.get("mediators", [])))
            self.recorder.setText(tab.actor.display_name or tab.actor.name)
            self.notice.setChecked(kind == "mediation" and bool(d.get("notice_given_on")))
            self.body_text.setFocus()
        else:
            set_datetime(self.held_at, datetime.fromisoformat(record["held_at"]))
            for widget, key in (
                (self.place, "place"),
                (self.matter, "matter"),
                (self.subject, "subject"),
                (self.participants, "participants"),
                (self.mediators, "mediators"),
                (self.recorder, "recorder"),
            ):
                widget.setText(record[key])
            self.notice.setChecked(record["notice_announced"])
            self.body_text.setPlainText(record["body"])
            for shown in (
                self.held_at,
                self.place,
                self.matter,
                self.subject,
                self.participants,
                self.mediators,
                self.recorder,
                self.body_text,
            ):
                shown.setReadOnly(True)
            self.notice.setEnabled(False)
            self.read_only()

    def save(self) -> None:
        rec = RecordInput(
            kind=self.kind,
            held_at=datetime_of(self.held_at),
            place=self.place.text(),
            body=self.body_text.toPlainText(),
            matter=self.matter.text(),
            subject=self.subject.text(),
            participants=self.participants.text(),
            mediators=self.mediators.text(),
            recorder=self.recorder.text(),
            notice_announced=self.notice.isChecked() and self.kind == "mediation",
        )
        uuid, actor = self.tab.dialog.saved_uuid(), self.tab.actor
        word = RECORD_KINDS[self.kind]
        self.run(
            lambda s: cases.add_record(s, actor, uuid, rec),
            lambda _r: self.tab.dialog.after_save((), self.tr("已保存{word}。").format(word=word)),
        )


class ExtensionDialog(CaseSubDialog):
    def __init__(self, tab: ProcessTab) -> None:
        super().__init__(tab.ctx, tab.tr("延长调解期限"), tab.dialog)
        self.tab = tab
        d = tab.detail or {}
        due = date.fromisoformat(d["due_on"]) if d.get("due_on") else clock.local_today()
        form = form_layout()
        form.addRow(self.tr("原期限："), QLabel(due.isoformat()))
        self.to = QDateEdit()
        self.to.setObjectName("extendedTo")
        setup_date(self.to)
        set_date(self.to, due + timedelta(days=30))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("extensionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("如：需等待损失鉴定结果"))
        self.reason.setFixedHeight(80)
        self.agreed = QCheckBox(self.tr("双方当事人同意延长"))
        self.agreed.setObjectName("extensionAgreed")
        add_field(form, self.errors, "extended_to", self.tr("延长至"), self.to, True)
        add_field(form, self.errors, "extension_reason", self.tr("延长理由"), self.reason, True)
        add_field(form, self.errors, "extension_agreed", self.tr("当事人意见"), self.agreed, True)
        self.body.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(460)

    def save(self) -> None:
        uuid, actor = self.tab.dialog.saved_uuid(), self.tab.actor
        to, reason, agreed = date_of(self.to), self.reason.toPlainText(), self.agreed.isChecked()
        no_date = self.tr("请填写延长至的日期。")
        self.run(
            lambda s: cases.extend(s, actor, uuid, required_date(to, "extended_to", no_date), reason, agreed),
            lambda _r: self.tab.dialog.after_save((), self.tr("调解期限已延长至 {to}。").format(to=to)),
        )


class RefusalDialog(CaseSubDialog):
    def __init__(self, tab: ProcessTab) -> None:
        super().__init__(tab.ctx, tab.tr("当事人拒绝调解"), tab.dialog)
        self.tab = tab
        self.body.addWidget(
            label(
                self.tr(
                    "人民调解法第十七条：当事人一方明确拒绝调解的，不得调解。\n登记后本案以“终止调解”结案，"
                    "并视为已告知当事人可通过仲裁、行政、司法等途径解决。"
                ),
                wrap=True,
            )
        )
        form = form_layout()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("refusalReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(self.tr("哪一方、何时、如何表示拒绝调解"))
        self.reason.setFixedHeight(90)
        add_field(form, self.errors, "failure_reason", self.tr("情况说明"), self.reason, True)
        self.body.addLayout(form)
        self.finish_layout()
        self.save_button.setText(self.tr("登记拒绝调解"))
        self.setMinimumWidth(480)

    def save(self) -> None:
        uuid, actor, reason = self.tab.dialog.saved_uuid(), self.tab.actor, self.reason.toPlainText()
        self.run(
            lambda s: cases.record_refusal(s, actor, uuid, reason),
            lambda _r: self.tab.dialog.after_save((), self.tr("已登记当事人拒绝调解，案件终止调解。")),
        )
