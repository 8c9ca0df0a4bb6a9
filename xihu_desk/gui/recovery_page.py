"""首次设置's 恢复密钥 page: the new node's recovery key, shown this once, with 打印恢复密钥单 (the
print preview of documents/recovery_sheet.py) and 保存为文件 (the sheet as PDF, or the key file
that ``restore --recovery-key-file`` reads); 下一步 only once 我已妥善保管 is ticked. The same
panel shows a new key after encrypting and after 更换恢复密钥 (``RecoveryKeyDialog``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.unlock_code import key_font
from xihu_desk.gui.widgets import label
from xihu_desk.services import at_rest, recovery_sheet


@dataclass
class SheetToPrint:
    """What the print preview needs to know about a printed paper (gui/documents.PreviewDialog)."""

    pdf: bytes
    title: str = "数据恢复密钥单"
    case_no: str = ""
    code: str = ""
    draft: bool = False
    copies: int = 1
    file_name: str = "数据恢复密钥单.pdf"


def key_label(code: str = "") -> QLabel:
    """The recovery key as it is shown once: large, bold, fixed-pitch, centred, selectable."""
    key = QLabel(code)
    key.setObjectName("recoveryKey")
    key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    key.setAlignment(Qt.AlignmentFlag.AlignCenter)
    key.setFont(key_font())
    return key


class RecoveryKeyPanel(QWidget):
    """The recovery key shown once, with 打印恢复密钥单, 保存为文件 and 我已妥善保管: the wizard's
    page, the box after encrypting, and 更换恢复密钥 show this same panel."""

    kept_changed = Signal(bool)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.code = ""
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.key = key_label()
        box.addWidget(self.key)
        box.addWidget(
            label(
                self.tr(
                    "请打印恢复密钥单，由负责人签字后密封，锁入单位保险柜；不要拍照，不要存在这台电脑上。"
                    "保存为文件时请存到 U 盘，存好后把 U 盘一起锁好。"
                ),
                "muted",
                wrap=True,
            )
        )
        row = QHBoxLayout()
        self.print_button = QPushButton(theme.icon("mdi6.printer-outline", theme.ACCENT), self.tr("打印恢复密钥单"))
        self.print_button.setObjectName("printRecoverySheet")
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button = QPushButton(theme.icon("mdi6.content-save-outline"), self.tr("保存为文件"))
        self.save_button.setObjectName("saveRecoveryKey")
        self.save_button.clicked.connect(self.save_dialog)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        box.addLayout(row)
        self.kept = QCheckBox(self.tr("我已妥善保管"))
        self.kept.setObjectName("recoveryKept")
        self.kept.toggled.connect(self.kept_changed)
        box.addWidget(self.kept)
        self.preview: QDialog | None = None  # kept so the open preview is not collected

    def show_code(self, code: str) -> None:
        self.code = code
        self.key.setText(code)
        self.kept.setChecked(False)

    def is_kept(self) -> bool:
        return bool(self.code) and self.kept.isChecked()

    # -- the sheet ----------------------------------------------------------------------------------

    def sheet_pdf(self) -> bytes:
        return ops.session_read(self.ctx, recovery_sheet.pdf_bytes, self.code, clock.local_today())

    def print_sheet(self) -> None:
        from xihu_desk.gui.documents import PreviewDialog

        try:
            printed = SheetToPrint(self.sheet_pdf())
        except UserError as exc:
            messages.error(self, exc.message)
            return
        preview = PreviewDialog(printed, self)
        preview.setWindowTitle(self.tr("数据恢复密钥单"))
        preview.info.setText(self.tr("共 1 页"))  # no 核验码: the sheet is not a case document
        preview.open()
        self.preview = preview

    def save_dialog(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        sheet, key_file = self.tr("恢复密钥单 (*.pdf)"), self.tr("恢复密钥文件 (*.txt)")
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("保存恢复密钥"), str(Path(folder) / "数据恢复密钥单.pdf"), f"{sheet};;{key_file}"
        )
        if path:
            self.save_to(Path(path), as_sheet=chosen != key_file and not path.lower().endswith(".txt"))

    def save_to(self, path: Path, *, as_sheet: bool) -> Path | None:
        """The sheet as PDF, or the key file ``restore --recovery-key-file`` reads; never inside
        the data folder."""
        try:
            if as_sheet:
                saved = ops.session_read(
                    self.ctx, recovery_sheet.write, self.ctx.data.root, self.code, path, clock.local_today()
                )
            else:
                saved = at_rest.write_recovery_file(self.ctx.data, path, self.code)
        except UserError as exc:
            messages.error(self, exc.message)
            return None
        messages.info(self, self.tr("已保存：{path}").format(path=saved))
        return saved


class RecoveryPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("recoveryPage")
        self.setTitle(self.tr("恢复密钥"))
        self.setSubTitle(
            self.tr("数据库已加密。下面的恢复密钥只显示这一次：换电脑或密钥丢失时，只有用它才能恢复数据。")
        )
        box = QVBoxLayout(self)
        self.panel = RecoveryKeyPanel(ctx, self)
        self.panel.kept_changed.connect(self.completeChanged)
        box.addWidget(self.panel)
        box.addStretch(1)
        # the panel's parts, as the wizard and its tests know them
        self.key, self.kept = self.panel.key, self.panel.kept
        self.print_button, self.save_button = self.panel.print_button, self.panel.save_button

    @property
    def code(self) -> str:
        return self.panel.code

    @property
    def preview(self) -> QDialog | None:
        return self.panel.preview

    def show_code(self, code: str) -> None:
        self.panel.show_code(code)

    def isComplete(self) -> bool:
        return self.panel.is_kept()

    def print_sheet(self) -> None:
        self.panel.print_sheet()

    def save_to(self, path: Path, *, as_sheet: bool) -> Path | None:
        return self.panel.save_to(path, as_sheet=as_sheet)


class RecoveryKeyDialog(QDialog):
    """A new recovery key outside the wizard (after encrypting, after 更换恢复密钥): ``lead`` says
    what happened, the panel shows the key once, ``after`` (muted) what else was done; 确定 only
    once 我已妥善保管 is ticked, and closing the box any other way asks first."""

    def __init__(
        self, ctx: AppContext, code: str, title: str, lead: str, after: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("中") * 44)  # grows with the text size
        layout = QVBoxLayout(self)
        layout.addWidget(label(lead, wrap=True))
        self.panel = RecoveryKeyPanel(ctx, self)
        self.panel.show_code(code)
        layout.addWidget(self.panel)
        if after:
            layout.addWidget(label(after, "muted", wrap=True))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        messages._plain(self.ok, self.tr("确定"))  # the program's plain button
        self.ok.setEnabled(False)
        self.panel.kept_changed.connect(lambda _on: self.ok.setEnabled(self.panel.is_kept()))
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.ensurePolished()
        self.resize(self.minimumWidth(), layout.heightForWidth(self.minimumWidth()))  # every wrapped line whole

    def reject(self) -> None:
        """Esc or the window's close button: the key is not shown again, so ask."""
        if self.panel.is_kept() or messages.confirm(
            self,
            self.tr("恢复密钥只显示这一次，关闭后不能再查看。确定已打印或抄下了吗？"),
            self.tr("关闭"),
        ):
            super().reject()
