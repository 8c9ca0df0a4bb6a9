"""The register's step dialogs: 补正 asked and received, extension, the opinion, return, archive,
and the office's time limits. Each saves one unit of work through the runner; a refusal is shown
under the field the service names, and nothing typed is lost."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import reviews as rules
from xihu_desk.domain.errors import FieldError
from xihu_desk.gui import ops
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.kit import FieldErrors, date_edit, date_of, fill_combo, form_layout, required, submit
from xihu_desk.gui.widgets import label
from xihu_desk.services import codes, reviews
from xihu_desk.services.context import Actor


def required_date(edit: QDateEdit, field: str, message: str) -> date:
    """A date the step cannot go without: an emptied field is named, not passed on as None."""
    day = date_of(edit)
    if day is None:
        raise FieldError(field, message)
    return day


class StepDialog(QDialog):
    """A small form with 确定/取消 whose 确定 runs ``work(session)`` on the runner."""

    completed = Signal(object)  # what the service returned

    def __init__(
        self, ctx: AppContext, actor: Actor, uuid: str, title: str, intro: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.uuid = ctx, actor, uuid
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.box = QVBoxLayout(self)
        if intro:
            self.box.addWidget(label(intro, "muted", wrap=True))
        self.form = form_layout()
        self.box.addLayout(self.form)
        self.errors = FieldErrors()
        self.general_error = label("", wrap=True)
        self.general_error.setObjectName("stepError")
        self.general_error.setProperty("state", "error")
        self.general_error.setVisible(False)
        self.box.addWidget(self.general_error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("确定"))
        self.ok_button.setObjectName("stepOk")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.op_id = 0

    def finish_layout(self) -> None:
        self.box.addWidget(self.buttons)

    def work(self, session: Any) -> Any:  # pragma: no cover - each dialog has its own
        raise NotImplementedError

    def save(self) -> None:
        self.errors.clear()
        self.general_error.setVisible(False)
        self.ok_button.setEnabled(False)
        self.op_id = submit(self.ctx, self, self.work, self._saved, self._refused)

    def _saved(self, result: Any) -> None:
        self.ok_button.setEnabled(True)
        self.completed.emit(result)
        self.accept()

    def _refused(self, field: str | None, message: str) -> None:
        self.ok_button.setEnabled(True)
        if not self.errors.show(field, message):
            self.general_error.setText(message)
            self.general_error.setVisible(True)


class SupplementDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            uuid,
            self.tr("要求补正材料"),
            self.tr("向送审单位要求补充材料后，审查期限从要求日的次日起暂停计算，收到材料的次日起恢复。"),
            parent,
        )
        self.asked_on = date_edit()
        self.asked_on.setObjectName("askedOn")
        self.materials = QPlainTextEdit()
        self.materials.setObjectName("materials")
        self.materials.setPlaceholderText(self.tr("例如：制定依据及起草说明、征求意见情况汇总"))
        self.materials.setFixedHeight(90)
        self.errors.add_row(self.form, required(self.tr("要求日期")), "asked_on", self.asked_on)
        self.errors.add_row(self.form, required(self.tr("需补正的材料")), "materials", self.materials)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        return reviews.ask_supplement(
            session,
            self.actor,
            self.uuid,
            required_date(self.asked_on, "asked_on", self.tr("请填写要求日期。")),
            self.materials.toPlainText(),
        )


class ReceivedDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, uuid: str, asked: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            uuid,
            self.tr("收到补正材料"),
            self.tr("{asked} 要求的补正材料已收到：审查期限从收到日的次日起恢复计算。").format(asked=asked),
            parent,
        )
        self.received_on = date_edit()
        self.received_on.setObjectName("receivedOn")
        self.errors.add_row(self.form, required(self.tr("收到日期")), "received_on", self.received_on)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        return reviews.supplement_received(
            session, self.actor, self.uuid, required_date(self.received_on, "received_on", self.tr("请填写收到日期。"))
        )


class ExtensionDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, uuid: str, already: int, parent: QWidget | None = None) -> None:
        room = max(rules.MAX_EXTENSION_DAYS - already, 1)
        super().__init__(
            ctx,
            actor,
            uuid,
            self.tr("延长审查期限"),
            self.tr("重大、疑难事项经负责人批准可以延长审查期限，合计不超过 {n} 个工作日（已延长 {a} 个）。").format(
                n=rules.MAX_EXTENSION_DAYS, a=already
            ),
            parent,
        )
        self.days = QSpinBox()
        self.days.setObjectName("extensionDays")
        self.days.setRange(1, room)
        self.days.setValue(min(5, room))
        self.days.setSuffix(self.tr(" 个工作日"))
        self.approver = QLineEdit()
        self.approver.setObjectName("extensionApprover")
        self.approver.setPlaceholderText(self.tr("批准延期的负责人"))
        self.approved_on = date_edit()
        self.approved_on.setObjectName("extensionOn")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("extensionReason")
        self.reason.setFixedHeight(80)
        self.errors.add_row(self.form, required(self.tr("延长")), "extension_days", self.days)
        self.errors.add_row(self.form, required(self.tr("批准人")), "extension_approver", self.approver)
        self.errors.add_row(self.form, required(self.tr("批准日期")), "extension_on", self.approved_on)
        self.errors.add_row(self.form, required(self.tr("延期理由")), "extension_reason", self.reason)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        return reviews.extend(
            session,
            self.actor,
            self.uuid,
            reviews.ExtensionInput(
                self.days.value(),
                self.approver.text(),
                self.reason.toPlainText(),
                required_date(self.approved_on, "extension_on", self.tr("请填写批准日期。")),
            ),
        )


class OpinionDialog(StepDialog):
    def __init__(
        self,
        ctx: AppContext,
        actor: Actor,
        uuid: str,
        conclusions: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            uuid,
            self.tr("出具审查意见"),
            self.tr("登记书面审查意见书。结论为“修改后合法”或“不合法”的，请写明主要问题和意见条数。"),
            parent,
        )
        self.opinion_no = QLineEdit()
        self.opinion_no.setObjectName("opinionNo")
        self.opinion_no.setPlaceholderText(self.tr("如 北山合审意〔2026〕12号"))
        self.opinion_on = date_edit()
        self.opinion_on.setObjectName("opinionOn")
        self.conclusion = QComboBox()
        self.conclusion.setObjectName("conclusion")
        fill_combo(self.conclusion, conclusions, self.tr("（请选择）"))
        self.points = QSpinBox()
        self.points.setObjectName("points")
        self.points.setRange(0, 99)
        self.points.setSuffix(self.tr(" 条"))
        self.issues = QPlainTextEdit()
        self.issues.setObjectName("issues")
        self.issues.setFixedHeight(100)
        self.errors.add_row(self.form, self.tr("意见书编号："), "opinion_no", self.opinion_no)
        self.errors.add_row(self.form, required(self.tr("意见日期")), "opinion_on", self.opinion_on)
        self.errors.add_row(self.form, required(self.tr("审查结论")), "conclusion", self.conclusion)
        self.errors.add_row(self.form, self.tr("意见条数："), "points", self.points)
        self.errors.add_row(self.form, self.tr("主要问题："), "issues", self.issues)
        # Normative documents: warned before the minimum review time (the opinion may still be given).
        self.timing = label("", wrap=True)
        self.timing.setObjectName("timingWarning")
        self.timing.setProperty("state", "error")
        self.box.addWidget(self.timing)
        self.opinion_on.dateChanged.connect(lambda _d: self.check_timing())
        self.check_timing()
        self.finish_layout()

    def check_timing(self) -> None:
        day = date_of(self.opinion_on)
        text = ops.read(self.ctx, self.actor, reviews.opinion_timing_warning, self.uuid, day) if day else ""
        self.timing.setText(("⚠ " + text) if text else "")
        self.timing.setVisible(bool(text))

    def work(self, session: Any) -> Any:
        return reviews.record_opinion(
            session,
            self.actor,
            self.uuid,
            reviews.OpinionInput(
                date_of(self.opinion_on),
                self.conclusion.currentData(),
                self.opinion_no.text(),
                self.issues.toPlainText(),
                self.points.value(),
            ),
        )


class ReturnDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            uuid,
            self.tr("退回送审单位"),
            self.tr("不属于审查范围、送审单位撤回或材料始终未补齐的，退回并写明理由。退回后不再计算期限。"),
            parent,
        )
        self.returned_on = date_edit()
        self.returned_on.setObjectName("returnedOn")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("returnedReason")
        self.reason.setFixedHeight(80)
        self.errors.add_row(self.form, required(self.tr("退回日期")), "returned_on", self.returned_on)
        self.errors.add_row(self.form, required(self.tr("退回理由")), "returned_reason", self.reason)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        return reviews.return_item(
            session,
            self.actor,
            self.uuid,
            required_date(self.returned_on, "returned_on", self.tr("请填写退回日期。")),
            self.reason.toPlainText(),
        )


class ArchiveDialog(StepDialog):
    def __init__(self, ctx: AppContext, actor: Actor, uuid: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, uuid, self.tr("归档"), self.tr("归档后该事项不能再修改。"), parent)
        self.archived_on = date_edit()
        self.archived_on.setObjectName("archivedOn")
        self.errors.add_row(self.form, required(self.tr("归档日期")), "archived_on", self.archived_on)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        return reviews.archive(
            session, self.actor, self.uuid, required_date(self.archived_on, "archived_on", self.tr("请填写归档日期。"))
        )


class LimitsDialog(StepDialog):
    """The office's time limit per review type, in working days (new items only)."""

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            "",
            self.tr("审查期限设置"),
            self.tr("各类事项自材料齐全次日起的审查期限（工作日）。修改只影响此后登记的事项。"),
            parent,
        )
        current = ops.session_read(ctx, reviews.limits)
        types = ops.session_read(ctx, codes.items, "review_type")
        low, high = rules.LIMIT_RANGE
        self.spins: dict[str, QSpinBox] = {}
        for code, text in types:
            spin = QSpinBox()
            spin.setObjectName(f"limit_{code}")
            spin.setRange(low, high)
            spin.setValue(current.get(code, rules.limit_for(code)))
            spin.setSuffix(self.tr(" 个工作日"))
            self.spins[code] = spin
            spin.setToolTip(self.tr("默认 {n} 个工作日").format(n=rules.limit_for(code)))
            self.errors.add_row(self.form, f"{text}：", code, spin)
        # 行政规范性文件: the minimum and maximum review time (国办发〔2018〕115号, domain.md §8)
        low, high = ops.session_read(ctx, reviews.normative_bounds)
        self.norm_min, self.norm_max = QSpinBox(), QSpinBox()
        for spin, value, name in ((self.norm_min, low, "normMin"), (self.norm_max, high, "normMax")):
            spin.setObjectName(name)
            spin.setRange(*rules.LIMIT_RANGE)
            spin.setValue(value)
            spin.setSuffix(self.tr(" 个工作日"))
        self.norm_min.setToolTip(self.tr("早于最短审查时间出具意见时提醒"))
        self.norm_max.setToolTip(self.tr("规范性文件的审查期限连同延长不超过最长审查时间"))
        self.errors.add_row(self.form, self.tr("规范性文件最短审查时间："), "normative_bounds", self.norm_min)
        self.errors.add_row(self.form, self.tr("规范性文件最长审查时间："), "normative_max", self.norm_max)
        # which types are asked the 公平竞争审查 question
        fair = set(ops.session_read(ctx, reviews.fair_competition_types))
        self.fair_boxes: dict[str, QCheckBox] = {}
        row = QGridLayout()
        for i, (code, text) in enumerate(types):
            box = QCheckBox(text)
            box.setObjectName(f"fair_{code}")
            box.setChecked(code in fair)
            self.fair_boxes[code] = box
            row.addWidget(box, i // 3, i % 3)
        holder = QWidget()
        holder.setLayout(row)
        self.errors.add_row(self.form, self.tr("公平竞争审查适用于："), "fair_types", holder)
        self.finish_layout()

    def work(self, session: Any) -> Any:
        reviews.set_review_rules(
            session,
            self.actor,
            bounds=(self.norm_min.value(), self.norm_max.value()),
            fair_types=[code for code, box in self.fair_boxes.items() if box.isChecked()],
        )
        return reviews.set_limits(session, self.actor, {code: spin.value() for code, spin in self.spins.items()})
