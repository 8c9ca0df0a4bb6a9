"""The idle lock: after a set time without keyboard or mouse input the main window is covered and
the same user's password is asked again (GB/T 22239 asks for it; case files hold personal data).

The unlock goes through services.auth.sign_in, so wrong tries count toward the account lockout and
are in the audit log like any failed login.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from xihu_desk.gui import ops, qtapp, theme
from xihu_desk.gui.context import AppContext
from xihu_desk.gui.widgets import icon_label, label
from xihu_desk.services import auth
from xihu_desk.services.context import Actor

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Counts user input application-wide; emits ``idle`` after ``timeout_ms`` without any."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.idle)
        qtapp.application().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT and self._timer.isActive():
            self._timer.start()  # restart the countdown
        return False

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self._timer.isActive():
            self._timer.start()

    def timeout_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._timer.start()

    def pause(self) -> None:
        self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()
        qtapp.application().removeEventFilter(self)


class LockDialog(QDialog):
    """Covers the work until the same user signs in again, or hands over to another user."""

    unlocked = Signal(object)  # Actor, signed in afresh
    switch_user = Signal()

    def __init__(self, ctx: AppContext, actor: Actor, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.actor = ctx, actor
        self.setWindowTitle(self.tr("工作台已锁定"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        # No close button: the only ways out are the password or switching user.
        self.setWindowFlags(Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint)
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 22, 28, 20)
        box.setSpacing(10)
        head = QHBoxLayout()
        head.addWidget(icon_label("mdi6.lock-outline", 44))
        title = label(self.tr("工作台已锁定"), "title")
        head.addWidget(title, 1)
        box.addLayout(head)
        who = f"{actor.display_name or actor.name}（{actor.name}）"
        box.addWidget(
            label(
                self.tr("为保护当事人信息，{n} 分钟无操作后自动锁定。\n请输入 {who} 的密码继续工作。").format(
                    n=minutes, who=who
                ),
                wrap=True,
            )
        )
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        box.addWidget(self.password)
        self.error_label = label("", wrap=True)
        self.error_label.setProperty("state", "error")
        self.error_label.setObjectName("lockError")
        box.addWidget(self.error_label)
        buttons = QHBoxLayout()
        self.switch_button = QPushButton(theme.icon("mdi6.account-switch-outline"), self.tr("切换用户"))
        self.switch_button.setAutoDefault(False)
        self.unlock_button = QPushButton(self.tr("解锁"))
        self.unlock_button.setProperty("kind", "primary")
        self.unlock_button.setDefault(True)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box.addLayout(buttons)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)
        self.switch_button.clicked.connect(self._switch)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("用") * 24)  # grows with the text size
        self.password.setFocus()

    def try_unlock(self) -> None:
        password = self.password.text()
        if not password:
            self.error_label.setText(self.tr("请输入密码。"))
            return
        if self.ctx.runner.busy():
            return
        self.unlock_button.setEnabled(False)
        ops.call(
            self.ctx,
            None,
            auth.sign_in,
            self.actor.name,
            password,
            parent=self,
            on_ok=self._unlocked,
            on_error=self._failed,
        )

    def _unlocked(self, actor: Actor) -> None:
        self.unlock_button.setEnabled(True)
        self.done(QDialog.DialogCode.Accepted)
        self.unlocked.emit(actor)

    def _failed(self, message: str) -> None:
        self.unlock_button.setEnabled(True)
        self.error_label.setText(message)
        self.password.clear()
        self.password.setFocus()

    def _switch(self) -> None:
        if self.ctx.runner.busy():
            return
        self.done(QDialog.DialogCode.Rejected)
        self.switch_user.emit()

    def reject(self) -> None:  # Esc does not unlock
        pass
