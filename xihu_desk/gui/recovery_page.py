"""首次设置's 恢复密钥 page: the new node's recovery key, shown this once, with 打印恢复密钥单 (the
print preview of documents/recovery_sheet.py) and 保存为文件 (the sheet as PDF, or the key file
that ``restore --recovery-key-file`` reads); 下一步 only once 我已妥善保管 is ticked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizardPage,
)

from xihu_desk.domain import clock
from xihu_desk.domain.errors import UserError
from xihu_desk.gui import messages, ops, theme
from xihu_desk.gui.context import AppContext
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
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.8)
    mono.setWeight(QFont.Weight.Bold)
    key.setFont(mono)
    return key


class RecoveryPage(QWizardPage):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.code = ""
        self.setObjectName("recoveryPage")
        self.setTitle(self.tr("恢复密钥"))
        self.setSubTitle(
            self.tr("数据库已加密。下面的恢复密钥只显示这一次：换电脑或密钥丢失时，只有用它才能恢复数据。")
        )
        box = QVBoxLayout(self)
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
        self.kept.toggled.connect(self.completeChanged)
        box.addWidget(self.kept)
        box.addStretch(1)
        self.preview: QDialog | None = None  # kept so the open preview is not collected

    def show_code(self, code: str) -> None:
        self.code = code
        self.key.setText(code)

    def isComplete(self) -> bool:
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
