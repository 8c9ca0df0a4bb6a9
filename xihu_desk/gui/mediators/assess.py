"""The assessment's dialogs: an application made with its evidence (the conditions missed shown
before it is sent), and each later step (committee check, township pre-check, district decision,
end of the 公示) with its date, result and opinion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import FieldError
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import (
    FieldErrors,
    add_field,
    code_of,
    date_of,
    fill_combo,
    fit_to_screen,
    form_layout,
    set_code,
    set_date,
    setup_date,
    submit,
)
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.mediators.evidence import EvidenceView
from xihu_desk.gui.widgets import label
from xihu_desk.services import grading, mediators
from xihu_desk.services.context import Actor


class _Dialog(QDialog):
    saved = Signal(object)

    def __init__(self, ctx: AppContext, actor: Actor, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.errors = FieldErrors()
        self.body = QVBoxLayout(self)
        self.refused = label("", wrap=True)
        self.refused.setObjectName("refusedMessage")
        self.refused.setProperty("state", "error")
        self.refused.setVisible(False)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setAutoDefault(False)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def finish(self) -> None:
        self.body.addWidget(self.refused)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)

    def save(self) -> None:  # to override
        pass

    def run(self, work: Any) -> None:
        if not self.save_button.isEnabled():
            return
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.refused.setVisible(False)
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


class ApplyDialog(_Dialog):
    """人民调解员等级评定申请: mediator, scheme, level, window; the evidence and the check are shown
    as they will be kept with the application."""

    def __init__(
        self, ctx: AppContext, actor: Actor, mediator_uuid: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, actor, self.tr("申请等级评定"), parent)
        self.setObjectName("applyDialog")
        form = form_layout()
        self.mediator = QComboBox()
        self.mediator.setObjectName("applyMediator")
        rows = ops.read(ctx, actor, mediators.roster)
        fill_combo(
            self.mediator,
            [(r.uuid, f"{r.name}（{r.committee.removesuffix('人民调解委员会')}，{r.employment_label}）") for r in rows],
            self.tr("请选择调解员"),
        )
        self.employment = {r.uuid: r.employment_type for r in rows}
        self.applied_on = QDateEdit()
        self.applied_on.setObjectName("appliedOn")
        setup_date(self.applied_on)
        self.statement = QPlainTextEdit()
        self.statement.setObjectName("statement")
        self.statement.setPlaceholderText(self.tr("个人工作总结：从事调解工作的情况、主要成绩（打印在申请表上）"))
        self.statement.setMaximumHeight(80)
        add_field(form, self.errors, "mediator", self.tr("调解员"), self.mediator, True)
        add_field(form, self.errors, "applied_on", self.tr("申请日期"), self.applied_on, True)
        add_field(form, self.errors, "statement", self.tr("个人工作总结"), self.statement)
        self.body.addLayout(form)
        self.invited_note = label("", wrap=True)
        self.invited_note.setObjectName("invitedNote")
        self.invited_note.setProperty("state", "error")
        self.invited_note.setVisible(False)
        self.body.addWidget(self.invited_note)
        self.evidence = EvidenceView(ctx, actor, choose_level=True)
        self.evidence.setObjectName("applyEvidence")
        self.body.addWidget(self.evidence, 1)
        errors = [label("", wrap=True) for _ in range(3)]
        for field, widget, error in zip(
            ("rule_set", "level", "window_to"),
            (self.evidence.rule_set, self.evidence.level, self.evidence.date_to),
            errors,
            strict=True,
        ):
            error.setObjectName(f"{field}Error")
            error.setProperty("state", "error")
            error.setVisible(False)
            self.body.addWidget(error)
            self.errors.add(field, widget, error)
        self.save_button.setText(self.tr("提交申请"))
        self.finish()
        self.mediator.currentIndexChanged.connect(self._mediator_changed)
        if mediator_uuid:
            set_code(self.mediator, mediator_uuid)
        self._mediator_changed()
        fit_to_screen(self, 66, 36)

    def _mediator_changed(self) -> None:
        uuid = code_of(self.mediator) or None
        self.evidence.set_mediator(uuid)
        invited = uuid is not None and self.employment.get(uuid) == "invited"
        self.invited_note.setText(
            self.tr("特邀调解员不能申请等级评定（只有调委会正式聘任的专职、兼职调解员可以申请）。") if invited else ""
        )
        self.invited_note.setVisible(invited)

    def command(self) -> grading.ApplyCommand:
        start, end = self.evidence.period()
        return grading.ApplyCommand(
            code_of(self.mediator),
            code_of(self.evidence.rule_set),
            code_of(self.evidence.level),
            start,
            end,
            required_date(date_of(self.applied_on), "applied_on", self.tr("请填写申请日期。")),
            self.statement.toPlainText(),
        )

    def save(self) -> None:
        try:
            cmd = self.command()
        except FieldError as exc:  # an emptied date, named at its field
            self.errors.show(exc.field, exc.message)
            return
        if not cmd.mediator_uuid:
            self.errors.show("mediator", self.tr("请选择调解员。"))
            return
        if not cmd.level:
            self.errors.show("level", self.tr("请选择申请的等级。"))
            return
        missed = self.evidence.panel.missed_texts
        if missed and not messages.confirm(
            self,
            self.tr(
                "按所选评定标准，申请材料未达到以下条件：\n{items}\n\n区司法局不能评定为该等级。仍要提交申请吗？"
            ).format(items="\n".join(f"· {t}" for t in missed)),
        ):
            return
        actor = self.actor.stamped()
        self.run(lambda session: grading.apply(session, actor, cmd))


class StepDialog(_Dialog):
    """The next step of an application: pass or not, the date, the opinion; the district chooses
    the level (the one applied for or a lower one) and when the 公示 starts."""

    def __init__(self, ctx: AppContext, actor: Actor, app_uuid: str, step: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, "", parent)
        self.setWindowTitle(
            {
                "committee": self.tr("调委会审核"),
                "township": self.tr("司法所初审"),
                "district": self.tr("区司法局评定"),
                "notice": self.tr("公示结束"),
                "withdraw": self.tr("撤回申请"),
            }[step]
        )
        self.setObjectName("stepDialog")
        self.app_uuid, self.step = app_uuid, step
        self.detail = ops.read(ctx, actor, grading.application_detail, app_uuid)
        d = self.detail
        head = label(
            self.tr("{name}（{committee}）申请{rules}{level}，{date} 提出").format(
                name=d["mediator"],
                committee=d["committee"],
                rules=d["rule_set_name"],
                level=d["level_name"],
                date=d["applied_on"].isoformat(),
            ),
            wrap=True,
        )
        self.body.addWidget(head)
        evaluation = d["evaluation"]
        check = label(
            self.tr("✓ 申请材料达到{level}的全部条件").format(level=d["level_name"])
            if evaluation.passed
            else self.tr("✗ 申请材料未达到{level}的条件：{items}").format(
                level=d["level_name"], items="；".join(evaluation.missed_text())
            ),
            wrap=True,
        )
        check.setObjectName("stepCheck")
        check.setProperty("state", "ok" if evaluation.passed else "error")
        self.body.addWidget(check)
        form = form_layout()
        self.passed = QRadioButton(self.tr("无异议，确认评定结果") if step == "notice" else self.tr("通过"))
        self.failed = QRadioButton(self.tr("异议成立，不予评定") if step == "notice" else self.tr("不通过"))
        self.passed.setObjectName("stepPassed")
        self.failed.setObjectName("stepFailed")
        group = QButtonGroup(self)
        row = QHBoxLayout()
        for button in (self.passed, self.failed):
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self.passed.setChecked(True)
        holder = QWidget()
        holder.setObjectName("stepResult")
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self.on = QDateEdit()
        self.on.setObjectName("stepOn")
        setup_date(self.on)
        self.on.setMaximumDate(QDate(clock.local_today()))
        self.opinion = QPlainTextEdit()
        self.opinion.setObjectName("stepOpinion")
        self.opinion.setMaximumHeight(80)
        self.document_no = QLineEdit()
        self.document_no.setObjectName("stepDocumentNo")
        self.document_no.setPlaceholderText(self.tr("如 西司〔2026〕3号"))
        self.level = QComboBox()
        self.level.setObjectName("stepLevel")
        self.notice_from = QDateEdit()
        self.notice_from.setObjectName("stepNoticeFrom")
        setup_date(self.notice_from)
        if step != "withdraw":
            add_field(form, self.errors, "passed", self.tr("结果"), holder, True)
        add_field(form, self.errors, "on", self.tr("日期"), self.on, True)
        if step == "district":
            rules = d["rules"]
            rank = rules.rank(d["level"])
            fill_combo(self.level, [(lv.code, lv.name) for lv in rules.levels[rank:]])
            add_field(form, self.errors, "level", self.tr("评定等级"), self.level, True)
            add_field(form, self.errors, "document_no", self.tr("批复文号"), self.document_no)
            add_field(form, self.errors, "notice_from", self.tr("公示开始"), self.notice_from, True)
            self.notice_note = label("", "muted", wrap=True)
            form.addRow("", self.notice_note)
            self.notice_days = rules.notice_days
            self.on.dateChanged.connect(self._decision_day_changed)
            self.notice_from.dateChanged.connect(self._notice_changed)
            self._decision_day_changed()
        if step == "notice":
            self.body.addWidget(
                label(
                    self.tr("公示期：{start} 至 {end}；评定等级：{level}").format(
                        start=d["notice_from"].isoformat(), end=d["notice_to"].isoformat(), level=d["granted_name"]
                    ),
                    wrap=True,
                )
            )
        add_field(
            form, self.errors, "opinion", self.tr("意见") if step != "notice" else self.tr("公示情况"), self.opinion
        )
        self.body.addLayout(form)
        self.opinion.setPlaceholderText(self.tr("不通过时必须写明理由"))
        self.save_button.setText(self.tr("确定"))
        self.finish()
        self.setMinimumWidth(560)

    def _decision_day_changed(self) -> None:
        start = date_of(self.on) or clock.local_today()
        self.notice_from.blockSignals(True)
        set_date(self.notice_from, start + timedelta(days=1))
        self.notice_from.blockSignals(False)
        self._notice_changed()

    def _notice_changed(self) -> None:
        start = date_of(self.notice_from) or clock.local_today()
        end = start + timedelta(days=self.notice_days - 1)
        self.notice_note.setText(
            self.tr("公示 {n} 天：{start} 至 {end}，期满无异议后确认等级。").format(
                n=self.notice_days, start=start.isoformat(), end=end.isoformat()
            )
        )

    def command(self) -> grading.StepCommand:
        passed = self.passed.isChecked() and self.step != "withdraw"
        return grading.StepCommand(
            self.step,
            passed,
            required_date(date_of(self.on), "on", self.tr("请填写日期。")),
            self.opinion.toPlainText(),
            self.document_no.text(),
            code_of(self.level) if self.step == "district" else "",
            date_of(self.notice_from) if self.step == "district" else None,
        )

    def save(self) -> None:
        try:
            cmd = self.command()
        except FieldError as exc:  # an emptied date, named at its field
            self.errors.show(exc.field, exc.message)
            return
        actor, uuid = self.actor.stamped(), self.app_uuid
        self.run(lambda session: grading.record_step(session, actor, uuid, cmd))


def step_icon(step: str | None) -> Any:
    return theme.icon(
        {
            "committee": "mdi6.account-group-outline",
            "township": "mdi6.office-building-outline",
            "district": "mdi6.gavel",
            "notice": "mdi6.bullhorn-outline",
        }.get(step or "", "mdi6.check"),
        theme.ACCENT,
    )
