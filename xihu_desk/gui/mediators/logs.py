"""Small dialogs of the mediator form: a training session, an award/complaint/discipline/escalation,
an appointment period. Each saves in one unit of work; a refusal keeps what was typed and shows
the message under its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.errors import FieldError
from xihu_desk.gui import messages
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import FieldErrors, add_field, code_of, date_of, fill_combo, form_layout, setup_date, submit
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.widgets import label
from xihu_desk.services import mediators
from xihu_desk.services.context import Actor


class LogDialog(QDialog):
    """Window-modal over the mediator form: fields, a line for a refusal, Cancel and Save."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor, mediator_uuid: str, title: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.mediator_uuid = ctx, actor, mediator_uuid
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.errors = FieldErrors()
        self.body = QVBoxLayout(self)
        self.form = form_layout()
        self.body.addLayout(self.form)
        self.refused = label("", wrap=True)
        self.refused.setObjectName("refusedMessage")
        self.refused.setProperty("state", "error")
        self.refused.setVisible(False)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip(self.tr("保存（Ctrl+S）"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.setMinimumWidth(460)

    def finish(self) -> None:
        self.body.addWidget(self.refused)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)

    def work(self) -> Callable[[Any], Any]:  # to override: the unit of work for what was typed
        raise NotImplementedError

    def save(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.refused.setVisible(False)
        try:
            work = self.work()
        except FieldError as exc:  # an emptied date, named at its field
            self._refused(exc.field, exc.message)
            return
        submit(self.ctx, self, work, self._ok, self._refused, self.tr("正在保存…"))

    def _ok(self, result: Any) -> None:
        self.save_button.setEnabled(True)
        self.accept()
        self.saved.emit(result)

    def _refused(self, field: str | None, message: str) -> None:
        self.save_button.setEnabled(True)
        self.errors.show(field, message)
        self.refused.setText(self.tr("未保存：") + message)
        self.refused.setVisible(True)
        messages.error(self, message)


class TrainingDialog(LogDialog):
    def __init__(self, ctx: AppContext, actor: Actor, mediator_uuid: str, parent: QWidget) -> None:
        super().__init__(ctx, actor, mediator_uuid, self.tr("新增培训记录"), parent)
        self.held_on = QDateEdit()
        setup_date(self.held_on)
        self.topic = QLineEdit()
        self.topic.setPlaceholderText(self.tr("如 民法典婚姻家庭编解读"))
        self.hours = QLineEdit()
        self.hours.setPlaceholderText(self.tr("学时，如 2 或 2.5"))
        self.organiser = QLineEdit()
        self.organiser.setPlaceholderText(self.tr("如 西湖区司法局"))
        for name, widget in (
            ("heldOn", self.held_on),
            ("topic", self.topic),
            ("hours", self.hours),
            ("organiser", self.organiser),
        ):
            widget.setObjectName(name)
        add_field(self.form, self.errors, "held_on", self.tr("培训日期"), self.held_on, True)
        add_field(self.form, self.errors, "topic", self.tr("培训内容"), self.topic, True)
        add_field(self.form, self.errors, "hours", self.tr("学时"), self.hours, True)
        add_field(self.form, self.errors, "organiser", self.tr("组织单位"), self.organiser)
        self.finish()

    def work(self) -> Callable[[Any], Any]:
        actor, uuid = self.actor.stamped(), self.mediator_uuid
        held_on = required_date(date_of(self.held_on), "held_on", self.tr("请填写培训日期。"))
        t = mediators.TrainingInput(held_on, self.topic.text(), self.hours.text().strip() or "0", self.organiser.text())
        return lambda session: mediators.add_training(session, actor, uuid, t)


WHAT = {"award": "表彰级别", "complaint": "核查结果", "discipline": "处理方式", "escalation": "激化情形"}


class EventDialog(LogDialog):
    def __init__(self, ctx: AppContext, actor: Actor, mediator_uuid: str, parent: QWidget, kind: str = "award") -> None:
        super().__init__(ctx, actor, mediator_uuid, self.tr("新增奖惩记录"), parent)
        self.kind = QComboBox()
        fill_combo(self.kind, rules_domain.EVENT_KINDS)
        self.occurred_on = QDateEdit()
        setup_date(self.occurred_on)
        self.title = QLineEdit()
        self.issuer = QLineEdit()
        self.art15 = QComboBox()
        fill_combo(self.art15, rules_domain.ART15)
        self.outcome = QComboBox()
        self.case_no = QLineEdit()
        self.case_no.setPlaceholderText(self.tr("涉及的案件编号（可不填）"))
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        for name, widget in (
            ("eventKind", self.kind),
            ("occurredOn", self.occurred_on),
            ("eventTitle", self.title),
            ("issuer", self.issuer),
            ("art15", self.art15),
            ("outcome", self.outcome),
            ("caseNo", self.case_no),
            ("eventNote", self.note),
        ):
            widget.setObjectName(name)
        add_field(self.form, self.errors, "kind", self.tr("类别"), self.kind, True)
        add_field(self.form, self.errors, "occurred_on", self.tr("日期"), self.occurred_on, True)
        add_field(self.form, self.errors, "title", self.tr("名称或事由"), self.title, True)
        add_field(self.form, self.errors, "issuer", self.tr("授予或反映单位"), self.issuer)
        add_field(self.form, self.errors, "art15", self.tr("第十五条情形"), self.art15)
        add_field(self.form, self.errors, "outcome", self.tr("结果"), self.outcome, True)
        add_field(self.form, self.errors, "case_no", self.tr("涉及案件"), self.case_no)
        add_field(self.form, self.errors, "note", self.tr("说明"), self.note)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self._kind_changed()
        self.finish()

    def _kind_changed(self) -> None:
        kind = code_of(self.kind)
        fill_combo(self.outcome, rules_domain.outcomes(kind))
        for field in ("art15",):
            for widget in self.findChildren(QWidget, field) + self.findChildren(QWidget, f"{field}Label"):
                widget.setVisible(kind in ("complaint", "discipline"))
        caption = self.findChildren(QLabel, "outcomeLabel")
        if caption:
            caption[0].setText(self.tr("{what}：*").format(what=WHAT[kind]))
        placeholder = {
            "award": self.tr("如 优秀人民调解员"),
            "complaint": self.tr("反映的问题"),
            "discipline": self.tr("违纪事由"),
            "escalation": self.tr("如 调解后矛盾激化引发越级上访"),
        }[kind]
        self.title.setPlaceholderText(placeholder)

    def work(self) -> Callable[[Any], Any]:
        actor, uuid = self.actor.stamped(), self.mediator_uuid
        kind = code_of(self.kind)
        on = required_date(date_of(self.occurred_on), "occurred_on", self.tr("请填写日期。"))
        e = mediators.EventInput(
            kind,
            on,
            self.title.text(),
            self.issuer.text(),
            code_of(self.art15) if kind in ("complaint", "discipline") else "",
            code_of(self.outcome),
            self.case_no.text(),
            self.note.toPlainText(),
        )
        return lambda session: mediators.add_event(session, actor, uuid, e)


class AppointmentDialog(LogDialog):
    def __init__(self, ctx: AppContext, actor: Actor, mediator_uuid: str, parent: QWidget) -> None:
        super().__init__(ctx, actor, mediator_uuid, self.tr("新增聘任期间"), parent)
        self.start_on, self.end_on = QDateEdit(), QDateEdit()
        setup_date(self.start_on)
        setup_date(self.end_on, optional=True, blank=self.tr("至今"))
        self.committee_name = QLineEdit()
        self.committee_name.setPlaceholderText(self.tr("曾聘任的调委会，如 古荡街道人民调解委员会"))
        self.note = QLineEdit()
        for name, widget in (
            ("startOn", self.start_on),
            ("endOn", self.end_on),
            ("committeeName", self.committee_name),
            ("appointmentNote", self.note),
        ):
            widget.setObjectName(name)
        add_field(self.form, self.errors, "start_on", self.tr("聘任日期"), self.start_on, True)
        add_field(self.form, self.errors, "end_on", self.tr("聘任终止"), self.end_on)
        add_field(self.form, self.errors, "committee_name", self.tr("调委会"), self.committee_name)
        add_field(self.form, self.errors, "note", self.tr("说明"), self.note)
        self.body.addWidget(
            label(self.tr("从事人民调解工作的年限按全部聘任期间累计，重叠的日子只算一次。"), "muted", wrap=True)
        )
        self.finish()

    def work(self) -> Callable[[Any], Any]:
        actor, uuid = self.actor.stamped(), self.mediator_uuid
        a = mediators.AppointmentInput(
            required_date(date_of(self.start_on), "start_on", self.tr("请填写聘任日期。")),
            date_of(self.end_on),
            self.committee_name.text(),
            self.note.text(),
        )
        return lambda session: mediators.add_appointment(session, actor, uuid, a)
