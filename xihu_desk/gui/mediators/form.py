"""The mediator form: 基本信息 (forms/mediator_profile.ui), 聘任与培训, 奖惩记录, 等级与评定 and
评定材料 (the evidence for a chosen window). A new mediator has only the first tab until saved."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import grading as rules_domain
from xihu_desk.domain.filenames import safe_file_name
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, prefs, screenfit, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.forms import child, load_form
from xihu_desk.gui.mediators.assess import ApplyDialog
from xihu_desk.gui.kit import FieldErrors, code_of, date_of, fill_combo, set_code, set_date, setup_date, submit
from xihu_desk.gui.mediators.evidence import EvidenceView
from xihu_desk.gui.mediators.logs import AppointmentDialog, EventDialog, TrainingDialog
from xihu_desk.gui.widgets import label
from xihu_desk.services import committees, grading, mediators
from xihu_desk.services.context import Actor
from xihu_desk.services.edit_conflicts import EditConflict

PROFILE = (
    "name",
    "gender",
    "id_number",
    "phone",
    "committee_uuid",
    "employment_type",
    "source",
    "status",
    "education",
    "political_status",
    "legal_qualification",
    "appointed_on",
    "appointment_end",
    "registered_on",
    "registration_no",
    "note",
)


W = TypeVar("W", bound=QWidget)


def _camel(key: str) -> str:
    first, *rest = key.split("_")
    return first + "".join(w.capitalize() for w in rest)


def save_file_dialog(parent: QWidget, title: str, name: str, filters: str) -> str:
    """The file picker (a seam: tests replace it)."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, name, filters)
    return path


def log_table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def fill_table(table: QTableWidget, rows: list[tuple[str, list[str]]]) -> None:
    """(uuid, cells) rows; the uuid rides on the first cell."""
    table.setRowCount(len(rows))
    for r, (uuid, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, uuid)
            table.setItem(r, c, item)


def selected_uuid(table: QTableWidget) -> str:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return ""
    value = table.model().data(rows[0], Qt.ItemDataRole.UserRole)
    return value if isinstance(value, str) else ""


class MediatorDialog(QDialog):
    """One mediator's form; ``saved(uuid)`` after every change so the roster can refresh."""

    saved = Signal(str)
    applied = Signal(str)  # an application was made from here

    def __init__(self, ctx: AppContext, actor: Actor, uuid: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor, self.uuid = ctx, actor, uuid
        self.detail: dict[str, Any] | None = None
        self.conflict: dict[str, Any] = {}  # a save that met another desk's change: the stored version
        self.dialog: QDialog | None = None  # the sub-dialog open now (tests drive it)
        self.save_file = save_file_dialog
        self.setObjectName("mediatorDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 10, 12, 10)
        self.title = label("", "title")
        self.title.setObjectName("mediatorTitle")
        box.addWidget(self.title)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mediatorTabs")
        box.addWidget(self.tabs, 1)
        # the two long forms scroll, so the window fits a 768-pixel screen at 150 % text
        self.tabs.addTab(
            screenfit.scrolling(self._profile_tab()),
            theme.icon("mdi6.card-account-details-outline"),
            self.tr("基本信息"),
        )
        self.tabs.addTab(self._service_tab(), theme.icon("mdi6.school-outline"), self.tr("聘任与培训"))
        self.tabs.addTab(self._events_tab(), theme.icon("mdi6.medal-outline"), self.tr("奖惩记录"))
        self.tabs.addTab(screenfit.scrolling(self._grade_tab()), theme.icon("mdi6.stairs-up"), self.tr("等级与评定"))
        self.tabs.addTab(self._evidence_tab(), theme.icon("mdi6.chart-box-outline"), self.tr("评定材料"))
        self.refused = label("", wrap=True)
        self.refused.setObjectName("refusedMessage")
        self.refused.setProperty("state", "error")
        self.refused.setVisible(False)
        box.addWidget(self.refused)
        buttons = QHBoxLayout()
        self.status_note = label("", "muted")
        buttons.addWidget(self.status_note, 1)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline", "#ffffff"), self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip(self.tr("保存基本信息（Ctrl+S）"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.tabs.currentChanged.connect(lambda _i: self._show_save())
        self.reload()
        screenfit.fit(self, 72, 38, restored=prefs.restore_geometry("mediators/form", self))

    # -- tabs ---------------------------------------------------------------------------------------

    def _profile_tab(self) -> QWidget:
        self.form = load_form("mediator_profile", self)
        self.errors = FieldErrors()
        self.inputs: dict[str, QWidget] = {}
        kinds = {"note": QPlainTextEdit}
        for key in PROFILE:
            name = _camel(key) if key != "note" else "note"
            kind = kinds.get(key) or (
                QComboBox
                if key
                in (
                    "gender",
                    "committee_uuid",
                    "employment_type",
                    "source",
                    "status",
                    "education",
                    "political_status",
                    "legal_qualification",
                )
                else QDateEdit
                if key.endswith("_on") or key == "appointment_end"
                else QLineEdit
            )
            widget = child(self.form, kind, name)
            self.inputs[key] = widget
            error = child(self.form, QLabel, f"{key}Error")
            error.setVisible(False)
            self.errors.add(key, widget, error)
        rows = ops.session_read(self.ctx, committees.list_committees)
        fill_combo(self._input("committee_uuid", QComboBox), [(c.uuid, c.name) for c in rows], self.tr("请选择"))
        fill_combo(self._input("gender", QComboBox), rules_domain.GENDER, self.tr("未填"))
        fill_combo(self._input("employment_type", QComboBox), rules_domain.EMPLOYMENT)
        for key, labels in (
            ("source", rules_domain.SOURCE),
            ("education", rules_domain.EDUCATION),
            ("political_status", rules_domain.POLITICAL),
            ("legal_qualification", rules_domain.LEGAL_QUALIFICATION),
            ("status", rules_domain.STATUS),
        ):
            fill_combo(self._input(key, QComboBox), labels)
        for key in ("appointed_on", "appointment_end", "registered_on"):
            setup_date(
                self._input(key, QDateEdit),
                optional=True,
                blank=self.tr("至今") if key == "appointment_end" else self.tr("未填"),
            )
        self.reveal_action = self._input("id_number", QLineEdit).addAction(
            theme.icon("mdi6.eye-outline", theme.ACCENT), QLineEdit.ActionPosition.TrailingPosition
        )
        self.reveal_action.setObjectName("revealId")
        self.reveal_action.setToolTip(self.tr("显示完整身份证号（记入审计日志）"))
        self.reveal_action.triggered.connect(self.reveal_id)
        form_box = self.form.layout()
        if isinstance(form_box, QBoxLayout):  # the .ui lays the form out in a column
            form_box.addStretch(1)
        page = QWidget()
        QVBoxLayout(page).addWidget(self.form)
        return page

    def _service_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(label(self.tr("聘任期间（从事调解工作年限按全部期间累计）"), "subtitle"))
        self.appointments = log_table(
            "appointmentsTable", [self.tr("聘任日期"), self.tr("聘任终止"), self.tr("调委会"), self.tr("说明")]
        )
        box.addWidget(self.appointments, 1)
        box.addLayout(
            self._log_buttons("appointment", self.tr("新增聘任期间"), self.appointments, self.add_appointment)
        )
        head = QHBoxLayout()
        head.addWidget(label(self.tr("培训记录"), "subtitle"))
        head.addStretch(1)
        self.training_total = label("", "muted")
        self.training_total.setObjectName("trainingTotal")
        head.addWidget(self.training_total)
        box.addLayout(head)
        self.trainings = log_table(
            "trainingsTable", [self.tr("日期"), self.tr("培训内容"), self.tr("学时"), self.tr("组织单位")]
        )
        box.addWidget(self.trainings, 2)
        box.addLayout(self._log_buttons("training", self.tr("新增培训"), self.trainings, self.add_training))
        return page

    def _events_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(
            label(
                self.tr("表彰奖励、投诉、违纪处理（人民调解法第十五条）和纠纷激化的记录，计入等级评定。"),
                "muted",
                wrap=True,
            )
        )
        self.events = log_table(
            "eventsTable",
            [
                self.tr("日期"),
                self.tr("类别"),
                self.tr("名称或事由"),
                self.tr("结果"),
                self.tr("第十五条情形"),
                self.tr("涉及案件"),
                self.tr("授予或反映单位"),
            ],
        )
        box.addWidget(self.events, 1)
        box.addLayout(self._log_buttons("event", self.tr("新增记录"), self.events, self.add_event))
        return page

    def _log_buttons(self, kind: str, text: str, table: QTableWidget, add: Callable[[], None]) -> QHBoxLayout:
        row = QHBoxLayout()
        add_button = QPushButton(theme.icon("mdi6.plus"), text)
        add_button.setObjectName(f"add_{kind}")
        add_button.clicked.connect(add)
        remove = QPushButton(theme.icon("mdi6.delete-outline"), self.tr("删除"))
        remove.setObjectName(f"remove_{kind}")
        remove.setToolTip(self.tr("删除误登记的记录（标记删除，审计日志中可查）"))
        remove.clicked.connect(lambda: self.remove_entry(kind, table))
        remove.setEnabled(False)
        table.itemSelectionChanged.connect(lambda: remove.setEnabled(self.editable and bool(selected_uuid(table))))
        setattr(self, f"add_{kind}_button", add_button)
        setattr(self, f"remove_{kind}_button", remove)
        row.addWidget(add_button)
        row.addWidget(remove)
        row.addStretch(1)
        return row

    def _grade_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        head = QHBoxLayout()
        self.grade_label = label("", "subtitle")
        self.grade_label.setObjectName("gradeLabel")
        head.addWidget(self.grade_label, 1)
        self.apply_button = QPushButton(theme.icon("mdi6.file-sign", "#ffffff"), self.tr("申请等级评定…"))
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setProperty("kind", "primary")
        self.apply_button.clicked.connect(self.apply)
        head.addWidget(self.apply_button)
        box.addLayout(head)
        box.addWidget(label(self.tr("等级变更记录"), "subtitle"))
        self.grades = log_table(
            "gradesTable",
            [self.tr("生效日期"), self.tr("原等级"), self.tr("新等级"), self.tr("依据"), self.tr("办理人")],
        )
        box.addWidget(self.grades, 1)
        box.addWidget(label(self.tr("评定申请"), "subtitle"))
        self.applications = log_table(
            "applicationsTable",
            [self.tr("申请日期"), self.tr("评定标准"), self.tr("申请等级"), self.tr("办理状态"), self.tr("评定等级")],
        )
        box.addWidget(self.applications, 1)
        return page

    def _evidence_tab(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        self.evidence = EvidenceView(self.ctx, self.actor)
        self.evidence.setObjectName("mediatorEvidence")
        box.addWidget(self.evidence, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline"), self.tr("生成申请表（PDF）…"))
        self.print_button.setObjectName("printEvidence")
        self.print_button.setToolTip(self.tr("按上面的统计期间和等级生成人民调解员等级评定申请表"))
        self.print_button.clicked.connect(self.print_form)
        row.addWidget(self.print_button)
        box.addLayout(row)
        return page

    # -- loading ------------------------------------------------------------------------------------

    @property
    def editable(self) -> bool:
        return self.detail["editable"] if self.detail else self.actor.can(Perm.MANAGE_MEDIATORS)

    def _input(self, key: str, kind: type[W]) -> W:
        """One of the form's inputs as the kind it is (the .ui file decides it)."""
        widget = self.inputs[key]
        if not isinstance(widget, kind):
            raise TypeError(f"{key} is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    def reload(self) -> None:
        if self.uuid is None:
            self.setWindowTitle(self.tr("新增调解员"))
            self.title.setText(self.tr("新增调解员"))
            set_code(self._input("status", QComboBox), "serving")
            set_code(self._input("employment_type", QComboBox), "part_time")
            for i in range(1, self.tabs.count()):
                self.tabs.setTabEnabled(i, False)
            self.status_note.setText(self.tr("保存基本信息后，可登记培训、奖惩并查看评定材料。"))
            self.reveal_action.setVisible(False)
            return
        self.detail = d = ops.read(self.ctx, self.actor, mediators.detail, self.uuid)
        apps = ops.read(self.ctx, self.actor, grading.list_applications, mediator_uuid=self.uuid)
        for i in range(self.tabs.count()):
            self.tabs.setTabEnabled(i, True)
        self.setWindowTitle(self.tr("调解员：{name}").format(name=d["name"]))
        self.title.setText(
            self.tr("{name}　{committee}　{employment}　{grade}").format(
                name=d["name"], committee=d["committee"], employment=d["employment_label"], grade=d["grade_label"]
            )
        )
        for key in PROFILE:
            widget = self.inputs[key]
            value = d[key]
            if isinstance(widget, QComboBox):
                set_code(widget, value)
            elif isinstance(widget, QDateEdit):
                set_date(widget, value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(value or "")
            elif isinstance(widget, QLineEdit):
                widget.setText(value or "")
        self.reveal_action.setVisible(bool(d["id_number"]) and "*" in d["id_number"])
        current = (
            [
                (
                    "",
                    [
                        d["appointed_on"].isoformat(),
                        d["appointment_end"].isoformat() if d["appointment_end"] else self.tr("至今"),
                        d["committee"],
                        self.tr("本次聘任（见基本信息）"),
                    ],
                )
            ]
            if d["appointed_on"]
            else []
        )
        fill_table(
            self.appointments,
            current
            + [
                (
                    a["uuid"],
                    [
                        a["start_on"].isoformat(),
                        a["end_on"].isoformat() if a["end_on"] else self.tr("至今"),
                        a["committee_name"],
                        a["note"],
                    ],
                )
                for a in d["appointments"]
            ],
        )
        total = sum((t["hours"] for t in d["trainings"]), start=Decimal(0))
        self.training_total.setText(
            self.tr("共 {n} 次，{h} 学时").format(n=len(d["trainings"]), h=f"{total.normalize():f}")
        )
        fill_table(
            self.trainings,
            [
                (t["uuid"], [t["held_on"].isoformat(), t["topic"], f"{t['hours'].normalize():f}", t["organiser"]])
                for t in d["trainings"]
            ],
        )
        fill_table(
            self.events,
            [
                (
                    e["uuid"],
                    [
                        e["occurred_on"].isoformat(),
                        e["kind_label"],
                        e["title"],
                        e["outcome_label"],
                        e["art15_label"] if e["art15"] else "",
                        e["case_no"],
                        e["issuer"],
                    ],
                )
                for e in d["events"]
            ],
        )
        fill_table(
            self.grades,
            [
                ("", [g["effective_on"].isoformat(), g["previous"], g["grade"], g["reason"], g["actor"]])
                for g in d["grades"]
            ],
        )
        fill_table(
            self.applications,
            [
                (a.uuid, [a.applied_on.isoformat(), a.rule_set, a.level_name, a.status_label, a.granted_name])
                for a in apps
            ],
        )
        graded = self.tr("（{on} 起）").format(on=d["graded_on"].isoformat()) if d["graded_on"] and d["grade"] else ""
        self.grade_label.setText(self.tr("现有等级：{grade}{since}").format(grade=d["grade_label"], since=graded))
        invited = d["employment_type"] == "invited"
        self.apply_button.setEnabled(self.editable and not invited and d["status"] == "serving")
        self.apply_button.setToolTip(self.tr("特邀调解员不能申请等级评定") if invited else "")
        editable = self.editable
        for widget in self.inputs.values():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not editable)
            else:
                widget.setEnabled(editable)
        self._show_save()
        for kind in ("appointment", "training", "event"):
            getattr(self, f"add_{kind}_button").setEnabled(editable)
        self.status_note.setText("" if editable else self.tr("只读：本单位无权修改该调解员的信息。"))
        if self.evidence.mediator_uuid != self.uuid:
            self.evidence.set_mediator(self.uuid)

    # -- saving -------------------------------------------------------------------------------------

    def _show_save(self) -> None:
        """Ctrl+S and the button save the profile; the logs save in their own dialogs."""
        self.save_button.setVisible(self.editable and self.tabs.currentIndex() == 0)

    def command(self) -> mediators.MediatorCommand:
        values: dict[str, Any] = {}
        for key, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                values[key] = code_of(widget)
            elif isinstance(widget, QDateEdit):
                values[key] = date_of(widget)
            elif isinstance(widget, QPlainTextEdit):
                values[key] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                values[key] = widget.text()
        return mediators.MediatorCommand(**values)

    def save(self) -> None:
        if not self.editable or not self.save_button.isEnabled():
            return
        cmd, actor, uuid = self.command(), self.actor.stamped(), self.uuid
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.refused.setVisible(False)
        loaded = self.detail["version"] if self.detail else None
        self.conflict = {}

        def work(session: Any) -> mediators.MediatorRow:
            if uuid is None:
                return mediators.create_mediator(session, actor, cmd)
            try:  # refused when another desk saved the mediator since this form read it
                return mediators.update_mediator(session, actor, uuid, cmd, loaded_version=loaded)
            except EditConflict as exc:
                self.conflict.update(version=exc.current_version, message=exc.editor_message)  # read after delivery
                raise

        submit(self.ctx, self, work, self._saved, self._refused, self.tr("正在保存…"))

    def _saved(self, row: mediators.MediatorRow) -> None:
        self.save_button.setEnabled(True)
        self.uuid = row.uuid
        self.reload()
        self.status_note.setText(self.tr("已保存"))
        self.saved.emit(row.uuid)

    def _refused(self, field: str | None, message: str) -> None:
        self.save_button.setEnabled(True)
        if self.detail is not None and "version" in self.conflict:  # the typing stays; saving again applies it
            self.detail["version"], message = self.conflict["version"], self.conflict["message"]
        if field in self.inputs:
            self.tabs.setCurrentIndex(0)
        self.errors.show(field, message)
        self.refused.setText(self.tr("未保存：") + message)
        self.refused.setVisible(True)
        messages.error(self, message)

    def reveal_id(self) -> None:
        ops.write(self.ctx, self.actor, mediators.reveal_id, self.uuid, parent=self, on_ok=self._revealed)

    def _revealed(self, number: str) -> None:
        self._input("id_number", QLineEdit).setText(number)
        self.reveal_action.setVisible(False)

    # -- logs ---------------------------------------------------------------------------------------

    def _open(self, dialog: TrainingDialog | EventDialog | AppointmentDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _r: self._changed())
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    def _changed(self) -> None:
        self.reload()
        self.evidence.compute()
        self.saved.emit(self.uuid)

    def _saved_uuid(self) -> str:
        """The mediator's uuid: the log and grading buttons are enabled only once the profile is saved."""
        if self.uuid is None:
            raise RuntimeError("the mediator is not saved yet")
        return self.uuid

    def add_training(self) -> None:
        self._open(TrainingDialog(self.ctx, self.actor, self._saved_uuid(), self))

    def add_event(self) -> None:
        self._open(EventDialog(self.ctx, self.actor, self._saved_uuid(), self))

    def add_appointment(self) -> None:
        self._open(AppointmentDialog(self.ctx, self.actor, self._saved_uuid(), self))

    def remove_entry(self, kind: str, table: QTableWidget) -> None:
        uuid = selected_uuid(table)
        if not uuid or not messages.confirm(
            self, self.tr("删除选中的这条记录吗？删除后不再计入评定材料，审计日志中留有记录。")
        ):
            return
        ops.write(
            self.ctx, self.actor, mediators.remove_log_entry, kind, uuid, parent=self, on_ok=lambda _r: self._changed()
        )

    def apply(self) -> None:
        dialog = ApplyDialog(self.ctx, self.actor, self.uuid, self)

        def applied(row: Any) -> None:
            self._changed()
            self.applied.emit(row.uuid)

        dialog.saved.connect(applied)
        self._open_apply(dialog)

    def _open_apply(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code: setattr(self, "dialog", None))
        dialog.open()

    # -- printing -----------------------------------------------------------------------------------

    def print_form(self) -> None:
        rules = self.evidence.rules()
        if rules is None or self.uuid is None or self.detail is None:
            return
        start, end = self.evidence.period()
        name = safe_file_name(self.tr("{name}等级评定申请表.pdf").format(name=self.detail["name"]))
        path = self.save_file(self, self.tr("保存申请表"), name, self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        level = code_of(self.evidence.level) or None
        ops.write(
            self.ctx,
            self.actor,
            grading.evidence_pdf,
            self.uuid,
            rules.code,
            level,
            start,
            end,
            label=self.tr("正在生成申请表…"),
            parent=self,
            on_ok=lambda data: self._write_pdf(path, data),
        )

    def _write_pdf(self, path: str, data: bytes) -> None:
        try:
            with open(path, "wb") as f:
                f.write(data)
        except OSError as exc:
            messages.error(self, self.tr("无法写入 {path}：{reason}").format(path=path, reason=exc.strerror or exc))
            return
        self.status_note.setText(self.tr("申请表已保存：{path}").format(path=path))

    def done(self, result: int) -> None:
        prefs.save_geometry("mediators/form", self)
        super().done(result)
