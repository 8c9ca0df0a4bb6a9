"""Messages to the user through one bridge.

Everything that tells the user something (information, a refused action, a crash) goes through
``bridge()``. The bridge emits ``shown`` and calls an injectable ``show_fn``/``confirm_fn``, so
tests record messages and answer confirmations instead of blocking on modal boxes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

INFO, WARNING, ERROR, CRASH = "info", "warning", "error", "crash"


translate = QCoreApplication.translate  # lupdate finds translate("context", "text") calls


@dataclass(frozen=True)
class Message:
    level: str
    title: str
    text: str
    details: str = ""


def _plain(button: QAbstractButton, text: str) -> None:
    # Our words, and no desktop-theme icon beside them (one icon set in the whole program).
    button.setText(text)
    button.setIcon(QIcon())


def show_box(parent: QWidget | None, message: Message) -> None:
    icons = {
        INFO: QMessageBox.Icon.Information,
        WARNING: QMessageBox.Icon.Warning,
        ERROR: QMessageBox.Icon.Warning,  # a refused action is not an alarm
        CRASH: QMessageBox.Icon.Critical,
    }
    box = QMessageBox(icons[message.level], message.title, message.text, QMessageBox.StandardButton.Ok, parent)
    _plain(box.button(QMessageBox.StandardButton.Ok), translate("messages", "确定"))
    if message.details:
        box.setDetailedText(message.details)
    box.exec()


def ask_box(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent
    )
    _plain(box.button(QMessageBox.StandardButton.Yes), translate("messages", "确定"))
    _plain(box.button(QMessageBox.StandardButton.No), translate("messages", "取消"))
    box.setDefaultButton(QMessageBox.StandardButton.No)  # a slip of the Enter key must not restore or delete
    return box.exec() == QMessageBox.StandardButton.Yes


class MessageBridge(QObject):
    shown = Signal(object)  # Message

    def __init__(self) -> None:
        super().__init__()
        self.show_fn: Callable[[QWidget | None, Message], None] = show_box
        self.confirm_fn: Callable[[QWidget | None, str, str], bool] = ask_box

    def show(self, parent: QWidget | None, message: Message) -> None:
        self.shown.emit(message)
        self.show_fn(parent, message)

    def info(self, parent: QWidget | None, text: str, title: str = "") -> None:
        self.show(parent, Message(INFO, title or translate("messages", "提示"), text))

    def warning(self, parent: QWidget | None, text: str, title: str = "") -> None:
        self.show(parent, Message(WARNING, title or translate("messages", "注意"), text))

    def error(self, parent: QWidget | None, text: str, title: str = "") -> None:
        self.show(parent, Message(ERROR, title or translate("messages", "无法完成"), text))

    def crash(self, parent: QWidget | None, text: str, details: str) -> None:
        self.show(parent, Message(CRASH, translate("messages", "程序错误"), text, details))

    def confirm(self, parent: QWidget | None, text: str, title: str = "") -> bool:
        return self.confirm_fn(parent, title or translate("messages", "请确认"), text)


_bridge: MessageBridge | None = None


def bridge() -> MessageBridge:
    global _bridge
    if _bridge is None:
        _bridge = MessageBridge()
    return _bridge


def info(parent: QWidget | None, text: str, title: str = "") -> None:
    bridge().info(parent, text, title)


def warning(parent: QWidget | None, text: str, title: str = "") -> None:
    bridge().warning(parent, text, title)


def error(parent: QWidget | None, text: str, title: str = "") -> None:
    bridge().error(parent, text, title)


def confirm(parent: QWidget | None, text: str, title: str = "") -> bool:
    return bridge().confirm(parent, text, title)
