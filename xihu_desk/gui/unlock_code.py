"""The field where a recovery key is typed as the sheet prints it, or read from the key file
that 保存为文件 and ``--recovery-key-file`` write, with a line under it for what went wrong.

Shared by the unlock screen at start (gui/unlock_screen.py) and the restore of another PC's
backup (gui/pages/datasafety_keys.RecoveryCodeDialog). Only services/at_rest is used (the store's
file and key modules): the unlock screen comes before the database is open and loads no more."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from xihu_desk.domain.errors import UserError
from xihu_desk.gui import theme
from xihu_desk.gui.widgets import label, show_state
from xihu_desk.services import at_rest

PLACEHOLDER = "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-Y"


def key_font() -> QFont:
    """The recovery key's font wherever it is shown or typed: large, bold, fixed-pitch."""
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.8)
    mono.setWeight(QFont.Weight.Bold)
    return mono


class RecoveryCodeField(QWidget):
    """The key's line edit, 读取恢复密钥文件…, and the message line under them."""

    typed = Signal(str)  # the text changed (typed, pasted or read from a file)
    said = Signal()  # the message line changed: the box around may need to grow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        self.code = QLineEdit()
        self.code.setObjectName("recoveryCode")
        self.code.setPlaceholderText(PLACEHOLDER)
        self.code.setMaxLength(40)
        self.code.setFont(key_font())
        box.addWidget(self.code)
        row = QHBoxLayout()
        self.file_button = QPushButton(theme.icon("mdi6.file-key-outline"), self.tr("读取恢复密钥文件…"))
        self.file_button.setObjectName("readRecoveryKeyFile")
        self.file_button.clicked.connect(self.choose_file)
        row.addWidget(self.file_button)
        row.addStretch(1)
        box.addLayout(row)
        self.error = label("", wrap=True)
        self.error.setObjectName("recoveryCodeError")
        box.addWidget(self.error)
        self.code.textChanged.connect(self._typed)

    def text(self) -> str:
        return self.code.text()

    def say(self, state: str, text: str) -> None:
        """A line under the key: "error", "ok" or "hint" ("" clears it)."""
        show_state(self.error, state, text)
        self.updateGeometry()  # the box around asks for its height at once, before the layout's event
        self.said.emit()

    def checked(self) -> str:
        """The typed key as the sheet prints it; UserError when it cannot be one (wrong length, a
        slipped character caught by the check character). Nothing is read: no thread needed."""
        return at_rest.code_form(self.code.text())

    def _typed(self, text: str) -> None:
        self.say("hint", "")
        self.typed.emit(text)

    def choose_file(self) -> None:
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("读取恢复密钥文件"), folder, self.tr("恢复密钥文件 (*.txt);;所有文件 (*)")
        )
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """The key in ``path`` into the field (a few bytes: read here); False, said, when none."""
        try:
            self.code.setText(at_rest.read_key_file(path))
        except UserError as exc:
            self.say("error", exc.message)
            return False
        return True

    def set_busy(self, busy: bool) -> None:
        self.code.setReadOnly(busy)
        self.file_button.setEnabled(not busy)
