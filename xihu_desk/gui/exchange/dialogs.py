"""The decisions of the exchange page: is this the other office's key (compare the fingerprint by
phone), should this bundle be imported (after its dry run), and which case goes back for
correction with what comment.

The dialogs are opened with ``open()`` and report through signals, so the page stays in charge of
the database work and tests click their real buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import messages
from xihu_desk.gui.exchange import text
from xihu_desk.gui.widgets import label
from xihu_desk.services.exchange import Enrolled, ImportResult

# Only the family: the size comes from the application font, so the text-size setting applies.
MONO = 'font-family: "DejaVu Sans Mono", "Consolas", "Noto Sans Mono", monospace;'


def fingerprint_text(fingerprint: str) -> str:
    """Sixteen groups of four read better as two lines of eight (the way one reads them out)."""
    groups = fingerprint.split()
    return "\n".join(" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8)) if groups else "—"


def fingerprint_label(fingerprint: str = "") -> QLabel:
    widget = QLabel(fingerprint_text(fingerprint))
    widget.setStyleSheet(f"QLabel {{ {MONO} }}")
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def _em(widget: QWidget, n: float) -> int:
    """A width in characters of the current font, so dialogs grow with the text size."""
    return round(widget.fontMetrics().horizontalAdvance("汉") * n)


class FingerprintDialog(QDialog):
    """Shown before a key is saved: the user reads the fingerprint to the other office by phone."""

    def __init__(self, found: Enrolled, level_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = found
        relation = self.tr("下级单位") if found.relation == "child" else self.tr("上级单位")
        self.setWindowTitle(self.tr("核对公钥指纹"))
        box = QVBoxLayout(self)
        box.setSpacing(10)
        heading = label(
            self.tr("登记{relation}：{org}（{level}）").format(
                relation=relation, org=found.org_name, level=level_label
            ),
            "subtitle",
            wrap=True,
        )
        heading.setObjectName("enrolHeading")
        box.addWidget(heading)
        box.addWidget(
            label(
                self.tr(
                    "登记前请打电话给对方，请对方打开“数据交换”页，逐组念出“本节点”的公钥指纹，与下面的指纹逐组核对："
                ),
                wrap=True,
            )
        )
        frame = QFrame()
        frame.setProperty("kind", "card")
        inner = QVBoxLayout(frame)
        inner.setContentsMargins(16, 12, 16, 12)
        self.fingerprint = fingerprint_label(found.fingerprint)
        self.fingerprint.setObjectName("enrolFingerprint")
        self.fingerprint.setProperty("kind", "subtitle")  # larger, for reading out group by group
        self.fingerprint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.fingerprint)
        box.addWidget(frame)
        box.addWidget(
            label(
                self.tr(
                    "全部一致才能登记。只要有一组不同，说明文件拿错了或在传递中被换过：请不要登记，向对方重新索取公钥文件。"
                ),
                "muted",
                wrap=True,
            )
        )
        self.checked = QCheckBox(self.tr("我已与对方电话核对，指纹完全一致"))
        self.checked.setObjectName("fingerprintChecked")
        box.addWidget(self.checked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.enrol_button = QPushButton(self.tr("登记"))
        self.enrol_button.setObjectName("enrolButton")
        self.enrol_button.setProperty("kind", "primary")
        self.enrol_button.setEnabled(False)
        self.enrol_button.clicked.connect(self.accept)
        self.checked.toggled.connect(self.enrol_button.setEnabled)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.enrol_button)
        box.addLayout(buttons)
        self.setMinimumWidth(_em(self, 34))


class ImportDialog(QDialog):
    """Preview (the dry run) → 确认导入 → importing → the summary with the receipt."""

    confirmed = Signal()
    open_folder = Signal(object)  # Path of the receipt's folder

    def __init__(self, bundle: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bundle = bundle
        self.receipt: Path | None = None
        self.setWindowTitle(self.tr("导入数据包"))
        box = QVBoxLayout(self)
        box.setSpacing(8)
        file_line = label(self.tr("文件：{name}").format(name=bundle), "muted", wrap=True)
        file_line.setObjectName("importFile")
        box.addWidget(file_line)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setContentsMargins(12, 8, 12, 8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setWidget(self.summary)
        box.addWidget(scroll, 1)
        self.note = label("", wrap=True)
        self.note.setObjectName("importNote")
        box.addWidget(self.note)
        self.receipt_line = label("", wrap=True)
        self.receipt_line.setObjectName("receiptLine")
        self.receipt_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.receipt_line)

        buttons = QHBoxLayout()
        self.folder_button = QPushButton(self.tr("打开回执所在文件夹"))
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(lambda: self.open_folder.emit(self.receipt.parent if self.receipt else None))
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_button = QPushButton(self.tr("确认导入"))
        self.confirm_button.setObjectName("confirmImport")
        self.confirm_button.setProperty("kind", "primary")
        self.confirm_button.clicked.connect(self._confirm)
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.clicked.connect(self.accept)
        for button in (self.cancel_button, self.confirm_button, self.close_button):
            buttons.addWidget(button)
        box.addLayout(buttons)
        self.setMinimumSize(_em(self, 48), _em(self, 28))
        self.stage = ""

    # -- the stages --------------------------------------------------------------------------------

    def show_preview(self, result: ImportResult) -> None:
        self.stage = "preview"
        self.setWindowTitle(self.tr("导入数据包 — 预览"))
        self.summary.setText(text.import_html(result))
        self.note.setText(
            self.tr("确认后一次性写入，并在数据包旁边写一份回执；请把回执交回报送单位。取消则什么也不写。")
        )
        self._buttons(preview=True)

    def importing(self) -> None:
        self.stage = "importing"
        self.note.setText(self.tr("正在导入，请稍候…"))
        for button in (self.cancel_button, self.confirm_button):
            button.setEnabled(False)

    def back_to_preview(self) -> None:
        """The import was cancelled (or failed): nothing was written, the choice is open again."""
        self.stage = "preview"
        self.note.setText(self.tr("没有导入。可以再次确认导入，或取消。"))
        self._buttons(preview=True)

    def show_done(self, result: ImportResult) -> None:
        self.stage = "done"
        self.setWindowTitle(self.tr("导入数据包 — 完成"))
        self.summary.setText(text.import_html(result))
        self.receipt = result.receipt
        self.note.setText("")
        self.receipt_line.setText(
            self.tr("回执已写入：{path}\n请把回执文件交回报送单位，由对方用“登记回执…”登记。").format(
                path=result.receipt
            )
            if result.receipt
            else ""
        )
        self._buttons(preview=False)

    def show_refused(self, message: str) -> None:
        self.stage = "refused"
        self.setWindowTitle(self.tr("导入数据包 — 未导入"))
        self.summary.setText(text.refused_html(message))
        self.note.setText("")
        self.receipt = None
        self._buttons(preview=False)

    def _buttons(self, preview: bool) -> None:
        self.cancel_button.setVisible(preview)
        self.confirm_button.setVisible(preview)
        self.cancel_button.setEnabled(preview)
        self.confirm_button.setEnabled(preview)
        self.close_button.setVisible(not preview)
        self.folder_button.setVisible(not preview and self.receipt is not None)
        self.receipt_line.setVisible(not preview and self.receipt is not None)
        (self.confirm_button if preview else self.close_button).setDefault(True)

    def _confirm(self) -> None:
        if self.stage == "preview":
            self.importing()
            self.confirmed.emit()

    def reject(self) -> None:  # Esc: not while the import runs (it finishes or rolls back whole)
        if self.stage != "importing":
            super().reject()


class AskingDialog(QDialog):
    """A few lines asked for the page, which does the saving (退回补正, 不同意移送): an error line
    and 取消 / the action button at the foot (``finish``), a refusal said on it (``failed``)."""

    def finish(self, box: QVBoxLayout, action: str, name: str, submit: Callable[[], None]) -> None:
        self.error_label = label(wrap=True)
        self.error_label.setProperty("state", "error")
        box.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("取消"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton(action)
        self.save_button.setObjectName(name)
        self.save_button.setProperty("kind", "primary")
        self.save_button.clicked.connect(submit)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        box.addLayout(buttons)

    def failed(self, message: str) -> None:
        """Refused: say why, keep what was typed."""
        self.error_label.setText(message)


D = TypeVar("D", bound=AskingDialog)


class AskingSlot(Generic[D]):
    """The one asking dialog a page tab has open. The save's progress and a late answer belong to
    the tab, which outlives the dialog; the dialog is deleted once closed. (Parented to the dialog,
    the progress and the answer went with it when it closed on success, and a dialog that deleted
    itself on close left the tab's callbacks holding a dead object.)"""

    def __init__(self, owner: QWidget) -> None:
        self.owner = owner
        self.dialog: D | None = None

    def open(self, dialog: D) -> None:
        self.dialog = dialog

        def closed(_code: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()

    def failed(self, message: str) -> None:
        """A refusal: on the dialog while it is open, else in a message box over the tab."""
        if self.dialog is not None:
            self.dialog.failed(message)
        else:
            messages.error(self.owner, message)

    def done(self) -> None:
        if self.dialog is not None:
            self.dialog.accept()


class ReturnDialog(AskingDialog):
    """退回补正: the case number and what is to be corrected; the page does the saving."""

    submitted = Signal(str, str)  # case number, comment

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("退回补正"))
        box = QVBoxLayout(self)
        box.addWidget(
            label(
                self.tr(
                    "把下级单位报送的案件退回该单位补正。补正要求随下一个“生成下发数据包…”发给该单位；"
                    "对方改正后，案件随其下一个数据包重新报送上来。"
                ),
                wrap=True,
            )
        )
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.case_no = QLineEdit()
        self.case_no.setObjectName("returnCaseNo")
        self.case_no.setPlaceholderText(self.tr("例如：（2026）北山人调字第0012号"))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("returnComment")
        self.comment.setPlaceholderText(self.tr("写明需要补正的内容，例如：请补充当事人身份证明。"))
        self.comment.setTabChangesFocus(True)
        form.addRow(self.tr("案号：*"), self.case_no)
        form.addRow(self.tr("补正要求：*"), self.comment)
        box.addLayout(form)
        self.finish(box, self.tr("退回"), "returnButton", self._submit)
        self.error_label.setObjectName("returnError")
        self.case_no.textChanged.connect(self._changed)
        self.comment.textChanged.connect(self._changed)
        self._changed()
        self.setMinimumWidth(_em(self, 34))

    def _changed(self) -> None:
        self.save_button.setEnabled(bool(self.case_no.text().strip() and self.comment.toPlainText().strip()))

    def _submit(self) -> None:
        self.error_label.setText("")
        self.save_button.setEnabled(False)
        self.submitted.emit(self.case_no.text().strip(), self.comment.toPlainText().strip())

    def failed(self, message: str) -> None:
        super().failed(message)
        self._changed()
