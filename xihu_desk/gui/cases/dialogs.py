"""Small dialogs of the case form (a record, an extension, a follow-up visit…): a form layout with
a message line under each field, Save and Cancel, and one unit of work on the runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from xihu_desk.gui import messages, prefs
from xihu_desk.gui.kit import FieldErrors, add_field, form_layout, submit  # noqa: F401 - add_field, form_layout: the case dialogs import them from here
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import label


class CaseSubDialog(QDialog):
    """Window-modal over the case form. ``run(work)`` saves; a refusal stays open with what was
    typed, the message under the field it names and once more as a message box."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget, settings_key: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings_key = settings_key
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.errors = FieldErrors()
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 14, 16, 12)
        self.body.setSpacing(8)
        self.refused_label = label("", wrap=True)
        self.refused_label.setObjectName("refusedMessage")
        self.refused_label.setProperty("state", "error")
        self.refused_label.setVisible(False)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("kind", "primary")
        self.save_button.setToolTip(self.tr("保存（Ctrl+S）"))
        # Enter in a field does not save a half-typed record: Ctrl+S or a click does.
        self.save_button.setAutoDefault(False)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self._save_key)
        self.busy = False

    def finish_layout(self, note: str = "") -> None:
        self.body.addWidget(self.refused_label)
        buttons = QHBoxLayout()
        if note:
            buttons.addWidget(label(note, "muted"))
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        self.body.addLayout(buttons)
        if self.settings_key:
            prefs.restore_geometry(self.settings_key, self)

    def read_only(self) -> None:
        self.save_button.hide()
        self.cancel_button.setText(self.tr("关闭"))

    def _save_key(self) -> None:
        if self.save_button.isVisible() and self.save_button.isEnabled():
            self.save()

    def save(self) -> None:  # to override: build the command, then self.run(work, after)
        pass

    def run(self, work: Callable[[Any], Any], after: Callable[[Any], None]) -> None:
        if self.busy:
            return
        self.busy = True
        self.save_button.setEnabled(False)
        self.errors.clear()
        self.refused_label.setVisible(False)

        def ok(result: Any) -> None:
            self.busy = False
            self.save_button.setEnabled(True)
            self.accept()
            after(result)

        submit(self.ctx, self, work, ok, self.refuse, self.tr("正在保存…"))

    def refuse(self, field: str | None, message: str) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        self.errors.show(field, message)
        self.refused_label.setText(self.tr("未保存：") + message)
        self.refused_label.setVisible(True)
        messages.error(self, message)

    def done(self, result: int) -> None:
        if self.settings_key:
            prefs.save_geometry(self.settings_key, self)
        super().done(result)
