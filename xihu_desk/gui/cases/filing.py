"""结案归档: the closing report (人民调解结案报告表), ID proofs, the contents list of the case file
(卷内目录, domain.md §2.2) and 立卷归档, which the service refuses while something required is missing;
and 附件, the scans and photos of the case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.domain import clock
from xihu_desk.domain.cases import ATTACHMENT_KINDS
from xihu_desk.domain.errors import UserError
from xihu_desk.domain.roles import Perm
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.cases.dialogs import add_field, form_layout
from xihu_desk.gui.kit import code_of, date_of, fill_combo, set_code, set_date, setup_date
from xihu_desk.gui.kit.dates import required_date
from xihu_desk.gui.cases.tab import CaseTab
from xihu_desk.gui.fmt import size_text
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import attachments, cases, codes
from xihu_desk.services.case_queries import CaseForEdit


def _table(columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    return table


class FilingTab(CaseTab):
    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.save_text = self.tr("保存结案报告")
        self.detail: dict[str, Any] | None = None

        report = QGroupBox(self.tr("结案报告表"))
        report_box = QVBoxLayout(report)
        self.report_note = label("", "muted", wrap=True)
        report_box.addWidget(self.report_note)
        form = form_layout()
        self.closed_on = QDateEdit()
        self.closed_on.setObjectName("closedOn")
        setup_date(self.closed_on)
        self.report = QPlainTextEdit()
        self.report.setObjectName("closingReport")
        self.report.setTabChangesFocus(True)
        self.report.setPlaceholderText(self.tr("调解结果、协议履行情况、卷宗材料整理情况"))
        self.id_proofs = QCheckBox(self.tr("当事人身份证明已收集（复印件入卷）"))
        self.id_proofs.setObjectName("idProofs")
        show = lambda: self.dialog.show_tab(self)  # noqa: E731
        add_field(form, self.errors, "closed_on", self.tr("结案时间"), self.closed_on, True, show)
        add_field(form, self.errors, "closing_report", self.tr("结案报告"), self.report, True, show)
        form.addRow("", self.id_proofs)
        report_box.addLayout(form, 1)

        contents = QGroupBox(self.tr("卷内目录"))
        contents_box = QVBoxLayout(contents)
        self.contents = _table(
            [self.tr("序号"), self.tr("文书名称"), self.tr("要求"), self.tr("情况"), self.tr("备注")], "contentsTable"
        )
        self.contents.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # All thirteen items fit without scrolling: rows as tall as a line of text, not a button.
        self.contents.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.contents.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        contents_box.addWidget(self.contents, 1)

        filing = QGroupBox(self.tr("立卷归档"))
        filing_box = QVBoxLayout(filing)
        self.missing = label("", wrap=True)
        self.missing.setObjectName("filingMessage")
        filing_box.addWidget(self.missing)
        file_form = form_layout()
        self.retention = QComboBox()
        self.retention.setObjectName("retention")
        fill_combo(self.retention, ops.session_read(self.ctx, codes.items, "retention"), self.tr("（请选择）"))
        self.filed_on = QDateEdit()
        self.filed_on.setObjectName("filedOn")
        setup_date(self.filed_on)
        add_field(file_form, self.errors, "retention", self.tr("保管期限"), self.retention, True, show)
        add_field(file_form, self.errors, "filed_on", self.tr("立卷日期"), self.filed_on, True, show)
        filing_box.addLayout(file_form)
        self.file_button = QPushButton(theme.icon("mdi6.archive-arrow-down-outline", "#ffffff"), self.tr("立卷归档"))
        self.file_button.setObjectName("fileButton")
        self.file_button.setProperty("kind", "primary")
        self.file_button.clicked.connect(self.file_case)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.file_button)
        filing_box.addLayout(row)

        right = QVBoxLayout()
        right.addWidget(contents, 1)
        right.addWidget(filing)
        box = QHBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addWidget(report, 2)
        box.addLayout(right, 3)
        self.watch_inputs([self.closed_on, self.report, self.id_proofs])

    # -- filling ------------------------------------------------------------------------------------

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.detail = detail
        if detail is None:
            return
        may = self.can_edit_case(detail, after_closing=True)
        has_outcome = detail["outcome"] is not None
        self.editable = may
        if not (keep_typing and self.dirty):
            with self.loading():
                set_date(self.closed_on, detail["closed_on"] or detail["outcome_on"] or clock.local_today())
                self.report.setPlainText(detail["closing_report"])
                self.id_proofs.setChecked(detail["id_proofs_received"])
            self.errors.clear()
        filing = detail["filing"]
        if filing["filed_on"]:  # otherwise the retention and date stay as the user chose them
            set_code(self.retention, filing["retention"])
            set_date(self.filed_on, filing["filed_on"])
        self.report_note.setText(
            self.tr("结案后填写；结案时间为履行完毕或处理终结之日。")
            if has_outcome
            else self.tr("登记调解结果后才能填写结案报告。")
        )
        self.closed_on.setReadOnly(not (may and has_outcome))
        self.report.setReadOnly(not (may and has_outcome))
        self.id_proofs.setEnabled(may)
        self._fill_contents(detail["filing"]["contents"])
        self._fill_filing(detail)

    def _fill_contents(self, items: list[dict[str, Any]]) -> None:
        self.contents.setRowCount(len(items))
        danger, ok, muted = QColor(theme.DANGER), QColor(theme.SUCCESS), QColor(theme.MUTED)
        for row, i in enumerate(items):
            if i["present"]:
                state, colour = self.tr("✓ 已有"), ok
            elif i["required"]:
                state, colour = self.tr("✗ 缺少"), danger
            else:
                state, colour = self.tr("—"), muted
            values = (
                str(i["number"]),
                i["name"],
                self.tr("必须") if i["required"] else self.tr("按需"),
                state,
                i["note"],
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(colour)
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.contents.setItem(row, column, item)

    def _fill_filing(self, d: dict[str, Any]) -> None:
        filing = d["filing"]
        own = d["owner_node"] == self.dialog.node_id
        can_file = self.actor.can(Perm.FILE_CASES) and own and d["status"] == "closed"
        if d["status"] == "filed":
            label_text = self.retention.itemText(self.retention.findData(filing["retention"]))
            show_state(
                self.missing,
                "ok",
                self.tr("已于 {on} 由 {by} 立卷归档，保管期限：{r}。").format(
                    on=filing["filed_on"], by=filing["filed_by"], r=label_text
                ),
            )
        elif d["status"] != "closed":
            show_state(self.missing, "hint", self.tr("结案后才能立卷归档。"))
        elif filing["missing"]:
            show_state(
                self.missing,
                "error",
                self.tr("尚缺必备材料：{m}。补齐后才能归档。").format(m="、".join(filing["missing"])),
            )
        else:
            show_state(self.missing, "ok", self.tr("必备材料齐全，可以立卷归档。"))
        if not self.actor.can(Perm.FILE_CASES) and d["status"] == "closed":
            self.missing.setText(self.missing.text() + self.tr("（立卷归档须由所长办理）"))
        self.file_button.setEnabled(can_file)
        self.retention.setEnabled(can_file)
        self.filed_on.setReadOnly(not can_file)

    # -- saving -------------------------------------------------------------------------------------

    def save(self) -> None:
        d = self.detail or {}
        uuid, actor = self.dialog.saved_uuid(), self.actor
        closed_on, report, proofs = date_of(self.closed_on), self.report.toPlainText(), self.id_proofs.isChecked()
        no_date = self.tr("请填写结案时间。")
        proofs_changed = proofs != d.get("id_proofs_received")
        write_report = bool(report.strip()) or bool(d.get("closing_report")) or not proofs_changed

        def work(s: Any) -> None:
            if proofs_changed:
                cases.mark_id_proofs(s, actor, uuid, proofs)
            if write_report:
                cases.write_closing_report(s, actor, uuid, required_date(closed_on, "closed_on", no_date), report)

        self.dialog.run(self, work, self.tr("已保存结案报告。") if write_report else self.tr("已保存身份证明情况。"))

    def file_case(self) -> None:
        if self.dialog.any_dirty():
            messages.warning(self, self.tr("还有未保存的修改，请先保存再立卷归档。"))
            return
        uuid, actor = self.dialog.saved_uuid(), self.actor
        retention, no_date = code_of(self.retention), self.tr("请填写立卷日期。")
        picked = date_of(self.filed_on)

        def filed_on() -> date:  # read in the work the runner runs: an empty field is refused there
            return required_date(picked, "filed_on", no_date)

        due = (self.detail or {}).get("followup_due")
        if due and not (self.detail or {})["filing"]["missing"]:  # the visit is due: filing needs a reason
            from xihu_desk.gui.cases.lifecycle import ReasonDialog

            self.followup_dialog = ReasonDialog(
                self.ctx,
                self.tr("立卷归档"),
                self.tr(
                    "本案应于 {due} 前回访，回访尚未完成。如不再回访即归档，请写明理由；"
                    "归档后不再提示回访，理由记入案件历史。"
                ).format(due=due),
                self.tr("立卷归档"),
                self.tr("立卷归档后，本案的所有内容都不能再修改。确定归档吗？"),
                self.dialog,
                lambda s, reason: cases.file_case(s, actor, uuid, retention, filed_on(), reason),
                lambda _r: self.dialog.after_save((self,), self.tr("案件已立卷归档。")),
                self.tr("如：当事人已当场履行完毕，电话确认无需上门回访"),
            )
            self.followup_dialog.open()
            return
        if not messages.confirm(
            self, self.tr("立卷归档后，本案的所有内容都不能再修改。确定归档吗？"), self.tr("立卷归档")
        ):
            return
        self.dialog.run(
            self,
            lambda s: cases.file_case(s, actor, uuid, retention, filed_on()),
            self.tr("案件已立卷归档。"),
            on_refused=self._file_refused,
        )

    def _file_refused(self, field: str | None, message: str) -> None:
        if field is None:  # what is missing, or the case is not closed: shown where the button is
            show_state(self.missing, "error", message)


class AttachmentsTab(CaseTab):
    """Scans and photos kept with the case (stored once by content hash under the data folder)."""

    def __init__(self, dialog) -> None:
        super().__init__(dialog)
        self.detail: dict[str, Any] | None = None
        # The file picker is a seam: tests put a function here instead of the native dialog.
        self.choose_file: Callable[[QWidget], str] = self._ask_file
        self.table = _table([self.tr("类别"), self.tr("文件名"), self.tr("大小")], "attachmentTable")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(lambda row, _c: self.open_file(row))
        self.kind = QComboBox()
        self.kind.setObjectName("attachmentKind")
        fill_combo(self.kind, ATTACHMENT_KINDS, self.tr("（选择类别）"))
        self.add_button = QPushButton(theme.icon("mdi6.paperclip-plus"), self.tr("添加文件…"))
        self.add_button.setObjectName("addAttachment")
        self.add_button.clicked.connect(self.add_file)
        self.open_button = QPushButton(theme.icon("mdi6.file-eye-outline"), self.tr("打开"))
        self.open_button.setObjectName("openAttachment")
        self.open_button.clicked.connect(lambda: self.open_file(self.table.currentRow()))
        self.kind_error = label("", wrap=True)
        self.kind_error.setProperty("state", "error")
        self.kind_error.setVisible(False)
        self.errors.add("kind", self.kind, self.kind_error, lambda: self.dialog.show_tab(self))
        row = QHBoxLayout()
        row.addWidget(label(self.tr("类别："), ""))
        row.addWidget(self.kind)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.open_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 10, 10, 10)
        box.addWidget(
            label(
                self.tr(
                    "扫描件、照片等材料（每个不超过 50 MB）。身份证明、授权委托书、证据材料、履行凭证会计入卷内目录。"
                ),
                "muted",
                wrap=True,
            )
        )
        box.addLayout(row)
        box.addWidget(self.kind_error)
        box.addWidget(self.table, 1)

    def load(self, detail: dict[str, Any] | None, edit: CaseForEdit | None, keep_typing: bool) -> None:
        self.detail = detail
        if detail is None:
            return
        self.editable = self.can_edit_case(detail, after_closing=True)
        rows = detail["attachments"]
        self.table.setRowCount(len(rows))
        for row, a in enumerate(rows):
            for column, text in enumerate(
                (ATTACHMENT_KINDS.get(a["kind"], a["kind"]), a["file_name"], size_text(a["size"]))
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.kind.setEnabled(self.editable)
        self.add_button.setEnabled(self.editable)
        self.open_button.setEnabled(bool(rows))

    def _ask_file(self, parent: QWidget) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent,
            self.tr("选择要添加的材料"),
            "",
            self.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.bmp);;所有文件 (*)"),
        )
        return path

    def add_file(self) -> None:
        kind = code_of(self.kind)
        if not kind:
            self.dialog.refused(self, "kind", self.tr("请先选择材料类别。"))
            return
        path = self.choose_file(self)
        if not path:
            return
        uuid, actor, root = self.dialog.saved_uuid(), self.actor, self.ctx.data.root
        self.dialog.run(
            self,
            lambda s: attachments.add_attachment(s, actor, root, uuid, kind, Path(path)),
            self.tr("已添加：{name}").format(name=Path(path).name),
            label=self.tr("正在保存附件…"),
        )

    def open_file(self, row: int) -> None:
        if self.detail is None or not 0 <= row < len(self.detail["attachments"]):
            return
        a = self.detail["attachments"][row]
        # The store keeps files encrypted under keyed names; a plain copy under the original name
        # in the temporary folder (emptied at start and exit) lets the PC pick the viewer.
        folder = attachments.view_folder()
        try:
            copy = ops.read(self.ctx, self.actor, attachments.view_copy, self.ctx.data.root, a["uuid"], folder)
        except UserError as exc:
            messages.error(self, exc.message)
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy)))
