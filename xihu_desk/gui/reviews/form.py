"""The register form of one review item: registration on the left (送审登记, then 采纳与出台 once the
opinion is out), the clock and the opinion on the right with the steps that move the item on
(补正, 收到补正材料, 延长期限, 出具意见, 退回, 归档). Ctrl+S saves, Esc closes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import reviews as rules
from xihu_desk.domain.reviews import ReviewStatus
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.reviews import dialogs
from xihu_desk.gui.kit import (
    FieldErrors,
    date_edit,
    date_of,
    fill_combo,
    form_layout,
    required,
    set_code,
    set_date,
    submit,
    write_file,
)
from xihu_desk.gui.widgets import label, restyle
from xihu_desk.services import codes, review_opinion, review_queries, reviews
from xihu_desk.services.context import Actor
from xihu_desk.services.edit_conflicts import EditConflict


def save_document_dialog(parent: QWidget, title: str, suggested: str) -> str:
    return QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested), "PDF 文件 (*.pdf);;Word 文档 (*.docx)"
    )[0]


class ReviewDialog(QDialog):
    changed = Signal(str)  # uuid: the item was saved or moved on (the register refreshes)

    def __init__(self, ctx: AppContext, actor: Actor, uuid: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.uuid = ctx, actor, uuid
        self.detail: dict[str, Any] | None = None
        self.conflict: dict[str, Any] = {}  # a save that met another desk's change: the stored version
        self.step: dialogs.StepDialog | None = None
        self.can_edit = actor.can(Perm.EDIT_REVIEWS)
        self.setObjectName("reviewDialog")
        self.setWindowTitle(self.tr("合法性审查事项"))
        self.setSizeGripEnabled(True)
        self.choose_save_file: Callable[[QWidget, str, str], str] = save_document_dialog
        lists = ops.session_read(ctx, codes.items_of, "review_type", "review_conclusion", "review_adoption")
        self.types, self.conclusions = lists["review_type"], lists["review_conclusion"]
        self.adoptions = lists["review_adoption"]
        self.errors = FieldErrors()

        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 12, 14, 12)
        head = QHBoxLayout()
        self.number_label = label("", "title")
        self.number_label.setObjectName("numberLabel")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = label("", "subtitle")
        self.status_label.setObjectName("statusLabel")
        head.addWidget(self.number_label, 1)
        head.addWidget(self.status_label)
        outer.addLayout(head)
        body = QHBoxLayout()
        body.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )  # fields narrow, never scroll sideways
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 6, 0)
        left_box.addWidget(self._register_group())
        left_box.addWidget(self._checklist_group())
        left_box.addWidget(self._after_group())
        left_box.addStretch(1)
        scroll.setWidget(left)
        body.addWidget(scroll, 3)
        side = QWidget()
        side.setLayout(self._side())
        side_scroll = screenfit.scrolling(side)  # the deadline and opinion cards scroll too: the form fits
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # 768 pixels at 150 %
        body.addWidget(side_scroll, 2)
        outer.addLayout(body, 1)
        outer.addLayout(self._bottom())
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._fit_to_screen()
        self.load()

    def _fit_to_screen(self) -> None:
        """About 1120 × 690 at 100 % text, larger with the text, never larger than the screen."""
        screenfit.fit(self, 86, 46)

    # -- layout -------------------------------------------------------------------------------------

    def _register_group(self) -> QGroupBox:
        group = QGroupBox(self.tr("送审登记"))
        form = form_layout()
        self.item_type = QComboBox()
        self.item_type.setObjectName("itemType")
        fill_combo(self.item_type, self.types, self.tr("（请选择）"))
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setPlaceholderText(self.tr("如：关于加强老旧小区停车管理的实施意见"))
        self.unit = QLineEdit()
        self.unit.setObjectName("unit")
        self.unit.setPlaceholderText(self.tr("送审的科室或单位"))
        self.contact = QLineEdit()
        self.contact.setObjectName("contact")
        self.contact.setPlaceholderText(self.tr("联系人"))
        self.contact_phone = QLineEdit()
        self.contact_phone.setObjectName("contactPhone")
        self.contact_phone.setPlaceholderText(self.tr("联系电话"))
        contact_row = QHBoxLayout()
        contact_row.addWidget(self.contact, 1)
        contact_row.addWidget(self.contact_phone, 1)
        self.received_on = date_edit()
        self.received_on.setObjectName("receivedOn")
        self.complete_on = date_edit(optional=True, blank=self.tr("材料未齐全"))
        self.complete_on.setObjectName("completeOn")
        self.complete_on.setToolTip(self.tr("审查期限从材料齐全的次日起按工作日计算；材料不全时留空，补正后自动填入。"))
        self.reviewer = QLineEdit()
        self.reviewer.setObjectName("reviewer")
        self.reviewer.setPlaceholderText(self.tr("法治审查员、法律顾问或公职律师"))
        self.adviser = QCheckBox(self.tr("法律顾问参与"))
        self.adviser.setObjectName("adviser")
        self.expert = QCheckBox(self.tr("专家论证"))
        self.expert.setObjectName("expert")
        self.risk = QCheckBox(self.tr("社会稳定风险评估"))
        self.risk.setObjectName("risk")
        checks = QHBoxLayout()
        for box in (self.adviser, self.expert, self.risk):
            checks.addWidget(box)
        checks.addStretch(1)
        self.case_no = QLineEdit()
        self.case_no.setObjectName("caseNo")
        self.case_no.setPlaceholderText(self.tr("相关调解案件的编号（可不填）"))
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setFixedHeight(56)
        e = self.errors
        e.add_row(form, required(self.tr("事项类型")), "item_type", self.item_type)
        e.add_row(form, required(self.tr("事项名称")), "title", self.title)
        e.add_row(form, required(self.tr("送审单位")), "unit", self.unit)
        e.add_row(form, self.tr("联系人："), "contact", contact_row, self.contact)
        e.add_row(form, required(self.tr("送审日期")), "received_on", self.received_on)
        e.add_row(form, self.tr("材料齐全日期："), "complete_on", self.complete_on)
        e.add_row(form, self.tr("审查人："), "reviewer", self.reviewer)
        e.add_row(form, self.tr("审查方式："), "adviser_consulted", checks, self.adviser)
        e.add_row(form, self.tr("关联调解案件："), "case_no", self.case_no)
        e.add_row(form, self.tr("备注："), "note", self.note)
        group.setLayout(form)
        return group

    def _checklist_group(self) -> QGroupBox:
        """审查要点: 主体、权限、内容、程序 and, where the type calls for it, 公平竞争审查; each answered
        with a note, saved with 保存 and printed in the 审查意见书."""
        self.check_box = QGroupBox(self.tr("审查要点"))
        grid = QGridLayout()
        self.check_answers: dict[str, QComboBox] = {}
        self.check_notes: dict[str, QLineEdit] = {}
        self.check_rows: dict[str, list[QWidget]] = {}
        for row, key in enumerate(rules.check_keys(True)):
            name = label(rules.CHECK_LABELS[key] + "：")
            name.setToolTip(rules.CHECK_QUESTIONS[key])
            answer = QComboBox()
            answer.setObjectName(f"check_{key}")
            fill_combo(
                answer,
                [(c, t) for c, t in rules.ANSWERS.items() if c != "na" or key == rules.FAIR_COMPETITION],
                self.tr("（未填）"),
            )
            note = QLineEdit()
            note.setObjectName(f"checkNote_{key}")
            note.setPlaceholderText(rules.CHECK_QUESTIONS[key])
            grid.addWidget(name, row, 0)
            grid.addWidget(answer, row, 1)
            grid.addWidget(note, row, 2)
            self.check_answers[key], self.check_notes[key] = answer, note
            self.check_rows[key] = [name, answer, note]
        grid.setColumnStretch(2, 1)
        self.check_hint = label(self.tr("登记后填写；“不符合”的请写明问题所在。"), "muted", wrap=True)
        outer = QVBoxLayout()
        outer.addWidget(self.check_hint)
        outer.addLayout(grid)
        self.check_box.setLayout(outer)
        return self.check_box

    def checklist(self) -> dict[str, tuple[str, str]]:
        fair = bool(self.detail and self.detail["fair_competition_applies"])
        return {
            k: (self.check_answers[k].currentData() or "", self.check_notes[k].text()) for k in rules.check_keys(fair)
        }

    def _after_group(self) -> QGroupBox:
        self.after_box = QGroupBox(self.tr("采纳与出台"))
        form = form_layout()
        self.adoption = QComboBox()
        self.adoption.setObjectName("adoption")
        fill_combo(self.adoption, self.adoptions, self.tr("（尚未反馈）"))
        self.adoption_reason = QLineEdit()
        self.adoption_reason.setObjectName("adoptionReason")
        self.adoption_reason.setPlaceholderText(self.tr("部分采纳或未采纳的理由"))
        self.deliberation_on = date_edit(optional=True, blank=self.tr("未审议"))
        self.deliberation_on.setObjectName("deliberationOn")
        self.issued_on = date_edit(optional=True, blank=self.tr("未出台"))
        self.issued_on.setObjectName("issuedOn")
        self.filing_submitted_on = date_edit(optional=True, blank=self.tr("未报送"))
        self.filing_submitted_on.setObjectName("filingSubmittedOn")
        self.filing_registered_on = date_edit(optional=True, blank=self.tr("未登记"))
        self.filing_registered_on.setObjectName("filingRegisteredOn")
        e = self.errors
        e.add_row(form, self.tr("采纳情况："), "adoption", self.adoption)
        e.add_row(form, self.tr("理由："), "adoption_reason", self.adoption_reason)
        e.add_row(form, self.tr("集体审议日期："), "deliberation_on", self.deliberation_on)
        e.add_row(form, self.tr("出台（签订）日期："), "issued_on", self.issued_on)
        e.add_row(form, self.tr("报送备案日期："), "filing_submitted_on", self.filing_submitted_on)
        e.add_row(form, self.tr("备案登记日期："), "filing_registered_on", self.filing_registered_on)
        self.after_hint = label(
            self.tr("出具审查意见后填写。未经审查或审查不合法的事项不得提交集体审议或出台。"), "muted", wrap=True
        )
        outer = QVBoxLayout()
        outer.addWidget(self.after_hint)
        outer.addLayout(form)
        self.after_box.setLayout(outer)
        return self.after_box

    def _card(self, title: str) -> tuple[QFrame, QVBoxLayout]:
        card = QFrame()
        card.setProperty("kind", "card")
        box = QVBoxLayout(card)
        box.setContentsMargins(14, 10, 14, 10)
        box.setSpacing(4)
        box.addWidget(label(title, "subtitle"))
        return card, box

    def _side(self) -> QVBoxLayout:
        side = QVBoxLayout()
        side.setSpacing(10)
        card, box = self._card(self.tr("审查期限"))
        self.clock_label = label("", "figure")
        self.clock_label.setObjectName("clockLabel")
        self.clock_label.setWordWrap(True)
        self.due_label = label("", wrap=True)
        self.due_label.setObjectName("dueLabel")
        self.fallback_label = label("", wrap=True)
        self.fallback_label.setObjectName("fallbackLabel")
        restyle(self.fallback_label, state="error")
        self.pauses = QListWidget()
        self.pauses.setObjectName("pauseList")
        self.pauses.setMaximumHeight(70)
        box.addWidget(self.clock_label)
        box.addWidget(self.due_label)
        box.addWidget(self.fallback_label)
        box.addWidget(label(self.tr("补正记录"), "muted"))
        box.addWidget(self.pauses)
        steps = QGridLayout()  # two to a row, so the panel stays narrow at large text sizes
        self.ask_button = QPushButton(theme.icon("mdi6.pause-circle-outline"), self.tr("要求补正…"))
        self.ask_button.setObjectName("askButton")
        self.received_button = QPushButton(theme.icon("mdi6.play-circle-outline"), self.tr("收到补正材料…"))
        self.received_button.setObjectName("receivedButton")
        self.extend_button = QPushButton(theme.icon("mdi6.calendar-plus"), self.tr("延长期限…"))
        self.extend_button.setObjectName("extendButton")
        steps.addWidget(self.ask_button, 0, 0)
        steps.addWidget(self.received_button, 0, 1)
        steps.addWidget(self.extend_button, 1, 0)
        box.addLayout(steps)
        side.addWidget(card)

        card, box = self._card(self.tr("审查意见"))
        self.opinion_label = label("", wrap=True)
        self.opinion_label.setObjectName("opinionLabel")
        self.opinion_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.opinion_label)
        self.opinion_button = QPushButton(
            theme.icon("mdi6.file-document-edit-outline", "#ffffff"), self.tr("出具审查意见…")
        )
        self.opinion_button.setObjectName("opinionButton")
        self.opinion_button.setProperty("kind", "primary")
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline"), self.tr("打印意见书…"))
        self.print_button.setObjectName("printOpinionButton")
        self.print_button.setToolTip(self.tr("合法性审查意见书：PDF，或可编辑的 Word 文档（按文件名后缀）"))
        row = QHBoxLayout()
        row.addWidget(self.opinion_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        box.addLayout(row)
        side.addWidget(card)

        self.warnings_label = label("", wrap=True)
        self.warnings_label.setObjectName("warningsLabel")
        restyle(self.warnings_label, state="error")
        side.addWidget(self.warnings_label)
        side.addStretch(1)
        self.ask_button.clicked.connect(self.ask_supplement)
        self.received_button.clicked.connect(self.supplement_received)
        self.extend_button.clicked.connect(self.extend)
        self.opinion_button.clicked.connect(self.give_opinion)
        self.print_button.clicked.connect(self.print_opinion)
        return side

    def _bottom(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.return_button = QPushButton(self.tr("退回…"))
        self.return_button.setObjectName("returnButton")
        self.archive_button = QPushButton(theme.icon("mdi6.archive-outline"), self.tr("归档…"))
        self.archive_button.setObjectName("archiveButton")
        self.message_label = label("", "muted")
        self.message_label.setObjectName("formMessage")
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setToolTip(self.tr("保存登记信息（Ctrl+S）"))
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setObjectName("closeButton")
        row.addWidget(self.return_button)
        row.addWidget(self.archive_button)
        row.addSpacing(12)
        row.addWidget(self.message_label, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.close_button)
        self.return_button.clicked.connect(self.return_item)
        self.archive_button.clicked.connect(self.archive)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        return row

    # -- showing the item ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the item again and show it (a new item: an empty form)."""
        if self.uuid is None:
            self.detail = None
            self.number_label.setText(self.tr("新登记（保存后编号）"))
            self.status_label.setText("")
            self.clock_label.setText(self.tr("保存后计算"))
            self.due_label.setText(self.tr("期限自材料齐全的次日起按工作日计算，法定节假日不计，调休上班日计入。"))
            self.fallback_label.setVisible(False)
            self.opinion_label.setText(self.tr("尚未出具"))
            self.warnings_label.setText("")
            self._enable()
            return
        d = ops.read(self.ctx, self.actor, review_queries.review_detail, self.uuid)
        self.detail = d
        self.setWindowTitle(self.tr("合法性审查 — {number}").format(number=d["number"]))
        self.number_label.setText(d["number"])
        self.status_label.setText(d["status_label"])
        set_code(self.item_type, d["type_code"])
        self.title.setText(d["title"])
        self.unit.setText(d["unit"])
        self.contact.setText(d["contact"])
        self.contact_phone.setText(d["contact_phone"])
        # An item from an old ledger without a 送审日期 shows it as unknown and keeps it so when saved.
        self.received_on.setSpecialValueText(self.tr("未填") if d["received_on"] else self.tr("不详"))
        set_date(self.received_on, d["received_on"])
        set_date(self.complete_on, d["complete_on"])
        self.reviewer.setText(d["reviewer"])
        self.adviser.setChecked(d["adviser_consulted"])
        self.expert.setChecked(d["expert_panel"])
        self.risk.setChecked(d["risk_assessed"])
        self.case_no.setText(d["case"]["case_no"] if d["case"] else "")
        self.note.setPlainText(d["note"])
        set_code(self.adoption, d["adoption"])
        self.adoption_reason.setText(d["adoption_reason"])
        set_date(self.deliberation_on, d["deliberation_on"])
        set_date(self.issued_on, d["issued_on"])
        set_date(self.filing_submitted_on, d["filing"]["submitted_on"])
        set_date(self.filing_registered_on, d["filing"]["registered_on"])
        for key, widgets in self.check_rows.items():
            for w in widgets:
                w.setVisible(key != rules.FAIR_COMPETITION or d["fair_competition_applies"])
        for c in d["checklist"]:
            set_code(self.check_answers[c["key"]], c["answer"])
            self.check_notes[c["key"]].setText(c["note"])
        self._show_clock(d)
        self._show_opinion(d)
        shown = ("节假日安排", "补正中", "即将到期", "超期 ", "已超期")  # the clock panel says these already
        self.warnings_label.setText("\n".join(f"⚠ {w}" for w in d["warnings"] if not any(k in w for k in shown)))
        self._enable()

    def _show_clock(self, d: dict[str, Any]) -> None:
        extension = d["extension"]
        limit = self.tr("时限 {n} 个工作日").format(n=d["limit_days"])
        if extension["days"]:
            limit += self.tr("，经{who}批准延长 {n} 个").format(who=extension["approver"], n=extension["days"])
        if d["status"] in (ReviewStatus.RETURNED, ReviewStatus.ARCHIVED) and not d["opinion"]:
            self.clock_label.setText(self.tr("已退回"))
        elif d["opinion"]:
            self.clock_label.setText(self.tr("已出具意见"))
        elif d["paused"]:
            self.clock_label.setText(self.tr("计时暂停"))
            limit += self.tr("\n补正中：剩余 {n} 个工作日，收到材料的次日起恢复").format(n=d["remaining_days"])
        elif d["remaining_days"] is None:
            self.clock_label.setText(self.tr("未起算"))
        else:
            self.clock_label.setText(d["clock"])
        colour = theme.DANGER if d["overdue"] else ("#a15c00" if d["due_soon"] else theme.ACCENT)
        self.clock_label.setStyleSheet(f"color: {colour};")
        due = d["due_on"] or (self.tr("补正期间暂停") if d["paused"] else self.tr("材料齐全后计算"))
        self.due_label.setText(self.tr("{limit}\n期限届满：{due}").format(limit=limit, due=due))
        fallback = [w for w in d["warnings"] if "节假日安排" in w]
        self.fallback_label.setText(fallback[0] if fallback else "")
        self.fallback_label.setVisible(bool(fallback))
        self.pauses.clear()
        for p in d["pauses"]:
            end = p["received_on"] or self.tr("尚未收到")
            self.pauses.addItem(
                self.tr("{asked} 要求 → {end}：{what}").format(asked=p["asked_on"], end=end, what=p["materials"])
            )
        if not d["pauses"]:
            self.pauses.addItem(self.tr("（无）"))

    def _show_opinion(self, d: dict[str, Any]) -> None:
        o = d["opinion"]
        if o is None:
            self.opinion_label.setText(
                self.tr("尚未出具")
                if d["status"] != ReviewStatus.RETURNED
                else self.tr("已于 {on} 退回：{why}").format(on=d["returned"]["on"], why=d["returned"]["reason"])
            )
            return
        timing = ""
        if o["working_days"] is not None:
            timing = self.tr("用时 {n} 个工作日，{ok}").format(
                n=o["working_days"], ok=self.tr("按期") if o["on_time"] else self.tr("超期")
            )
        lines = [
            self.tr("结论：{c}　意见 {p} 条").format(c=o["conclusion_label"], p=o["points"]),
            self.tr("意见书：{no}　日期：{on}").format(
                no=o["number"] or self.tr("（无编号）"), on=o["date"] or self.tr("不详")
            ),
            timing,
            o["issues"],
        ]
        self.opinion_label.setText("\n".join(x for x in lines if x))

    def _enable(self) -> None:
        d = self.detail
        status = d["status"] if d else ""
        editable = self.can_edit and status != ReviewStatus.ARCHIVED
        for w in (self.title, self.unit, self.contact, self.contact_phone, self.reviewer, self.case_no):
            w.setReadOnly(not editable)
        self.note.setReadOnly(not editable)
        for choice in (self.item_type, self.received_on, self.complete_on, self.adviser, self.expert, self.risk):
            choice.setEnabled(editable)
        has_opinion = bool(d and d["opinion"])
        self.check_box.setEnabled(editable and d is not None)
        self.check_hint.setVisible(d is None)
        self.after_box.setEnabled(editable and has_opinion)
        self.after_hint.setVisible(not has_opinion)
        running = status in (ReviewStatus.WAITING, ReviewStatus.REVIEWING)
        self.ask_button.setEnabled(editable and running)
        self.received_button.setEnabled(editable and status == ReviewStatus.PAUSED)
        self.extend_button.setEnabled(
            editable and status in (ReviewStatus.REVIEWING, ReviewStatus.PAUSED) and bool(d and d["complete_on"])
        )
        self.opinion_button.setEnabled(editable and status == ReviewStatus.REVIEWING)
        self.print_button.setEnabled(bool(d and d["opinion"] and d["opinion"]["date"]))
        self.return_button.setEnabled(
            editable and status in (ReviewStatus.WAITING, ReviewStatus.REVIEWING, ReviewStatus.PAUSED)
        )
        self.archive_button.setEnabled(editable and status in (ReviewStatus.OPINION, ReviewStatus.RETURNED))
        self.save_button.setEnabled(editable)

    # -- saving -------------------------------------------------------------------------------------

    def command(self) -> reviews.RegisterCommand:
        return reviews.RegisterCommand(
            item_type=self.item_type.currentData(),
            title=self.title.text(),
            unit=self.unit.text(),
            received_on=date_of(self.received_on),
            complete_on=date_of(self.complete_on),
            contact=self.contact.text(),
            contact_phone=self.contact_phone.text(),
            reviewer=self.reviewer.text(),
            adviser_consulted=self.adviser.isChecked(),
            expert_panel=self.expert.isChecked(),
            risk_assessed=self.risk.isChecked(),
            note=self.note.toPlainText(),
            case_no=self.case_no.text(),
        )

    def after(self) -> reviews.AfterInput:
        return reviews.AfterInput(
            self.adoption.currentData(),
            self.adoption_reason.text(),
            date_of(self.deliberation_on),
            date_of(self.issued_on),
            date_of(self.filing_submitted_on),
            date_of(self.filing_registered_on),
        )

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.errors.clear()
        cmd, uuid = self.command(), self.uuid
        after = self.after() if self.detail and self.detail["opinion"] else None
        checks = self.checklist() if self.detail else None
        actor, loaded = self.actor, self.detail["version"] if self.detail else None
        self.conflict = {}

        def work(session: Any) -> reviews.ReviewRef:
            if uuid is None:
                return reviews.register(session, actor, cmd)
            try:  # refused when another desk saved the item since this form read it
                ref = reviews.update_register(session, actor, uuid, cmd, loaded_version=loaded)
            except EditConflict as exc:
                self.conflict.update(version=exc.current_version, message=exc.editor_message)  # read after delivery
                raise
            if checks is not None:
                ref = reviews.save_checklist(session, actor, uuid, checks)
            if after is not None:
                reviews.record_after(session, actor, uuid, after)
            return ref

        self.save_button.setEnabled(False)
        submit(self.ctx, self, work, self._saved, self._refused)

    def _saved(self, ref: reviews.ReviewRef) -> None:
        new = self.uuid is None
        self.uuid = ref.uuid
        self.load()
        self.changed.emit(ref.uuid)
        if new:
            messages.info(self, self.tr("已登记，审查编号 {number}。").format(number=ref.number))
        else:
            self.message_label.setText(self.tr("已保存"))

    def _refused(self, field: str | None, message: str) -> None:
        if self.detail is not None and "version" in self.conflict:  # the typing stays; saving again applies it
            self.detail["version"], message = self.conflict["version"], self.conflict["message"]
        self._enable()
        if not self.errors.show(field, message):
            messages.error(self, message)

    # -- steps --------------------------------------------------------------------------------------

    def _open_step(self, dialog: dialogs.StepDialog, confirm: Any) -> None:
        self.step = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.completed.connect(lambda result: self._step_done(confirm, result))
        dialog.finished.connect(lambda _code: setattr(self, "step", None))
        dialog.open()

    def _step_done(self, confirm: Any, result: Any) -> None:
        self.load()
        self.changed.emit(self.uuid or "")
        text = confirm(result) if callable(confirm) else confirm
        if text:
            messages.info(self, text)

    def _open(self) -> tuple[str, dict[str, Any]]:
        """The item open in the form (the step buttons are enabled only while one is)."""
        if self.uuid is None or self.detail is None:
            raise RuntimeError("no review item is open")
        return self.uuid, self.detail

    def ask_supplement(self) -> None:
        uuid, _detail = self._open()
        self._open_step(
            dialogs.SupplementDialog(self.ctx, self.actor, uuid, self),
            lambda _r: self.tr("已登记补正要求，审查期限暂停计算，收到材料后请登记。"),
        )

    def supplement_received(self) -> None:
        uuid, detail = self._open()
        asked = next((p["asked_on"] for p in detail["pauses"] if p["received_on"] is None), "")
        self._open_step(
            dialogs.ReceivedDialog(self.ctx, self.actor, uuid, asked, self),
            lambda c: self.tr("已收到补正材料，审查期限恢复计算，期限至 {due}。").format(due=c.due_on),
        )

    def extend(self) -> None:
        uuid, detail = self._open()
        self._open_step(
            dialogs.ExtensionDialog(self.ctx, self.actor, uuid, detail["extension"]["days"], self),
            lambda c: self.tr("审查期限已延长，期限至 {due}。").format(due=c.due_on or self.tr("补正结束后计算")),
        )

    def print_opinion(self) -> None:
        """The 审查意见书 to a file the user names: .docx an editable Word copy, else a PDF."""
        uuid, detail = self._open()
        path = self.choose_save_file(
            self, self.tr("保存合法性审查意见书"), self.tr("审查意见书_{n}.pdf").format(n=detail["number"])
        )
        if not path:
            return
        target = Path(path)
        word = target.suffix.lower() == ".docx"
        if target.suffix.lower() not in (".pdf", ".docx"):
            target = target.with_name(target.name + ".pdf")

        def work(session: Any, actor: Actor) -> Path:
            printed = review_opinion.print_opinion(session, actor, uuid, word=word)
            write_file(str(target), printed.data)  # in the unit of work: an unwritten file is not audited as printed
            return target

        ops.write(
            self.ctx,
            self.actor,
            work,
            label=self.tr("正在生成审查意见书…"),
            parent=self,
            on_ok=lambda p: messages.info(self, self.tr("已生成合法性审查意见书：{p}").format(p=p)),
        )

    def give_opinion(self) -> None:
        uuid, _detail = self._open()

        def confirm(c: Any) -> str:
            o = self._open()[1]["opinion"]  # the detail as reloaded after the opinion
            return self.tr("已出具审查意见（{c}），用时 {n} 个工作日，{ok}。").format(
                c=o["conclusion_label"], n=c.used, ok=self.tr("按期") if o["on_time"] else self.tr("超期")
            )

        self._open_step(dialogs.OpinionDialog(self.ctx, self.actor, uuid, self.conclusions, self), confirm)

    def return_item(self) -> None:
        self._open_step(dialogs.ReturnDialog(self.ctx, self.actor, self._open()[0], self), self.tr("已退回送审单位。"))

    def archive(self) -> None:
        self._open_step(dialogs.ArchiveDialog(self.ctx, self.actor, self._open()[0], self), self.tr("已归档。"))
